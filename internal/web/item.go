package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// updateItem sets a checklist item's status and evidence, and with write scope its
// waiver, then sends the browser back to the tenant page (303) with a message.
func (h *Handler) updateItem(w http.ResponseWriter, r *http.Request) {
	sess := h.currentSession(r)
	if sess == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	if !h.readForm(w, r) {
		return
	}
	if !validCSRF(r, sess.csrf) {
		h.errorPage(w, r, http.StatusForbidden, "The form expired or did not come from this site. Reload the page and try again.")
		return
	}
	tenant, key, itemKey := r.PathValue("tenant"), r.PathValue("checklist"), r.PathValue("item")
	tok := sess.token
	if !tok.Can(tenant, raci.AccessRead) {
		h.notFound(w, r)
		return
	}
	if !tok.Can(tenant, raci.AccessChecklist) {
		if sess.person != nil {
			h.errorPage(w, r, http.StatusForbidden, fmt.Sprintf("You (%s) may read tenant %q but not tick its checklists: that needs a raci_access grant "+
				"of scope %q or %q to one of your groups or to your email. Ask the tenant's administrators.", tok.Name, tenant, raci.AccessChecklist, raci.AccessWrite))
			return
		}
		h.errorPage(w, r, http.StatusForbidden, fmt.Sprintf("Token %q may read tenant %q but not tick its checklists: that needs the scope %q or %q.",
			tok.Name, tenant, raci.TenantScope(tenant, raci.AccessChecklist), raci.TenantScope(tenant, raci.AccessWrite)))
		return
	}
	c, err := h.svc.FindChecklist(r.Context(), tenant, key)
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	item := c.Item(itemKey)
	if item == nil {
		h.notFound(w, r)
		return
	}

	form := itemForm{
		Status:           strings.TrimSpace(r.PostFormValue("status")),
		Evidence:         strings.TrimSpace(r.PostFormValue("evidence")),
		WaiverReason:     strings.TrimSpace(r.PostFormValue("waiver_reason")),
		WaiverApprovedBy: strings.TrimSpace(r.PostFormValue("waiver_approved_by")),
		WaiverExpires:    strings.TrimSpace(r.PostFormValue("waiver_expires")),
	}
	// What takes write is the domain's rule, as in the API.
	status := raci.ItemStatus(form.Status)
	wants := raci.ItemPatch{Status: &status}
	if form.WaiverReason != "" || form.WaiverApprovedBy != "" || form.WaiverExpires != "" {
		wants.Waiver = &raci.Waiver{}
	}
	if what := item.NeedsWrite(wants); what != "" && !tok.Can(tenant, raci.AccessWrite) {
		if sess.person != nil {
			h.errorPage(w, r, http.StatusForbidden, fmt.Sprintf("You (%s) may tick items of tenant %q but not %s: that needs a raci_access grant of scope %q.",
				tok.Name, tenant, what, raci.AccessWrite))
			return
		}
		h.errorPage(w, r, http.StatusForbidden, fmt.Sprintf("Token %q may tick items of tenant %q but not %s: that needs the scope %q.",
			tok.Name, tenant, what, raci.TenantScope(tenant, raci.AccessWrite)))
		return
	}

	failed := &failedForm{checklist: key, item: itemKey, form: form, errors: map[string]string{}}
	patch, ok := parsePatch(form, item, failed.errors)
	if !ok {
		h.showTenant(w, r, sess, http.StatusUnprocessableEntity, failed)
		return
	}
	ctx := raci.WithActor(r.Context(), tok.Name)
	if _, err := h.svc.UpdateChecklistItem(ctx, tenant, key, itemKey, patch, raci.Precondition{}); err != nil {
		if raci.ErrorCode(err) != raci.EINVALID {
			h.storeError(w, r, err)
			return
		}
		for _, p := range raci.ErrorProblems(err) {
			field := formField(p.Field)
			if field == "" {
				failed.message = strings.TrimSpace(failed.message + " " + p.Detail)
				continue
			}
			failed.errors[field] = strings.TrimSpace(failed.errors[field] + " " + p.Detail)
		}
		if len(failed.errors) == 0 && failed.message == "" {
			failed.message = raci.ErrorMessage(err)
		}
		h.showTenant(w, r, sess, http.StatusUnprocessableEntity, failed)
		return
	}
	h.setFlash(r.Context(), sess, fmt.Sprintf("Saved %q of %s: %s.", item.Title, c.Title, strings.ReplaceAll(form.Status, "_", " ")))
	http.Redirect(w, r, "/tenants/"+tenant+"#checklist-"+key, http.StatusSeeOther)
}

// parsePatch turns the form into a patch, recording what is wrong per field.
// Evidence is only sent when it changed, because a new evidence clears the expiry
// the old one came with.
func parsePatch(form itemForm, item *raci.ChecklistItem, errs map[string]string) (raci.ItemPatch, bool) {
	var patch raci.ItemPatch
	status := raci.ItemStatus(form.Status)
	if !status.Valid() {
		errs["status"] = "Choose one of the listed statuses."
	} else {
		patch.Status = &status
	}
	if len(form.Evidence) > raci.MaxEvidenceLength {
		errs["evidence"] = fmt.Sprintf("At most %d characters.", raci.MaxEvidenceLength)
	} else if form.Evidence != item.Evidence {
		ev := form.Evidence
		patch.Evidence = &ev
	}
	if form.WaiverReason != "" || form.WaiverApprovedBy != "" || form.WaiverExpires != "" {
		wv := &raci.Waiver{Reason: form.WaiverReason, ApprovedBy: form.WaiverApprovedBy}
		if form.WaiverExpires != "" {
			t, err := parseDate(form.WaiverExpires)
			if err != nil {
				errs["waiver_expires"] = "Give a date such as 2027-01-31."
			}
			wv.Expires = t
		}
		patch.Waiver = wv
	}
	return patch, len(errs) == 0
}

// parseDate reads a date input's value (2006-01-02) as midnight UTC, or an RFC 3339
// time.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// formField maps a problem's field ("items[2].waiver.reason") to the form field it
// concerns, or "" when it concerns none.
func formField(field string) string {
	switch {
	case strings.HasSuffix(field, ".waiver.reason"):
		return "waiver_reason"
	case strings.HasSuffix(field, ".waiver.approved_by"):
		return "waiver_approved_by"
	case strings.HasSuffix(field, ".waiver.expires"):
		return "waiver_expires"
	case strings.HasSuffix(field, ".waiver"):
		return "waiver_reason"
	case strings.HasSuffix(field, ".status"):
		return "status"
	case strings.HasSuffix(field, ".evidence"):
		return "evidence"
	}
	return ""
}
