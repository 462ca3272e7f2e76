package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// The people of the tests' identity provider.
var (
	peter  = testPerson{name: "peter", email: "Peter@Initech.example", verified: true, groups: []string{"initech-infra", "initech-staff"}}
	milton = testPerson{name: "milton", email: "milton@initech.example", verified: false, groups: []string{"initech-infra"}}
)

// oidcFixture is the web pages over the fixture's store, signing people in with a
// real OpenID Provider, and a grant of acme's checklist scope to initech-infra.
type oidcFixture struct {
	*fixture
	op   *testOP
	web  *httptest.Server
	oidc *OIDC
}

func newOIDCFixture(t *testing.T) *oidcFixture {
	t.Helper()
	f := newFixture(t)
	webSrv := httptest.NewUnstartedServer(nil)
	redirect := "http://" + webSrv.Listener.Addr().String() + OIDCCallbackPath
	provider := newTestOP(t, []string{redirect}, peter, milton)
	o, err := NewOIDC(t.Context(), OIDCConfig{Issuer: provider.issuer, ClientID: testClientID, ClientSecret: testClientSecret, RedirectURL: redirect}, nil)
	if err != nil {
		t.Fatal(err)
	}
	webSrv.Config.Handler = New(f.db, f.db, Options{Token: "bootstrap-secret", OIDC: o})
	webSrv.Start()
	t.Cleanup(webSrv.Close)
	if _, _, err := f.db.PutAccess(t.Context(), &raci.Access{Tenant: "acme", Name: "infra", Scope: raci.AccessChecklist, Groups: []string{"initech-infra"}}); err != nil {
		t.Fatal(err)
	}
	return &oidcFixture{fixture: f, op: provider, web: webSrv, oidc: o}
}

// person is a browser on the fixture's pages and its provider: a cookie jar for
// both sites, redirects followed by hand so that the tests see each step.
type person struct {
	t   *testing.T
	f   *oidcFixture
	jar *cookiejar.Jar
	c   *http.Client
}

