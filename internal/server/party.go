package server

import (
	"context"
	"net/http"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func (s *Server) listParties(w http.ResponseWriter, r *http.Request) error {
	opts, err := listOptions(r)
	if err != nil {
		return err
	}
	page, err := s.svc.ListParties(r.Context(), r.PathValue("tenant"), opts)
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []*raci.Party{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
	return nil
}

func (s *Server) getParty(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("party")
	return s.readTenantObject(w, r, raci.PartyObject(name), func(ctx context.Context) (any, int64, error) {
		p, err := s.svc.FindParty(ctx, r.PathValue("tenant"), name)
		if err != nil {
			return nil, 0, err
		}
		return p, p.Version, nil
	})
}

func (s *Server) putParty(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	var p raci.Party
	if err := decodeBody(w, r, &p); err != nil {
		return err
	}
	if err := applyURLNames(
		urlName{"tenant", &p.Tenant, r.PathValue("tenant")},
		urlName{"name", &p.Name, r.PathValue("party")},
	); err != nil {
		return err
	}
	// The store owns versions and timestamps; a body may echo them from a read.
	p.Version, p.CreatedAt, p.UpdatedAt = 0, time.Time{}, time.Time{}
	stored, created, err := s.svc.PutParty(r.Context(), &p, pre)
	if err != nil {
		return err
	}
	s.writeStored(w, r, created, objectPath("v1", "tenants", stored.Tenant, "parties", stored.Name), stored.Version, stored)
	return nil
}

func (s *Server) deleteParty(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteParty(r.Context(), r.PathValue("tenant"), r.PathValue("party"), pre); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// renameBody is the body of a party's rename: its new name.
type renameBody struct {
	Name string `json:"name"`
}

func (s *Server) renameParty(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if pre.IfNoneMatch {
		return badRequest("If-None-Match", "A rename changes a party that exists: send If-Match with the party's ETag, or no precondition, not If-None-Match.")
	}
	var body renameBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	if body.Name == "" {
		return raci.Invalid(raci.Problem{Field: "name", Detail: "The new name is required: send {\"name\": \"<new name>\"}."})
	}
	stored, err := s.svc.RenameParty(r.Context(), r.PathValue("tenant"), r.PathValue("party"), body.Name, pre)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Location", objectPath("v1", "tenants", stored.Tenant, "parties", stored.Name))
	s.writeStored(w, r, false, "", stored.Version, stored)
	return nil
}
