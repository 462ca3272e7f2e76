package server

import (
	"context"
	"net/http"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func (s *Server) listChecklists(w http.ResponseWriter, r *http.Request) error {
	opts, err := listOptions(r)
	if err != nil {
		return err
	}
	page, err := s.svc.ListChecklists(r.Context(), r.PathValue("tenant"), opts)
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []*raci.Checklist{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
	return nil
}

func (s *Server) getChecklist(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	return s.readTenantObject(w, r, raci.ChecklistObject(key), func(ctx context.Context) (any, int64, error) {
		c, err := s.svc.FindChecklist(ctx, r.PathValue("tenant"), key)
		if err != nil {
			return nil, 0, err
		}
		return c, c.Version, nil
	})
}

func (s *Server) putChecklist(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	var body checklistBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	c := body.checklist()
	if err := applyURLNames(
		urlName{"tenant", &c.Tenant, r.PathValue("tenant")},
		urlName{"key", &c.Key, r.PathValue("key")},
	); err != nil {
		return err
	}
	// The store owns versions and timestamps; a body may echo them from a read.
	c.Version, c.CreatedAt, c.UpdatedAt = 0, time.Time{}, time.Time{}
	stored, created, err := s.svc.PutChecklist(r.Context(), &c, pre)
	if err != nil {
		return err
	}
	s.writeStored(w, r, created, objectPath("v1", "tenants", stored.Tenant, "checklists", stored.Key), stored.Version, stored)
	return nil
}

func (s *Server) deleteChecklist(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteChecklist(r.Context(), r.PathValue("tenant"), r.PathValue("key"), pre); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// patchChecklistItem changes the people-owned fields of one item and answers with
// the whole checklist, since its version (the ETag) is the checklist's.
func (s *Server) patchChecklistItem(w http.ResponseWriter, r *http.Request) error {
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	var patch raci.ItemPatch
	if err := decodeBody(w, r, &patch); err != nil {
		return err
	}
	if patch == (raci.ItemPatch{}) {
		return raci.Invalid(raci.Problem{Detail: "The patch has nothing to change: send at least one of status, evidence, evidence_expires or waiver."})
	}
	// The checklist scope ticks items; what lets an item count as ready without
	// being done (a waiver, waived, not_applicable) takes write.
	if err := s.authorizeItemPatch(r, patch); err != nil {
		return err
	}
	c, err := s.svc.UpdateChecklistItem(r.Context(), r.PathValue("tenant"), r.PathValue("key"), r.PathValue("item"), patch, pre)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	s.writeJSON(w, r, http.StatusOK, c)
	return nil
}

// authorizeItemPatch refuses, for a token without write on the tenant, a patch that
// needs write (raci.ChecklistItem.NeedsWrite). What it needs may depend on the
// item as stored; a checklist or item that does not exist is left to the update
// to report.
func (s *Server) authorizeItemPatch(r *http.Request, patch raci.ItemPatch) error {
	tenant := r.PathValue("tenant")
	tok := tokenFrom(r.Context())
	if tok == nil || tok.Can(tenant, raci.AccessWrite) {
		return nil
	}
	var item raci.ChecklistItem
	if c, err := s.svc.FindChecklist(r.Context(), tenant, r.PathValue("key")); err == nil {
		if it := c.Item(r.PathValue("item")); it != nil {
			item = *it
		}
	} else if raci.ErrorCode(err) != raci.ENOTFOUND {
		return err
	}
	if what := item.NeedsWrite(patch); what != "" {
		return forbidden("Token %q may tick item %q of checklist %q but not %s: that needs the scope %q.",
			tok.Name, r.PathValue("item"), r.PathValue("key"), what, raci.TenantScope(tenant, raci.AccessWrite))
	}
	return nil
}

func (s *Server) getReadiness(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.svc.ChecklistReadiness(r.Context(), r.PathValue("tenant"), r.PathValue("key"))
	if err != nil {
		return err
	}
	if rd.Blocking == nil {
		rd.Blocking = []raci.Blocker{}
	}
	// Readiness is judged at the moment of the request: expiries make a stored answer
	// wrong later even when nothing was written.
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, rd)
	return nil
}

// checklistBody is a checklist as a PUT sends it. An item that does not say whether
// it is required is required: an item blocks readiness unless someone chose
// otherwise, and JSON's absent boolean would say false.
type checklistBody struct {
	raci.Checklist
	Items []checklistItemBody `json:"items"`
}

type checklistItemBody struct {
	raci.ChecklistItem
	Required *bool `json:"required"`
}

func (b checklistBody) checklist() raci.Checklist {
	c := b.Checklist
	c.Items = make([]raci.ChecklistItem, len(b.Items))
	for i, it := range b.Items {
		c.Items[i] = it.ChecklistItem
		c.Items[i].Required = it.Required == nil || *it.Required
	}
	return c
}
