package server

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func (s *Server) listTenants(w http.ResponseWriter, r *http.Request) error {
	opts, err := listOptions(r)
	if err != nil {
		return err
	}
	var page *raci.Page[*raci.Tenant]
	if tok := tokenFrom(r.Context()); tok == nil || tok.IsAdmin() {
		page, err = s.svc.ListTenants(r.Context(), opts)
	} else {
		page, err = s.visibleTenants(r, tok, opts)
	}
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []*raci.Tenant{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
	return nil
}

// visibleTenants pages over the tenants a token that is not admin may read. Its
// scopes name at most raci.MaxScopes tenants, so the page is built by looking each
// name up in order rather than by filtering the store's whole list; names of
// tenants that do not exist are skipped, and next is set only when another tenant
// follows.
func (s *Server) visibleTenants(r *http.Request, tok *raci.Token, opts raci.ListOptions) (*raci.Page[*raci.Tenant], error) {
	seen := map[string]bool{}
	var names []string
	for _, sc := range tok.Scopes {
		if name, _, ok := sc.Parse(); ok && name > opts.After && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	slices.Sort(names)
	page := &raci.Page[*raci.Tenant]{Items: []*raci.Tenant{}}
	for _, name := range names {
		t, err := s.svc.FindTenant(r.Context(), name)
		if raci.ErrorCode(err) == raci.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(page.Items) == opts.PageLimit() {
			page.Next = page.Items[len(page.Items)-1].Name
			break
		}
		page.Items = append(page.Items, t)
	}
	return page, nil
}

func (s *Server) getTenant(w http.ResponseWriter, r *http.Request) error {
	return s.readTenantObject(w, r, raci.TenantObject(), func(ctx context.Context) (any, int64, error) {
		t, err := s.svc.FindTenant(ctx, r.PathValue("tenant"))
		if err != nil {
			return nil, 0, err
		}
		return t, t.Version, nil
	})
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

// snapshotObject names the snapshot in the read cache; no object of the event log
// has this name.
const snapshotObject = "snapshot"

func (s *Server) getSnapshot(w http.ResponseWriter, r *http.Request) error {
	return s.readTenantObject(w, r, snapshotObject, func(ctx context.Context) (any, int64, error) {
		snap, err := raci.ReadSnapshot(ctx, s.svc, r.PathValue("tenant"))
		if err != nil {
			return nil, 0, err
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
		return snap, 0, nil
	})
}
