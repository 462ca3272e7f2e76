package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// logWatch collects serve's log and reports the address from its "listening" line,
// which is how a person running serve --listen 127.0.0.1:0 learns the port.
type logWatch struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

var listenLine = regexp.MustCompile(`msg="RACI server listening" addr=(\S+)`)

func newLogWatch() *logWatch { return &logWatch{addr: make(chan string, 1)} }

func (w *logWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := listenLine.FindSubmatch(w.buf.Bytes()); m != nil && !w.sent {
		w.sent = true
		w.addr <- string(m[1])
	}
	return len(p), nil
}

func (w *logWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startServe runs Serve until the test ends and returns its base URL, its log, and
// a function that stops it and returns what Serve returned.
func startServe(t *testing.T, args ...string) (string, *logWatch, func() error) {
	t.Helper()
	return startServeTo(t, io.Discard, args...)
}

// startServeTo is startServe with serve's stdout going to stdout.
func startServeTo(t *testing.T, stdout io.Writer, args ...string) (string, *logWatch, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := newLogWatch()
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, args, stdout, logs) }()
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Error("Serve did not return after its context was cancelled")
			return nil
		}
	})
	select {
	case addr := <-logs.addr:
		t.Cleanup(func() {
			if err := stop(); err != nil {
				t.Errorf("serve ended with an error: %v", err)
			}
		})
		return "http://" + addr, logs, stop
	case err := <-done:
		cancel()
		t.Fatalf("Serve returned before listening: %v\n%s", err, logs)
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatalf("Serve did not log its address:\n%s", logs)
	}
	return "", nil, nil
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// firstSecret finds the secret serve prints on an empty database.
var firstSecret = regexp.MustCompile(`(?m)^    (\S+)$`)

func TestServeAnswersAndShutsDown(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", "")
	dbPath := filepath.Join(t.TempDir(), "raci.db")
	var stdout syncBuffer
	base, logs, stop := startServeTo(t, &stdout, "--listen", "127.0.0.1:0", "--database", "sqlite:"+dbPath)

	if status, body := get(t, base+"/healthz", ""); status != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", status, body)
	}
	if status, _ := get(t, base+"/readyz", ""); status != 200 {
		t.Errorf("/readyz = %d", status)
	}

	// An empty database gets an admin token, shown once on stdout and never logged.
	m := firstSecret.FindStringSubmatch(stdout.String())
	if m == nil || !strings.Contains(stdout.String(), "will not be shown again") {
		t.Fatalf("serve printed no first admin token:\n%s", stdout.String())
	}
	secret := m[1]
	if status, _ := get(t, base+"/v1/tenants", ""); status != http.StatusUnauthorized {
		t.Errorf("/v1/tenants without a token = %d, want 401", status)
	}
	if status, body := get(t, base+"/v1/tenants", secret); status != 200 || !strings.Contains(body, `"items":[]`) {
		t.Errorf("/v1/tenants with the first admin token = %d %s", status, body)
	}
	if status, _ := get(t, base+"/v1/tokens", secret); status != 200 {
		t.Errorf("/v1/tokens with the first admin token = %d, want 200: it must be an admin token", status)
	}
	if l := logs.String(); strings.Contains(l, secret) || strings.Contains(l, "unauthenticated") {
		t.Errorf("the log shows the secret or says the API is open:\n%s", l)
	}

	if err := stop(); err != nil {
		t.Fatalf("Serve returned %v after cancel, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after Serve returned")
	}
	// The store was closed cleanly: another process can open it.
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatalf("reopen the database: %v", err)
	}
	db.Close()

	// A database with tokens gets no new one, and the first still works.
	var again syncBuffer
	base, _, _ = startServeTo(t, &again, "--listen", "127.0.0.1:0", "--database", "sqlite:"+dbPath)
	if again.String() != "" {
		t.Errorf("serve printed on a database with tokens:\n%s", again.String())
	}
	if status, _ := get(t, base+"/v1/tenants", secret); status != 200 {
		t.Errorf("/v1/tenants with the first admin token after a restart = %d", status)
	}
}

