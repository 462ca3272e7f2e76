package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// fixture is a web handler on a real SQLite store with two tenants, acme and
// globex, and a token per kind of person.
type fixture struct {
	db      *sqlite.DB
	dbPath  string
	srv     *httptest.Server
	secrets map[string]string // token name → secret
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "raci.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed(t, db)

	f := &fixture{db: db, dbPath: path, secrets: map[string]string{}}
	for name, scopes := range map[string][]raci.Scope{
		"acme-reader":    {raci.TenantScope("acme", raci.AccessRead)},
		"acme-checklist": {raci.TenantScope("acme", raci.AccessChecklist)},
		"acme-writer":    {raci.TenantScope("acme", raci.AccessWrite)},
		"globex-reader":  {raci.TenantScope("globex", raci.AccessRead)},
	} {
		_, secret, err := db.CreateToken(ctx, &raci.Token{Name: name, Scopes: scopes})
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[name] = secret
	}
	f.srv = httptest.NewServer(New(db, db, Options{Token: "bootstrap-secret"}))
	t.Cleanup(f.srv.Close)
	return f
}

// seed writes the tenants of the tests, the matrix shape of seed 003.
func seed(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := raci.WithActor(context.Background(), "seed")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"acme", "globex"} {
		_, _, err := db.PutTenant(ctx, &raci.Tenant{Name: name, DisplayName: strings.ToUpper(name[:1]) + name[1:] + " Private SaaS", Customer: name + " Corp", DeploymentModel: "private_saas"}, raci.Precondition{})
		must(err)
		_, _, err = db.PutParty(ctx, &raci.Party{Tenant: name, Name: "auth0", DisplayName: "Auth0", Kind: "vendor"}, raci.Precondition{})
		must(err)
		_, _, err = db.PutParty(ctx, &raci.Party{Tenant: name, Name: "subscriber", DisplayName: "Subscriber", Kind: "customer"}, raci.Precondition{})
		must(err)
	}
	_, _, err := db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "acme", Key: "backing-up", Title: "Backing Up", Category: "operation", Position: 2,
		Assignments: []raci.Assignment{
			{Party: "subscriber", Roles: []raci.Role{"R", "A"}, Holder: "infrastructure engineer"},
			{Party: "auth0", Roles: []raci.Role{"I", "C"}, When: "in the event that there are issues"},
		}}, raci.Precondition{})
	must(err)
	_, _, err = db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "acme", Key: "deploying", Title: "Deployment to Development and Production", Category: "installation", Position: 1,
		Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{"R", "A"}},
			{Party: "subscriber", Roles: []raci.Role{"I"}},
		}}, raci.Precondition{})
	must(err)
	_, _, err = db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "globex", Key: "globex-secret-task", Title: "Globex Secret Task", Category: "operation",
		Assignments: []raci.Assignment{{Party: "auth0", Roles: []raci.Role{"R", "A"}}}}, raci.Precondition{})
	must(err)
	_, _, err = db.PutChecklist(ctx, &raci.Checklist{Tenant: "acme", Key: "infrastructure", Title: "Infrastructure Checklist", Gate: "deploy:production",
		Items: []raci.ChecklistItem{
			{Key: "dns", Title: "DNS records created", Owner: "subscriber", Required: true},
			{Key: "firewall", Title: "Firewall opened to the vendor", Owner: "subscriber", Required: true},
			{Key: "training", Title: "Operators trained", Owner: "subscriber"},
		}}, raci.Precondition{})
	must(err)
}

// browser is one person's browser: a cookie jar and no automatic redirects, so
// that tests see the 303s.
type browser struct {
	t      *testing.T
	f      *fixture
	client *http.Client
}

