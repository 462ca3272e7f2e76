package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// openStore opens a fresh SQLite store in the test's temporary directory.
func openStore(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// syncBuffer collects log output written from handler goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// adminToken is the bootstrap token of test servers that are not about tokens.
const adminToken = "test-admin-token"

type testServer struct {
	*httptest.Server
	t     *testing.T
	token string
	logs  *syncBuffer
}

// newTestServer starts the API over svc (a fresh SQLite store when nil).
func newTestServer(t *testing.T, svc raci.Service, opts Options) *testServer {
	t.Helper()
	if svc == nil {
		svc = openStore(t)
	}
	logs := &syncBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ts := httptest.NewServer(New(svc, opts))
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, t: t, token: opts.Token, logs: logs}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// problem decodes the body as problem details, checking the media type.
func (r response) problem(t *testing.T) problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, r.body)
	}
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decode problem: %v; body %s", err, r.body)
	}
	if p.Status != r.status {
		t.Errorf("problem status = %d, response status %d", p.Status, r.status)
	}
	if p.Type != "urn:raci:problem:"+p.Code {
		t.Errorf("problem type = %q, code %q", p.Type, p.Code)
	}
	return p
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode body: %v; body %s", err, r.body)
	}
}

// do sends a request with the server's token, if any; headers alternate name and
// value.
func (s *testServer) do(method, path, body string, headers ...string) response {
	s.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// wantProblem checks an error response: status, code, and the fields named.
func wantProblem(t *testing.T, r response, status int, code string, fields ...string) problem {
	t.Helper()
	wantStatus(t, r, status)
	p := r.problem(t)
	if p.Code != code {
		t.Errorf("code = %q, want %q (detail %q)", p.Code, code, p.Detail)
	}
	if p.Detail == "" {
		t.Error("problem has no detail")
	}
	for _, f := range fields {
		found := false
		for _, e := range p.Errors {
			if e.Field == f {
				found = true
			}
		}
		if !found {
			t.Errorf("problem does not name field %q: %+v", f, p.Errors)
		}
	}
	return p
}

const (
	acmeTenant = `{"display_name": "ACME", "customer": "ACME Corp", "deployment_model": "private_saas", "environments": ["prod", "dev"]}`
	vendorBody = `{"display_name": "Auth0", "kind": "vendor", "contacts": ["ops@auth0.example"]}`
	customerB  = `{"display_name": "Subscriber", "kind": "customer"}`
	backupRow  = `{"title": "Backing Up", "category": "operation", "assignments": [
		{"party": "subscriber", "roles": ["R", "A"]},
		{"party": "auth0", "roles": ["I"], "when": "in the event that there are issues"}]}`
)

func TestProbes(t *testing.T) {
	ready := errors.New("database locked at /var/lib/raci/raci.db")
	var failing bool
	s := newTestServer(t, nil, Options{Token: "secret", Ready: func(context.Context) error {
		if failing {
			return ready
		}
		return nil
	}})
	s.token = "" // probes answer without a token

	r := s.do("GET", "/healthz", "")
	wantStatus(t, r, 200)
	if strings.TrimSpace(string(r.body)) != "ok" {
		t.Errorf("healthz body = %q, want ok", r.body)
	}
	wantStatus(t, s.do("GET", "/readyz", ""), 200)

	failing = true
	p := wantProblem(t, s.do("GET", "/readyz", ""), 503, raci.EINTERNAL)
	if strings.Contains(p.Detail, "/var/lib") {
		t.Errorf("readyz detail reveals the cause: %q", p.Detail)
	}
	if !strings.Contains(s.logs.String(), "database locked") {
		t.Errorf("the cause of unreadiness is not logged:\n%s", s.logs)
	}
}

func TestTenantLifecycle(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})

	r := s.do("PUT", "/v1/tenants/acme", acmeTenant)
	wantStatus(t, r, http.StatusCreated)
	if got := r.header.Get("Location"); got != "/v1/tenants/acme" {
		t.Errorf("Location = %q", got)
	}
	if got := r.header.Get("ETag"); got != `"1"` {
		t.Errorf("ETag = %q, want \"1\"", got)
	}
	var created raci.Tenant
	r.decode(t, &created)
	if created.Name != "acme" || created.Version != 1 || created.Scheme != raci.RACI || created.CreatedAt.IsZero() {
		t.Errorf("created tenant = %+v", created)
	}
	if strings.Join(created.Environments, ",") != "dev,prod" {
		t.Errorf("environments = %v, want the set sorted", created.Environments)
	}

	r = s.do("PUT", "/v1/tenants/acme", `{"deployment_model": "dedicated_saas"}`)
	wantStatus(t, r, http.StatusOK)
	if r.header.Get("Location") != "" {
		t.Error("a replace sends Location")
	}
	if got := r.header.Get("ETag"); got != `"2"` {
		t.Errorf("ETag after replace = %q, want \"2\"", got)
	}

	r = s.do("GET", "/v1/tenants/acme", "")
	wantStatus(t, r, http.StatusOK)
	var got raci.Tenant
	r.decode(t, &got)
	if got.DeploymentModel != raci.DedicatedSaaS || got.Version != 2 || r.header.Get("ETag") != `"2"` {
		t.Errorf("GET = %+v, ETag %q", got, r.header.Get("ETag"))
	}

	r = s.do("GET", "/v1/tenants/acme", "", "If-None-Match", `"2"`)
	wantStatus(t, r, http.StatusNotModified)
	if len(r.body) != 0 || r.header.Get("ETag") != `"2"` {
		t.Errorf("304 body %q, ETag %q", r.body, r.header.Get("ETag"))
	}
	wantStatus(t, s.do("GET", "/v1/tenants/acme", "", "If-None-Match", `"1", W/"7"`), http.StatusOK)
	wantStatus(t, s.do("GET", "/v1/tenants/acme", "", "If-None-Match", `"1", W/"2"`), http.StatusNotModified)

	// Writes compare If-Match strongly (RFC 9110): the weak form of the current tag
	// does not match, and nothing changes. Both conditions at once is a bad request.
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", `{"deployment_model": "private_saas"}`, "If-Match", `W/"2"`), 412, raci.EPRECONDITION)
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", `{"deployment_model": "private_saas"}`, "If-Match", `"2"`, "If-None-Match", "*"),
		400, raci.EINVALID, "If-Match")
	wantStatus(t, s.do("GET", "/v1/tenants/acme", "", "If-None-Match", `"2"`), http.StatusNotModified)

	wantStatus(t, s.do("DELETE", "/v1/tenants/acme", ""), http.StatusNoContent)
	p := wantProblem(t, s.do("GET", "/v1/tenants/acme", ""), 404, raci.ENOTFOUND)
	if !strings.Contains(p.Detail, "acme") {
		t.Errorf("not-found detail does not name the tenant: %q", p.Detail)
	}
	wantProblem(t, s.do("DELETE", "/v1/tenants/acme", ""), 404, raci.ENOTFOUND)
}

