package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

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
	// person is who signed in with the identity provider, nil for a token; grants
	// are the scopes their grants give them now, with the reason of each.
	person *raci.Person
	grants []raci.PersonGrant
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
	if s.Person != nil {
		return h.personSession(r, s, secret)
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

// personSession completes a person's session with the scopes the grants give them
// now: read on every request, so that a grant removed on any server takes effect
// on the next request. The person acts under their email, which the event log
// names. A server started without OIDC takes no person's session.
func (h *Handler) personSession(r *http.Request, s *raci.Session, secret string) *session {
	if h.oidc == nil {
		return nil
	}
	var grants []raci.PersonGrant
	if h.access != nil {
		list, err := h.access.AccessFor(r.Context(), *s.Person)
		if err != nil {
			h.logger.ErrorContext(r.Context(), "find the access of a person", "error", err)
			return nil
		}
		grants = raci.PersonScopes(*s.Person, list)
	}
	scopes := make([]raci.Scope, 0, len(grants))
	for _, g := range grants {
		scopes = append(scopes, g.Scope)
	}
	noteActor(r, s.Person.Email)
	return &session{
		id:     s.ID,
		secret: secret,
		token:  &raci.Token{Name: s.Person.Email, Scopes: scopes},
		person: s.Person,
		grants: grants,
		csrf:   sessionCSRF(secret),
		flash:  s.Flash,
	}
}

// via says why the session may act on the tenant: "via group initech-infra" for a
// person, "" for a token.
func (sess *session) via(tenant string) string {
	var reasons []string
	for _, g := range sess.grants {
		if g.Access.Tenant == tenant {
			reasons = append(reasons, g.Access.Scope+" via "+g.Reason+" (access "+g.Access.Name+")")
		}
	}
	return strings.Join(reasons, "; ")
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