func (f *fixture) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, f: f, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) response {
	b.t.Helper()
	resp, err := b.client.Get(b.f.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	resp, err := b.client.PostForm(b.f.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

func readPage(t *testing.T, resp *http.Response) response {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the first form on the page.
func (p response) csrf(t *testing.T) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF field on the page:\n%s", p.body)
	}
	return m[1]
}

// signIn signs in with the token's secret and returns the response to the POST.
func (b *browser) signIn(secret string) response {
	b.t.Helper()
	form := b.get("/signin")
	return b.post("/signin", url.Values{"csrf": {form.csrf(b.t)}, "token": {secret}})
}

func (b *browser) signInAs(name string) {
	b.t.Helper()
	if p := b.signIn(b.f.secrets[name]); p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		b.t.Fatalf("sign in as %s: %d %s\n%s", name, p.status, p.header.Get("Location"), p.body)
	}
}

func wantStatus(t *testing.T, p response, status int) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status = %d, want %d\n%s", p.status, status, p.body)
	}
}

func wantContains(t *testing.T, p response, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(p.body, s) {
			t.Errorf("page does not contain %q\n%s", s, p.body)
		}
	}
}

func wantNotContains(t *testing.T, p response, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(p.body, s) {
			t.Errorf("page contains %q, want it not to", s)
		}
	}
}

func TestSignInAndOut(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)

	p := b.get("/")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/signin" {
		t.Fatalf("GET / signed out = %d %q, want a redirect to /signin", p.status, p.header.Get("Location"))
	}

	p = b.signIn("not-a-token")
	wantStatus(t, p, http.StatusUnauthorized)
	wantContains(t, p, "That token is not valid")

	b.signInAs("acme-reader")
	p = b.get("/")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "Signed in as <strong>acme-reader</strong>")
	wantNotContains(t, p, f.secrets["acme-reader"])

	p = b.post("/signout", url.Values{"csrf": {p.csrf(t)}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/signin" {
		t.Fatalf("sign out = %d %q", p.status, p.header.Get("Location"))
	}
	if p := b.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("GET / after sign out = %d, want a redirect to /signin", p.status)
	}

	// The bootstrap secret of Options.Token signs in as an admin.
	b.signIn("bootstrap-secret")
	p = b.get("/")
	wantContains(t, p, "Signed in as <strong>bootstrap</strong>", "/tenants/acme", "/tenants/globex")
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	form := b.get("/signin")
	var pre *http.Cookie
	for _, c := range readCookies(form.header) {
		if c.Name == signinCSRFCookie {
			pre = c
		}
	}
	if pre == nil || !pre.HttpOnly || pre.SameSite != http.SameSiteStrictMode {
		t.Errorf("sign-in CSRF cookie = %+v, want HttpOnly and SameSite=Strict", pre)
	}
	p := b.post("/signin", url.Values{"csrf": {form.csrf(t)}, "token": {f.secrets["acme-reader"]}})
	wantStatus(t, p, http.StatusSeeOther)
	var sess *http.Cookie
	for _, c := range readCookies(p.header) {
		if c.Name == sessionCookie {
			sess = c
		}
	}
	if sess == nil {
		t.Fatalf("no session cookie in %v", p.header["Set-Cookie"])
	}
	if !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode || sess.Path != "/" || sess.Secure {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP", sess)
	}
	if strings.Contains(sess.Value, f.secrets["acme-reader"]) || len(sess.Value) < 40 {
		t.Errorf("session cookie value %q: want a random id, never the token", sess.Value)
	}
}

func readCookies(h http.Header) []*http.Cookie {
	return (&http.Response{Header: h}).Cookies()
}

func TestSignInNeedsItsCSRFToken(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.get("/signin")
	p := b.post("/signin", url.Values{"csrf": {"forged"}, "token": {f.secrets["acme-reader"]}})
	wantStatus(t, p, http.StatusForbidden)
	// Without the pre-session cookie, the field alone is not enough.
	other := f.browser(t)
	p = other.post("/signin", url.Values{"csrf": {"x"}, "token": {f.secrets["acme-reader"]}})
	wantStatus(t, p, http.StatusForbidden)
	if p := other.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("after a refused sign-in GET / = %d, want still signed out", p.status)
	}
}

func TestTenantListShowsOnlyVisibleTenants(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `href="/tenants/acme"`, "Acme Private SaaS")
	wantNotContains(t, p, "globex", "Globex")
}