func TestPutNamesComeFromURL(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})

	wantProblem(t, s.do("PUT", "/v1/tenants/acme", `{"name": "other", "deployment_model": "private_saas"}`), 422, raci.EINVALID, "name")
	wantProblem(t, s.do("GET", "/v1/tenants/other", ""), 404, raci.ENOTFOUND)

	// Echoing a read back is fine: matching name, and server fields are ignored.
	r := s.do("PUT", "/v1/tenants/acme", `{"name": "acme", "deployment_model": "private_saas", "version": 42,
		"created_at": "2001-01-01T00:00:00Z", "updated_at": "2001-01-01T00:00:00Z"}`)
	wantStatus(t, r, http.StatusCreated)
	var tn raci.Tenant
	r.decode(t, &tn)
	if tn.Version != 1 || tn.CreatedAt.Year() == 2001 {
		t.Errorf("server fields from the body were used: version %d, created %s", tn.Version, tn.CreatedAt)
	}

	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), http.StatusCreated)
	p := wantProblem(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", `{"tenant": "globex", "name": "okta", "kind": "vendor"}`), 422, raci.EINVALID, "tenant", "name")
	if len(p.Errors) != 2 {
		t.Errorf("want both mismatches reported, got %+v", p.Errors)
	}
	wantProblem(t, s.do("PUT", "/v1/tenants/acme/responsibilities/backing-up", `{"key": "backup", "title": "x"}`), 422, raci.EINVALID, "key")
}

