package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Review aids: warnings in `terraform plan` for changes to a row that a reviewer of
// the pull request should not miss, although they break no rule.

// reviewResponsibilityChange warns about what the plan changes in one row: prior is
// the row in state (nil on create), planned the row as planned (nil on destroy), both
// with known values. It reads the tenant's snapshot from svc only when the plan takes
// the doer letter (R, D in DACI) from some party, to tell whether another row still
// gives it one; otherwise it makes no request.
//
// Each row is judged against the other rows as the server holds them now, except
// the rows this provider process planned before it, which count as planned
// (planRegistry.plannedRowsOver): of two rows that together take a party's last R,
// the second warns. Rows planned after it, or in another configuration, are not
// seen; the warnings say so and point to `terraform-provider-raci review`.
func reviewResponsibilityChange(ctx context.Context, svc raci.Service, prior, planned *raci.Responsibility) diag.Diagnostics {
	return reviewRenamedChange(ctx, svc, prior, planned, nil)
}

// reviewRenamedChange is reviewResponsibilityChange in a plan that renames parties
// of the tenant (renames maps old names to new): a renamed party is the same party,
// so a row whose A goes from "osirium" to "vendor-new" because of the rename moves
// nobody's accountability, and a party keeps the Responsible rows it had under its
// old name.
func reviewRenamedChange(ctx context.Context, svc raci.Service, prior, planned *raci.Responsibility, renames map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	if prior == nil {
		return diags
	}
	if len(renames) > 0 {
		prior = prior.Clone()
		for from, to := range renames {
			prior.RenameParty(from, to)
		}
	}
	plans := plansOf(svc)
	warn := func(summary, detail string) {
		// Terraform may ask for the same plan twice in one process; the reviewer
		// needs to read each warning once.
		if plans.firstWarning(summary + "\x00" + detail) {
			diags.AddAttributeWarning(path.Root("assignments"), summary, detail)
		}
	}
	named := rowLabel(prior, planned)
	if planned != nil {
		if detail := accountabilityMove(prior, planned); detail != "" {
			warn("Accountability Moves in "+named, detail)
		}
	} else if answering := unconditionalAccountable(prior); len(answering) > 0 {
		warn("Row Deleted With Its Accountable Party: "+named, fmt.Sprintf(
			"Deleting row %s ends the accountability of %s for it. Check that the duty has ended, or that another row "+
				"takes it on. %s", named, partyList(answering), seeReview))
	}

	lost := lostDoers(prior, planned)
	if len(lost) == 0 || svc == nil {
		return diags
	}
	snap, err := raci.ReadSnapshot(ctx, svc, prior.Tenant)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		// The tenant is gone, and with it every row: nothing left to compare.
		return diags
	}
	if err != nil {
		// A review aid that cannot run must not stop the plan, but must not stay silent.
		diags.AddWarning("Cannot Review Responsibility Change",
			fmt.Sprintf("Reading tenant %q to check whether parties keep a Responsible row failed: %s", prior.Tenant, errorText(err)))
		return diags
	}
	doer := snap.Tenant.Scheme.Doer()
	for _, party := range lost {
		if !doesWorkElsewhere(snap, party, prior, planned, renames, plans) {
			warn(fmt.Sprintf("Party %q Loses Its Last %s Row: %s", party, doer.Name(), named),
				fmt.Sprintf("Party %q is no longer %s for any row of tenant %q. Check that this is intended: "+
					"the party still exists, but does no work in the matrix. %s", party, doer.Name(), prior.Tenant, seeReview))
		}
	}
	return diags
}

// seeReview ends the warnings that judge one row against the server's other rows:
// a resource's plan cannot see what the rest of the plan does to them.
const seeReview = "This warning compares the row with the other rows as the server holds them now and as this plan " +
	"changes the rows planned before it, not the rest of the plan: to see the whole plan, save it " +
	"(terraform plan -out=PLANFILE) and run `terraform show -json PLANFILE | terraform-provider-raci review`."

// rowLabel names a row in a warning's summary, so that Terraform shows each row's
// warning rather than folding them into "similar warnings": its title and its id.
func rowLabel(prior, planned *raci.Responsibility) string {
	r := prior
	if planned != nil {
		r = planned
	}
	title := r.Title
	if title == "" {
		title = prior.Title
	}
	return fmt.Sprintf("%q (%s/%s)", title, r.Tenant, r.Key)
}

