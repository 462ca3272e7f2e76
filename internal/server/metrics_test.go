package server

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// scrape fetches /metrics without a token and returns its samples keyed by name and
// labels as the text format prints them, labels in alphabetical order:
// `raci_http_requests_total{method="GET",route="/v1/tenants/{tenant}",status="200"}`.
func scrape(t *testing.T, s *testServer) (map[string]float64, string) {
	t.Helper()
	token := s.token
	s.token = ""
	r := s.do("GET", "/metrics", "")
	s.token = token
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics Content-Type = %q, want the Prometheus text format", ct)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("malformed metrics line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("malformed value in metrics line %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples, string(r.body)
}

func wantSample(t *testing.T, samples map[string]float64, key string, want float64) {
	t.Helper()
	got, ok := samples[key]
	if !ok {
		var similar []string
		name, _, _ := strings.Cut(key, "{")
		for k := range samples {
			if strings.HasPrefix(k, name+"{") {
				similar = append(similar, k)
			}
		}
		t.Errorf("no sample %s; the metric has %v", key, similar)
		return
	}
	if got != want {
		t.Errorf("%s = %v, want %v", key, got, want)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("GET", "/v1/tenants/acme", ""), http.StatusOK)
	wantStatus(t, s.do("GET", "/v1/tenants/acme", ""), http.StatusOK)
	wantStatus(t, s.do("GET", "/v1/tenants/globex", ""), http.StatusNotFound)
	wantStatus(t, s.do("GET", "/v1/no/such/thing", ""), http.StatusNotFound)
	wantStatus(t, s.do("BREW", "/v1/tenants", ""), http.StatusMethodNotAllowed)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", `{"colour": "red"}`), http.StatusUnprocessableEntity)

	samples, text := scrape(t, s)
	const tenantRoute = `route="/v1/tenants/{tenant}"`
	wantSample(t, samples, `raci_http_requests_total{method="PUT",`+tenantRoute+`,status="201"}`, 1)
	wantSample(t, samples, `raci_http_requests_total{method="PUT",`+tenantRoute+`,status="422"}`, 1)
	wantSample(t, samples, `raci_http_requests_total{method="GET",`+tenantRoute+`,status="200"}`, 2)
	wantSample(t, samples, `raci_http_requests_total{method="GET",`+tenantRoute+`,status="404"}`, 1)
	wantSample(t, samples, `raci_http_requests_total{method="GET",route="unmatched",status="404"}`, 1)
	wantSample(t, samples, `raci_http_requests_total{method="other",route="unmatched",status="405"}`, 1)
	wantSample(t, samples, `raci_http_request_duration_seconds_count{method="GET",`+tenantRoute+`}`, 3)
	wantSample(t, samples, `raci_http_request_duration_seconds_count{method="PUT",`+tenantRoute+`}`, 2)
	// Every operation is listed from the start, at zero: client errors are not the
	// store's.
	wantSample(t, samples, `raci_store_errors_total{operation="PUT /v1/tenants/{tenant}"}`, 0)
	wantSample(t, samples, `raci_store_errors_total{operation="PATCH /v1/tenants/{tenant}/checklists/{key}/items/{item}"}`, 0)

	// Routes, never raw paths: tenant names and probing paths stay out.
	for _, leak := range []string{"acme", "globex", "/v1/no/such", "BREW"} {
		if strings.Contains(text, leak) {
			t.Errorf("/metrics reveals %q", leak)
		}
	}
	if _, ok := samples["go_goroutines"]; !ok {
		t.Error("/metrics lacks the Go runtime metrics (go_goroutines)")
	}

	// A scrape is counted too, once it has been answered.
	samples, _ = scrape(t, s)
	wantSample(t, samples, `raci_http_requests_total{method="GET",route="/metrics",status="200"}`, 1)
}

func TestMetricsAreTheServersOwn(t *testing.T) {
	a := newTestServer(t, nil, Options{Token: adminToken})
	b := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, a.do("GET", "/v1/tenants", ""), http.StatusOK)

	sa, _ := scrape(t, a)
	sb, _ := scrape(t, b)
	key := `raci_http_requests_total{method="GET",route="/v1/tenants",status="200"}`
	wantSample(t, sa, key, 1)
	if v, ok := sb[key]; ok {
		t.Errorf("a request to one server shows in another's metrics: %s = %v", key, v)
	}

	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "raci_") {
			t.Errorf("%s is registered in the global default registry", f.GetName())
		}
	}

	// No token needed, whatever the server requires on /v1; other methods are refused
	// like any route's.
	a.token = ""
	wantStatus(t, a.do("GET", "/metrics", ""), http.StatusOK)
	wantProblem(t, a.do("POST", "/metrics", ""), http.StatusMethodNotAllowed, raci.EINVALID)
}