func TestServeSplitsAPIAndWebByPath(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", "split-test-token")
	base, logs, stop := startServe(t, "--listen", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "raci.db"))

	for _, tt := range []struct {
		path, wantType string
		wantStatus     int
	}{
		{"/v1/tenants", "application/json", 200},
		{"/v1/nothing-here", "application/problem+json", 404},
		{"/v1", "application/problem+json", 404},
		{"/metrics", "text/plain", 200},
		{"/healthz", "text/plain", 200},
		{"/v1/../healthz", "text/plain", 200}, // the API's ServeMux redirects to the clean path
		{"/", "text/html", 200},
		{"/v1x", "text/html", 404},
		{"/healthz/", "text/html", 404},
	} {
		req, _ := http.NewRequest("GET", base+tt.path, nil)
		req.Header.Set("Authorization", "Bearer split-test-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != tt.wantStatus || !strings.HasPrefix(ct, tt.wantType) {
			t.Errorf("GET %s = %d %s, want %d %s", tt.path, resp.StatusCode, ct, tt.wantStatus, tt.wantType)
		}
	}

	// The request log is buffered; stopping writes all of it: one line per
	// request, the API's redirect and the web pages' included (/ redirects to
	// /signin: two lines).
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "msg=request"); n != 11 {
		t.Errorf("the log has %d request lines after stopping, want 11:\n%s", n, logs)
	}
}

// syncBuffer collects what Serve writes from its goroutine.
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

func TestServeWithToken(t *testing.T) {
	const token = "bootstrap-secret-123"
	t.Setenv("RACI_BOOTSTRAP_TOKEN", token)
	base, logs, _ := startServe(t, "-listen=127.0.0.1:0", "-database=sqlite:"+filepath.Join(t.TempDir(), "raci.db"))

	if status, _ := get(t, base+"/v1/tenants", ""); status != http.StatusUnauthorized {
		t.Errorf("/v1/tenants without the token = %d, want 401", status)
	}
	if status, _ := get(t, base+"/v1/tenants", token); status != 200 {
		t.Errorf("/v1/tenants with the token = %d, want 200", status)
	}
	if status, _ := get(t, base+"/healthz", ""); status != 200 {
		t.Errorf("/healthz without the token = %d, want 200", status)
	}
	if l := logs.String(); strings.Contains(l, token) || strings.Contains(l, "unauthenticated") {
		t.Errorf("log shows the token or warns wrongly:\n%s", l)
	}
}

// With RACI_BOOTSTRAP_TOKEN set, serve creates no token of its own and prints
// nothing, even on an empty database.
func TestServeWithTokenCreatesNone(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", "bootstrap-secret-123")
	dbPath := filepath.Join(t.TempDir(), "raci.db")
	var stdout syncBuffer
	_, _, stop := startServeTo(t, &stdout, "-listen=127.0.0.1:0", "-database=sqlite:"+dbPath)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "" {
		t.Errorf("serve printed:\n%s", stdout.String())
	}
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountTokens(t.Context()); err != nil || n != 0 {
		t.Errorf("tokens in the database = %d, %v; want none", n, err)
	}
}

func TestServeRejectsBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--database", "postgres://raci@127.0.0.1:1/raci"}, "open database"},
		{[]string{"--database", "mysql://db/raci"}, "sqlite:PATH"},
		{[]string{"--database", "raci.db"}, "sqlite:PATH"},
		{[]string{"--database", "sqlite:"}, "names no file"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--port", "8080"}, "not defined"},
		{[]string{"--listen", "256.0.0.1:bad", "--database", "sqlite:" + filepath.Join(t.TempDir(), "raci.db")}, "listen on"},
		{[]string{"--tls-cert", "raci.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-key", "raci.key"}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-cert", filepath.Join(t.TempDir(), "none.pem"), "--tls-key", filepath.Join(t.TempDir(), "none.key")}, "--tls-cert"},
		{[]string{"--trusted-proxy", "10.0.0.0/33"}, `"10.0.0.0/33" is not a CIDR`},
		{[]string{"--trusted-proxy", "10.0.0.1,proxy.internal"}, `"proxy.internal" is not a CIDR`},
		{[]string{"--oidc-issuer", "https://idp.example"}, "--oidc-issuer and --oidc-client-id go together"},
		{[]string{"--oidc-client-id", "raci"}, "--oidc-issuer and --oidc-client-id go together"},
		{[]string{"--oidc-redirect-url", "https://raci.example/signin/oidc/callback"}, "--oidc-redirect-url needs --oidc-issuer"},
		// An issuer that does not answer stops serve before it serves anything.
		{[]string{"--listen", "127.0.0.1:0", "--database", "sqlite:" + filepath.Join(t.TempDir(), "raci.db"),
			"--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "raci"}, "check --oidc-issuer"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		err := Serve(t.Context(), tt.args, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Serve(%q) = %v, want an error mentioning %q", tt.args, err, tt.want)
		}
	}
}

