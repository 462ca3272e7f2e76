package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

const tenantJSON = `{"name":"acme","deployment_model":"private_saas","scheme":"RACI","version":3}`

// newTestClient returns a client for srv that records the waits between attempts
// instead of sleeping.
func newTestClient(t *testing.T, url string, opts ...Option) (*Client, *[]time.Duration) {
	t.Helper()
	c, err := New(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	delays := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*delays = append(*delays, d)
		return ctx.Err()
	}
	return c, delays
}

// scripted answers each request with the next of statuses (the last repeats), and
// counts the requests.
func scripted(t *testing.T, statuses []int, header http.Header, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		status := statuses[min(i, len(statuses)-1)]
		for k, v := range header {
			w.Header()[k] = v
		}
		if status < 300 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, tenantJSON)
			return
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/problem+json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestNewValidatesEndpoint(t *testing.T) {
	for _, bad := range []string{"", "raci.example.com", "raci.example.com:8080", "ftp://raci.example.com", "http://", "/v1", "https://user:pw@raci.example.com", "http://raci.example.com/?x=1"} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%q) accepted a bad endpoint", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("New(%q) error repeats the credentials: %v", bad, err)
		}
	}
	for _, good := range []string{"http://127.0.0.1:8080", "https://raci.example.com/", "https://example.com/raci"} {
		if _, err := New(good); err != nil {
			t.Errorf("New(%q): %v", good, err)
		}
	}
}

