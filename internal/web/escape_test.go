package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// hostile returns markup for a field: a tag that names the field, with both kinds
// of quote and an ampersand, so that a page that does not escape the field shows
// the tag raw, and the test can tell which field leaked.
func hostile(field string) string {
	return fmt.Sprintf(`<x-%s a-%s='1' b-%s="2">&amp;</x-%s>`, field, field, field, field)
}

// escapedMark is what a page shows of hostile(field) once escaped: the tag's
// opening as text.
func escapedMark(field string) string { return "&lt;x-" + field }

// wantEscaped checks that the page shows each field's value, escaped, and none of
// it raw: no tag, no quote that could end an attribute.
func wantEscaped(t *testing.T, page string, p response, fields ...string) {
	t.Helper()
	for _, field := range fields {
		if !strings.Contains(p.body, escapedMark(field)) {
			t.Errorf("%s: field %s is not shown (escaped) on the page", page, field)
		}
		for _, raw := range []string{"<x-" + field, "</x-" + field, "a-" + field + "='1'", "b-" + field + `="2"`} {
			if strings.Contains(p.body, raw) {
				t.Errorf("%s: field %s reaches the page unescaped: it contains %q", page, field, raw)
			}
		}
	}
}

// seedHostile writes tenant evil, whose every free-text field holds markup.
func seedHostile(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := raci.WithActor(context.Background(), "seed")
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "evil", DisplayName: hostile("tenant-display-name"), Customer: hostile("tenant-customer"),
		DeploymentModel: "private_saas", Description: hostile("tenant-description"),
		Source: &raci.Source{Title: hostile("source-title"), URL: `https://docs.example/contract?a="b"&c=<d>`, Revision: hostile("source-revision")}}, raci.Precondition{})
	must("tenant", err)
	_, _, err = db.PutParty(ctx, &raci.Party{Tenant: "evil", Name: "vendor", DisplayName: hostile("party-display-name"), Kind: "vendor"}, raci.Precondition{})
	must("party vendor", err)
	_, _, err = db.PutParty(ctx, &raci.Party{Tenant: "evil", Name: "customer", DisplayName: hostile("approver-display-name"), Kind: "customer"}, raci.Precondition{})
	must("party customer", err)
	_, _, err = db.PutResponsibility(ctx, &raci.Responsibility{Tenant: "evil", Key: "row", Title: hostile("row-title"), Category: hostile("row-category"),
		Description: hostile("row-description"), When: hostile("row-when"),
		Notes: hostile("row-notes") + " see [" + hostile("row-note-link") + "](https://docs.example/a\"b'c<d>) and https://docs.example/x?a=1&b=<2>",
		Assignments: []raci.Assignment{
			{Party: "vendor", Roles: []raci.Role{"R", "A"}, Holder: hostile("assignment-holder")},
			{Party: "customer", Roles: []raci.Role{"C"}, When: hostile("assignment-when")},
		}}, raci.Precondition{})
	must("row", err)
	_, _, err = db.PutChecklist(ctx, &raci.Checklist{Tenant: "evil", Key: "launch", Title: hostile("checklist-title"), Gate: "deploy:production",
		Items: []raci.ChecklistItem{
			{Key: "blocker", Title: hostile("blocking-item-title"), Owner: "vendor", Required: true},
			{Key: "waived", Title: hostile("waived-item-title"), Owner: "vendor", Required: true},
			{Key: "ticked", Title: hostile("ticked-item-title"), Owner: "vendor"},
		}}, raci.Precondition{})
	must("checklist", err)
	waived, done := raci.Waived, raci.Done
	evidence := hostile("item-evidence")
	_, err = db.UpdateChecklistItem(ctx, "evil", "launch", "waived", raci.ItemPatch{Status: &waived,
		Waiver: &raci.Waiver{Reason: hostile("waiver-reason"), ApprovedBy: "customer", Expires: time.Now().AddDate(1, 0, 0)}}, raci.Precondition{})
	must("waiver", err)
	// Actors are token names, which are slugs; the page escapes them all the same.
	_, err = db.UpdateChecklistItem(raci.WithActor(ctx, hostile("actor")), "evil", "launch", "ticked", raci.ItemPatch{Status: &done, Evidence: &evidence}, raci.Precondition{})
	must("tick", err)
}

