package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// Tenants of the isolation test. Their names have one length, so that answers
// about one can be compared byte for byte with answers about another.
const (
	ownTenant   = "acme"
	otherTenant = "init"
	ghostTenant = "nope" // never exists
	goneTenant  = "gone" // deleted before the requests about it
)

// routeNeeds is what each route needs, written out here rather than read from the
// route table, so that a wrong entry in the table fails the isolation test. The web
// pages, served beside the API by `serve`, have the same table in internal/web
// (TestWebIsolation).
var routeNeeds = map[string]string{
	"GET /healthz":             "none",
	"GET /readyz":              "none",
	"GET /v1/openapi.json":     "token",
	"POST /v1/tokens":          "admin",
	"GET /v1/tokens":           "admin",
	"DELETE /v1/tokens/{name}": "admin",
	"GET /v1/sessions":         "admin",
	"DELETE /v1/sessions/{id}": "admin",
	"GET /v1/tenants":          "token",

	"GET /v1/tenants/{tenant}":          raci.AccessRead,
	"PUT /v1/tenants/{tenant}":          raci.AccessWrite,
	"DELETE /v1/tenants/{tenant}":       raci.AccessWrite,
	"GET /v1/tenants/{tenant}/snapshot": raci.AccessRead,
	"GET /v1/tenants/{tenant}/events":   raci.AccessRead,

	"GET /v1/deleted-tenants/{tenant}/events": "admin",

	// Grants to people are the tenant's administration: write, reads included.
	"GET /v1/tenants/{tenant}/access":           raci.AccessWrite,
	"GET /v1/tenants/{tenant}/access/{name}":    raci.AccessWrite,
	"PUT /v1/tenants/{tenant}/access/{name}":    raci.AccessWrite,
	"DELETE /v1/tenants/{tenant}/access/{name}": raci.AccessWrite,

	"GET /v1/tenants/{tenant}/parties":                 raci.AccessRead,
	"GET /v1/tenants/{tenant}/parties/{party}":         raci.AccessRead,
	"PUT /v1/tenants/{tenant}/parties/{party}":         raci.AccessWrite,
	"DELETE /v1/tenants/{tenant}/parties/{party}":      raci.AccessWrite,
	"POST /v1/tenants/{tenant}/parties/{party}/rename": raci.AccessWrite,

	"GET /v1/tenants/{tenant}/responsibilities":          raci.AccessRead,
	"GET /v1/tenants/{tenant}/responsibilities/{key}":    raci.AccessRead,
	"PUT /v1/tenants/{tenant}/responsibilities/{key}":    raci.AccessWrite,
	"DELETE /v1/tenants/{tenant}/responsibilities/{key}": raci.AccessWrite,

	"GET /v1/tenants/{tenant}/checklists":                      raci.AccessRead,
	"GET /v1/tenants/{tenant}/checklists/{key}":                raci.AccessRead,
	"PUT /v1/tenants/{tenant}/checklists/{key}":                raci.AccessWrite,
	"DELETE /v1/tenants/{tenant}/checklists/{key}":             raci.AccessWrite,
	"PATCH /v1/tenants/{tenant}/checklists/{key}/items/{item}": raci.AccessChecklist,
	"GET /v1/tenants/{tenant}/checklists/{key}/readiness":      raci.AccessRead,

	"GET /v1/tenants/{tenant}/webhooks":                      raci.AccessRead,
	"GET /v1/tenants/{tenant}/webhooks/{webhook}":            raci.AccessRead,
	"PUT /v1/tenants/{tenant}/webhooks/{webhook}":            raci.AccessWrite,
	"DELETE /v1/tenants/{tenant}/webhooks/{webhook}":         raci.AccessWrite,
	"GET /v1/tenants/{tenant}/webhooks/{webhook}/deliveries": raci.AccessRead,
}

// opsWebhook is a webhook body; its secret must never come back in an answer.
const opsWebhook = `{"url": "http://127.0.0.1:9/raci", "secret": "isolation-secret-0123456789", "events": ["responsibility", "readiness"]}`

// scopeKind is one kind of caller: a token with these scopes, or none at all.
type scopeKind struct {
	name   string
	scopes []raci.Scope // nil: the request carries no token
}

