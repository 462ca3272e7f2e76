package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// FuzzHandlers sends arbitrary methods, paths, headers and bodies to the real server
// on a temporary SQLite file holding a tenant with parties, a row and a checklist.
// Whatever arrives, the server must not panic or fail with a 500, and must answer in
// JSON: problem details whose status is the HTTP status on errors. The only other
// answers are the probes' and /metrics' text, empty 204 and 304 bodies, and
// ServeMux's redirects to a cleaned path.
//
// CI runs it briefly:
//
//	go test ./internal/server/ -run '^$' -fuzz '^FuzzHandlers$' -fuzztime 20s -fuzzminimizetime 5s
//
// (Every input writes to SQLite, so minimizing a new input with the default 60s
// budget would take most of a short run.)
func FuzzHandlers(f *testing.F) {
	const handlerTimeout = 10 * time.Second
	for _, s := range handlerSeeds {
		f.Add(s.method, s.path, []byte(s.body), s.ifMatch, s.authed)
	}

	db, err := sqlite.Open(f.Context(), filepath.Join(f.TempDir(), "raci.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	srv := New(db, Options{Token: adminToken, Ready: db.Ping})
	seedFuzzServer(f, srv)

	f.Fuzz(func(t *testing.T, method, path string, body []byte, ifMatch string, authed bool) {
		req, ok := rawRequest(method, path, body, ifMatch, authed)
		if !ok {
			t.Skip("net/http refuses this request before any handler sees it")
		}
		rec := serveWithin(t, srv, req, handlerTimeout)
		checkAnswer(t, req, rec)
	})
}

// FuzzStores sends each request to two servers, one on SQLite and one on
// PostgreSQL, that hold the same data and have had the same requests: neither may
// fail with a 500 or answer other than FuzzHandlers allows, and both must give the
// same status and, for problems, the same code and fields. A store that takes
// what the other refuses, or fails on it, shows as a difference.
//
// make fuzz runs it briefly; for a longer hunt:
//
//	go test ./internal/server/ -run '^$' -fuzz '^FuzzStores$' -fuzztime 5m -fuzzminimizetime 10x
//
// Minimizing reruns an input on servers that have moved on, so a failure may not
// minimize; its first report says what was sent.
func FuzzStores(f *testing.F) {
	const handlerTimeout = 10 * time.Second
	for _, s := range handlerSeeds {
		f.Add(s.method, s.path, []byte(s.body), s.ifMatch, s.authed)
	}
	var servers [2]*Server
	for i, kind := range storeKinds {
		svc := openKind(f, kind)
		servers[i] = New(svc, Options{Token: adminToken})
		seedFuzzServer(f, servers[i])
	}

	f.Fuzz(func(t *testing.T, method, path string, body []byte, ifMatch string, authed bool) {
		var answers [2]*httptest.ResponseRecorder
		for i, srv := range servers {
			req, ok := rawRequest(method, path, body, ifMatch, authed)
			if !ok {
				t.Skip("net/http refuses this request before any handler sees it")
			}
			answers[i] = serveWithin(t, srv, req, handlerTimeout)
			checkAnswer(t, req, answers[i])
		}
		a, b := answers[0], answers[1]
		if a.Code != b.Code || problemShape(a) != problemShape(b) {
			t.Fatalf("%s %s with body %q: the stores answer differently:\n%s: %d %s\n%s: %d %s",
				method, path, body, storeKinds[0], a.Code, a.Body, storeKinds[1], b.Code, b.Body)
		}
	})
}

// problemShape is what two stores must agree on in an error answer: its code and
// the fields it names. Details may differ (a store names what it keeps).
func problemShape(rec *httptest.ResponseRecorder) string {
	if rec.Code < 400 {
		return ""
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		return "not JSON"
	}
	shape := p.Code
	for _, e := range p.Errors {
		shape += " " + e.Field
	}
	return shape
}

// seedFuzzServer writes the tenant acme with its parties, a row and a checklist.
func seedFuzzServer(f *testing.F, srv http.Handler) {
	f.Helper()
	for _, w := range []struct{ path, body string }{
		{"/v1/tenants/acme", acmeTenant},
		{"/v1/tenants/acme/parties/auth0", vendorBody},
		{"/v1/tenants/acme/parties/subscriber", customerB},
		{"/v1/tenants/acme/responsibilities/backing-up", backupRow},
		{checklistPath, infraChecklist},
	} {
		if status := serveRaw(srv, "PUT", w.path, []byte(w.body), "", true).Code; status != http.StatusCreated {
			f.Fatalf("seed PUT %s: status %d", w.path, status)
		}
	}
}

// serveWithin serves one request and returns the answer. A request that never
// returns (a lock left held) would otherwise only slow the fuzzer down.
func serveWithin(t *testing.T, srv http.Handler, req *http.Request, timeout time.Duration) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatalf("%s %s: no answer within %s", req.Method, req.RequestURI, timeout)
	}
	return rec
}