// Every free-text field a person or a configuration supplies, on every page that
// shows it, comes out escaped: evidence, waiver reasons, notes, titles, names, what
// a failed form shows again, and the message after a save. (A checklist-scope
// token can write evidence that an administrator's browser then renders.)
func TestUserTextIsEscapedOnEveryPage(t *testing.T) {
	f := newFixture(t)
	seedHostile(t, f.db)
	f.secrets["bootstrap"] = "bootstrap-secret"

	b := f.browser(t)
	b.signInAs("bootstrap")

	// The tenant list.
	list := b.get("/")
	wantStatus(t, list, http.StatusOK)
	wantEscaped(t, "tenant list", list, "tenant-display-name", "tenant-customer")

	// The tenant page: the matrix, the checklists with their blockers, waivers and
	// evidence, the forms showing stored values, and the recent changes.
	p := b.get("/tenants/evil")
	wantStatus(t, p, http.StatusOK)
	wantEscaped(t, "tenant page", p,
		"tenant-display-name", "tenant-customer", "tenant-description", "source-title", "source-revision",
		"party-display-name", "approver-display-name",
		"row-title", "row-category", "row-description", "row-when", "row-notes", "row-note-link",
		"assignment-holder", "assignment-when",
		"checklist-title", "blocking-item-title", "waived-item-title", "ticked-item-title",
		"waiver-reason", "item-evidence", "actor",
	)
	// The link in the notes keeps its quotes and brackets out of the attribute.
	for _, raw := range []string{`"b'c<d>`, `b=<2>`, `a="b"`, `c=<d>`} {
		if strings.Contains(p.body, raw) {
			t.Errorf("tenant page: a link in the notes or the source reaches the page unescaped: it contains %q", raw)
		}
	}
	// Evidence and the waiver reason are shown twice: as text, and as the value of
	// the form's inputs, where a quote would end the attribute.
	for _, field := range []string{"item-evidence", "waiver-reason"} {
		if n := strings.Count(p.body, escapedMark(field)); n < 2 {
			t.Errorf("tenant page: %s is shown %d times escaped, want as text and as a form value", field, n)
		}
	}

	// A form that fails shows what was typed again, in its inputs.
	csrf := p.csrf(t)
	failed := b.post("/tenants/evil/checklists/launch/items/blocker", url.Values{
		"csrf": {csrf}, "status": {"waived"}, "evidence": {hostile("typed-evidence")},
		"waiver_reason": {hostile("typed-waiver-reason")}, "waiver_approved_by": {"customer"},
		"waiver_expires": {hostile("typed-waiver-expires")},
	})
	wantStatus(t, failed, http.StatusUnprocessableEntity)
	wantEscaped(t, "failed form", failed, "typed-evidence", "typed-waiver-reason", "typed-waiver-expires")

	// A saved form: its evidence on the page, and the message naming the item and
	// the checklist.
	saved := b.post("/tenants/evil/checklists/launch/items/blocker", url.Values{
		"csrf": {csrf}, "status": {"done"}, "evidence": {hostile("saved-evidence")},
	})
	wantStatus(t, saved, http.StatusSeeOther)
	after := b.get("/tenants/evil")
	wantEscaped(t, "page after a save", after, "saved-evidence", "blocking-item-title", "checklist-title")
	if !strings.Contains(after.body, `<p class="flash" role="status">Saved &#34;`+escapedMark("blocking-item-title")) {
		t.Errorf("page after a save: the message does not name the item, escaped:\n%s", after.body)
	}
}
