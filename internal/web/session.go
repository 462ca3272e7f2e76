package web

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// session is what the server remembers of a signed-in browser. It holds the token's
// name and scopes, never its secret: the cookie carries only the session id.
type session struct {
	id      string
	token   *raci.Token
	csrf    string
	expires time.Time
	flash   string
}

// sessions keeps sessions in memory. They do not survive a restart and are not
// shared between replicas: people sign in again, which is cheap.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	ttl time.Duration
	now func() time.Time
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{m: map[string]*session{}, ttl: ttl, now: now}
}

// randomToken returns 32 random bytes, URL-safe base64: unguessable session ids
// and CSRF tokens.
func randomToken() string {
	b := make([]byte, 32)
	// crypto/rand.Read never fails on supported platforms (it panics instead).
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for the token, with a fresh id and CSRF token, and
// forgets expired sessions while it holds the lock.
func (s *sessions) create(tok *raci.Token) *session {
	now := s.now()
	scopes := append([]raci.Scope(nil), tok.Scopes...)
	sess := &session{
		id:      randomToken(),
		token:   &raci.Token{Name: tok.Name, Scopes: scopes},
		csrf:    randomToken(),
		expires: now.Add(s.ttl),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.m {
		if !now.Before(old.expires) {
			delete(s.m, id)
		}
	}
	s.m[sess.id] = sess
	return sess
}

// get returns the unexpired session with this id, or nil.
func (s *sessions) get(id string) *session {
	if id == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.m[id]
	if sess == nil {
		return nil
	}
	if !s.now().Before(sess.expires) {
		delete(s.m, id)
		return nil
	}
	return sess
}

func (s *sessions) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// setFlash stores a message shown once, on the next page the session sees.
func (s *sessions) setFlash(sess *session, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess.flash = msg
}

// takeFlash returns the session's message and forgets it.
func (s *sessions) takeFlash(sess *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := sess.flash
	sess.flash = ""
	return msg
}
