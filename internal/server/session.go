package server

import (
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// sessionService returns the store's sessions, or ENOTFOUND for a store that keeps
// none.
func (s *Server) sessionService() (raci.SessionService, error) {
	if s.sessions == nil {
		return nil, raci.Errorf(raci.ENOTFOUND, "This server's store keeps no web sessions.")
	}
	return s.sessions, nil
}

// listSessions answers the live web sessions, without their secrets: the store
// keeps only hashes of them.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.sessionService()
	if err != nil {
		return err
	}
	sessions, err := ss.ListSessions(r.Context())
	if err != nil {
		return err
	}
	if sessions == nil {
		sessions = []*raci.Session{}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, raci.Page[*raci.Session]{Items: sessions})
	return nil
}

// deleteSession ends a session on every server: its next web request is signed
// out.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.sessionService()
	if err != nil {
		return err
	}
	if err := ss.DeleteSession(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