var scopeKinds = []scopeKind{
	{"admin", []raci.Scope{raci.AdminScope}},
	{"own-read", []raci.Scope{raci.TenantScope(ownTenant, raci.AccessRead)}},
	{"own-checklist", []raci.Scope{raci.TenantScope(ownTenant, raci.AccessChecklist)}},
	{"own-write", []raci.Scope{raci.TenantScope(ownTenant, raci.AccessWrite)}},
	{"other-write", []raci.Scope{raci.TenantScope(otherTenant, raci.AccessWrite)}},
	{"no-token", nil},
}

// level returns the access the kind has to a tenant: "" for none, else read,
// checklist, write or admin.
func (k scopeKind) level(tenant string) string {
	best := ""
	rank := map[string]int{"": 0, raci.AccessRead: 1, raci.AccessChecklist: 2, raci.AccessWrite: 3, "admin": 4}
	for _, s := range k.scopes {
		l := ""
		if s == raci.AdminScope {
			l = "admin"
		} else if tn, a, ok := s.Parse(); ok && tn == tenant {
			l = a
		}
		if rank[l] > rank[best] {
			best = l
		}
	}
	return best
}

// expectedStatus is the oracle of the isolation test.
func expectedStatus(k scopeKind, method, pattern, tenant string) int {
	need := routeNeeds[method+" "+pattern]
	success := map[string]int{"GET": 200, "PUT": 200, "PATCH": 200, "DELETE": 204, "POST": 201}[method]
	if method == "POST" && tenant != "" {
		success = 200 // an action on an object that exists, such as a rename
	}
	switch {
	case need == "none":
		return success
	case k.scopes == nil:
		return http.StatusUnauthorized
	case need == "token":
		return success
	case need == "admin":
		if k.level("") == "admin" {
			return success
		}
		return http.StatusForbidden
	}
	rank := map[string]int{"": 0, raci.AccessRead: 1, raci.AccessChecklist: 2, raci.AccessWrite: 3, "admin": 4}
	have := k.level(tenant)
	switch {
	case have == "":
		return http.StatusNotFound
	case rank[have] < rank[need]:
		return http.StatusForbidden
	}
	return success
}

// requestFor fills a route's pattern with the fixture's names, and gives writes a
// valid body, so that an allowed request succeeds.
func requestFor(method, pattern, tenant string, n int) (path, body string) {
	key := "backing-up"
	if strings.Contains(pattern, "/checklists/") {
		key = "infrastructure"
	}
	path = strings.NewReplacer("{tenant}", tenant, "{party}", "spare", "{key}", key, "{item}", "dns", "{name}", "victim", "{webhook}", "ops").Replace(pattern)
	switch {
	case method == "PUT" && strings.HasSuffix(pattern, "{party}"):
		body = vendorBody
	case method == "PUT" && strings.Contains(pattern, "/responsibilities/"):
		body = backupRow
	case method == "PUT" && strings.Contains(pattern, "/access/"):
		body = infraAccess
	case method == "PUT" && strings.Contains(pattern, "/checklists/"):
		body = infraChecklist
	case method == "PUT" && strings.Contains(pattern, "/webhooks/"):
		body = opsWebhook
	case method == "PUT":
		body = acmeTenant
	case method == "PATCH":
		body = `{"status": "done", "evidence": "https://tickets.example/1"}`
	case method == "POST" && strings.HasSuffix(pattern, "/rename"):
		body = fmt.Sprintf(`{"name": "spare-%d"}`, n)
	case method == "POST":
		body = fmt.Sprintf(`{"name": "new-%d", "scopes": ["tenant:acme:read"]}`, n)
	}
	return path, body
}

// infraAccess grants the checklist scope to a group and a person.
const infraAccess = `{"scope": "checklist", "groups": ["initech-infra"], "emails": ["peter@initech.example"]}`

// isolationFixture is a server over SQLite with a token of every kind.
type isolationFixture struct {
	*testServer
	db      *sqlite.DB
	secrets map[string]string // kind name -> secret
}

func newIsolationFixture(t *testing.T) *isolationFixture {
	t.Helper()
	db := openStore(t)
	f := &isolationFixture{testServer: newTestServer(t, db, Options{}), db: db, secrets: map[string]string{}}
	for _, k := range scopeKinds {
		if k.scopes == nil {
			continue
		}
		_, secret, err := db.CreateToken(t.Context(), &raci.Token{Name: k.name, Scopes: k.scopes})
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[k.name] = secret
	}
	return f
}

