package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres/pgtest"
)

// The PostgreSQL server of the tests that need one, started by the first of them.
var (
	pgOnce sync.Once
	pg     *pgtest.Server
	pgStop func()
)

func postgresDatabase(t *testing.T) string {
	t.Helper()
	pgOnce.Do(func() { pg, pgStop = pgtest.Start() })
	return pg.NewDatabase(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pgStop != nil {
		pgStop()
	}
	os.Exit(code)
}

const sessionTestToken = "bootstrap-session-test"

// api sends one API request with the bootstrap token, or with token when given.
func api(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	if token == "" {
		token = sessionTestToken
	}
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// webBrowser is a browser in front of several replicas: its cookie jar ignores
// ports, as browsers do, so one session cookie goes to every replica, as through a
// load balancer. It follows no redirects.
type webBrowser struct {
	t *testing.T
	c *http.Client
}

func newWebBrowser(t *testing.T) *webBrowser {
	jar, _ := cookiejar.New(nil)
	return &webBrowser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type webPage struct {
	status   int
	location string
	body     string
}

var webCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (p webPage) csrf(t *testing.T) string {
	t.Helper()
	m := webCSRF.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF field on the page (%d %s):\n%s", p.status, p.location, p.body)
	}
	return m[1]
}

func (b *webBrowser) do(method, url string, form url.Values) webPage {
	b.t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = b.c.PostForm(url, form)
	} else {
		resp, err = b.c.Get(url)
	}
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return webPage{resp.StatusCode, resp.Header.Get("Location"), string(body)}
}

func (b *webBrowser) signIn(base, secret string) {
	b.t.Helper()
	form := b.do(http.MethodGet, base+"/signin", nil)
	if p := b.do(http.MethodPost, base+"/signin", url.Values{"csrf": {form.csrf(b.t)}, "token": {secret}}); p.status != http.StatusSeeOther || p.location != "/" {
		b.t.Fatalf("sign in on %s: %d %s\n%s", base, p.status, p.location, p.body)
	}
}

// cookie returns the session cookie the browser holds for base.
func (b *webBrowser) cookie(base string) string {
	u, _ := url.Parse(base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "raci_session" {
			return c.Value
		}
	}
	return ""
}

func wantWebSignedOut(t *testing.T, p webPage, why string) {
	t.Helper()
	if p.status != http.StatusSeeOther || p.location != "/signin" {
		t.Errorf("%s: %d %q, want a redirect to /signin", why, p.status, p.location)
	}
}

// listSessions returns the sessions GET /v1/sessions lists on base.
func listSessions(t *testing.T, base string) []map[string]any {
	t.Helper()
	status, body := api(t, http.MethodGet, base+"/v1/sessions", "", "")
	if status != http.StatusOK {
		t.Fatalf("GET /v1/sessions = %d %s", status, body)
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// Two serve processes on one database, as behind a load balancer: what issue 19's
// probe did (sign in with a tenant:acme:write token, DELETE /v1/tokens/<name>, then
// use the web session), and sign-out and an administrator ending a session, across
// the replicas, on both stores.
func TestServeSessionsAcrossReplicas(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", sessionTestToken)
	for _, store := range []struct {
		name     string
		database func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "raci.db") }},
		{"postgres", postgresDatabase},
	} {
		t.Run(store.name, func(t *testing.T) {
			database := store.database(t)
			a, _, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", database)
			b, _, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", database)
			testSessionsAcrossReplicas(t, a, b)
		})
	}
}

