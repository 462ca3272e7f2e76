package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// webRouteNeeds is what each web route needs, written out here rather than read
// from the route table, so that a new page without an entry fails the isolation
// test: "none", "session", "oidc", or the access a tenant route needs to the
// tenant in its path. The API's routes have their own table in internal/server.
var webRouteNeeds = map[string]string{
	"GET /static/":  "none",
	"GET /signin":   "none",
	"POST /signin":  "none",
	"GET /{$}":      "session",
	"POST /signout": "session",
	// Signing in with OpenID Connect: no page without a provider configured, as
	// in this fixture (internal/web's OIDC tests sign in with one).
	"GET /signin/oidc":        "oidc",
	"GET " + OIDCCallbackPath: "oidc",

	"GET /tenants/{tenant}": raci.AccessRead,
	"POST /tenants/{tenant}/checklists/{checklist}/items/{item}": raci.AccessChecklist,
}

// webKind is one kind of person: signed in with a token of these tenant access
// levels ("*" for the administrator), or not signed in.
type webKind struct {
	name   string // token name; "" for nobody signed in
	access map[string]string
}

var webKinds = []webKind{
	{"bootstrap", map[string]string{"*": "admin"}},
	{"acme-reader", map[string]string{"acme": raci.AccessRead}},
	{"acme-checklist", map[string]string{"acme": raci.AccessChecklist}},
	{"acme-writer", map[string]string{"acme": raci.AccessWrite}},
	{"globex-reader", map[string]string{"globex": raci.AccessRead}},
	{"", nil},
}

func (k webKind) level(tenant string) string {
	if l, ok := k.access["*"]; ok {
		return l
	}
	return k.access[tenant]
}

// tenantMarks are texts only each tenant's pages show: its display name and a
// row or checklist title.
var tenantMarks = map[string][]string{
	"acme":   {"Acme Private SaaS", "Backing Up", "Infrastructure Checklist", `href="/tenants/acme"`},
	"globex": {"Globex Private SaaS", "Globex Secret Task", "Globex Launch Checklist", `href="/tenants/globex"`},
	"gone":   {"Gone Private SaaS", "Gone Secret Row", `href="/tenants/gone"`},
}

// expectedWeb is the oracle: the status, and where a redirect goes.
func expectedWeb(k webKind, method, pattern, tenant string) (int, string) {
	need := webRouteNeeds[method+" "+pattern]
	switch {
	case need == "oidc":
		return http.StatusNotFound, ""
	case need == "none" && method == http.MethodPost: // signing in
		if k.name == "" {
			return http.StatusUnauthorized, ""
		}
		return http.StatusSeeOther, "/"
	case need == "none":
		return http.StatusOK, ""
	case k.name == "":
		return http.StatusSeeOther, "/signin"
	case need == "session" && method == http.MethodPost: // signing out
		return http.StatusSeeOther, "/signin"
	case need == "session":
		return http.StatusOK, ""
	}
	rank := map[string]int{"": 0, raci.AccessRead: 1, raci.AccessChecklist: 2, raci.AccessWrite: 3, "admin": 4}
	have := k.level(tenant)
	switch {
	case have == "":
		return http.StatusNotFound, ""
	case rank[have] < rank[need]:
		return http.StatusForbidden, ""
	case method == http.MethodPost:
		return http.StatusSeeOther, "/tenants/" + tenant + "#checklist-infrastructure"
	}
	return http.StatusOK, ""
}

// webRequest fills a route's pattern with the fixture's names; a form gets the
// session's CSRF token and a valid tick.
func webRequest(method, pattern, tenant, csrf, secret string) (string, url.Values) {
	path := strings.NewReplacer("{tenant}", tenant, "{checklist}", "infrastructure", "{item}", "dns", "{$}", "").Replace(pattern)
	if pattern == "/static/" {
		path = "/static/style.css"
	}
	if method != http.MethodPost {
		return path, nil
	}
	form := url.Values{"csrf": {csrf}}
	switch {
	case pattern == "/signin":
		form.Set("token", secret)
	case strings.Contains(pattern, "/items/"):
		form.Set("status", "done")
		form.Set("evidence", "https://tickets.example/dns")
	}
	return path, form
}