// as sends a request with the kind's token, or none.
func (f *isolationFixture) as(kind, method, path, body string) response {
	f.t.Helper()
	if secret, ok := f.secrets[kind]; ok {
		return f.do(method, path, body, "Authorization", "Bearer "+secret)
	}
	return f.do(method, path, body)
}

// seed makes the tenant hold a party the row and checklist use (auth0,
// subscriber), one nothing uses (spare), a row and a checklist.
func (f *isolationFixture) seed(tenant string) {
	f.t.Helper()
	base := "/v1/tenants/" + tenant
	for _, w := range [][2]string{
		{base, acmeTenant},
		{base + "/parties/auth0", vendorBody},
		{base + "/parties/subscriber", customerB},
		{base + "/parties/spare", vendorBody},
		{base + "/responsibilities/backing-up", backupRow},
		{base + "/checklists/infrastructure", infraChecklist},
		{base + "/access/victim", infraAccess},
		{base + "/webhooks/ops", opsWebhook},
	} {
		if r := f.as("admin", "PUT", w[0], w[1]); r.status != 200 && r.status != 201 {
			f.t.Fatalf("seed PUT %s: %d %s", w[0], r.status, r.body)
		}
	}
}

// empty deletes what the tenant holds, so that it may be deleted.
func (f *isolationFixture) empty(tenant string) {
	f.t.Helper()
	base := "/v1/tenants/" + tenant
	for _, p := range []string{"/checklists/infrastructure", "/responsibilities/backing-up"} {
		wantStatus(f.t, f.as("admin", "DELETE", base+p, ""), http.StatusNoContent)
	}
	// Every party, those a rename gave another name included.
	parties, err := f.db.ListParties(context.Background(), tenant, raci.ListOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, p := range parties.Items {
		wantStatus(f.t, f.as("admin", "DELETE", base+"/parties/"+p.Name, ""), http.StatusNoContent)
	}
}

// lastEvent returns the sequence number of the tenant's newest event.
func (f *isolationFixture) lastEvent(tenant string) int64 {
	f.t.Helper()
	events, err := f.db.ListEvents(context.Background(), tenant, raci.EventFilter{Newest: true, Limit: 1})
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		// Deleted: its last event is the last of its history.
		events, err = f.db.ListEvents(context.Background(), tenant, raci.EventFilter{Newest: true, Limit: 1, Deleted: true})
	}
	if err != nil {
		f.t.Fatal(err)
	}
	if len(events) == 0 {
		return 0
	}
	return events[0].Seq
}

// comparableBody returns a response as bytes to compare, with the tenant's name
// replaced and the headers that differ between any two responses dropped.
func comparableBody(r response, tenant string) string {
	h := r.header.Clone()
	h.Del("Date")
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d\n", r.status)
	_ = h.Write(&b)
	b.Write(r.body)
	return strings.ReplaceAll(b.String(), tenant, "<tenant>")
}