func (f *oidcFixture) person(t *testing.T) *person {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &person{t: t, f: f, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *person) do(method, u string, form url.Values) response {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(p.t.Context(), method, u, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	return readPage(p.t, resp)
}

// follow follows redirects from u until an answer that is not one, or until the
// next would reach the RACI server's callback, whose URL it returns then.
func (p *person) follow(u string) (last response, callback string) {
	p.t.Helper()
	for range 10 {
		if strings.HasPrefix(u, p.f.web.URL+OIDCCallbackPath) {
			return last, u
		}
		last = p.do(http.MethodGet, u, nil)
		loc := last.header.Get("Location")
		if last.status < 300 || last.status > 399 || loc == "" {
			return last, ""
		}
		next, err := url.Parse(u)
		if err != nil {
			p.t.Fatal(err)
		}
		ref, err := next.Parse(loc)
		if err != nil {
			p.t.Fatal(err)
		}
		u = ref.String()
	}
	p.t.Fatalf("too many redirects, last %s", u)
	return last, ""
}

// signInAt starts a sign-in at the RACI server, signs in at the provider as the
// person named, and returns the URL the provider sends the browser back to.
func (p *person) signInAt(name string) string {
	p.t.Helper()
	login, cb := p.follow(p.f.web.URL + "/signin/oidc")
	if cb != "" || login.status != http.StatusOK || !strings.Contains(login.body, "Test identity provider") {
		p.t.Fatalf("the sign-in did not reach the provider's login page: %d %s\n%s", login.status, cb, login.body)
	}
	id := regexpFind(p.t, `name="id" value="([^"]+)"`, login.body)
	done := p.do(http.MethodPost, p.f.op.issuer+"/login", url.Values{"id": {id}, "username": {name}})
	_, cb = p.follow(done.header.Get("Location"))
	if cb == "" {
		p.t.Fatalf("the provider did not send the browser back to the callback after %s signed in", name)
	}
	return cb
}

// signIn signs in as the person named and checks that it worked.
func (p *person) signIn(name string) {
	p.t.Helper()
	r := p.do(http.MethodGet, p.signInAt(name), nil)
	wantStatus(p.t, r, http.StatusOK)
	wantContains(p.t, r, "You are signed in as")
}

func (p *person) get(path string) response {
	p.t.Helper()
	return p.do(http.MethodGet, p.f.web.URL+path, nil)
}

func regexpFind(t *testing.T, pattern, s string) string {
	t.Helper()
	m := regexpMust(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in\n%s", pattern, s)
	}
	return m[1]
}

// A person in initech-infra signs in with the provider, sees why they may act,
// ticks an item under their email, and is refused once the grant is removed.
func TestOIDCSignInActsAsThePerson(t *testing.T) {
	f := newOIDCFixture(t)
	p := f.person(t)
	wantContains(t, p.get("/signin"), `id="signin-oidc"`, f.op.issuer)
	p.signIn("peter")

	list := p.get("/")
	wantStatus(t, list, http.StatusOK)
	wantContains(t, list, "Signed in as <strong>peter@initech.example</strong> with the identity provider", `href="/tenants/acme"`)
	wantNotContains(t, list, `href="/tenants/globex"`)

	page := p.get("/tenants/acme")
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, "checklist via group initech-infra (access infra)")
	tick := p.do(http.MethodPost, f.web.URL+"/tenants/acme/checklists/infrastructure/items/dns", url.Values{
		"csrf": {page.csrf(t)}, "status": {"done"}, "evidence": {"https://tickets.example/dns"},
	})
	wantStatus(t, tick, http.StatusSeeOther)
	events, err := f.db.ListEvents(t.Context(), "acme", raci.EventFilter{Newest: true, Limit: 1})
	if err != nil || len(events) != 1 || events[0].Actor != "peter@initech.example" {
		t.Fatalf("newest event = %+v, %v; want one by peter@initech.example", events, err)
	}
	// Another tenant is as invisible to the person as to a token.
	wantStatus(t, p.get("/tenants/globex"), http.StatusNotFound)

	// The grant goes: the very next request is refused, with no sign-out.
	if err := f.db.DeleteAccess(t.Context(), "acme", "infra"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, p.get("/tenants/acme"), http.StatusNotFound)
	again := p.do(http.MethodPost, f.web.URL+"/tenants/acme/checklists/infrastructure/items/firewall", url.Values{
		"csrf": {page.csrf(t)}, "status": {"done"}, "evidence": {"https://tickets.example/fw"},
	})
	wantStatus(t, again, http.StatusNotFound)
	c, err := f.db.FindChecklist(t.Context(), "acme", "infrastructure")
	if err != nil {
		t.Fatal(err)
	}
	if it := c.Item("firewall"); it.Status == raci.Done {
		t.Errorf("a person without a grant ticked firewall: %+v", it)
	}
	// A grant by email gives it back, read only.
	if _, _, err := f.db.PutAccess(t.Context(), &raci.Access{Tenant: "acme", Name: "peter", Scope: raci.AccessRead, Emails: []string{"peter@initech.example"}}); err != nil {
		t.Fatal(err)
	}
	page = p.get("/tenants/acme")
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, "read via email peter@initech.example (access peter)")
	wantNotContains(t, page, `id="infrastructure-dns-status"`)
	refused := p.do(http.MethodPost, f.web.URL+"/tenants/acme/checklists/infrastructure/items/firewall", url.Values{
		"csrf": {page.csrf(t)}, "status": {"done"}, "evidence": {"https://tickets.example/fw"},
	})
	wantStatus(t, refused, http.StatusForbidden)
	wantContains(t, refused, "You (peter@initech.example) may read tenant &#34;acme&#34; but not tick its checklists: that needs a raci_access grant")
}

// Two servers (replicas) on one database: a person signed in on one is signed in
// on the other, and a grant removed through one refuses the person's next request
// on the other at once.
func TestOIDCReplicasShareGrants(t *testing.T) {
	f := newOIDCFixture(t)
	db2, err := sqlite.Open(context.Background(), f.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	replica := httptest.NewServer(New(db2, db2, Options{OIDC: f.oidc}))
	t.Cleanup(replica.Close)

	p := f.person(t)
	p.signIn("peter")
	web, _ := url.Parse(f.web.URL)
	var secret string
	for _, c := range p.jar.Cookies(web) {
		if c.Name == sessionCookie {
			secret = c.Value
		}
	}
	page := getWithCookie(t, replica, secret, "/tenants/acme")
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, "Signed in as <strong>peter@initech.example</strong>", "checklist via group initech-infra")

	if err := f.db.DeleteAccess(t.Context(), "acme", "infra"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, getWithCookie(t, replica, secret, "/tenants/acme"), http.StatusNotFound)
	// Still signed in, on both: only the grant went.
	wantStatus(t, getWithCookie(t, replica, secret, "/"), http.StatusOK)
}

