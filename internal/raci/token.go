package raci

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Scope grants a token access: "admin" to everything, or one tenant's "read",
// "write" or "checklist" (set checklist item status and evidence, nothing else).
type Scope string

// AdminScope grants everything, tokens included.
const AdminScope Scope = "admin"

// Tenant access levels, from least to most.
const (
	AccessRead      = "read"
	AccessChecklist = "checklist"
	AccessWrite     = "write"
)

// TenantScope returns the scope granting access to one tenant.
func TenantScope(tenant, access string) Scope {
	return Scope("tenant:" + tenant + ":" + access)
}

// Parse splits a tenant scope; ok is false for admin and for malformed scopes.
func (s Scope) Parse() (tenant, access string, ok bool) {
	parts := strings.Split(string(s), ":")
	if len(parts) != 3 || parts[0] != "tenant" || !ValidSlug(parts[1]) {
		return "", "", false
	}
	switch parts[2] {
	case AccessRead, AccessChecklist, AccessWrite:
		return parts[1], parts[2], true
	}
	return "", "", false
}

// Valid reports whether s is admin or a well-formed tenant scope.
func (s Scope) Valid() bool {
	if s == AdminScope {
		return true
	}
	_, _, ok := s.Parse()
	return ok
}

// ScopeRule describes valid scopes for error messages.
const ScopeRule = `"admin", or "tenant:<tenant>:read", "tenant:<tenant>:write" or "tenant:<tenant>:checklist"`

// Token is an API credential. Its secret is shown once, when it is created, and
// stored only as a hash.
type Token struct {
	Name      string    `json:"name"`
	Scopes    []Scope   `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxScopes bounds the scopes of one token.
const MaxScopes = 100

// BootstrapTokenName names the admin credential a server takes from
// RACI_BOOTSTRAP_TOKEN: the actor its writes have in the event log. No stored token
// may take the name, so that no one's writes read as the bootstrap secret's.
const BootstrapTokenName = "bootstrap"

// Validate checks the token's name and scopes.
func (t *Token) Validate() error {
	var ps problems
	ps.checkSlug("name", "Token name", t.Name)
	if t.Name == BootstrapTokenName {
		ps.add("name", "Token name %q is the server's own: the event log names the RACI_BOOTSTRAP_TOKEN credential so, "+
			"and a token of that name would read as it. Choose another name.", t.Name)
	}
	if len(t.Scopes) == 0 {
		ps.add("scopes", "Token %q has no scopes: give it at least one of %s.", t.Name, ScopeRule)
	}
	if len(t.Scopes) > MaxScopes {
		ps.add("scopes", "Token %q has %d scopes; at most %d are allowed.", t.Name, len(t.Scopes), MaxScopes)
	}
	for i, s := range t.Scopes {
		if !s.Valid() {
			ps.add(fieldIndex("scopes", i), "Scope %q is not valid: use %s.", s, ScopeRule)
		}
	}
	return ps.err()
}

// IsAdmin reports whether the token may do anything.
func (t *Token) IsAdmin() bool {
	for _, s := range t.Scopes {
		if s == AdminScope {
			return true
		}
	}
	return false
}

// Can reports whether the token grants access to the tenant: write includes
// checklist and read; checklist includes read.
func (t *Token) Can(tenant, access string) bool {
	rank := map[string]int{AccessRead: 1, AccessChecklist: 2, AccessWrite: 3}
	if rank[access] == 0 {
		return false // an access level nobody defined grants nothing
	}
	for _, s := range t.Scopes {
		if s == AdminScope {
			return true
		}
		if tn, a, ok := s.Parse(); ok && tn == tenant && rank[a] >= rank[access] {
			return true
		}
	}
	return false
}

// TokenService stores API tokens.
type TokenService interface {
	// CreateToken stores a new token and returns it with its secret, which is
	// never shown again. EINVALID when the token breaks a rule; ECONFLICT when a
	// token with the name exists.
	CreateToken(ctx context.Context, t *Token) (stored *Token, secret string, err error)

	// ListTokens returns every token ordered by name, without secrets.
	ListTokens(ctx context.Context) ([]*Token, error)

	// DeleteToken revokes the token; ENOTFOUND if there is none with the name.
	DeleteToken(ctx context.Context, name string) error

	// Authenticate returns the token whose secret this is; EUNAUTHORIZED otherwise.
	Authenticate(ctx context.Context, secret string) (*Token, error)

	// CountTokens returns how many tokens exist, so serve knows an empty database.
	CountTokens(ctx context.Context) (int, error)
}

// TokenInvalidMessage is what every store says of a secret it does not know,
// whatever the reason, so that the answer tells an attacker nothing.
const TokenInvalidMessage = "The token is not valid: check RACI_TOKEN."

// A token's secret is "raci_" and 32 random bytes in base64url: the prefix makes a
// leaked secret easy to recognise in logs and code scanners.
const (
	secretPrefix      = "raci_"
	secretRandomBytes = 32
)

// NewTokenSecret returns a fresh random secret for a token.
func NewTokenSecret() (string, error) {
	b := make([]byte, secretRandomBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make token secret: %w", err)
	}
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashTokenSecret returns what a store keeps of a secret: its SHA-256, in hex. A
// secret carries 256 random bits, so a fast hash is enough; no salt or stretching.
func HashTokenSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
