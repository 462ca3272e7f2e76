package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// session is a signed-in browser as one request sees it. The store keeps it
// (raci.SessionService), so that every server on the database knows it and it ends
// everywhere at once: at sign-out, when an administrator ends it, or when its token
// is revoked. The browser's cookie holds the session's secret, of which the store
// keeps only a hash.
type session struct {
	id     string
	secret string
	token  *raci.Token
	csrf   string
	flash  string
}

// randomToken returns 32 random bytes, URL-safe base64: the sign-in form's CSRF
// token.
func randomToken() string {
	b := make([]byte, 32)
	// crypto/rand.Read never fails on supported platforms (it panics instead).
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionCSRF is the CSRF token of the session with this secret: derived from the
// secret, so that every server computes the same one and the store keeps none, and
// one way, so that a page that shows it gives the secret away.
func sessionCSRF(secret string) string {
	sum := sha256.Sum256([]byte("raci csrf\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// findSession returns the live session whose secret the cookie holds, or nil.
// A session of the bootstrap credential lasts only while this server accepts that
// credential. A store error is logged and reads as no session: the person is sent
// to sign in, rather than shown someone's page.
func (h *Handler) findSession(r *http.Request, secret string) *session {
	if secret == "" || h.sessions == nil {
		return nil
	}
	s, err := h.sessions.FindSession(r.Context(), secret)
	if err != nil {
		if raci.ErrorCode(err) != raci.EUNAUTHORIZED {
			h.logger.ErrorContext(r.Context(), "find web session", "error", err)
		}
		return nil
	}
	if s.Token == raci.BootstrapTokenName && h.tokenHash == nil {
		return nil
	}
	noteActor(r, s.Token)
	return &session{
		id:     s.ID,
		secret: secret,
		token:  &raci.Token{Name: s.Token, Scopes: s.Scopes},
		csrf:   sessionCSRF(secret),
		flash:  s.Flash,
	}
}

// setFlash keeps a message for the session's next page.
func (h *Handler) setFlash(ctx context.Context, sess *session, msg string) {
	if err := h.sessions.SetSessionFlash(ctx, sess.id, msg); err != nil {
		h.logger.ErrorContext(ctx, "keep the message of a web session", "error", err)
	}
}

// takeFlash returns the session's message, if any, and forgets it.
func (h *Handler) takeFlash(ctx context.Context, sess *session) string {
	if sess.flash == "" {
		return ""
	}
	msg, err := h.sessions.TakeSessionFlash(ctx, sess.id)
	if err != nil {
		h.logger.ErrorContext(ctx, "take the message of a web session", "error", err)
		return ""
	}
	sess.flash = ""
	return msg
}