// newestEvent returns the sequence number of the tenant's newest event, 0 when it
// has none or does not exist.
func newestEvent(t *testing.T, f *fixture, tenant string) int64 {
	t.Helper()
	events, err := f.db.ListEvents(context.Background(), tenant, raci.EventFilter{Newest: true, Limit: 1})
	if raci.ErrorCode(err) == raci.ENOTFOUND || len(events) == 0 {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return events[0].Seq
}

// sessionParts are the parts of a page that differ between two sessions.
var sessionParts = regexp.MustCompile(`name="csrf" value="[^"]*"|Signed in as <strong>[^<]*</strong>`)

// samePage reports whether two pages are the same but for their session's CSRF
// token and name, with each one's tenant name replaced.
func samePage(a response, tenantA string, b response, tenantB string) bool {
	norm := func(r response, tenant string) string {
		body := sessionParts.ReplaceAllString(r.body, "<session>")
		if tenant != "" {
			body = strings.ReplaceAll(body, tenant, "<tenant>")
		}
		return fmt.Sprintf("%d %s\n%s", r.status, r.header.Get("Content-Type"), body)
	}
	return norm(a, tenantA) == norm(b, tenantB)
}

// seedGone writes tenant gone, with a row and a checklist, and deletes it all.
func seedGone(t *testing.T, f *fixture) {
	t.Helper()
	ctx := raci.WithActor(context.Background(), "seed")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := f.db.PutTenant(ctx, &raci.Tenant{Name: "gone", DisplayName: "Gone Private SaaS", DeploymentModel: "private_saas"}, raci.Precondition{})
	must(err)
	_, _, err = f.db.PutParty(ctx, &raci.Party{Tenant: "gone", Name: "auth0", Kind: "vendor"}, raci.Precondition{})
	must(err)
	_, _, err = f.db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "gone", Key: "gone-secret-row", Title: "Gone Secret Row",
		Assignments: []raci.Assignment{{Party: "auth0", Roles: []raci.Role{"R", "A"}}}}, raci.Precondition{})
	must(err)
	_, _, err = f.db.PutChecklist(ctx, &raci.Checklist{Tenant: "gone", Key: "infrastructure", Title: "Gone Checklist",
		Items: []raci.ChecklistItem{{Key: "dns", Title: "Gone DNS", Owner: "auth0", Required: true}}}, raci.Precondition{})
	must(err)
	must(f.db.DeleteChecklist(ctx, "gone", "infrastructure", raci.Precondition{}))
	must(f.db.DeleteResponsibility(ctx, "gone", "gone-secret-row", raci.Precondition{}))
	must(f.db.DeleteParty(ctx, "gone", "auth0", raci.Precondition{}))
	must(f.db.DeleteTenant(ctx, "gone", raci.Precondition{}))
}