func TestRequests(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"tenant":"acme","name":"auth 0","kind":"vendor","version":1}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL+"/prefix/", WithToken("tok"), WithUserAgent("test-agent/1"))

	p, created, err := c.PutParty(t.Context(), &raci.Party{Tenant: "acme", Name: "auth 0", Kind: raci.Vendor}, raci.Precondition{IfMatch: 4, IfNoneMatch: true})
	if err != nil {
		t.Fatal(err)
	}
	if !created || p.Version != 1 {
		t.Errorf("PutParty = %+v created %v", p, created)
	}
	if got.Method != http.MethodPut || got.URL.EscapedPath() != "/prefix/v1/tenants/acme/parties/auth%200" {
		t.Errorf("request = %s %s", got.Method, got.URL.EscapedPath())
	}
	for h, want := range map[string]string{
		"Authorization": "Bearer tok", "User-Agent": "test-agent/1", "If-Match": `"4"`,
		"If-None-Match": "*", "Content-Type": "application/json",
	} {
		if v := got.Header.Get(h); v != want {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
	if !strings.Contains(body, `"kind":"vendor"`) {
		t.Errorf("body = %s", body)
	}

	if _, err := c.ListTenants(t.Context(), raci.ListOptions{After: "a&b", Limit: 5000}); err != nil {
		t.Fatal(err)
	}
	if q := got.URL.Query(); q.Get("after") != "a&b" || q.Get("limit") != "1000" {
		t.Errorf("list query = %q, want after=a&b and the limit capped at 1000", got.URL.RawQuery)
	}
	if _, err := c.ListTenants(t.Context(), raci.ListOptions{Limit: -1}); err != nil {
		t.Fatal(err)
	}
	if got.URL.RawQuery != "" {
		t.Errorf("list query = %q, want nothing for the default page", got.URL.RawQuery)
	}
}

func TestPutRejectsUnroutableNames(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	_, _, err := c.PutResponsibility(t.Context(), &raci.Responsibility{Tenant: "acme", Key: ".."}, raci.Precondition{})
	if raci.ErrorCode(err) != raci.EINVALID || len(raci.ErrorProblems(err)) != 1 || raci.ErrorProblems(err)[0].Field != "key" {
		t.Errorf("err = %v, problems %+v; want EINVALID naming key", err, raci.ErrorProblems(err))
	}
	if n.Load() != 0 {
		t.Error("a request was sent")
	}
}

func TestRetriesOn503ThenSucceeds(t *testing.T) {
	srv, n := scripted(t, []int{503, 503, 200}, nil, `{"code":"internal","detail":"busy"}`)
	c, delays := newTestClient(t, srv.URL)
	tn, err := c.FindTenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if tn.Name != "acme" || tn.Version != 3 {
		t.Errorf("tenant = %+v", tn)
	}
	if n.Load() != 3 {
		t.Errorf("%d requests, want 3", n.Load())
	}
	// Exponential with jitter: the nth wait lies in [base*2^(n-1)/2, base*2^(n-1)].
	if len(*delays) != 2 {
		t.Fatalf("delays = %v", *delays)
	}
	for i, d := range *delays {
		hi := DefaultBaseDelay << i
		if d < hi/2 || d > hi {
			t.Errorf("wait %d = %v, want between %v and %v", i+1, d, hi/2, hi)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	srv, n := scripted(t, []int{429, 200}, http.Header{"Retry-After": {"7"}}, "")
	c, delays := newTestClient(t, srv.URL)
	if _, err := c.FindTenant(t.Context(), "acme"); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(*delays) != 1 || (*delays)[0] != 7*time.Second {
		t.Errorf("%d requests, waits %v; want 2 requests and one 7s wait", n.Load(), *delays)
	}

	srv, _ = scripted(t, []int{429, 200}, http.Header{"Retry-After": {"86400"}}, "")
	c, delays = newTestClient(t, srv.URL)
	if _, err := c.FindTenant(t.Context(), "acme"); err != nil {
		t.Fatal(err)
	}
	if (*delays)[0] != maxDelay {
		t.Errorf("wait = %v for Retry-After of a day, want the cap %v", (*delays)[0], maxDelay)
	}

	at := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
	if d, ok := parseRetryAfter(at, time.Now()); !ok || d < 3*time.Second || d > 5*time.Second {
		t.Errorf("Retry-After as a date: %v %v", d, ok)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	srv, n := scripted(t, []int{502}, nil, "")
	c, delays := newTestClient(t, srv.URL)
	_, err := c.FindTenant(t.Context(), "acme")
	if raci.ErrorCode(err) != raci.EINTERNAL || !strings.Contains(err.Error(), "502") {
		t.Errorf("err = %v, want EINTERNAL naming the status", err)
	}
	if n.Load() != DefaultAttempts || len(*delays) != DefaultAttempts-1 {
		t.Errorf("%d requests and %d waits, want %d and %d", n.Load(), len(*delays), DefaultAttempts, DefaultAttempts-1)
	}

	srv, n = scripted(t, []int{503}, nil, "")
	c, _ = newTestClient(t, srv.URL, WithRetries(2, time.Millisecond))
	if _, err := c.FindTenant(t.Context(), "acme"); err == nil {
		t.Error("WithRetries(2): a server answering only 503 gave no error")
	}
	if n.Load() != 2 {
		t.Errorf("WithRetries(2): %d requests", n.Load())
	}
	srv, n = scripted(t, []int{503}, nil, "")
	c, _ = newTestClient(t, srv.URL, WithRetries(0, time.Millisecond))
	if _, err := c.FindTenant(t.Context(), "acme"); err == nil {
		t.Error("WithRetries(0): a server answering only 503 gave no error")
	}
	if n.Load() != 1 {
		t.Errorf("WithRetries(0): %d requests, want 1", n.Load())
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, status := range []int{400, 401, 404, 409, 412, 413, 422} {
		srv, n := scripted(t, []int{status}, nil, `{"code":"","detail":"no"}`)
		c, _ := newTestClient(t, srv.URL)
		if _, err := c.FindTenant(t.Context(), "acme"); err == nil {
			t.Errorf("%d: no error", status)
		}
		if n.Load() != 1 {
			t.Errorf("%d: %d requests, want 1", status, n.Load())
		}
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		code      string
		message   string
		problems  int
		forbidden string
	}{
		{"not found", 404, `{"type":"urn:raci:problem:not_found","status":404,"code":"not_found","detail":"Tenant \"acme\" does not exist."}`, raci.ENOTFOUND, `Tenant "acme" does not exist.`, 0, ""},
		{"conflict", 409, `{"code":"conflict","detail":"Party is still assigned."}`, raci.ECONFLICT, "Party is still assigned.", 0, ""},
		{"precondition", 412, `{"code":"precondition_failed","detail":"changed since it was read"}`, raci.EPRECONDITION, "changed since it was read", 0, ""},
		{"invalid", 422, `{"code":"invalid","detail":"a; b","errors":[{"field":"name","detail":"a"},{"field":"kind","detail":"b"}]}`, raci.EINVALID, "a; b", 2, ""},
		{"too large", 413, `{"code":"too_large","detail":"over 1 MiB"}`, raci.ETOOLARGE, "over 1 MiB", 0, ""},
		{"unknown code falls back to status", 409, `{"code":"teapot","detail":"x"}`, raci.ECONFLICT, "x", 0, ""},
		{"unauthorized", 401, `{"code":"unauthorized","detail":"The token is not valid."}`, raci.EUNAUTHORIZED, "RACI_TOKEN", 0, "tok-secret"},
		{"unauthorized without problem", 401, ``, raci.EUNAUTHORIZED, "RACI_TOKEN", 0, "tok-secret"},
		{"forbidden", 403, `{"code":"forbidden","detail":"Token \"ci\" may read tenant \"acme\" but not make this change."}`, raci.EUNAUTHORIZED, "Ask an administrator for a token with that scope.", 0, "tok-secret"},
		{"proxy page", 418, `<html>I'm a teapot</html>`, raci.EINTERNAL, "418", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(tt.body, "{") {
					w.Header().Set("Content-Type", "application/problem+json")
				} else {
					w.Header().Set("Content-Type", "text/html")
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL, WithToken("tok-secret"))
			err := c.DeleteTenant(t.Context(), "acme", raci.Precondition{})
			var e *raci.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %#v, want *raci.Error", err)
			}
			if e.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Code, tt.code)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tt.message)
			}
			if len(e.Problems) != tt.problems {
				t.Errorf("problems = %+v, want %d", e.Problems, tt.problems)
			}
			if tt.forbidden != "" && strings.Contains(err.Error(), tt.forbidden) {
				t.Errorf("error reveals the token: %v", err)
			}
		})
	}
}