// A callback whose state is not the one the browser started with is refused, and
// starts no session.
func TestOIDCWrongStateIsRefused(t *testing.T) {
	f := newOIDCFixture(t)
	p := f.person(t)
	cb, err := url.Parse(p.signInAt("peter"))
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	q.Set("state", "forged"+q.Get("state"))
	cb.RawQuery = q.Encode()
	r := p.do(http.MethodGet, cb.String(), nil)
	wantStatus(t, r, http.StatusBadRequest)
	wantContains(t, r, "state does not match")
	wantStatus(t, p.get("/"), http.StatusSeeOther)
}

// A code used once is refused the second time, even with the browser's own state.
func TestOIDCReplayedCodeIsRefused(t *testing.T) {
	f := newOIDCFixture(t)
	p := f.person(t)
	cb := p.signInAt("peter")
	web, _ := url.Parse(f.web.URL + "/signin/oidc")
	var saved *http.Cookie
	for _, c := range p.jar.Cookies(web) {
		if c.Name == oidcCookie {
			saved = c
		}
	}
	if saved == nil {
		t.Fatal("the browser holds no sign-in cookie")
	}
	wantStatus(t, p.do(http.MethodGet, cb, nil), http.StatusOK)

	// The same answer again, from a browser that kept the sign-in's cookie.
	thief := f.person(t)
	thief.jar.SetCookies(web, []*http.Cookie{{Name: oidcCookie, Value: saved.Value, Path: "/signin/oidc"}})
	r := thief.do(http.MethodGet, cb, nil)
	wantStatus(t, r, http.StatusUnauthorized)
	wantContains(t, r, "did not accept the sign-in&#39;s code")
	wantStatus(t, thief.get("/"), http.StatusSeeOther)
}

// A person whose email the provider has not verified is not named by it.
func TestOIDCUnverifiedEmailIsRefused(t *testing.T) {
	f := newOIDCFixture(t)
	p := f.person(t)
	r := p.do(http.MethodGet, p.signInAt("milton"), nil)
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "has not verified the email milton@initech.example")
	wantStatus(t, p.get("/"), http.StatusSeeOther)
	sessions, err := f.db.ListSessions(t.Context())
	if err != nil || len(sessions) != 0 {
		t.Errorf("sessions = %v, %v; want none", sessions, err)
	}
}

// An ID token another provider signed is refused, though it names a person in the
// granted group: the server sent the browser, and took the code, to that provider
// (a mix-up), but trusts only its own issuer.
func TestOIDCTokenFromAnotherIssuerIsRefused(t *testing.T) {
	f := newOIDCFixture(t)
	redirect := f.web.URL + OIDCCallbackPath
	other := newTestOP(t, []string{redirect}, peter)
	otherConf, err := NewOIDC(t.Context(), OIDCConfig{Issuer: other.issuer, ClientID: testClientID, ClientSecret: testClientSecret, RedirectURL: redirect}, nil)
	if err != nil {
		t.Fatal(err)
	}
	own, err := NewOIDC(t.Context(), OIDCConfig{Issuer: f.op.issuer, ClientID: testClientID, ClientSecret: testClientSecret, RedirectURL: redirect}, nil)
	if err != nil {
		t.Fatal(err)
	}
	own.oauth.Endpoint = otherConf.oauth.Endpoint
	ownIssuer := f.op.issuer
	f.web.Config.Handler = New(f.db, f.db, Options{OIDC: own})
	f.op = other // the person signs in at the other provider

	p := f.person(t)
	r := p.do(http.MethodGet, p.signInAt("peter"), nil)
	wantStatus(t, r, http.StatusUnauthorized)
	wantContains(t, r, "The ID token was refused", "not one issuer "+ownIssuer+" signed")
	wantStatus(t, p.get("/"), http.StatusSeeOther)
}

// serve refuses half an OIDC configuration, naming the flag that is missing.
func TestNewOIDCNamesWhatIsMissing(t *testing.T) {
	_, err := NewOIDC(context.Background(), OIDCConfig{Issuer: "http://127.0.0.1:1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "--oidc-client-id is required") {
		t.Errorf("NewOIDC without a client ID: %v", err)
	}
	_, err = NewOIDC(context.Background(), OIDCConfig{Issuer: "http://127.0.0.1:1", ClientID: "x", RedirectURL: "http://x/cb"}, nil)
	if err == nil || !strings.Contains(err.Error(), "check --oidc-issuer") {
		t.Errorf("NewOIDC with an issuer that does not answer: %v", err)
	}
}

func regexpMust(pattern string) *regexp.Regexp { return regexp.MustCompile(pattern) }