// Every web route, every kind of person, their own tenant and another: the exact
// status; a tenant they may not read answers exactly as one that does not exist;
// a refused form changes nothing; and no page shows anything of a tenant they may
// not read. Tenants that never existed or were deleted are missing to everyone,
// tokens minted for their names after the deletion included.
func TestWebIsolation(t *testing.T) {
	f := newFixture(t)
	seedGone(t, f)
	for _, name := range []string{"gone-writer", "nope-writer"} {
		tenant := strings.TrimSuffix(name, "-writer")
		_, secret, err := f.db.CreateToken(context.Background(), &raci.Token{Name: name, Scopes: []raci.Scope{raci.TenantScope(tenant, raci.AccessWrite)}})
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[name] = secret
	}
	f.secrets["bootstrap"] = "bootstrap-secret"
	// Globex gets a checklist too, so that a tick there is possible.
	if _, _, err := f.db.PutChecklist(raci.WithActor(context.Background(), "seed"), &raci.Checklist{Tenant: "globex", Key: "infrastructure", Title: "Globex Launch Checklist",
		Items: []raci.ChecklistItem{{Key: "dns", Title: "Globex DNS", Owner: "subscriber", Required: true}}}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}

	routes := New(f.db, f.db, Options{}).routes()
	for _, rt := range routes {
		if _, ok := webRouteNeeds[rt.method+" "+rt.pattern]; !ok {
			t.Fatalf("web route %s %s is not in webRouteNeeds: say what it needs", rt.method, rt.pattern)
		}
	}
	if len(routes) != len(webRouteNeeds) {
		t.Fatalf("%d web routes, %d in webRouteNeeds: remove the entries of routes that are gone", len(routes), len(webRouteNeeds))
	}

	// session signs a new browser in as the kind, and returns it with its CSRF
	// token.
	session := func(k webKind) (*browser, string) {
		b := f.browser(t)
		if k.name == "" {
			return b, "no-session"
		}
		wantStatus(t, b.signIn(f.secrets[k.name]), http.StatusSeeOther)
		return b, b.get("/").csrf(t)
	}
	// missing is what the kind is told of tenant nope, which never existed.
	missing := func(b *browser, csrf, method, pattern string) response {
		path, form := webRequest(method, pattern, "nope", csrf, "")
		if method == http.MethodPost {
			return b.post(path, form)
		}
		return b.get(path)
	}

	cases := 0
	for _, rt := range routes {
		tenants := []string{""}
		if strings.Contains(rt.pattern, "{tenant}") {
			tenants = []string{"acme", "globex"}
		}
		for _, tenant := range tenants {
			for _, k := range webKinds {
				cases++
				name := fmt.Sprintf("%s %s/%s/%s", rt.method, rt.pattern, k.name, tenant)
				wantCode, wantLocation := expectedWeb(k, rt.method, rt.pattern, tenant)
				b, csrf := session(k)
				if rt.pattern == "/signin" && rt.method == http.MethodPost {
					// A fresh browser: the sign-in itself is the request.
					b = f.browser(t)
					csrf = b.get("/signin").csrf(t)
				}
				before := map[string]int64{"acme": newestEvent(t, f, "acme"), "globex": newestEvent(t, f, "globex")}
				path, form := webRequest(rt.method, rt.pattern, tenant, csrf, f.secrets[k.name])
				var r response
				if rt.method == http.MethodPost {
					r = b.post(path, form)
				} else {
					r = b.get(path)
				}
				if r.status != wantCode || r.header.Get("Location") != wantLocation {
					t.Errorf("%s: %d %q, want %d %q\n%.500s", name, r.status, r.header.Get("Location"), wantCode, wantLocation, r.body)
					continue
				}
				// Only an allowed tick changes a tenant, and only its own.
				for tn, seq := range before {
					changed := newestEvent(t, f, tn) != seq
					ticked := wantCode == http.StatusSeeOther && wantLocation != "/signin" && strings.Contains(rt.pattern, "/items/")
					if want := tn == tenant && ticked; changed != want {
						t.Errorf("%s: tenant %s changed = %v, want %v", name, tn, changed, want)
					}
				}
				// Nothing of a tenant the kind may not read, on any page.
				for tn, marks := range tenantMarks {
					if k.level(tn) != "" && tn != "gone" {
						continue
					}
					for _, m := range marks {
						if strings.Contains(r.body, m) {
							t.Errorf("%s: the page shows %q of tenant %s, which %q may not read", name, m, tn, k.name)
						}
					}
				}
				if wantCode != http.StatusNotFound {
					continue
				}
				ghost := missing(b, csrf, rt.method, rt.pattern)
				if !samePage(r, tenant, ghost, "nope") {
					t.Errorf("%s: the answer for an invisible tenant differs from the one for a missing tenant:\n%s\n---\n%s", name, r.body, ghost.body)
				}
			}
		}
	}
	t.Logf("web isolation table: %d routes, %d cases", len(routes), cases)
	tenantRoutes := 0
	for route := range webRouteNeeds {
		if strings.Contains(route, "{tenant}") {
			tenantRoutes++
		}
	}
	if want := tenantRoutes*len(webKinds)*2 + (len(webRouteNeeds)-tenantRoutes)*len(webKinds); cases != want {
		t.Errorf("ran %d cases, want %d: did a route go missing?", cases, want)
	}

	// Tenant gone was deleted and nope never existed: to an administrator, to
	// tokens of other tenants and to tokens minted for the names afterwards, each
	// tenant route answers as for a missing tenant, and the tenant list names
	// neither.
	admin, adminCSRF := session(webKinds[0])
	want404 := missing(admin, adminCSRF, http.MethodGet, "/tenants/{tenant}")
	wantStatus(t, want404, http.StatusNotFound)
	for _, kind := range []string{"bootstrap", "acme-writer", "gone-writer", "nope-writer"} {
		b, csrf := session(webKind{name: kind})
		list := b.get("/")
		wantStatus(t, list, http.StatusOK)
		wantNotContains(t, list, tenantMarks["gone"]...)
		wantNotContains(t, list, `href="/tenants/nope"`)
		for _, tenant := range []string{"gone", "nope"} {
			for _, rt := range routes {
				if !strings.Contains(rt.pattern, "{tenant}") {
					continue
				}
				path, form := webRequest(rt.method, rt.pattern, tenant, csrf, "")
				var r response
				if rt.method == http.MethodPost {
					r = b.post(path, form)
				} else {
					r = b.get(path)
				}
				if !samePage(r, "", want404, "") {
					t.Errorf("%s %s as %s: %d, want the 404 of a missing tenant\n%.500s", rt.method, path, kind, r.status, r.body)
				}
			}
		}
	}
}
