package server

import (
	"net/http"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func (s *Server) listTenants(w http.ResponseWriter, r *http.Request) error {
	opts, err := listOptions(r)
	if err != nil {
		return err
	}
	page, err := s.svc.ListTenants(r.Context(), opts)
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []*raci.Tenant{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
	return nil
}

func (s *Server) getTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.FindTenant(r.Context(), r.PathValue("tenant"))
	if err != nil {
		return err
	}
	s.writeObject(w, r, t.Version, t)
	return nil
}

func (s *Server) putTenant(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	var t raci.Tenant
	if err := decodeBody(w, r, &t); err != nil {
		return err
	}
	if err := applyURLNames(urlName{"name", &t.Name, r.PathValue("tenant")}); err != nil {
		return err
	}
	// The store owns versions and timestamps; a body may echo them from a read.
	t.Version, t.CreatedAt, t.UpdatedAt = 0, time.Time{}, time.Time{}
	stored, created, err := s.svc.PutTenant(r.Context(), &t, pre)
	if err != nil {
		return err
	}
	s.writeStored(w, r, created, objectPath("v1", "tenants", stored.Name), stored.Version, stored)
	return nil
}

func (s *Server) deleteTenant(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteTenant(r.Context(), r.PathValue("tenant"), pre); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getSnapshot(w http.ResponseWriter, r *http.Request) error {
	snap, err := raci.ReadSnapshot(r.Context(), s.svc, r.PathValue("tenant"))
	if err != nil {
		return err
	}
	if snap.Parties == nil {
		snap.Parties = []*raci.Party{}
	}
	if snap.Responsibilities == nil {
		snap.Responsibilities = []*raci.Responsibility{}
	}
	if snap.Checklists == nil {
		snap.Checklists = []*raci.Checklist{}
	}
	s.writeJSON(w, r, http.StatusOK, snap)
	return nil
}
