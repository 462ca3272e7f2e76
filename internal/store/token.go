package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// NewToken returns the token to store for in, created at now, with a fresh random
// secret and the secret's hash, the only form of it a store keeps. The store
// returns the secret to the caller once, never again.
func NewToken(in *raci.Token, now time.Time) (tok *raci.Token, secret, hash string, err error) {
	tok = &raci.Token{Name: in.Name, Scopes: slices.Clone(in.Scopes), CreatedAt: stamp(now)}
	if err := tok.Validate(); err != nil {
		return nil, "", "", err
	}
	if secret, err = raci.NewTokenSecret(); err != nil {
		return nil, "", "", err
	}
	return tok, secret, raci.HashTokenSecret(secret), nil
}

// TokenTaken is the error for a token created under a name in use.
func TokenTaken(name string) error {
	return raci.Errorf(raci.ECONFLICT, "Token %q already exists: choose another name, or delete that token first.", name)
}

// TokenNotFound is the error for a token that does not exist.
func TokenNotFound(name string) error {
	return raci.Errorf(raci.ENOTFOUND, "Token %q does not exist: list the tokens to see their names.", name)
}

// DecodeToken completes t from its scopes as stored, in JSON.
func DecodeToken(t raci.Token, scopes []byte) (*raci.Token, error) {
	if err := json.Unmarshal(scopes, &t.Scopes); err != nil {
		return nil, fmt.Errorf("token %q: decode scopes: %w", t.Name, err)
	}
	if t.Scopes == nil {
		t.Scopes = []raci.Scope{}
	}
	return &t, nil
}
