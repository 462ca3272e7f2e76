package web

import (
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Sign-in attempts: after SignInFailures failed sign-ins from one client address
// within signInWindow, that address's sign-ins are refused (429) until the window
// ends, without checking the token they carry.
const (
	DefaultSignInFailures = 10
	signInWindow          = time.Minute
	// maxTrackedClients bounds the limiter's memory: past it, the failures of
	// addresses not yet tracked are counted together, so that an attacker with
	// many addresses shares one allowance rather than gets one each.
	maxTrackedClients = 1 << 16
	overflowClient    = "(too many addresses)"
)

// signInLimiter counts failed sign-ins per client address, in fixed windows. It
// is per process: behind a load balancer each replica counts its own.
type signInLimiter struct {
	mu      sync.Mutex
	max     int
	now     func() time.Time
	clients map[string]*signInWindowCount
}

type signInWindowCount struct {
	start    time.Time
	failures int
}

func newSignInLimiter(failures int, now func() time.Time) *signInLimiter {
	return &signInLimiter{max: failures, now: now, clients: map[string]*signInWindowCount{}}
}

// clientKey is the address a request's failures count against: its client's IP
// (see clientIP), or for IPv6 its /64, which one host usually holds whole.
func clientKey(r *http.Request, trusted []netip.Prefix) string {
	ip, ok := clientIP(r, trusted)
	if !ok {
		return r.RemoteAddr
	}
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// blocked reports how long the client must wait before it may try again, 0 if it
// may now.
func (l *signInLimiter) blocked(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.lookup(key, false)
	if c == nil || c.failures < l.max {
		return 0
	}
	return c.start.Add(signInWindow).Sub(l.now())
}

// fail counts a failed sign-in of the client.
func (l *signInLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lookup(key, true).failures++
}

// lookup returns the client's count in the current window; with create, one is
// made if there is none. The caller holds l.mu.
func (l *signInLimiter) lookup(key string, create bool) *signInWindowCount {
	now := l.now()
	if _, ok := l.clients[key]; !ok && len(l.clients) >= maxTrackedClients {
		l.prune(now)
		if len(l.clients) >= maxTrackedClients {
			key = overflowClient
		}
	}
	c := l.clients[key]
	if c != nil && !now.Before(c.start.Add(signInWindow)) {
		delete(l.clients, key)
		c = nil
	}
	if c == nil && create {
		c = &signInWindowCount{start: now}
		l.clients[key] = c
	}
	return c
}

// prune forgets the windows that have ended.
func (l *signInLimiter) prune(now time.Time) {
	for k, c := range l.clients {
		if !now.Before(c.start.Add(signInWindow)) {
			delete(l.clients, k)
		}
	}
}