// A renamed party shows under its new name, and the log says what it was called.
func TestRenamedPartyInRecentChanges(t *testing.T) {
	f := newFixture(t)
	ctx := raci.WithActor(context.Background(), "terraform")
	if _, err := f.db.RenameParty(ctx, "acme", "auth0", "okta", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `<th scope="row">terraform</th><td>rename party/auth0 to party/okta</td>`,
		`<th scope="row">terraform</th><td>update responsibility/`)
}

func TestMatrixPage(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p,
		`<th scope="col">Auth0</th>`, `<th scope="col">Subscriber</th>`,
		`<th scope="rowgroup" colspan="4">installation</th>`, `<th scope="rowgroup" colspan="4">operation</th>`,
		`<strong>A</strong>`,
		`<abbr title="Consulted">C</abbr>, <abbr title="Informed">I</abbr> <span class="when">(in the event that there are issues)</span>`,
		`<abbr title="Responsible">R</abbr>, <strong>A</strong> <span class="holder">(infrastructure engineer)</span>`,
		"Infrastructure Checklist", "Progress: 0/2 required items ready",
		"<strong>DNS records created</strong> — owner Subscriber, pending",
	)
	// The caption wraps on a phone: it sits above the scrolling region, which holds
	// a table wider than a phone, and still names the table.
	wantContains(t, p, "<p class=\"caption\" id=\"matrix-caption\">Who is Responsible, <strong>Accountable</strong>, Consulted and Informed, per task</p>\n"+
		`<div class="scroll" tabindex="0" role="region" aria-labelledby="matrix-heading">`+"\n"+
		`<table class="matrix" aria-labelledby="matrix-caption">`)
	// Categories are in the document's order: installation (position 1) before
	// operation (position 2), though "backing-up" sorts before "deploying".
	if strings.Index(p.body, ">installation<") > strings.Index(p.body, ">operation<") {
		t.Error("categories are not in order")
	}
	// A reader gets no forms to change anything but signing out.
	if n := strings.Count(p.body, "<form"); n != 1 {
		t.Errorf("a read-only session sees %d forms, want only the sign-out form", n)
	}
	// The text of a cell reads like the Markdown rendering.
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(p.body, "")
	if !strings.Contains(text, "C, I (in the event that there are issues)") {
		t.Errorf("the cell text does not read %q", "C, I (in the event that there are issues)")
	}
}

func TestOtherTenantIsNotFound(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	hidden := b.get("/tenants/globex")
	wantStatus(t, hidden, http.StatusNotFound)
	wantNotContains(t, hidden, "Globex Secret Task")
	missing := b.get("/tenants/nope")
	wantStatus(t, missing, http.StatusNotFound)
	if hidden.body != missing.body {
		t.Error("a tenant the session may not read looks different from a missing one")
	}
	// Nor can it tick another tenant's items.
	p := b.get("/tenants/acme")
	form := url.Values{"csrf": {p.csrf(t)}, "status": {"done"}, "evidence": {"x"}}
	wantStatus(t, b.post("/tenants/globex/checklists/infrastructure/items/dns", form), http.StatusNotFound)
}

func TestTickItem(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-checklist")
	p := b.get("/tenants/acme")
	wantContains(t, p, `<label for="infrastructure-dns-status">Status</label>`, `<label for="infrastructure-dns-evidence">Evidence</label>`)
	wantNotContains(t, p, "waiver_reason", `<option value="waived"`, `<option value="not_applicable"`)

	for _, item := range []string{"dns", "firewall"} {
		r := b.post("/tenants/acme/checklists/infrastructure/items/"+item, url.Values{
			"csrf": {p.csrf(t)}, "status": {"done"}, "evidence": {"https://tickets.example/" + item},
		})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/tenants/acme#checklist-infrastructure" {
			t.Fatalf("tick %s = %d %q\n%s", item, r.status, r.header.Get("Location"), r.body)
		}
	}
	p = b.get("/tenants/acme")
	wantContains(t, p,
		`<p class="flash" role="status">Saved &#34;Firewall opened to the vendor&#34; of Infrastructure Checklist: done.</p>`,
		"Progress: 2/2 required items ready", `<span class="readiness ready">Ready</span>`,
		"https://tickets.example/dns",
		`<th scope="row">acme-checklist</th><td>update checklist/infrastructure</td>`,
		// Who ticked each item, and when.
		`<span class="description reported">by acme-checklist, 20`,
	)
	// The flash is shown once.
	wantNotContains(t, b.get("/tenants/acme"), `class="flash"`)

	c, err := f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if err != nil {
		t.Fatal(err)
	}
	if it := c.Item("dns"); it.Status != raci.Done || it.Evidence != "https://tickets.example/dns" {
		t.Errorf("stored dns = %+v", it)
	}
	events, err := f.db.ListEvents(context.Background(), "acme", raci.EventFilter{Newest: true, Limit: 1})
	if err != nil || len(events) != 1 || events[0].Actor != "acme-checklist" {
		t.Errorf("newest event = %+v, %v; want one by acme-checklist", events, err)
	}
}