// handlerSeed is one request of the fuzz targets' seed corpora.
type handlerSeed struct {
	method, path, body, ifMatch string
	authed                      bool
}

// handlerSeeds are requests of every kind the API takes, right and wrong.
var handlerSeeds = []handlerSeed{
	{"GET", "/healthz", "", "", false},
	{"GET", "/readyz", "", "", false},
	{"GET", "/metrics", "", "", false},
	{"GET", "/v1/openapi.json", "", "", true},
	{"GET", "/v1/tenants?limit=2&after=a", "", "", true},
	{"PUT", "/v1/tenants/globex", acmeTenant, "", true},
	{"PUT", "/v1/tenants/acme", `{"deployment_model": "dedicated_saas", "labels": {"team": "ops"}, "scheme": "RASCI"}`, `"1"`, true},
	{"PUT", "/v1/tenants/acme", `{"deployment_model": "private_saas", "environments": "prod"}`, "", true},
	{"DELETE", "/v1/tenants/acme", "", `"7"`, true},
	{"GET", "/v1/tenants/acme/snapshot", "", "", true},
	{"GET", "/v1/tenants/acme/events?after=0", "", "", true},
	{"PUT", "/v1/tenants/acme/parties/okta", vendorBody, "*", true},
	{"PUT", "/v1/tenants/acme/parties/auth0", `{"tenant": "globex", "kind": "third_party", "contacts": [7]}`, "", true},
	{"DELETE", "/v1/tenants/acme/parties/auth0", "", "", true},
	{"PUT", "/v1/tenants/acme/responsibilities/backing-up", backupRow, `"1"`, true},
	{"PUT", "/v1/tenants/acme/responsibilities/r2", `{"title": "T", "assignments": [{"party": "auth0", "roles": ["R", "A", "S"], "holder": "x", "when": "y"}]}`, "", true},
	{"GET", "/v1/tenants/acme/responsibilities?limit=1000", "", "", true},
	{"PUT", checklistPath, infraChecklist, "", true},
	{"PATCH", dnsPath, `{"status": "done", "evidence": "INF-1", "evidence_expires": "2099-01-31T00:00:00Z"}`, `"1"`, true},
	{"PATCH", checklistPath + "/items/firewall", `{"status": "waived", "waiver": {"reason": "VPN", "approved_by": "auth0", "expires": "2099-06-30T00:00:00Z"}}`, "", true},
	{"GET", checklistPath + "/readiness", "", "", true},
	{"POST", "/v1/tokens", `{"name": "ci", "scopes": ["tenant:acme:read", "admin"]}`, "", true},
	{"DELETE", "/v1/tokens/ci", "", "", true},
	{"GET", "/v1/tenants/ACME/parties/x%2Fy", "", "", true},
	{"PUT", "/v1//tenants/../tenants/acme", `{}`, "", true},
	{"BREW", "/v1/tenants", `[]`, "", true},
	{"GET", "/v1/tenants/acme", "", "", false},
	// What an outside probe found PostgreSQL failing on (issue 19).
	{"PUT", "/v1/tenants/acme/responsibilities/nul", `{"title":"a\u0000b","assignments":[{"party":"auth0","roles":["R","A"]}]}`, "", true},
	{"PUT", "/v1/tenants/acme", `{"deployment_model":"private_saas","labels":{"team":"a\u0000b"}}`, "", true},
	{"PUT", "/v1/tenants/acme/parties/okta", `{"kind":"vendor","contacts":["a\u0000b"]}`, "", true},
	{"GET", "/v1/tenants?after=%ff", "", "", true},
	{"GET", "/v1/tenants/acme/parties/%00", "", "", true},
	{"GET", "/v1/tenants/acme/events?object=%00", "", "", true},
	{"PUT", "/v1/tenants/acme/parties/okta", "{\"kind\":\"vendor\",\"display_name\":\"caf\xe9\"}", "", true},
	{"PUT", "/v1/tenants/acme/parties/okta", `{"kind":"vendor","kind":"customer","Kind":"vendor"}`, "", true},
}