func TestPutBodyErrors(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), http.StatusCreated)

	tests := []struct {
		name   string
		path   string
		body   string
		status int
		code   string
		field  string
	}{
		{"unknown field", "/v1/tenants/acme", `{"deployment_model": "private_saas", "colour": "red"}`, 422, raci.EINVALID, "colour"},
		{"unknown nested field", "/v1/tenants/acme/responsibilities/r1",
			`{"title": "T", "assignments": [{"party": "auth0", "roles": ["R", "A"], "role": "x"}]}`, 422, raci.EINVALID, "assignments[0].role"},
		{"wrong type", "/v1/tenants/acme", `{"deployment_model": "private_saas", "environments": "prod"}`, 422, raci.EINVALID, "environments"},
		{"wrong nested type", "/v1/tenants/acme/responsibilities/r1",
			`{"title": "T", "assignments": [{"party": "auth0", "roles": ["R", 1]}]}`, 422, raci.EINVALID, "assignments[0].roles[1]"},
		{"wrong label type", "/v1/tenants/acme", `{"deployment_model": "private_saas", "labels": {"team": 7}}`, 422, raci.EINVALID, "labels.team"},
		{"bad timestamp", "/v1/tenants/acme", `{"deployment_model": "private_saas", "created_at": "yesterday"}`, 422, raci.EINVALID, "created_at"},
		{"malformed", "/v1/tenants/acme", `{"deployment_model": `, 400, raci.EINVALID, ""},
		{"not json", "/v1/tenants/acme", `deployment_model=private_saas`, 400, raci.EINVALID, ""},
		{"not an object", "/v1/tenants/acme", `["private_saas"]`, 400, raci.EINVALID, ""},
		{"two values", "/v1/tenants/acme", `{"deployment_model": "private_saas"} {}`, 400, raci.EINVALID, ""},
		{"empty", "/v1/tenants/acme", ``, 400, raci.EINVALID, ""},
		{"rule broken", "/v1/tenants/acme", `{"deployment_model": "on_prem"}`, 422, raci.EINVALID, "deployment_model"},
		{"row without accountable", "/v1/tenants/acme/responsibilities/r1",
			`{"title": "T", "assignments": [{"party": "auth0", "roles": ["R"]}]}`, 422, raci.EINVALID, "assignments"},
		{"unknown party", "/v1/tenants/acme/responsibilities/r1",
			`{"title": "T", "assignments": [{"party": "okta", "roles": ["R", "A"]}]}`, 422, raci.EINVALID, "assignments[0].party"},
		{"tenant missing", "/v1/tenants/globex/parties/auth0", vendorBody, 404, raci.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fields []string
			if tt.field != "" {
				fields = append(fields, tt.field)
			}
			wantProblem(t, s.do("PUT", tt.path, tt.body), tt.status, tt.code, fields...)
		})
	}

	// Nothing above changed what is stored.
	r := s.do("GET", "/v1/tenants/acme", "")
	if r.header.Get("ETag") != `"1"` {
		t.Errorf("a rejected write changed the tenant: ETag %q", r.header.Get("ETag"))
	}
	wantProblem(t, s.do("GET", "/v1/tenants/acme/responsibilities/r1", ""), 404, raci.ENOTFOUND)
}