func TestInvalidItemShowsErrorsInline(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	p := b.get("/tenants/acme")
	// Waived without a complete waiver: the store refuses, the page names the field.
	r := b.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{
		"csrf": {p.csrf(t)}, "status": {"waived"}, "waiver_reason": {"DNS is managed by the vendor"},
		"waiver_approved_by": {"auth0"}, "waiver_expires": {"soon"},
	})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantContains(t, r, `<p class="error" id="infrastructure-dns-waiver-expires-error">Waiver expires: Give a date such as 2027-01-31.</p>`,
		`value="DNS is managed by the vendor"`)

	r = b.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{
		"csrf": {p.csrf(t)}, "status": {"waived"}, "waiver_reason": {"DNS is managed by the vendor"},
		"waiver_approved_by": {"subscriber"}, "waiver_expires": {"2099-01-31"},
	})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantContains(t, r, `id="infrastructure-dns-waiver-approved-by-error">Waiver approved by: `, "waived by its own owner")

	c, _ := f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if it := c.Item("dns"); it.Status != raci.Pending || it.Waiver != nil {
		t.Errorf("refused submissions changed the item: %+v", it)
	}

	// A complete waiver from a write session goes through.
	r = b.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{
		"csrf": {p.csrf(t)}, "status": {"waived"}, "waiver_reason": {"DNS is managed by the vendor"},
		"waiver_approved_by": {"auth0"}, "waiver_expires": {"2099-01-31"},
	})
	wantStatus(t, r, http.StatusSeeOther)
	wantContains(t, b.get("/tenants/acme"), "waived: DNS is managed by the vendor (approved by auth0, until 2099-01-31 00:00 UTC)", "Progress: 1/2")
}

func TestPostWithoutCSRFChangesNothing(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	for _, form := range []url.Values{
		{"status": {"done"}, "evidence": {"forged"}},
		{"csrf": {"forged"}, "status": {"done"}, "evidence": {"forged"}},
	} {
		wantStatus(t, b.post("/tenants/acme/checklists/infrastructure/items/dns", form), http.StatusForbidden)
	}
	c, _ := f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if it := c.Item("dns"); it.Status != raci.Pending || it.Evidence != "" || c.Version != 1 {
		t.Errorf("a forged POST changed the checklist: %+v (version %d)", it, c.Version)
	}
	// Sign-out needs it too.
	wantStatus(t, b.post("/signout", url.Values{}), http.StatusForbidden)
	wantStatus(t, b.get("/"), http.StatusOK)
}