// Every route, every kind of token, the token's own tenant and another: the exact
// status, and a tenant outside the token's scopes answering exactly as a tenant
// that does not exist.
func TestIsolation(t *testing.T) {
	f := newIsolationFixture(t)
	f.seed(ownTenant)
	f.seed(otherTenant)
	missing := f.as("admin", "GET", "/v1/tenants/"+ghostTenant, "")
	wantProblem(t, missing, 404, raci.ENOTFOUND)

	routes := (&Server{}).routes()
	for _, rt := range routes {
		if _, ok := routeNeeds[rt.method+" "+rt.path]; !ok {
			t.Fatalf("route %s %s is not in routeNeeds: say what it needs", rt.method, rt.path)
		}
	}

	cases := 0
	dirty := map[string]bool{}
	for _, rt := range routes {
		tenants := []string{""}
		if strings.Contains(rt.path, "{tenant}") {
			tenants = []string{ownTenant, otherTenant}
		}
		for _, tenant := range tenants {
			for _, k := range scopeKinds {
				cases++
				name := fmt.Sprintf("%s %s/%s/%s", rt.method, rt.path, k.name, tenant)
				want := expectedStatus(k, rt.method, rt.path, tenant)
				if tenant != "" && dirty[tenant] {
					f.seed(tenant)
					dirty[tenant] = false
				}
				if rt.method == "DELETE" && rt.path == "/v1/tenants/{tenant}" {
					f.empty(tenant)
				}
				if rt.path == "/v1/tokens/{name}" {
					if _, _, err := f.db.CreateToken(t.Context(), &raci.Token{Name: "victim", Scopes: []raci.Scope{raci.AdminScope}}); err != nil && raci.ErrorCode(err) != raci.ECONFLICT {
						t.Fatal(err)
					}
				}
				before := int64(0)
				if tenant != "" {
					before = f.lastEvent(tenant)
				}

				path, body := requestFor(rt.method, rt.path, tenant, cases)
				if rt.path == "/v1/sessions/{id}" {
					sess, _, err := f.db.CreateSession(t.Context(), &raci.Token{Name: "admin", Scopes: []raci.Scope{raci.AdminScope}}, time.Hour, "")
					if err != nil {
						t.Fatal(err)
					}
					path = "/v1/sessions/" + sess.ID
				}
				r := f.as(k.name, rt.method, path, body)
				if bytes.Contains(r.body, []byte("isolation-secret")) {
					t.Errorf("%s: the answer holds the webhook's secret: %s", name, r.body)
				}
				if rt.method != "GET" && tenant != "" {
					dirty[tenant] = true
				}
				if r.status != want {
					t.Errorf("%s: status %d, want %d; body %.300s", name, r.status, want, r.body)
					continue
				}
				if want >= 400 {
					code := map[int]string{401: raci.EUNAUTHORIZED, 403: eforbidden, 404: raci.ENOTFOUND}[want]
					if p := r.problem(t); p.Code != code {
						t.Errorf("%s: code %q, want %q", name, p.Code, code)
					}
					if tenant != "" && f.lastEvent(tenant) != before {
						t.Errorf("%s: a refused request changed the tenant", name)
					}
				}
				if want != http.StatusNotFound {
					continue
				}
				// The same request about a tenant that does not exist, by the same
				// token and by an admin, answers the same bytes.
				ghostPath, _ := requestFor(rt.method, rt.path, ghostTenant, cases)
				ghost := f.as(k.name, rt.method, ghostPath, body)
				if got, want := comparableBody(r, tenant), comparableBody(ghost, ghostTenant); got != want {
					t.Errorf("%s: the answer for an invisible tenant differs from the one for a missing tenant:\n%s\n---\n%s", name, got, want)
				}
				if got, want := comparableBody(r, tenant), comparableBody(missing, ghostTenant); got != want {
					t.Errorf("%s: the answer for an invisible tenant differs from an admin's for a missing tenant:\n%s\n---\n%s", name, got, want)
				}
			}
		}
	}
	t.Logf("isolation table: %d routes, %d cases", len(routes), cases)
	if want := 30*len(scopeKinds)*2 + 9*len(scopeKinds); cases != want {
		t.Errorf("ran %d cases, want %d: did a route go missing?", cases, want)
	}

	// A tenant that never existed and one that was deleted answer every tenant
	// route, its events included, exactly as a missing tenant does: to an admin,
	// to tokens of other tenants, and to tokens minted for the name after the
	// deletion. (The events of the first answered 200 with an empty list, and
	// those of the second its whole history.)
	f.seed(goneTenant)
	f.empty(goneTenant)
	wantStatus(t, f.as("admin", "DELETE", "/v1/tenants/"+goneTenant, ""), http.StatusNoContent)
	kinds := []string{"admin", "own-read", "own-write", "other-write"}
	for _, tenant := range []string{ghostTenant, goneTenant} {
		name := "reader-of-" + tenant
		_, secret, err := f.db.CreateToken(t.Context(), &raci.Token{Name: name, Scopes: []raci.Scope{raci.TenantScope(tenant, raci.AccessWrite)}})
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[name] = secret
		kinds = append(kinds, name)
	}
	absent := 0
	for _, rt := range routes {
		if !strings.Contains(rt.path, "{tenant}") || rt.access == admin || (rt.method == "PUT" && rt.path == "/v1/tenants/{tenant}") {
			continue
		}
		for _, tenant := range []string{ghostTenant, goneTenant} {
			for _, kind := range kinds {
				absent++
				path, body := requestFor(rt.method, rt.path, tenant, absent)
				r := f.as(kind, rt.method, path, body)
				if got, want := comparableBody(r, tenant), comparableBody(missing, ghostTenant); got != want {
					t.Errorf("%s %s as %s: the answer differs from the one for a missing tenant:\n%s\n---\n%s", rt.method, path, kind, got, want)
				}
			}
		}
	}
	if want := 28 * 2 * len(kinds); absent != want {
		t.Errorf("asked %d questions about absent tenants, want %d: did a route go missing?", absent, want)
	}
}