func TestMatrixPrintsTheTable(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*raci.Party{
		{Tenant: "acme", Name: "auth0", DisplayName: "Auth0", Kind: raci.Vendor},
		{Tenant: "acme", Name: "subscriber", DisplayName: "Subscriber", Kind: raci.Customer},
	} {
		if _, _, err := db.PutParty(ctx, p, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PutResponsibility(ctx, &raci.Responsibility{
		Tenant: "acme", Key: "backing-up", Title: "Backing Up", Notes: "Use the CLI tools.",
		Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
			{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}, Holder: "infrastructure engineer"},
		},
	}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(db, server.Options{Token: "matrix-token"}))
	defer srv.Close()

	t.Setenv("RACI_ENDPOINT", srv.URL)
	t.Setenv("RACI_TOKEN", "matrix-token")
	var stdout bytes.Buffer
	if err := Matrix(ctx, []string{"--tenant", "acme"}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"|Task|Auth0|Subscriber|Notes|\n" +
		"|---|---|---|---|\n" +
		"|Backing Up|I (in the event that there are issues)|R, A (infrastructure engineer)|Use the CLI tools.|\n"
	if stdout.String() != want {
		t.Errorf("matrix output =\n%s\nwant\n%s", stdout.String(), want)
	}

	// What a server sends reaches the terminal without control characters: a
	// title with ESC and BEL cannot retitle or recolour it. The domain refuses
	// them now, so the row comes from a server that stored them before it did.
	snap, err := raci.ReadSnapshot(ctx, db, "acme")
	if err != nil {
		t.Fatal(err)
	}
	snap.Responsibilities = append(snap.Responsibilities, &raci.Responsibility{
		Tenant: "acme", Key: "escape", Title: "Esc\x1b]0;pwned\x07ape", Notes: "\x1b[31mred\x1b[0m",
		Assignments: []raci.Assignment{{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}}},
	})
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(snap)
	}))
	defer old.Close()
	t.Setenv("RACI_ENDPOINT", old.URL)
	stdout.Reset()
	if err := Matrix(ctx, []string{"--tenant", "acme"}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `|Esc\]0;pwnedape|`) {
		t.Errorf("matrix output keeps control characters or loses the text around them:\n%q", out)
	}
	t.Setenv("RACI_ENDPOINT", srv.URL)

	err = Matrix(ctx, []string{"--tenant", "globex"}, io.Discard, io.Discard)
	if raci.ErrorCode(err) != raci.ENOTFOUND || !strings.Contains(err.Error(), "globex") {
		t.Errorf("unknown tenant: %v, want ENOTFOUND naming it", err)
	}
	t.Setenv("RACI_TOKEN", "")
	if err := Matrix(ctx, []string{"--tenant", "acme"}, io.Discard, io.Discard); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("without a token: %v, want EUNAUTHORIZED", err)
	}
}

func TestMatrixRejectsBadArguments(t *testing.T) {
	t.Setenv("RACI_ENDPOINT", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--endpoint", "http://127.0.0.1:1"}, "--tenant is required"},
		{[]string{"--tenant", "acme"}, "RACI_ENDPOINT"},
		{[]string{"--tenant", "acme", "--endpoint", "raci.example.com"}, "absolute http or https URL"},
	}
	for _, tt := range tests {
		err := Matrix(t.Context(), tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Matrix(%q) = %v, want an error mentioning %q", tt.args, err, tt.want)
		}
	}
}

// A database URL reaches logs and errors with no secret in it: neither the user's
// password nor a password given as a query parameter.
func TestRedactDatabase(t *testing.T) {
	cases := []struct{ in, want string }{
		{"sqlite:raci.db", "sqlite:raci.db"},
		{"postgres://raci@db.internal/raci", "postgres://raci@db.internal/raci"},
		{"postgres://raci:hunter2@db.internal/raci", "postgres://raci:xxxxx@db.internal/raci"},
		{"postgres://raci@db.internal/raci?password=hunter2&sslmode=require",
			"postgres://raci@db.internal/raci?password=xxxxx&sslmode=require"},
		{"postgresql://raci@db/raci?sslpassword=hunter2&sslkey=%2Fkeys%2Fhunter2.key",
			"postgresql://raci@db/raci?sslkey=xxxxx&sslpassword=xxxxx"},
		{"postgres://raci:hunter2@db/raci\x7f", "(a --database value that is not a URL)"},
	}
	for _, c := range cases {
		got := redactDatabase(c.in)
		if got != c.want {
			t.Errorf("redactDatabase(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("redactDatabase(%q) keeps the secret: %q", c.in, got)
		}
	}
	_, err := openStore(t.Context(), "postgre://raci:hunter2@db/raci?password=hunter2", 0)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("an unsupported --database gives %v, want an error without the password", err)
	}
}

func TestPrintable(t *testing.T) {
	cases := map[string]string{
		"plain text, tabs\tand\nlines": "plain text, tabs\tand\nlines",
		"\x1b[2J\x1b]0;title\x07done":  "[2J]0;titledone",
		"nul\x00 del\x7f c1\u009b end": "nul del c1 end",
		"ünïcode ✓":                    "ünïcode ✓",
	}
	for in, want := range cases {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