func TestPutBodyTooLarge(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	big := `{"deployment_model": "private_saas", "display_name": "` + strings.Repeat("x", maxBodySize) + `"}`
	p := wantProblem(t, s.do("PUT", "/v1/tenants/acme", big), http.StatusRequestEntityTooLarge, raci.ETOOLARGE)
	if !strings.Contains(p.Detail, "1 MiB") {
		t.Errorf("detail does not state the limit: %q", p.Detail)
	}
}

func TestPreconditions(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})

	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant, "If-None-Match", "*"), http.StatusCreated)
	p := wantProblem(t, s.do("PUT", "/v1/tenants/acme", acmeTenant, "If-None-Match", "*"), 412, raci.EPRECONDITION)
	if !strings.Contains(p.Detail, "already exists") {
		t.Errorf("detail = %q", p.Detail)
	}
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant, "If-Match", `"1"`), http.StatusOK)
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", acmeTenant, "If-Match", `"1"`), 412, raci.EPRECONDITION)
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", acmeTenant, "If-Match", `3`), 400, raci.EINVALID, "If-Match")
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", acmeTenant, "If-None-Match", `"2"`), 400, raci.EINVALID, "If-None-Match")
	wantProblem(t, s.do("PUT", "/v1/tenants/globex", acmeTenant, "If-Match", `"1"`), 412, raci.EPRECONDITION)

	wantProblem(t, s.do("DELETE", "/v1/tenants/acme", "", "If-Match", `"1"`), 412, raci.EPRECONDITION)
	wantProblem(t, s.do("DELETE", "/v1/tenants/acme", "", "If-Match", `one`), 400, raci.EINVALID, "If-Match")
	wantStatus(t, s.do("DELETE", "/v1/tenants/acme", "", "If-Match", `"2"`), http.StatusNoContent)
}

func TestListPaging(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	for _, name := range []string{"globex", "acme", "initech"} {
		wantStatus(t, s.do("PUT", "/v1/tenants/"+name, acmeTenant), http.StatusCreated)
	}

	var page raci.Page[*raci.Tenant]
	r := s.do("GET", "/v1/tenants?limit=2", "")
	wantStatus(t, r, 200)
	r.decode(t, &page)
	if len(page.Items) != 2 || page.Items[0].Name != "acme" || page.Items[1].Name != "globex" || page.Next != "globex" {
		t.Fatalf("first page = %+v", page)
	}
	after := page.Next
	page = raci.Page[*raci.Tenant]{}
	s.do("GET", "/v1/tenants?limit=2&after="+after, "").decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Name != "initech" || page.Next != "" {
		t.Fatalf("second page = %+v", page)
	}

	for _, limit := range []string{"abc", "0", "-1", "1001"} {
		wantProblem(t, s.do("GET", "/v1/tenants?limit="+limit, ""), 422, raci.EINVALID, "limit")
	}

	// An empty list is an empty array, never null.
	r = s.do("GET", "/v1/tenants/acme/parties", "")
	wantStatus(t, r, 200)
	if !bytes.Contains(r.body, []byte(`"items":[]`)) {
		t.Errorf("empty list body = %s", r.body)
	}
	wantProblem(t, s.do("GET", "/v1/tenants/nope/parties", ""), 404, raci.ENOTFOUND)
	wantProblem(t, s.do("GET", "/v1/tenants/nope/responsibilities", ""), 404, raci.ENOTFOUND)
}