func TestChecklistScopeCannotWaiveOrEditRows(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-checklist")
	p := b.get("/tenants/acme")
	csrf := p.csrf(t)

	for _, form := range []url.Values{
		{"csrf": {csrf}, "status": {"waived"}},
		{"csrf": {csrf}, "status": {"pending"}, "waiver_reason": {"no"}, "waiver_approved_by": {"auth0"}, "waiver_expires": {"2099-01-01"}},
		{"csrf": {csrf}, "status": {"not_applicable"}},
	} {
		wantStatus(t, b.post("/tenants/acme/checklists/infrastructure/items/dns", form), http.StatusForbidden)
	}
	// It may tick an item a write token waived: the waiver ends with the waived
	// status, so that nothing is left to waive the item again on.
	ctx := raci.WithActor(context.Background(), "acme-writer")
	waived := raci.Waived
	if _, err := f.db.UpdateChecklistItem(ctx, "acme", "infrastructure", "firewall", raci.ItemPatch{Status: &waived,
		Waiver: &raci.Waiver{Reason: "vendor-managed", ApprovedBy: "auth0", Expires: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	// Its form keeps the status it may not choose, so that saving evidence keeps it.
	p = b.get("/tenants/acme")
	wantContains(t, p, `<option value="waived" selected>waived</option>`)
	wantStatus(t, b.post("/tenants/acme/checklists/infrastructure/items/firewall", url.Values{"csrf": {csrf}, "status": {"waived"}, "evidence": {"FW-1"}}), http.StatusSeeOther)
	c, _ := f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if it := c.Item("firewall"); it.Status != raci.Waived || it.Waiver == nil || it.Evidence != "FW-1" {
		t.Errorf("firewall = %+v, want still waived, with the evidence", it)
	}
	wantStatus(t, b.post("/tenants/acme/checklists/infrastructure/items/firewall", url.Values{"csrf": {csrf}, "status": {"pending"}}), http.StatusSeeOther)
	r := b.post("/tenants/acme/checklists/infrastructure/items/firewall", url.Values{"csrf": {csrf}, "status": {"waived"}})
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "but not mark it waived", "tenant:acme:write")
	c, _ = f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if it := c.Item("dns"); it.Status != raci.Pending || it.Waiver != nil {
		t.Errorf("a checklist session waived an item: %+v", it)
	}
	if it := c.Item("firewall"); it.Status != raci.Pending || it.Waiver != nil || c.Version != 4 {
		t.Errorf("firewall = %+v (version %d), want pending without the waiver", it, c.Version)
	}

	// There is no route that changes a row, a party or a tenant.
	for _, path := range []string{"/tenants/acme", "/tenants/acme/responsibilities/backing-up", "/tenants/acme/parties/auth0", "/tenants/acme/checklists/infrastructure"} {
		r := b.post(path, url.Values{"csrf": {csrf}, "title": {"Hijacked"}})
		if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
			t.Errorf("POST %s = %d, want 404 or 405", path, r.status)
		}
	}
	row, err := f.db.FindResponsibility(context.Background(), "acme", "backing-up")
	if err != nil || row.Title != "Backing Up" || row.Version != 1 {
		t.Errorf("row after POSTs = %+v, %v", row, err)
	}

	// A reader may not tick at all.
	reader := f.browser(t)
	reader.signInAs("acme-reader")
	rp := reader.get("/tenants/acme")
	wantStatus(t, reader.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{"csrf": {rp.csrf(t)}, "status": {"done"}}), http.StatusForbidden)
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	p := b.get("/signin")
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if got := p.header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q", got)
	}
	css := b.get("/static/style.css")
	wantStatus(t, css, http.StatusOK)
	wantContains(t, css, "@media print", "overflow-x: auto")
	wantStatus(t, b.get("/no/such/page"), http.StatusNotFound)
}

func TestCookiesAreSecureOverTLS(t *testing.T) {
	f := newFixture(t)
	h := New(f.db, f.db, Options{})
	form := url.Values{"csrf": {"pre-session"}, "token": {f.secrets["acme-reader"]}}
	req := httptest.NewRequest(http.MethodPost, "https://raci.example/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: signinCSRFCookie, Value: "pre-session"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in over TLS = %d\n%s", rec.Code, rec.Body)
	}
	found := false
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			found = true
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				t.Errorf("session cookie over TLS = %+v, want Secure, HttpOnly, SameSite=Strict", c)
			}
		}
	}
	if !found {
		t.Error("no session cookie")
	}
}

