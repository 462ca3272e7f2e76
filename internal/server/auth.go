package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// authenticate returns the token the request's bearer secret belongs to: the
// bootstrap token of Options.Token, else one the store's TokenService knows. It
// returns nil and no error when the API is open (neither is configured).
func (s *Server) authenticate(r *http.Request) (*raci.Token, error) {
	if s.tokenHash == nil && s.tokens == nil {
		return nil, nil
	}
	scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, raci.Errorf(raci.EUNAUTHORIZED, "This server requires a token: send it in the header \"Authorization: Bearer <token>\".")
	}
	if s.tokenHash != nil {
		// Comparing hashes makes the comparison take the same time whatever the
		// length of the secret presented.
		got := sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(got[:], s.tokenHash) == 1 {
			return s.bootstrap, nil
		}
	}
	if s.tokens != nil {
		tok, err := s.tokens.Authenticate(r.Context(), secret)
		if err == nil {
			return tok, nil
		}
		if raci.ErrorCode(err) != raci.EUNAUTHORIZED {
			return nil, fmt.Errorf("authenticate token: %w", err)
		}
	}
	return nil, raci.Errorf(raci.EUNAUTHORIZED, "The token is not valid for this server: check the token you configured, or ask an administrator for a new one.")
}

// authorize checks that tok grants what a route needs. tok is nil on an open API,
// where everything is allowed. A token with no access to the tenant in the path
// gets the very error a missing tenant gets, so that probing names tells it nothing;
// one that may see the tenant but not do this gets a 403 saying which scope is
// missing.
func authorize(tok *raci.Token, need access, tenant string) error {
	if tok == nil {
		return nil
	}
	switch need {
	case public, authenticated:
		return nil
	case admin:
		if tok.IsAdmin() {
			return nil
		}
		return forbidden("Token %q may not manage tokens or sessions: that needs a token with the %q scope.", tok.Name, raci.AdminScope)
	}
	level, ok := tenantAccess[need]
	if !ok {
		return fmt.Errorf("route access %d is not known", need)
	}
	if !tok.Can(tenant, raci.AccessRead) {
		return raci.TenantNotFound(tenant)
	}
	if !tok.Can(tenant, level) {
		return forbidden("Token %q may read tenant %q but not make this change: it needs the scope %q%s.",
			tok.Name, tenant, raci.TenantScope(tenant, level), alsoWrite(tenant, level))
	}
	return nil
}

// alsoWrite mentions that write includes checklist, so the message names every
// scope that would do.
func alsoWrite(tenant, level string) string {
	if level == raci.AccessWrite {
		return ""
	}
	return fmt.Sprintf(" or %q", raci.TenantScope(tenant, raci.AccessWrite))
}

type tokenKey struct{}

// withToken returns a context carrying the request's token, and its name as the
// actor the store records in the event log.
func withToken(ctx context.Context, tok *raci.Token) context.Context {
	return context.WithValue(raci.WithActor(ctx, tok.Name), tokenKey{}, tok)
}

// tokenFrom returns the request's token, or nil when the API is open.
func tokenFrom(ctx context.Context) *raci.Token {
	tok, _ := ctx.Value(tokenKey{}).(*raci.Token)
	return tok
}
