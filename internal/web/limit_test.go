package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// signInFrom signs in with secret as a browser at the client address addr would,
// fetching the form first, and returns the answer to the POST.
func signInFrom(t *testing.T, h http.Handler, addr, secret string) *httptest.ResponseRecorder {
	t.Helper()
	form := httptest.NewRecorder()
	get := httptest.NewRequest(http.MethodGet, "/signin", nil)
	get.RemoteAddr = addr
	h.ServeHTTP(form, get)
	page := response{status: form.Code, header: form.Header(), body: form.Body.String()}
	post := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"csrf": {page.csrf(t)}, "token": {secret}}.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.RemoteAddr = addr
	for _, c := range readCookies(form.Header()) {
		post.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, post)
	return rec
}

// After 10 failed sign-ins in a minute from one address, its sign-ins are refused
// with 429 and Retry-After, a valid token's too, until the minute ends; other
// addresses sign in meanwhile.
func TestSignInRateLimit(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	h := New(f.db, f.db, Options{Now: clock.now})
	const attacker, other = "203.0.113.7:40000", "198.51.100.1:40000"

	for i := range DefaultSignInFailures {
		if rec := signInFrom(t, h, attacker, "raci_guess"+strconv.Itoa(i)); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d = %d, want 401", i+1, rec.Code)
		}
		clock.add(time.Second)
	}
	rec := signInFrom(t, h, attacker, f.secrets["acme-reader"])
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("sign-in after %d failures = %d, want 429\n%s", DefaultSignInFailures, rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Retry-After"); got != "50" {
		t.Errorf("Retry-After = %q, want 50 (the minute began 10 s ago)", got)
	}
	if !strings.Contains(rec.Body.String(), "Too many failed sign-ins") {
		t.Errorf("the 429 page does not say why:\n%s", rec.Body)
	}
	for _, c := range readCookies(rec.Header()) {
		if c.Name == sessionCookie && c.Value != "" {
			t.Errorf("the refused sign-in started a session")
		}
	}
	// Another address is not held back.
	if rec := signInFrom(t, h, other, f.secrets["acme-reader"]); rec.Code != http.StatusSeeOther {
		t.Errorf("another address's sign-in = %d, want 303", rec.Code)
	}
	// Once the minute ends, the address may try again.
	clock.add(50 * time.Second)
	if rec := signInFrom(t, h, attacker, f.secrets["acme-reader"]); rec.Code != http.StatusSeeOther {
		t.Errorf("sign-in after the window = %d, want 303\n%s", rec.Code, rec.Body)
	}
}

// An IPv6 client's failures count against its /64: one host holds many addresses.
func TestSignInRateLimitIPv6(t *testing.T) {
	f := newFixture(t)
	h := New(f.db, f.db, Options{SignInFailures: 2})
	for i, addr := range []string{"[2001:db8:1:2::1]:1", "[2001:db8:1:2::2]:1"} {
		if rec := signInFrom(t, h, addr, "raci_wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d = %d, want 401", i+1, rec.Code)
		}
	}
	if rec := signInFrom(t, h, "[2001:db8:1:2:ffff::9]:1", f.secrets["acme-reader"]); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a third address of the /64 = %d, want 429", rec.Code)
	}
	if rec := signInFrom(t, h, "[2001:db8:1:3::1]:1", f.secrets["acme-reader"]); rec.Code != http.StatusSeeOther {
		t.Errorf("an address of another /64 = %d, want 303", rec.Code)
	}
}

// Web requests are logged as the API's are, failed sign-ins included: method,
// route, status, duration and the token's name, never a secret or a cookie.
func TestWebRequestsAreLogged(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	h := New(f.db, f.db, Options{Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))})
	const addr = "192.0.2.1:1234"
	signInFrom(t, h, addr, "raci_not-a-real-secret")
	ok := signInFrom(t, h, addr, f.secrets["acme-writer"])
	var cookie string
	for _, c := range readCookies(ok.Header()) {
		if c.Name == sessionCookie {
			cookie = c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no session after signing in")
	}
	req := httptest.NewRequest(http.MethodGet, "/tenants/acme", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/no/such/page", nil))

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	for _, want := range []string{
		`msg=request method=GET route="GET /signin" status=200 duration=`,
		`msg=request method=POST route="POST /signin" status=401 duration=`,
		`msg=request method=POST route="POST /signin" status=303 duration=`,
		`msg=request method=GET route="GET /tenants/{tenant}" status=200 duration=`,
		`msg=request method=GET route="" status=404 duration=`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, `route="POST /signin" status=303 duration=`) || strings.Count(out, "actor=acme-writer") != 2 {
		t.Errorf("want the successful sign-in and the page logged with actor=acme-writer:\n%s", out)
	}
	for _, secret := range []string{"raci_not-a-real-secret", f.secrets["acme-writer"], cookie, sessionCSRF(cookie)} {
		if strings.Contains(out, secret) {
			t.Errorf("the log shows a secret %q:\n%s", secret, out)
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