func TestChecklistSessionGetsOnlyItemForms(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-checklist")
	p := b.get("/tenants/acme")
	actions := regexp.MustCompile(`<form[^>]*action="([^"]+)"`).FindAllStringSubmatch(p.body, -1)
	if len(actions) != 4 { // sign out, and one per item
		t.Errorf("%d forms, want 4 (sign out and three items)", len(actions))
	}
	for _, m := range actions {
		if m[1] != "/signout" && !strings.HasPrefix(m[1], "/tenants/acme/checklists/infrastructure/items/") {
			t.Errorf("a checklist session gets a form posting to %s", m[1])
		}
	}
}

// TestNotesLinks shows links in notes as links only where they lead to a web page
// (http, https or a path on the site), and everything else as the text it is.
func TestNotesLinks(t *testing.T) {
	f := newFixture(t)
	cases := []struct{ notes, html string }{{
		notes: "See [the runbook](/runbook#backups) and https://status.example.com/x.",
		html:  `See <a href="/runbook#backups">the runbook</a> and <a href="https://status.example.com/x">https://status.example.com/x</a>.`,
	}, {
		notes: "[click](javascript:alert)",
		html:  `[click](javascript:alert)`,
	}, {
		notes: "[click](JavaScript:alert(1)) javascript:alert(1)",
		html:  `[click](JavaScript:alert(1)) javascript:alert(1)`,
	}, {
		notes: `"><script>alert(1)</script>`,
		html:  `&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;`,
	}, {
		notes: "[x](data:text/html,<script>alert(1)</script>) [y](data:text/html;base64,PHNjcmlwdD4=)",
		html:  `[x](data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;) [y](data:text/html;base64,PHNjcmlwdD4=)`,
	}, {
		notes: "[away](//evil.example/) [away too](/\\evil.example) [mail](mailto:a@example.com)",
		html:  `[away](//evil.example/) [away too](/\evil.example) [mail](mailto:a@example.com)`,
	}, {
		notes: `https://example.com/"onmouseover="alert(1)`,
		html:  `<a href="https://example.com/">https://example.com/</a>&#34;onmouseover=&#34;alert(1)`,
	}, {
		notes: `[a "<b>quote</b>"](/q?a=1&b=<2>)`,
		html:  `<a href="/q?a=1&amp;b=%3c2%3e">a &#34;&lt;b&gt;quote&lt;/b&gt;&#34;</a>`,
	}}
	ctx := raci.WithActor(context.Background(), "seed")
	for i, c := range cases {
		_, _, err := f.db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "acme", Key: fmt.Sprintf("notes-%d", i), Title: "Notes", Notes: c.notes,
			Assignments: []raci.Assignment{{Party: "auth0", Roles: []raci.Role{"R", "A"}}}}, raci.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	for i, c := range cases {
		row := regexp.MustCompile(`<tr id="row-notes-` + strconv.Itoa(i) + `">[\s\S]*?<td class="notes">([\s\S]*?)</td></tr>`).FindStringSubmatch(p.body)
		if row == nil {
			t.Fatalf("no row notes-%d on the page", i)
		}
		if row[1] != c.html {
			t.Errorf("notes %q render as\n%s\nwant\n%s", c.notes, row[1], c.html)
		}
	}
}

// The header shows the tenant's description and the document the matrix comes
// from; a row shows whether it is optional and under which condition it exists.
func TestMatrixPageAsWritten(t *testing.T) {
	f := newFixture(t)
	ctx := raci.WithActor(context.Background(), "seed")
	tn, err := f.db.FindTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	tn.Description = "Who does what for <Acme>."
	tn.Source = &raci.Source{Title: "Private SaaS: Roles and Responsibilities", URL: "https://vendor.example/docs/raci", Revision: "2026-03"}
	if _, _, err := f.db.PutTenant(ctx, tn, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "acme", Key: "user-migration", Title: "User Migration",
		Category: "installation", Position: 3, Optional: true, When: "if required",
		Assignments: []raci.Assignment{{Party: "subscriber", Roles: []raci.Role{"R", "A"}}}}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p,
		`<p class="tenant-description">Who does what for &lt;Acme&gt;.</p>`,
		`<p class="source">Source: <a href="https://vendor.example/docs/raci">Private SaaS: Roles and Responsibilities, 2026-03</a></p>`,
		`<tr id="row-user-migration"><th scope="row"><span class="optional">[Optional]</span> User Migration <span class="when">(if required)</span></th>`,
	)
	// In the installation category, after "deploying" (position 1).
	if strings.Index(p.body, `id="row-deploying"`) > strings.Index(p.body, `id="row-user-migration"`) {
		t.Error("rows are not in position order")
	}
}