// Creating a tenant needs write on its name: a token for another tenant is told it
// does not exist, one with read on the name is refused.
func TestCreateTenantNeedsWriteOnIt(t *testing.T) {
	f := newIsolationFixture(t)
	for _, tt := range []struct {
		scopes []raci.Scope
		status int
	}{
		{[]raci.Scope{raci.TenantScope(ownTenant, raci.AccessWrite)}, http.StatusNotFound},
		{[]raci.Scope{raci.TenantScope("newco", raci.AccessRead)}, http.StatusForbidden},
		{[]raci.Scope{raci.TenantScope("newco", raci.AccessChecklist)}, http.StatusForbidden},
		{[]raci.Scope{raci.TenantScope("newco", raci.AccessWrite)}, http.StatusCreated},
	} {
		name := fmt.Sprintf("t%d", len(f.secrets))
		_, secret, err := f.db.CreateToken(t.Context(), &raci.Token{Name: name, Scopes: tt.scopes})
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[name] = secret
		r := f.as(name, "PUT", "/v1/tenants/newco", acmeTenant)
		if r.status != tt.status {
			t.Errorf("%v: PUT of a new tenant = %d, want %d; body %s", tt.scopes, r.status, tt.status, r.body)
		}
	}
	wantStatus(t, f.as("admin", "PUT", "/v1/tenants/other2", acmeTenant), http.StatusCreated)
}

// The tenant list shows only the tenants a token may read, and pages over them.
func TestTenantListShowsVisibleTenants(t *testing.T) {
	f := newIsolationFixture(t)
	for _, name := range []string{"a1", "b1", "c1", "d1", "e1"} {
		wantStatus(t, f.as("admin", "PUT", "/v1/tenants/"+name, acmeTenant), http.StatusCreated)
	}
	_, secret, err := f.db.CreateToken(t.Context(), &raci.Token{Name: "some", Scopes: []raci.Scope{
		raci.TenantScope("e1", raci.AccessRead),
		raci.TenantScope("b1", raci.AccessWrite),
		raci.TenantScope("gone", raci.AccessWrite), // no such tenant
		raci.TenantScope("d1", raci.AccessChecklist),
		raci.TenantScope("b1", raci.AccessRead),
	}})
	if err != nil {
		t.Fatal(err)
	}
	f.secrets["some"] = secret

	list := func(kind, query string) raci.Page[*raci.Tenant] {
		t.Helper()
		r := f.as(kind, "GET", "/v1/tenants"+query, "")
		wantStatus(t, r, 200)
		var page raci.Page[*raci.Tenant]
		r.decode(t, &page)
		return page
	}
	names := func(p raci.Page[*raci.Tenant]) string {
		var ns []string
		for _, tn := range p.Items {
			ns = append(ns, tn.Name)
		}
		return strings.Join(ns, ",")
	}

	if p := list("some", ""); names(p) != "b1,d1,e1" || p.Next != "" {
		t.Errorf("one page = %q next %q, want b1,d1,e1", names(p), p.Next)
	}
	p := list("some", "?limit=2")
	if names(p) != "b1,d1" || p.Next != "d1" {
		t.Errorf("first page = %q next %q, want b1,d1 next d1", names(p), p.Next)
	}
	if p := list("some", "?limit=2&after="+p.Next); names(p) != "e1" || p.Next != "" {
		t.Errorf("second page = %q next %q, want e1 and no next", names(p), p.Next)
	}
	if p := list("some", "?limit=3"); names(p) != "b1,d1,e1" || p.Next != "" {
		t.Errorf("exact page = %q next %q, want no next", names(p), p.Next)
	}
	if p := list("own-read", ""); len(p.Items) != 0 || !bytes.Contains(f.as("own-read", "GET", "/v1/tenants", "").body, []byte(`"items":[]`)) {
		t.Errorf("a token whose tenant does not exist sees %q", names(p))
	}
	if p := list("admin", ""); names(p) != "a1,b1,c1,d1,e1" {
		t.Errorf("admin sees %q, want every tenant", names(p))
	}
	wantProblem(t, f.as("some", "GET", "/v1/tenants?limit=0", ""), 422, raci.EINVALID, "limit")
}