// serveRaw sends one request through the server and returns its answer.
func serveRaw(srv http.Handler, method, path string, body []byte, ifMatch string, authed bool) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	if req, ok := rawRequest(method, path, body, ifMatch, authed); ok {
		srv.ServeHTTP(rec, req)
	}
	return rec
}

// rawRequest builds the request the way net/http's server parses one off the wire,
// so that inputs it would refuse with its own 400 (a malformed method or target, a
// header holding a line break) are not sent. ok is false for those.
func rawRequest(method, path string, body []byte, ifMatch string, authed bool) (*http.Request, bool) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: raci.test\r\nContent-Length: %d\r\n", method, path, len(body))
	if strings.ContainsAny(ifMatch, "\r\n") {
		return nil, false
	}
	if ifMatch != "" {
		// The same value serves writes (If-Match) and reads (If-None-Match).
		fmt.Fprintf(&b, "If-Match: %s\r\nIf-None-Match: %s\r\n", ifMatch, ifMatch)
	}
	if authed {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", adminToken)
	}
	b.WriteString("\r\n")
	b.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil || req.Method != method {
		return nil, false
	}
	return req, true
}

// checkAnswer asserts what every answer must be, whatever the request.
func checkAnswer(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	status := rec.Code
	body := rec.Body.Bytes()
	ct := rec.Header().Get("Content-Type")
	describe := func() string {
		return fmt.Sprintf("%s %s -> %d %s\n%s", req.Method, req.RequestURI, status, ct, body)
	}
	if status >= 500 {
		t.Fatalf("server error:\n%s", describe())
	}
	switch {
	case status >= 400:
		if ct != "application/problem+json" {
			t.Fatalf("error answered without problem details:\n%s", describe())
		}
		var p problem
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("problem details are not JSON: %v\n%s", err, describe())
		}
		if p.Status != status || p.Code == "" || p.Type != problemTypePrefix+p.Code || p.Detail == "" {
			t.Fatalf("problem details incomplete or disagreeing with the status:\n%s", describe())
		}
		if p.Code == raci.EINVALID {
			for _, e := range p.Errors {
				if e.Detail == "" {
					t.Fatalf("problem without a detail:\n%s", describe())
				}
			}
		}
	case status == http.StatusNoContent || status == http.StatusNotModified:
		if len(body) != 0 {
			t.Fatalf("%d with a body:\n%s", status, describe())
		}
	case status >= 300:
		// ServeMux redirects a path such as /v1//tenants to its clean form.
		if rec.Header().Get("Location") == "" {
			t.Fatalf("redirect without Location:\n%s", describe())
		}
	case strings.HasPrefix(ct, "application/json"):
		if !json.Valid(body) {
			t.Fatalf("invalid JSON:\n%s", describe())
		}
	case strings.HasPrefix(ct, "text/plain"):
		switch req.URL.Path {
		case "/healthz", "/readyz", metricsPath:
		default:
			t.Fatalf("text answer from an API route:\n%s", describe())
		}
	default:
		t.Fatalf("answer of unexpected type:\n%s", describe())
	}
}