func TestPartiesResponsibilitiesAndSnapshot(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)

	r := s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody)
	wantStatus(t, r, http.StatusCreated)
	if got := r.header.Get("Location"); got != "/v1/tenants/acme/parties/auth0" {
		t.Errorf("party Location = %q", got)
	}
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), http.StatusCreated)

	r = s.do("PUT", "/v1/tenants/acme/responsibilities/backing-up", backupRow)
	wantStatus(t, r, http.StatusCreated)
	if got := r.header.Get("Location"); got != "/v1/tenants/acme/responsibilities/backing-up" {
		t.Errorf("responsibility Location = %q", got)
	}
	var row raci.Responsibility
	r.decode(t, &row)
	if row.Tenant != "acme" || row.Key != "backing-up" || len(row.Assignments) != 2 {
		t.Errorf("stored row = %+v", row)
	}

	r = s.do("GET", "/v1/tenants/acme/parties/auth0", "")
	wantStatus(t, r, 200)
	var party raci.Party
	r.decode(t, &party)
	if party.Kind != raci.Vendor || r.header.Get("ETag") != `"1"` {
		t.Errorf("party = %+v, ETag %q", party, r.header.Get("ETag"))
	}
	wantStatus(t, s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "", "If-None-Match", `"1"`), http.StatusNotModified)
	wantStatus(t, s.do("GET", "/v1/tenants/acme/parties/auth0", "", "If-None-Match", `"1"`), http.StatusNotModified)

	var parties raci.Page[*raci.Party]
	s.do("GET", "/v1/tenants/acme/parties", "").decode(t, &parties)
	if len(parties.Items) != 2 || parties.Items[0].Name != "auth0" {
		t.Errorf("parties = %+v", parties)
	}
	var rows raci.Page[*raci.Responsibility]
	s.do("GET", "/v1/tenants/acme/responsibilities?limit=10", "").decode(t, &rows)
	if len(rows.Items) != 1 || rows.Items[0].Key != "backing-up" {
		t.Errorf("responsibilities = %+v", rows)
	}

	var snap raci.Snapshot
	r = s.do("GET", "/v1/tenants/acme/snapshot", "")
	wantStatus(t, r, 200)
	r.decode(t, &snap)
	if snap.Tenant.Name != "acme" || len(snap.Parties) != 2 || len(snap.Responsibilities) != 1 {
		t.Errorf("snapshot = %+v", snap)
	}
	wantProblem(t, s.do("GET", "/v1/tenants/nope/snapshot", ""), 404, raci.ENOTFOUND)

	// References hold: a party still assigned and a tenant with content stay.
	wantProblem(t, s.do("DELETE", "/v1/tenants/acme/parties/auth0", ""), 409, raci.ECONFLICT)
	wantProblem(t, s.do("DELETE", "/v1/tenants/acme", ""), 409, raci.ECONFLICT)

	wantProblem(t, s.do("DELETE", "/v1/tenants/acme/responsibilities/backing-up", "", "If-Match", `"2"`), 412, raci.EPRECONDITION)
	wantStatus(t, s.do("DELETE", "/v1/tenants/acme/responsibilities/backing-up", "", "If-Match", `"1"`), http.StatusNoContent)
	wantStatus(t, s.do("DELETE", "/v1/tenants/acme/parties/auth0", ""), http.StatusNoContent)
	wantProblem(t, s.do("GET", "/v1/tenants/acme/parties/auth0", ""), 404, raci.ENOTFOUND)
	wantProblem(t, s.do("DELETE", "/v1/tenants/acme/responsibilities/backing-up", ""), 404, raci.ENOTFOUND)
}

// plainService hides every method beyond raci.Service, so the server has to
// assemble snapshots itself.
type plainService struct{ raci.Service }