func TestTokenRoutes(t *testing.T) {
	const bootstrap = "bootstrap-secret-value"
	db := openStore(t)
	s := newTestServer(t, db, Options{Token: bootstrap})

	r := s.do("POST", "/v1/tokens", `{"name": "ci", "scopes": ["tenant:acme:write", "tenant:globex:read"]}`)
	wantStatus(t, r, http.StatusCreated)
	if got := r.header.Get("Location"); got != "/v1/tokens/ci" {
		t.Errorf("Location = %q", got)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	var created struct {
		Name      string       `json:"name"`
		Scopes    []raci.Scope `json:"scopes"`
		CreatedAt string       `json:"created_at"`
		Secret    string       `json:"secret"`
	}
	r.decode(t, &created)
	if created.Name != "ci" || len(created.Scopes) != 2 || created.CreatedAt == "" || created.Secret == "" {
		t.Fatalf("created token = %s", r.body)
	}

	wantProblem(t, s.do("POST", "/v1/tokens", `{"name": "ci", "scopes": ["admin"]}`), 409, raci.ECONFLICT)
	wantProblem(t, s.do("POST", "/v1/tokens", `{"name": "Bad Name", "scopes": ["tenant:acme:own"]}`), 422, raci.EINVALID, "name", "scopes[0]")
	wantProblem(t, s.do("POST", "/v1/tokens", `{"name": "x", "scopes": []}`), 422, raci.EINVALID, "scopes")
	wantProblem(t, s.do("POST", "/v1/tokens", `{"name": "x", "scopes": ["admin"], "secret": "mine"}`), 422, raci.EINVALID, "secret")
	// The name the bootstrap credential's writes carry in the event log is the
	// server's: a stored token of that name would impersonate it.
	wantProblem(t, s.do("POST", "/v1/tokens", `{"name": "bootstrap", "scopes": ["tenant:acme:write"]}`), 422, raci.EINVALID, "name")

	r = s.do("GET", "/v1/tokens", "")
	wantStatus(t, r, 200)
	if bytes.Contains(r.body, []byte(created.Secret)) || bytes.Contains(r.body, []byte(`"secret"`)) {
		t.Errorf("the token list shows a secret: %s", r.body)
	}
	var list raci.Page[*raci.Token]
	r.decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Name != "ci" || !slices.Equal(list.Items[0].Scopes, created.Scopes) {
		t.Errorf("tokens = %s", r.body)
	}

	// The new token works, is recorded as the actor of its changes, and may not
	// manage tokens.
	ci := func(method, path, body string) response {
		return s.do(method, path, body, "Authorization", "Bearer "+created.Secret)
	}
	wantStatus(t, ci("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantProblem(t, ci("GET", "/v1/tokens", ""), 403, eforbidden)
	wantProblem(t, ci("POST", "/v1/tokens", `{"name": "escalate", "scopes": ["admin"]}`), 403, eforbidden)
	wantProblem(t, ci("DELETE", "/v1/tokens/ci", ""), 403, eforbidden)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusOK)
	events, err := db.ListEvents(t.Context(), "acme", raci.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Actor != "ci" || events[1].Actor != raci.BootstrapTokenName {
		t.Errorf("event actors = %+v, want ci then bootstrap", events)
	}

	wantStatus(t, s.do("DELETE", "/v1/tokens/ci", ""), http.StatusNoContent)
	wantProblem(t, ci("GET", "/v1/tenants/acme", ""), 401, raci.EUNAUTHORIZED)
	wantProblem(t, s.do("DELETE", "/v1/tokens/ci", ""), 404, raci.ENOTFOUND)

	if logs := s.logs.String(); strings.Contains(logs, created.Secret) || strings.Contains(logs, bootstrap) {
		t.Errorf("a secret reached the log:\n%s", logs)
	}

	// A store without tokens: only the bootstrap token, and no token routes.
	plain := newTestServer(t, plainService{openStore(t)}, Options{Token: bootstrap})
	wantProblem(t, plain.do("GET", "/v1/tokens", ""), 404, raci.ENOTFOUND)
	wantProblem(t, plain.do("POST", "/v1/tokens", `{"name": "ci", "scopes": ["admin"]}`), 404, raci.ENOTFOUND)
}

func TestEvents(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), http.StatusCreated)
	wantStatus(t, s.do("DELETE", "/v1/tenants/acme/parties/auth0", ""), http.StatusNoContent)

	type eventPage struct {
		Items []struct {
			Seq    int64           `json:"seq"`
			Actor  string          `json:"actor"`
			Tenant string          `json:"tenant"`
			Object string          `json:"object"`
			Action string          `json:"action"`
			Before json.RawMessage `json:"before"`
			After  json.RawMessage `json:"after"`
		} `json:"items"`
		Next string `json:"next"`
	}
	get := func(query string) eventPage {
		t.Helper()
		r := s.do("GET", "/v1/tenants/acme/events"+query, "")
		wantStatus(t, r, 200)
		var p eventPage
		r.decode(t, &p)
		return p
	}

	all := get("")
	if len(all.Items) != 4 || all.Next != "" {
		t.Fatalf("events = %+v", all)
	}
	first := all.Items[0]
	if first.Object != "tenant" || first.Action != raci.ActionCreate || first.Actor != raci.BootstrapTokenName || string(first.Before) != "null" || !bytes.Contains(first.After, []byte(`"acme"`)) {
		t.Errorf("first event = %+v", first)
	}
	if last := all.Items[3]; last.Object != "party/auth0" || last.Action != raci.ActionDelete || string(last.After) != "null" {
		t.Errorf("last event = %+v", last)
	}

	p := get("?limit=3")
	if len(p.Items) != 3 || p.Next != fmt.Sprint(p.Items[2].Seq) {
		t.Fatalf("first page = %+v", p)
	}
	if p := get("?limit=3&after=" + p.Next); len(p.Items) != 1 || p.Items[0].Object != "party/auth0" || p.Next != "" {
		t.Errorf("second page = %+v", p)
	}
	if p := get("?object=party/auth0&newest=true&limit=1"); len(p.Items) != 1 || p.Items[0].Action != raci.ActionDelete || p.Next != "" {
		t.Errorf("newest event of auth0 = %+v", p)
	}
	if p := get("?object=party/subscriber"); len(p.Items) != 1 || p.Items[0].Action != raci.ActionCreate {
		t.Errorf("events of subscriber = %+v", p)
	}

	wantProblem(t, s.do("GET", "/v1/tenants/acme/events?after=-1&limit=0&newest=maybe&object="+strings.Repeat("x", 101), ""),
		422, raci.EINVALID, "after", "limit", "newest", "object")

}

// The checklist scope ticks items and records evidence; waiving an item excuses it
// from readiness and takes write.
func TestChecklistScopeCannotWaive(t *testing.T) {
	f := newIsolationFixture(t)
	f.seed(ownTenant)
	item := "/v1/tenants/" + ownTenant + "/checklists/infrastructure/items/dns"
	waive := `{"status": "waived", "waiver": {"reason": "external DNS", "approved_by": "auth0", "expires": "2099-01-01T00:00:00Z"}}`
	wantStatus(t, f.as("own-checklist", "PATCH", item, `{"status": "done", "evidence": "ticket 7"}`), http.StatusOK)
	before := f.lastEvent(ownTenant)
	p := wantProblem(t, f.as("own-checklist", "PATCH", item, waive), http.StatusForbidden, eforbidden)
	if !strings.Contains(p.Detail, string(raci.TenantScope(ownTenant, raci.AccessWrite))) {
		t.Errorf("the refusal does not name the scope that would do: %q", p.Detail)
	}
	if f.lastEvent(ownTenant) != before {
		t.Error("a refused waiver changed the checklist")
	}
	wantStatus(t, f.as("own-write", "PATCH", item, waive), http.StatusOK)
}
