package server

import (
	"net/http"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Grants to people (raci_access) need write on the tenant for every method, reads
// included: a grant names people, and who may do what to a tenant is its
// administration, not its content. A tenant's write scope already grants all a
// grant can give, so a writer hands out nothing more than they hold.

// accessService returns the store's grants, or ENOTFOUND for a store that keeps
// none.
func (s *Server) accessService() (raci.AccessService, error) {
	if s.access == nil {
		return nil, raci.Errorf(raci.ENOTFOUND, "This server's store keeps no grants to people.")
	}
	return s.access, nil
}

func (s *Server) listAccess(w http.ResponseWriter, r *http.Request) error {
	as, err := s.accessService()
	if err != nil {
		return err
	}
	list, err := as.ListAccess(r.Context(), r.PathValue("tenant"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, raci.Page[*raci.Access]{Items: list})
	return nil
}

func (s *Server) getAccess(w http.ResponseWriter, r *http.Request) error {
	as, err := s.accessService()
	if err != nil {
		return err
	}
	a, err := as.FindAccess(r.Context(), r.PathValue("tenant"), r.PathValue("name"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, a)
	return nil
}

// accessPrecondition refuses the conditional headers of a write: a grant has no
// versions to match, and a write of one is whole, so a caller has nothing to
// guard. Refusing them, rather than ignoring them, keeps a caller from believing
// it wrote conditionally.
func accessPrecondition(r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if pre.IfMatch != 0 || pre.IfNoneMatch {
		return raci.Errorf(raci.EPRECONDITION, "Grants to people have no versions, so a write of one cannot be conditional: send it without If-Match or If-None-Match.")
	}
	return nil
}

func (s *Server) putAccess(w http.ResponseWriter, r *http.Request) error {
	as, err := s.accessService()
	if err != nil {
		return err
	}
	if err := accessPrecondition(r); err != nil {
		return err
	}
	var a raci.Access
	if err := decodeBody(w, r, &a); err != nil {
		return err
	}
	if err := applyURLNames(
		urlName{"tenant", &a.Tenant, r.PathValue("tenant")},
		urlName{"name", &a.Name, r.PathValue("name")},
	); err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt = time.Time{}, time.Time{}
	stored, created, err := as.PutAccess(r.Context(), &a)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", objectPath("v1", "tenants", stored.Tenant, "access", stored.Name))
	}
	s.writeJSON(w, r, status, stored)
	return nil
}

func (s *Server) deleteAccess(w http.ResponseWriter, r *http.Request) error {
	as, err := s.accessService()
	if err != nil {
		return err
	}
	if err := accessPrecondition(r); err != nil {
		return err
	}
	if err := as.DeleteAccess(r.Context(), r.PathValue("tenant"), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
