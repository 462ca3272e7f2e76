package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// NewSession returns the session to store for tok, created at now and lasting ttl,
// with a fresh secret, the secret's hash (the only form of it a store keeps) and the
// token's scopes in JSON.
func NewSession(tok *raci.Token, ttl time.Duration, now time.Time) (s *raci.Session, secret, hash string, scopes []byte, err error) {
	if tok == nil || tok.Name == "" {
		return nil, "", "", nil, fmt.Errorf("create session: no token")
	}
	if ttl <= 0 {
		return nil, "", "", nil, fmt.Errorf("create session: a session must last, not %s", ttl)
	}
	id, secret, err := raci.NewSessionSecret()
	if err != nil {
		return nil, "", "", nil, err
	}
	s = &raci.Session{ID: id, Token: tok.Name, Scopes: slices.Clone(tok.Scopes), CreatedAt: stamp(now), ExpiresAt: stamp(now.Add(ttl))}
	if s.Scopes == nil {
		s.Scopes = []raci.Scope{}
	}
	if scopes, err = json.Marshal(s.Scopes); err != nil {
		return nil, "", "", nil, fmt.Errorf("encode scopes of the session of token %q: %w", tok.Name, err)
	}
	return s, secret, raci.HashSessionSecret(secret), scopes, nil
}

// NewPersonSession returns the session to store for a person signed in with the
// identity provider, as NewSession does for a token, with the person in JSON.
func NewPersonSession(p raci.Person, ttl time.Duration, now time.Time) (s *raci.Session, secret, hash string, person []byte, err error) {
	if p.Email == "" {
		return nil, "", "", nil, fmt.Errorf("create session: a person without an email")
	}
	if ttl <= 0 {
		return nil, "", "", nil, fmt.Errorf("create session: a session must last, not %s", ttl)
	}
	id, secret, err := raci.NewSessionSecret()
	if err != nil {
		return nil, "", "", nil, err
	}
	pp := raci.Person{Email: p.Email, Groups: slices.Clone(p.Groups)}
	if pp.Groups == nil {
		pp.Groups = []string{}
	}
	s = &raci.Session{ID: id, Person: &pp, Scopes: []raci.Scope{}, CreatedAt: stamp(now), ExpiresAt: stamp(now.Add(ttl))}
	if person, err = json.Marshal(pp); err != nil {
		return nil, "", "", nil, fmt.Errorf("encode the person of a session: %w", err)
	}
	return s, secret, raci.HashSessionSecret(secret), person, nil
}

// DecodePerson completes s from the person as stored: ” for a token's session.
func DecodePerson(s *raci.Session, person []byte) error {
	if len(person) == 0 {
		return nil
	}
	var p raci.Person
	if err := json.Unmarshal(person, &p); err != nil {
		return fmt.Errorf("session %q: decode person: %w", s.ID, err)
	}
	s.Person = &p
	return nil
}

// SessionInvalid is the error for a session secret a store does not know.
func SessionInvalid() error {
	return raci.Errorf(raci.EUNAUTHORIZED, raci.SessionInvalidMessage)
}

// DecodeSession completes s from its scopes as stored, in JSON.
func DecodeSession(s raci.Session, scopes []byte) (*raci.Session, error) {
	if err := json.Unmarshal(scopes, &s.Scopes); err != nil {
		return nil, fmt.Errorf("session %q: decode scopes: %w", s.ID, err)
	}
	if s.Scopes == nil {
		s.Scopes = []raci.Scope{}
	}
	return &s, nil
}
