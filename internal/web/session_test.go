package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// sessionSecret returns the session cookie the browser holds, "" for none.
func (b *browser) sessionSecret() string {
	u, _ := url.Parse(b.f.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// getWithCookie requests path on srv with this session cookie and no jar: what a
// browser that kept an old cookie, or someone who copied it, would send.
func getWithCookie(t *testing.T, srv *httptest.Server, secret, path string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: secret})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

func wantSignedOut(t *testing.T, p response, why string) {
	t.Helper()
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/signin" {
		t.Fatalf("%s: %d %q, want a redirect to /signin\n%s", why, p.status, p.header.Get("Location"), p.body)
	}
}

// Signing out ends the session in the store: its cookie, kept or copied, no longer
// works, though the browser's jar has already dropped it.
func TestSignedOutCookieNoLongerWorks(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	old := b.sessionSecret()
	if old == "" {
		t.Fatal("no session cookie after signing in")
	}
	wantStatus(t, getWithCookie(t, f.srv, old, "/tenants/acme"), http.StatusOK)
	p := b.get("/")
	wantStatus(t, b.post("/signout", url.Values{"csrf": {p.csrf(t)}}), http.StatusSeeOther)
	wantSignedOut(t, getWithCookie(t, f.srv, old, "/tenants/acme"), "the cookie of a signed-out session")
}

// Signing in again from one browser ends the session it held: its old cookie no
// longer works.
func TestSignInAgainEndsTheOldSession(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	first := b.sessionSecret()
	b.signInAs("acme-reader")
	second := b.sessionSecret()
	if first == second || second == "" {
		t.Fatalf("signing in again kept the session cookie %q", first)
	}
	wantSignedOut(t, getWithCookie(t, f.srv, first, "/tenants/acme"), "the cookie of the session signed in over")
	p := b.get("/")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "Signed in as <strong>acme-reader</strong>")
	sessions, err := f.db.ListSessions(context.Background())
	if err != nil || len(sessions) != 1 || sessions[0].Token != "acme-reader" {
		t.Errorf("sessions = %+v, %v; want acme-reader's only", sessions, err)
	}
}

// The probe's case: a web session of a write token whose token is revoked. Its
// next page is signed out, with no edit form, and its item POST is refused and
// changes nothing.
func TestRevokedTokenEndsItsSessions(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.signInAs("acme-writer")
	p := b.get("/tenants/acme")
	wantContains(t, p, `action="/tenants/acme/checklists/infrastructure/items/dns"`)
	csrf := p.csrf(t)
	other := f.browser(t)
	other.signInAs("acme-checklist")

	if err := f.db.DeleteToken(context.Background(), "acme-writer"); err != nil {
		t.Fatal(err)
	}
	r := b.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{"csrf": {csrf}, "status": {"done"}, "evidence": {"after revocation"}})
	wantSignedOut(t, r, "an item POST of a revoked token's session")
	c, err := f.db.FindChecklist(context.Background(), "acme", "infrastructure")
	if err != nil {
		t.Fatal(err)
	}
	if it := c.Item("dns"); it.Status != raci.Pending || it.Evidence != "" || c.Version != 1 {
		t.Errorf("a revoked token's session changed the item: %+v (version %d)", it, c.Version)
	}
	p = b.get("/tenants/acme")
	wantSignedOut(t, p, "the tenant page of a revoked token's session")
	wantNotContains(t, p, "item-form", "/items/dns")
	// Other people's sessions go on.
	wantContains(t, other.get("/tenants/acme"), `action="/tenants/acme/checklists/infrastructure/items/dns"`)
}

// Two servers (replicas) on one database share sessions: signed in on one, a
// browser is signed in on the other, and signing out on one ends it on both.
func TestReplicasShareSessions(t *testing.T) {
	f := newFixture(t)
	db2, err := sqlite.Open(context.Background(), f.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	replica := httptest.NewServer(New(db2, db2, Options{Token: "bootstrap-secret"}))
	t.Cleanup(replica.Close)

	b := f.browser(t)
	b.signInAs("acme-checklist")
	secret := b.sessionSecret()
	p := getWithCookie(t, replica, secret, "/tenants/acme")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, "Signed in as <strong>acme-checklist</strong>", `action="/tenants/acme/checklists/infrastructure/items/dns"`)

	// The CSRF token the replica's page carries is good on the first server.
	r := b.post("/tenants/acme/checklists/infrastructure/items/dns", url.Values{"csrf": {p.csrf(t)}, "status": {"done"}, "evidence": {"INF-1"}})
	wantStatus(t, r, http.StatusSeeOther)
	// Its message shows on whichever server serves the next page.
	wantContains(t, getWithCookie(t, replica, secret, "/tenants/acme"), `class="flash"`, "Saved &#34;DNS records created&#34;")

	wantStatus(t, b.post("/signout", url.Values{"csrf": {p.csrf(t)}}), http.StatusSeeOther)
	wantSignedOut(t, getWithCookie(t, replica, secret, "/tenants/acme"), "the replica, after signing out on the first server")
}
