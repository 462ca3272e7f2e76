package web

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestOverHTTPS(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tt := range []struct {
		name    string
		remote  string
		tls     bool
		proto   []string
		trusted []netip.Prefix
		want    bool
	}{
		{"plain HTTP", "192.0.2.1:1", false, nil, proxies, false},
		{"our own TLS", "192.0.2.1:1", true, nil, nil, true},
		{"trusted proxy says https", "10.1.2.3:1", false, []string{"https"}, proxies, true},
		{"trusted proxy, upper case", "10.1.2.3:1", false, []string{"HTTPS"}, proxies, true},
		{"trusted IPv6 proxy", "[fd00::1]:1", false, []string{"https"}, proxies, true},
		{"trusted proxy says http", "10.1.2.3:1", false, []string{"http"}, proxies, false},
		{"trusted proxy says nothing", "10.1.2.3:1", false, nil, proxies, false},
		{"the nearest proxy speaks last", "10.1.2.3:1", false, []string{"https, http"}, proxies, false},
		{"an untrusted client's header", "192.0.2.1:1", false, []string{"https"}, proxies, false},
		{"no trusted proxies", "10.1.2.3:1", false, []string{"https"}, nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			} else {
				r.TLS = nil
			}
			for _, v := range tt.proto {
				r.Header.Add("X-Forwarded-Proto", v)
			}
			if got := OverHTTPS(r, tt.trusted); got != tt.want {
				t.Errorf("OverHTTPS = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tt := range []struct {
		name, remote, xff, want string
	}{
		{"direct", "192.0.2.1:5", "", "192.0.2.1"},
		{"direct, forged header ignored", "192.0.2.1:5", "198.51.100.9", "192.0.2.1"},
		{"through the proxy", "10.0.0.1:5", "198.51.100.9", "198.51.100.9"},
		{"a client's forged hop is not taken", "10.0.0.1:5", "203.0.113.66, 198.51.100.9", "198.51.100.9"},
		{"two trusted proxies", "10.0.0.1:5", "198.51.100.9, 10.0.0.2", "198.51.100.9"},
		{"garbage ends the chain", "10.0.0.1:5", "nonsense", "10.0.0.1"},
		{"proxy without header", "10.0.0.1:5", "", "10.0.0.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got, ok := clientIP(r, proxies); !ok || got.String() != tt.want {
				t.Errorf("clientIP = %v, %v; want %s", got, ok, tt.want)
			}
		})
	}
}

// Behind a trusted proxy that terminates TLS, the cookies are Secure; the same
// header from anyone else changes nothing.
func TestCookiesAreSecureBehindATrustedProxy(t *testing.T) {
	f := newFixture(t)
	h := New(f.db, f.db, Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	for _, tt := range []struct {
		remote string
		secure bool
	}{
		{"10.0.0.7:4000", true},
		{"192.0.2.1:4000", false},
	} {
		form := url.Values{"csrf": {"pre-session"}, "token": {f.secrets["acme-reader"]}}
		req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
		req.RemoteAddr = tt.remote
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: signinCSRFCookie, Value: "pre-session"})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var sess *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == sessionCookie {
				sess = c
			}
		}
		if sess == nil || sess.Secure != tt.secure {
			t.Errorf("from %s with X-Forwarded-Proto https: session cookie %+v, want Secure=%v", tt.remote, sess, tt.secure)
		}
	}
}

// Behind a trusted proxy, failed sign-ins count per client, not per proxy.
func TestSignInRateLimitBehindAProxy(t *testing.T) {
	f := newFixture(t)
	h := New(f.db, f.db, Options{SignInFailures: 2, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	via := func(client string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.RemoteAddr = "127.0.0.1:9999"
			r.Header.Set("X-Forwarded-For", client)
			h.ServeHTTP(w, r)
		})
	}
	for range 2 {
		if rec := signInFrom(t, via("203.0.113.7"), "", "raci_wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failed sign-in = %d", rec.Code)
		}
	}
	if rec := signInFrom(t, via("203.0.113.7"), "", f.secrets["acme-reader"]); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the guessing client's next sign-in = %d, want 429", rec.Code)
	}
	if rec := signInFrom(t, via("198.51.100.1"), "", f.secrets["acme-reader"]); rec.Code != http.StatusSeeOther {
		t.Errorf("another client behind the same proxy = %d, want 303", rec.Code)
	}
}