// accountabilityMove says how accountability moves between the two versions of a
// row, or "" when it does not: who answers without a condition, one party, several
// (shared) or nobody (unassigned). Parties holding A only under a condition answer
// instead of the others when it holds, and are left out; so a row whose letters
// break the rules (reported as an error elsewhere) warns only when the parties change.
func accountabilityMove(prior, planned *raci.Responsibility) string {
	from, to := unconditionalAccountable(prior), unconditionalAccountable(planned)
	if slices.Equal(from, to) {
		return ""
	}
	title := planned.Title
	if title == "" {
		title = prior.Title
	}
	var added []string
	for _, p := range to {
		if !slices.Contains(from, p) {
			added = append(added, p)
		}
	}
	check := "Check that the parties agree that nobody answers for this row before you apply."
	switch {
	case len(added) == 1:
		check = fmt.Sprintf("Check that %s has agreed to answer for this row before you apply.", added[0])
	case len(added) > 1:
		check = fmt.Sprintf("Check that %s have agreed to answer for this row before you apply.", partyList(added))
	case len(to) == 1:
		check = fmt.Sprintf("Check that %s agrees to answer for this row alone before you apply.", to[0])
	case len(to) > 1:
		check = fmt.Sprintf("Check that %s agree to answer for this row without the others before you apply.", partyList(to))
	}
	return fmt.Sprintf("Accountability for %q moves from %s to %s. %s", title, partyList(from), partyList(to), check)
}

// unconditionalAccountable returns, sorted, the parties holding A without a condition.
func unconditionalAccountable(r *raci.Responsibility) []string {
	var out []string
	for _, a := range r.Assignments {
		if a.When == "" && a.Has(raci.Accountable) && !slices.Contains(out, a.Party) {
			out = append(out, a.Party)
		}
	}
	sort.Strings(out)
	return out
}

// partyList names parties for people: "auth0", "auth0 and subscriber", "nobody".
func partyList(parties []string) string {
	switch len(parties) {
	case 0:
		return "nobody"
	case 1:
		return parties[0]
	}
	return strings.Join(parties[:len(parties)-1], ", ") + " and " + parties[len(parties)-1]
}

// lostDoers returns, sorted, the parties that do the work (R or D) in prior and no
// longer do in planned: all of prior's when the row is destroyed or moves to another
// tenant.
func lostDoers(prior, planned *raci.Responsibility) []string {
	keep := map[string]bool{}
	if planned != nil && planned.Tenant == prior.Tenant {
		for p := range doers(planned) {
			keep[p] = true
		}
	}
	var lost []string
	for p := range doers(prior) {
		if !keep[p] {
			lost = append(lost, p)
		}
	}
	sort.Strings(lost)
	return lost
}

// doers returns the parties holding a doer letter. Stored rows only hold their
// scheme's letters, so R or D is the doer without knowing the scheme.
func doers(r *raci.Responsibility) map[string]bool {
	out := map[string]bool{}
	for _, a := range r.Assignments {
		if a.Has(raci.Responsible) || a.Has(raci.Driver) {
			out[a.Party] = true
		}
	}
	return out
}

// doesWorkElsewhere reports whether a row of the snapshot other than this one (under
// its prior or planned key) gives the party the scheme's doer letter; a row of the
// snapshot that names it by the old name of a planned rename counts. A row this
// process has already planned counts as planned, not as the server holds it, so the
// second of two rows that together take a party's last R sees the first.
func doesWorkElsewhere(snap *raci.Snapshot, party string, prior, planned *raci.Responsibility, renames map[string]string, plans *planRegistry) bool {
	doer := snap.Tenant.Scheme.Doer()
	this := func(key string) bool {
		return key == prior.Key || planned != nil && planned.Tenant == prior.Tenant && key == planned.Key
	}
	rows := plans.plannedRowsOver(snap.Tenant.Name, snap.Responsibilities)
	for _, r := range rows {
		if this(r.Key) {
			continue
		}
		for _, a := range r.Assignments {
			name := a.Party
			if to, ok := renames[name]; ok {
				name = to
			}
			if name == party && a.Has(doer) {
				return true
			}
		}
	}
	return false
}
