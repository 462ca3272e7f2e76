package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The checks of a row at plan time that depend on other resources of the plan: its
// tenant's scheme and its parties. Each looks in the plan registry first (plans.go).

// checkRowScheme checks the row's letters against the scheme its tenant will have.
// When the plan sets the tenant's scheme, that scheme decides. Otherwise the
// server's does, with one exception: a row that breaks only the server's scheme,
// and fits another, is a warning, since the plan may yet change the scheme (when
// the row names its tenant by a literal, its tenant may be planned after it). A row
// that fits no scheme can never apply, and is refused. stored is nil when the
// tenant is not on the server yet.
func checkRowScheme(diags *diag.Diagnostics, row *raci.Responsibility, stored *raci.Tenant, plans *planRegistry) {
	at := path.Root("assignments")
	if scheme, ok := plans.plannedScheme(row.Tenant); ok {
		rowRuleErrors(diags, rowRuleProblems(row, scheme))
		return
	}
	if stored == nil {
		rowRuleErrors(diags, rowRuleProblems(row, ""))
		return
	}
	problems := rowRuleProblems(row, stored.Scheme)
	if len(problems) == 0 {
		return
	}
	if len(rowRuleProblems(row, "")) == 0 {
		for _, other := range raci.Schemes {
			if other == stored.Scheme || len(rowRuleProblems(row, other)) > 0 {
				continue
			}
			details := make([]string, len(problems))
			for i, p := range problems {
				details[i] = p.Detail
			}
			diags.AddAttributeWarning(at, "Row Needs Another Scheme",
				fmt.Sprintf("%s Unless this plan changes tenant %q's scheme to %s, the apply fails. To be sure, refer to the "+
					"tenant as raci_tenant.<name>.name, so that Terraform plans and applies the scheme change before this row.",
					strings.Join(details, " "), row.Tenant, other))
			return
		}
	}
	rowRuleErrors(diags, problems)
}

// checkRowParties warns about parties the row names that the tenant on the server
// does not have and the plan does not create, and about parties the plan renames
// while the row keeps their old name: either way the apply fails.
func checkRowParties(ctx context.Context, diags *diag.Diagnostics, svc raci.Service, row *raci.Responsibility, plans *planRegistry) {
	seen := map[string]bool{}
	for _, a := range row.Assignments {
		if seen[a.Party] || a.Party == "" {
			continue
		}
		seen[a.Party] = true
		if to, ok := plans.renamedTo(row.Tenant, a.Party); ok {
			diags.AddAttributeWarning(path.Root("assignments"), "Party Renamed in This Plan",
				fmt.Sprintf("This plan renames party %q of tenant %q to %q, but row %q still names it %q: the apply fails. "+
					"Refer to the party as raci_party.<name>.name, so that the row follows the rename.", a.Party, row.Tenant, to, row.Key, a.Party))
			continue
		}
		_, err := svc.FindParty(ctx, row.Tenant, a.Party)
		switch {
		case err == nil:
		case raci.ErrorCode(err) == raci.ENOTFOUND:
			if plans.partyPlanned(row.Tenant, a.Party) {
				continue
			}
			diags.AddAttributeWarning(path.Root("assignments"), "Party Not Found",
				fmt.Sprintf("Row %q assigns party %q, which tenant %q does not have on the server. Unless this plan creates it, "+
					"the apply fails: add a raci_party for it and refer to it as raci_party.<name>.name, or correct the name.",
					row.Key, a.Party, row.Tenant))
		default:
			// A check that cannot run must not stop the plan; the server checks again.
			tflog.Debug(ctx, "cannot check the row's party", map[string]any{"party": a.Party, "error": err.Error()})
		}
	}
}

// adoptRewrittenRow is the row's update after a rename applied by this provider
// rewrote it: when the server holds the version the rename gave the row, and the
// row as planned, it returns what the server holds and the write is not needed;
// the returned version is the one to write with otherwise, or 0 when the row
// changed in some other way too.
func adoptRewrittenRow(ctx context.Context, svc raci.Service, planned *raci.Responsibility, known int64) (*raci.Responsibility, int64) {
	version, ok := plansOf(svc).rewrittenVersion(planned.Tenant, raci.ResponsibilityObject(planned.Key), known)
	if !ok {
		return nil, 0
	}
	stored, err := svc.FindResponsibility(ctx, planned.Tenant, planned.Key)
	if err != nil || stored.Version != version {
		return nil, version
	}
	if sameRow(stored, planned) {
		return stored, version
	}
	return nil, version
}

// sameRow reports whether two rows hold the same content, whatever their versions
// and times.
func sameRow(a, b *raci.Responsibility) bool {
	content := func(r *raci.Responsibility) []byte {
		c := r.Clone()
		c.Normalize()
		c.Version = 0
		c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
		out, _ := json.Marshal(c)
		return out
	}
	return string(content(a)) == string(content(b))
}
