package server

import (
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// createdToken is the answer to creating a token: the only time its secret is
// shown.
type createdToken struct {
	raci.Token
	Secret string `json:"secret"`
}

// tokenBody is what a client sends to create a token; the server sets the rest.
type tokenBody struct {
	Name   string       `json:"name"`
	Scopes []raci.Scope `json:"scopes"`
}

// tokenService returns the store's tokens, or ENOTFOUND for a store that keeps
// none, where only Options.Token authenticates.
func (s *Server) tokenService() (raci.TokenService, error) {
	if s.tokens == nil {
		return nil, raci.Errorf(raci.ENOTFOUND, "This server's store keeps no tokens: only the token it was started with is accepted.")
	}
	return s.tokens, nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tokenService()
	if err != nil {
		return err
	}
	var body tokenBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	t := raci.Token{Name: body.Name, Scopes: body.Scopes}
	if err := t.Validate(); err != nil {
		return err
	}
	stored, secret, err := ts.CreateToken(r.Context(), &t)
	if err != nil {
		return err
	}
	w.Header().Set("Location", objectPath("v1", "tokens", stored.Name))
	// The secret must not linger in caches between the server and the caller.
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusCreated, createdToken{Token: *stored, Secret: secret})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tokenService()
	if err != nil {
		return err
	}
	tokens, err := ts.ListTokens(r.Context())
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []*raci.Token{}
	}
	s.writeJSON(w, r, http.StatusOK, raci.Page[*raci.Token]{Items: tokens})
	return nil
}

func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tokenService()
	if err != nil {
		return err
	}
	if err := ts.DeleteToken(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