// flaky fails the first failures round trips as a broken connection would, and
// records every body it was sent.
type flaky struct {
	mu       sync.Mutex
	failures int
	bodies   []string
	next     http.RoundTripper
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	var b []byte
	if r.Body != nil {
		b, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
	}
	f.bodies = append(f.bodies, string(b))
	fail := f.failures > 0
	f.failures--
	f.mu.Unlock()
	if fail {
		return nil, errors.New("connection reset by peer")
	}
	return f.next.RoundTrip(r)
}

func TestRetriesConnectionErrorsResendingTheBody(t *testing.T) {
	srv, _ := scripted(t, []int{200}, nil, "")
	rt := &flaky{failures: 2, next: http.DefaultTransport}
	c, delays := newTestClient(t, srv.URL, WithHTTPClient(&http.Client{Transport: rt}), WithToken("tok-secret"))
	if _, _, err := c.PutTenant(t.Context(), &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if len(rt.bodies) != 3 || len(*delays) != 2 {
		t.Fatalf("%d attempts, %d waits; want 3 and 2", len(rt.bodies), len(*delays))
	}
	for i, b := range rt.bodies {
		if b != rt.bodies[0] || !strings.Contains(b, `"name":"acme"`) {
			t.Errorf("attempt %d sent body %q, want the same body as the first", i+1, b)
		}
	}

	rt = &flaky{failures: 100, next: http.DefaultTransport}
	c, _ = newTestClient(t, srv.URL, WithHTTPClient(&http.Client{Transport: rt}), WithToken("tok-secret"))
	_, err := c.FindTenant(t.Context(), "acme")
	if err == nil || !strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "tok-secret") {
		t.Errorf("err = %v, want the connection error without the token", err)
	}
	if len(rt.bodies) != DefaultAttempts {
		t.Errorf("%d attempts, want %d", len(rt.bodies), DefaultAttempts)
	}
}

func TestCancelStopsRetries(t *testing.T) {
	srv, n := scripted(t, []int{503}, nil, "")
	// Real waits, long enough that only cancellation can end the call quickly.
	c, err := New(srv.URL, WithRetries(10, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for n.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, err = c.FindTenant(ctx, "acme")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("cancel took %v to stop the retries", elapsed)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests after cancel, want 1", n.Load())
	}
}
