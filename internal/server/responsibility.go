package server

import (
	"context"
	"net/http"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func (s *Server) listResponsibilities(w http.ResponseWriter, r *http.Request) error {
	opts, err := listOptions(r)
	if err != nil {
		return err
	}
	page, err := s.svc.ListResponsibilities(r.Context(), r.PathValue("tenant"), opts)
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []*raci.Responsibility{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
	return nil
}

func (s *Server) getResponsibility(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	return s.readTenantObject(w, r, raci.ResponsibilityObject(key), func(ctx context.Context) (any, int64, error) {
		resp, err := s.svc.FindResponsibility(ctx, r.PathValue("tenant"), key)
		if err != nil {
			return nil, 0, err
		}
		return resp, resp.Version, nil
	})
}

func (s *Server) putResponsibility(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	var resp raci.Responsibility
	if err := decodeBody(w, r, &resp); err != nil {
		return err
	}
	if err := applyURLNames(
		urlName{"tenant", &resp.Tenant, r.PathValue("tenant")},
		urlName{"key", &resp.Key, r.PathValue("key")},
	); err != nil {
		return err
	}
	// The store owns versions and timestamps; a body may echo them from a read.
	resp.Version, resp.CreatedAt, resp.UpdatedAt = 0, time.Time{}, time.Time{}
	stored, created, err := s.svc.PutResponsibility(r.Context(), &resp, pre)
	if err != nil {
		return err
	}
	s.writeStored(w, r, created, objectPath("v1", "tenants", stored.Tenant, "responsibilities", stored.Key), stored.Version, stored)
	return nil
}

func (s *Server) deleteResponsibility(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteResponsibility(r.Context(), r.PathValue("tenant"), r.PathValue("key"), pre); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