func TestSnapshotWithoutSnapshotService(t *testing.T) {
	db := openStore(t)
	s := newTestServer(t, plainService{db}, Options{})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	r := s.do("GET", "/v1/tenants/acme/snapshot", "")
	wantStatus(t, r, 200)
	if !bytes.Contains(r.body, []byte(`"parties":[]`)) || !bytes.Contains(r.body, []byte(`"responsibilities":[]`)) || !bytes.Contains(r.body, []byte(`"checklists":[]`)) {
		t.Errorf("empty tenant snapshot = %s, want empty arrays", r.body)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	p := wantProblem(t, s.do("GET", "/v1/nothing-here", ""), 404, raci.ENOTFOUND)
	if !strings.Contains(p.Detail, "/v1/nothing-here") {
		t.Errorf("detail = %q", p.Detail)
	}
	wantProblem(t, s.do("GET", "/", ""), 404, raci.ENOTFOUND)

	// A path that is not in its clean form gets problem details naming the clean
	// one, not ServeMux's HTML redirect.
	for _, unclean := range []string{"//v1/tenants", "/v1//tenants", "/v1/./tenants"} {
		r := s.do("GET", unclean, "")
		p := wantProblem(t, r, 404, raci.ENOTFOUND)
		if !strings.Contains(p.Detail, "write the path as /v1/tenants") || r.header.Get("Location") != "" {
			t.Errorf("GET %s: detail %q, Location %q", unclean, p.Detail, r.header.Get("Location"))
		}
	}

	r := s.do("POST", "/v1/tenants/acme", acmeTenant)
	wantProblem(t, r, 405, raci.EINVALID)
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "PUT") || !strings.Contains(allow, "DELETE") {
		t.Errorf("Allow = %q", allow)
	}
	r = s.do("DELETE", "/v1/tenants", "")
	wantProblem(t, r, 405, raci.EINVALID)
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || strings.Contains(allow, "PUT") {
		t.Errorf("Allow = %q", allow)
	}
}

func TestAuth(t *testing.T) {
	const token = "s3cr3t-t0ken-value"
	s := newTestServer(t, nil, Options{Token: token})

	for _, auth := range []string{"", "Bearer wrong", "Basic " + token, "Bearer"} {
		s.token = ""
		var r response
		if auth == "" {
			r = s.do("GET", "/v1/tenants", "")
		} else {
			r = s.do("GET", "/v1/tenants", "", "Authorization", auth)
		}
		wantProblem(t, r, 401, raci.EUNAUTHORIZED)
		if h := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
			t.Errorf("Authorization %q: WWW-Authenticate = %q", auth, h)
		}
	}
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), 401, raci.EUNAUTHORIZED)
	wantProblem(t, s.do("GET", "/v1/openapi.json", ""), 401, raci.EUNAUTHORIZED)

	s.token = token
	wantStatus(t, s.do("GET", "/v1/tenants", ""), 200)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("GET", "/v1/tenants/acme", "", "Authorization", "bearer "+token), 200)

	if strings.Contains(s.logs.String(), token) {
		t.Errorf("the token reached the log:\n%s", s.logs)
	}

	// A store without tokens and no bootstrap token leave the API open; a store
	// with tokens never does, even before it holds any.
	open := newTestServer(t, plainService{openStore(t)}, Options{})
	wantStatus(t, open.do("GET", "/v1/tenants", ""), 200)
	closed := newTestServer(t, nil, Options{})
	wantProblem(t, closed.do("GET", "/v1/tenants", ""), 401, raci.EUNAUTHORIZED)
}

// failingService fails every tenant read with an error whose text must stay in
// the log.
type failingService struct{ raci.Service }

func (failingService) FindTenant(context.Context, string) (*raci.Tenant, error) {
	return nil, errors.New("sqlite: disk I/O error at /var/lib/raci/raci.db")
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	s := newTestServer(t, failingService{openStore(t)}, Options{})
	p := wantProblem(t, s.do("GET", "/v1/tenants/acme", ""), 500, raci.EINTERNAL)
	if strings.Contains(p.Detail, "/var/lib") || strings.Contains(p.Detail, "sqlite") {
		t.Errorf("detail reveals internals: %q", p.Detail)
	}
	if !strings.Contains(s.logs.String(), "disk I/O error at /var/lib/raci/raci.db") {
		t.Errorf("the internal error is not logged:\n%s", s.logs)
	}
}

func TestRequestLog(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	s.do("GET", "/v1/tenants/acme", "")
	logs := s.logs.String()
	for _, want := range []string{`method=GET`, `route="GET /v1/tenants/{tenant}"`, `status=404`, `duration=`} {
		if !strings.Contains(logs, want) {
			t.Errorf("request log lacks %s:\n%s", want, logs)
		}
	}
}
