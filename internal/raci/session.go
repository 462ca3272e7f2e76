package raci

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// Session is a browser signed in to the web pages with a token. The browser holds
// the session's secret in a cookie; a store keeps only its hash, and the session's
// ID, which names it to administrators, is not the secret.
//
// A session lasts until it expires, its browser signs out or signs in again, an
// administrator ends it, or its token is revoked: whichever comes first, on every
// server that shares the store.
type Session struct {
	ID string `json:"id"`
	// Token is the name of the token the browser signed in with, and Scopes its
	// scopes; BootstrapTokenName for the server's RACI_BOOTSTRAP_TOKEN credential.
	Token string `json:"token"`
	// Person is who signed in with the identity provider, nil for a token's
	// session (then Token is empty). A person's scopes are not kept: they are
	// worked out from the grants on every request.
	Person    *Person   `json:"person,omitempty"`
	Scopes    []Scope   `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// Flash is a message for the session's next page, shown once; never part of
	// the API.
	Flash string `json:"-"`
}

// SessionService stores the web pages' sessions, so that every server in front of
// one database knows them.
type SessionService interface {
	// CreateSession starts a session of tok lasting ttl and returns it with its
	// secret, the cookie's value, which the store never shows again. It ends the
	// session whose secret replaces is, if any (signing in again from one browser
	// ends the browser's old session), and forgets expired sessions.
	CreateSession(ctx context.Context, tok *Token, ttl time.Duration, replaces string) (*Session, string, error)

	// CreatePersonSession starts a session of a person signed in with the identity
	// provider, as CreateSession does for a token.
	CreatePersonSession(ctx context.Context, p Person, ttl time.Duration, replaces string) (*Session, string, error)

	// FindSession returns the session whose secret this is; EUNAUTHORIZED when there
	// is none, or it expired, or its token was revoked.
	FindSession(ctx context.Context, secret string) (*Session, error)

	// EndSession ends the session whose secret this is (signing out). Ending one
	// that does not exist is no error.
	EndSession(ctx context.Context, secret string) error

	// ListSessions returns the unexpired sessions, oldest first.
	ListSessions(ctx context.Context) ([]*Session, error)

	// DeleteSession ends the session with this ID; ENOTFOUND if there is none.
	DeleteSession(ctx context.Context, id string) error

	// SetSessionFlash keeps msg for the session's next page; TakeSessionFlash
	// returns it and forgets it.
	SetSessionFlash(ctx context.Context, id, msg string) error
	TakeSessionFlash(ctx context.Context, id string) (string, error)
}

// SessionInvalidMessage is what a store says of a session secret it does not know,
// whatever the reason.
const SessionInvalidMessage = "The session has ended: sign in again."

// SessionNotFound is the error for ending a session that does not exist.
func SessionNotFound(id string) error {
	return Errorf(ENOTFOUND, "Session %q does not exist, or has ended already: list the sessions to see those that last.", id)
}

// NewSessionSecret returns a fresh session ID (16 random bytes in hex) and secret
// (32 random bytes in base64url).
func NewSessionSecret() (id, secret string, err error) {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("make session secret: %w", err)
	}
	return hex.EncodeToString(b[:16]), base64.RawURLEncoding.EncodeToString(b[16:]), nil
}

// HashSessionSecret returns what a store keeps of a session's secret: its SHA-256,
// in hex.
func HashSessionSecret(secret string) string {
	sum := sha256.Sum256([]byte("raci session\x00" + secret))
	return hex.EncodeToString(sum[:])
}