func testSessionsAcrossReplicas(t *testing.T, a, b string) {
	for _, w := range [][2]string{
		{"/v1/tenants/acme", `{"deployment_model": "private_saas"}`},
		{"/v1/tenants/acme/parties/auth0", `{"kind": "vendor"}`},
		{"/v1/tenants/acme/parties/subscriber", `{"kind": "customer"}`},
		{"/v1/tenants/acme/checklists/infrastructure", `{"title": "Infrastructure", "items": [{"key": "dns", "title": "DNS", "owner": "subscriber"}]}`},
	} {
		if status, body := api(t, http.MethodPut, a+w[0], "", w[1]); status != http.StatusCreated {
			t.Fatalf("PUT %s = %d %s", w[0], status, body)
		}
	}
	status, body := api(t, http.MethodPost, a+"/v1/tokens", "", `{"name": "acme-writer", "scopes": ["tenant:acme:write"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create token = %d %s", status, body)
	}
	var created struct{ Secret string }
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}

	// Signed in on replica a, the browser is signed in on b, with the edit forms.
	web := newWebBrowser(t)
	web.signIn(a, created.Secret)
	cookie := web.cookie(a)
	page := web.do(http.MethodGet, b+"/tenants/acme", nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, `action="/tenants/acme/checklists/infrastructure/items/dns"`) {
		t.Fatalf("the tenant page on replica b = %d %s, want it with the item's form\n%s", page.status, page.location, page.body)
	}
	csrf := page.csrf(t)
	sessions := listSessions(t, b)
	if len(sessions) != 1 || sessions[0]["token"] != "acme-writer" {
		t.Fatalf("GET /v1/sessions on b = %v, want acme-writer's session", sessions)
	}
	if raw, _ := json.Marshal(sessions); strings.Contains(string(raw), cookie) || strings.Contains(string(raw), created.Secret) {
		t.Errorf("GET /v1/sessions shows a secret: %s", raw)
	}

	// The probe: revoke the token on a; the API refuses it at once, and so do the
	// web pages on b.
	if status, body := api(t, http.MethodDelete, a+"/v1/tokens/acme-writer", "", ""); status != http.StatusNoContent {
		t.Fatalf("DELETE /v1/tokens/acme-writer = %d %s", status, body)
	}
	if status, _ := api(t, http.MethodGet, b+"/v1/tenants/acme", created.Secret, ""); status != http.StatusUnauthorized {
		t.Errorf("the API with the revoked token = %d, want 401", status)
	}
	post := web.do(http.MethodPost, b+"/tenants/acme/checklists/infrastructure/items/dns", url.Values{"csrf": {csrf}, "status": {"done"}, "evidence": {"after revocation"}})
	wantWebSignedOut(t, post, "the revoked token's item POST on replica b")
	if _, body := api(t, http.MethodGet, a+"/v1/tenants/acme/checklists/infrastructure", "", ""); !strings.Contains(body, `"status":"pending"`) || strings.Contains(body, "after revocation") {
		t.Errorf("the checklist after the refused POST: %s", body)
	}
	for _, base := range []string{a, b} {
		p := web.do(http.MethodGet, base+"/tenants/acme", nil)
		wantWebSignedOut(t, p, "the revoked token's tenant page on "+base)
		if strings.Contains(p.body, "item-form") {
			t.Errorf("the revoked token's session still gets the edit forms on %s", base)
		}
	}
	if got := listSessions(t, a); len(got) != 0 {
		t.Errorf("sessions after revoking their token = %v, want none", got)
	}

	// An administrator ends a session on b; the browser is signed out on a.
	status, body = api(t, http.MethodPost, a+"/v1/tokens", "", `{"name": "acme-reader", "scopes": ["tenant:acme:read"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create token = %d %s", status, body)
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	web.signIn(a, created.Secret)
	sessions = listSessions(t, b)
	if len(sessions) != 1 {
		t.Fatalf("sessions = %v, want one", sessions)
	}
	id, _ := sessions[0]["id"].(string)
	if status, body := api(t, http.MethodDelete, b+"/v1/sessions/"+id, "", ""); status != http.StatusNoContent {
		t.Fatalf("DELETE /v1/sessions/%s = %d %s", id, status, body)
	}
	wantWebSignedOut(t, web.do(http.MethodGet, a+"/tenants/acme", nil), "a session an administrator ended, on the other replica")
	if status, _ := api(t, http.MethodDelete, b+"/v1/sessions/"+id, "", ""); status != http.StatusNotFound {
		t.Errorf("ending it again = %d, want 404", status)
	}

	// Signing out on a ends the session on b too, for a cookie kept elsewhere.
	web.signIn(a, created.Secret)
	kept := web.cookie(a)
	page = web.do(http.MethodGet, a+"/", nil)
	if p := web.do(http.MethodPost, a+"/signout", url.Values{"csrf": {page.csrf(t)}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign out = %d", p.status)
	}
	other := newWebBrowser(t)
	u, _ := url.Parse(b)
	other.c.Jar.SetCookies(u, []*http.Cookie{{Name: "raci_session", Value: kept, Path: "/"}})
	wantWebSignedOut(t, other.do(http.MethodGet, b+"/tenants/acme", nil), "a signed-out session's cookie on the other replica")
}