// TestReadinessAndStoreErrorsFollowTheStore takes the store away for real: closing
// the database makes /readyz 503 and API reads fail with counted store errors;
// opening the file again makes /readyz 200.
func TestReadinessAndStoreErrorsFollowTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raci.db")
	ctx := context.Background()
	first, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var current atomic.Pointer[sqlite.DB]
	current.Store(first)
	t.Cleanup(func() { current.Load().Close() })

	s := newTestServer(t, first, Options{Token: adminToken, Ready: func(ctx context.Context) error {
		return current.Load().Ping(ctx)
	}})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("GET", "/readyz", ""), http.StatusOK)

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, s.do("GET", "/readyz", ""), http.StatusServiceUnavailable, raci.EINTERNAL)
	wantProblem(t, s.do("GET", "/v1/tenants/acme", ""), http.StatusInternalServerError, raci.EINTERNAL)
	wantProblem(t, s.do("GET", "/v1/tenants/acme", ""), http.StatusInternalServerError, raci.EINTERNAL)
	// Refused before the store is asked: not a store error.
	wantProblem(t, s.do("PUT", "/v1/tenants/acme", `{"colour": "red"}`), http.StatusUnprocessableEntity, raci.EINVALID)

	samples, _ := scrape(t, s)
	wantSample(t, samples, `raci_store_errors_total{operation="GET /v1/tenants/{tenant}"}`, 2)
	wantSample(t, samples, `raci_store_errors_total{operation="PUT /v1/tenants/{tenant}"}`, 0)
	// The failing probe is not a store error either: it has its own 503 series.
	wantSample(t, samples, `raci_store_errors_total{operation="GET /readyz"}`, 0)
	wantSample(t, samples, `raci_http_requests_total{method="GET",route="/readyz",status="503"}`, 1)
	wantSample(t, samples, `raci_http_requests_total{method="GET",route="/v1/tenants/{tenant}",status="500"}`, 2)

	second, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	current.Store(second)
	wantStatus(t, s.do("GET", "/readyz", ""), http.StatusOK)
	// The file kept what was written before the outage.
	if _, err := second.FindTenant(ctx, "acme"); err != nil {
		t.Errorf("tenant written before the outage: %v", err)
	}
}

func TestRequestLogNamesActorNeverToken(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("GET", "/v1/tenants", "", "X-Request-Note", "hello"), http.StatusOK)
	logs := s.logs.String()
	line := logLine(t, logs, `route="GET /v1/tenants"`)
	for _, want := range []string{"method=GET", "status=200", "duration=", "actor=" + raci.BootstrapTokenName} {
		if !strings.Contains(line, want) {
			t.Errorf("request log line lacks %s:\n%s", want, line)
		}
	}

	s.token = "wrong-token-value"
	wantStatus(t, s.do("GET", "/v1/tenants/acme", ""), http.StatusUnauthorized)
	line = logLine(t, s.logs.String(), `route="GET /v1/tenants/{tenant}"`)
	if !strings.Contains(line, "status=401") || strings.Contains(line, "actor=") {
		t.Errorf("an unauthenticated request is logged with an actor or without its status:\n%s", line)
	}

	logs = s.logs.String()
	for _, secret := range []string{adminToken, "wrong-token-value", "Bearer", "Authorization", "hello"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q, which comes from the request headers:\n%s", secret, logs)
		}
	}
}

// logLine returns the request log line that contains marker.
func logLine(t *testing.T, logs, marker string) string {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "msg=request") && strings.Contains(line, marker) {
			return line
		}
	}
	t.Fatalf("no request log line with %s:\n%s", marker, logs)
	return ""
}