// Rows recorded as shared or unassigned show as open points, beside the row and in a
// list under the matrix; a row with one Accountable party does not.
func TestMatrixPageOpenPoints(t *testing.T) {
	f := newFixture(t)
	ctx := raci.WithActor(context.Background(), "seed")
	for _, r := range []*raci.Responsibility{
		{Tenant: "acme", Key: "security", Title: "Security <and> data", Accountability: raci.AccountabilityShared, Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{"R", "A"}}, {Party: "subscriber", Roles: []raci.Role{"R", "A"}}}},
		{Tenant: "acme", Key: "configuration", Title: "Configuration", Accountability: raci.AccountabilityUnassigned, Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{"C"}}, {Party: "subscriber", Roles: []raci.Role{"R"}}}},
	} {
		if _, _, err := f.db.PutResponsibility(ctx, r, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p,
		`<tr id="row-security"><th scope="row">Security &lt;and&gt; data<span class="open-point">Open point: Accountable together: Auth0, Subscriber. Who answers for what is for the parties to settle.</span></th>`,
		`<tr id="row-configuration"><th scope="row">Configuration<span class="open-point">Open point: No party is Accountable. Who answers is for the parties to settle.</span></th>`,
		`<h3 id="open-points-heading">Open points</h3>`,
		`<li><a href="#row-configuration">Configuration</a>: No party is Accountable. Who answers is for the parties to settle.</li>`,
		`<li><a href="#row-security">Security &lt;and&gt; data</a>: Accountable together: Auth0, Subscriber.`,
	)
	if n := strings.Count(p.body, `class="open-point"`); n != 2 {
		t.Errorf("%d rows show an open point, want 2 (backing-up and deploying have one Accountable party)", n)
	}
}

// A form over the size limit is refused as too large, not as a forged or expired
// one, and changes nothing.
func TestFormTooLarge(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	p := b.get("/tenants/acme")
	r := b.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{
		"csrf": {p.csrf(t)}, "status": {"done"}, "evidence": {strings.Repeat("x", 70<<10)},
	})
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	wantContains(t, r, "The form is larger than 64 KiB")
	c, _ := f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if it := c.Item("dns"); it.Status != raci.Pending {
		t.Errorf("a refused form changed the item: %+v", it)
	}

	other := f.browser(t)
	form := other.get("/signin")
	wantStatus(t, other.post("/signin", url.Values{"csrf": {form.csrf(t)}, "token": {strings.Repeat("x", 70<<10)}}),
		http.StatusRequestEntityTooLarge)
}

// The tenant page lists each webhook with its recent deliveries, their status and
// why the last attempt failed, and never the secret.
func TestTenantPageListsWebhookDeliveries(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, _, err := f.db.PutWebhook(ctx, &raci.Webhook{Tenant: "acme", Name: "inform", URL: "https://hooks.acme.example/raci",
		Secret: "page-secret-0123456789", Events: []string{"party", "responsibility"}}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "auditor", Kind: raci.ThirdParty}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	// One attempt that failed and waits for its retry.
	due, err := f.db.ClaimDeliveries(ctx, "test", time.Now().Add(time.Minute), time.Minute, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("claim: %v %v", due, err)
	}
	if err := f.db.FinishDelivery(ctx, due[0].ID, "test", time.Now(), raci.DeliveryAttempt{Error: "receiver answered 503 Service Unavailable", Next: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signInAs("acme-reader")
	p := b.get("/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `<h3 id="webhook-inform">inform</h3>`, `Sends party, responsibility changes to <code>https://hooks.acme.example/raci</code>.`,
		`<th scope="row">party: create party/auditor</th><td>pending</td><td>1</td><td>receiver answered 503 Service Unavailable</td>`)
	wantNotContains(t, p, "page-secret")
}
