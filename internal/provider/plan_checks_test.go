package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// planRow runs the row's ModifyPlan as Terraform would on create, with svc as the
// provider hands it over, and returns the diagnostics as "severity: summary:
// detail".
func planRow(t *testing.T, svc raci.Service, row *raci.Responsibility) []string {
	t.Helper()
	ctx := context.Background()
	r := &responsibilityResource{svc: svc}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	s := schemaResp.Schema
	plan := tfsdk.Plan{Schema: s}
	if d := plan.Set(ctx, responsibilityModelFrom(row)); d.HasError() {
		t.Fatal(d)
	}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config{Schema: s, Raw: plan.Raw}}, &resp)
	var out []string
	for _, d := range resp.Diagnostics {
		sev := "warning"
		if d.Severity() == diag.SeverityError {
			sev = "error"
		}
		out = append(out, sev+": "+d.Summary()+": "+d.Detail())
	}
	return out
}

func hasDiag(got []string, prefix string) bool {
	return slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, prefix) })
}

// A letter of another scheme: refused when the plan keeps the tenant's scheme,
// allowed when the plan changes it, a warning when nothing is known of the plan
// yet; a row no scheme accepts is refused whatever the plan.
func TestRowSchemeSeesThePlan(t *testing.T) {
	supporting := row("backing-up", "Backing Up", assign("auth0", raci.Responsible, raci.Accountable), assign("subscriber", raci.Supportive))
	for _, tc := range []struct {
		name    string
		planned raci.Scheme // "" when the plan says nothing of the tenant
		row     *raci.Responsibility
		want    []string // prefixes, each of one diagnostic
	}{
		{"plan keeps RACI", raci.RACI, supporting, []string{`error: Invalid Responsibility: Row "backing-up"`}},
		{"plan changes to RASCI", raci.RASCI, supporting, nil},
		{"plan unknown", "", supporting, []string{
			`warning: Row Needs Another Scheme: Row "backing-up"`,
		}},
		{"no scheme has S and D together", "", row("backing-up", "Backing Up",
			assign("auth0", raci.Driver, raci.Accountable), assign("subscriber", raci.Supportive)), []string{
			`error: Invalid Responsibility: Row "backing-up" gives party "auth0" the letter "D", which is not in the tenant's RACI scheme`,
			`error: Invalid Responsibility: Row "backing-up" gives party "subscriber" the letter "S", which is not in the tenant's RACI scheme`,
			`error: Invalid Responsibility: Row "backing-up" has no Responsible party`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := newSnapshotCache(reviewStore(t).Service)
			if tc.planned != "" {
				cache.plans.planScheme("initech", tc.planned)
			}
			got := planRow(t, cache, tc.row)
			for _, w := range tc.want {
				if !hasDiag(got, w) {
					t.Errorf("diagnostics = %q, want one starting %q", got, w)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("diagnostics = %q, want %d", got, len(tc.want))
			}
			if tc.planned == "" && len(tc.want) == 1 && strings.HasPrefix(tc.want[0], "warning") &&
				!strings.Contains(got[0], `Unless this plan changes tenant "initech"'s scheme to RASCI, the apply fails.`) {
				t.Errorf("warning %q should say which scheme change the apply needs", got[0])
			}
		})
	}
}

// A party the tenant lacks on the server warns, unless the plan creates it or
// renames a party to it; a party the plan renames away warns when a row keeps its
// old name.
func TestRowPartiesSeeThePlan(t *testing.T) {
	withOkta := row("backing-up", "Backing Up", assign("okta", raci.Responsible, raci.Accountable), assign("subscriber", raci.Informed))
	for _, tc := range []struct {
		name string
		plan func(p *planRegistry)
		row  *raci.Responsibility
		want string
	}{
		{"not on the server", nil, withOkta,
			`warning: Party Not Found: Row "backing-up" assigns party "okta", which tenant "initech" does not have on the server. Unless this plan creates it, the apply fails`},
		{"created by the plan", func(p *planRegistry) { p.planParty("initech", "okta") }, withOkta, ""},
		{"renamed to by the plan", func(p *planRegistry) { p.planRename("initech", "auth0", "okta") }, withOkta, ""},
		{"created in another tenant", func(p *planRegistry) { p.planParty("initrode", "okta") }, withOkta, `warning: Party Not Found:`},
		{"renamed away by the plan", func(p *planRegistry) { p.planRename("initech", "auth0", "okta") }, backingUpRow("auth0"),
			`warning: Party Renamed in This Plan: This plan renames party "auth0" of tenant "initech" to "okta", but row "backing-up" still names it "auth0"`},
		{"on the server", nil, backingUpRow("auth0"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := newSnapshotCache(reviewStore(t).Service)
			if tc.plan != nil {
				tc.plan(cache.plans)
			}
			got := planRow(t, cache, tc.row)
			if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tc.want)) {
				t.Errorf("diagnostics = %q, want %q", got, tc.want)
			}
		})
	}
}

// Changing the tenant's scheme to RASCI and using S in a row of the same plan
// applies in one go: the row is planned against the planned scheme and written
// after the tenant.
func TestAccPlanChecks_schemeChangeAndNewLetterInOneApply(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	config := func(scheme, subscriberRoles string) string {
		return srv.providerBlock() + fmt.Sprintf(`
resource "raci_tenant" "initech" {
  name             = "initech"
  deployment_model = "private_saas"
  scheme           = %q
}
`, scheme) + parties + fmt.Sprintf(`
resource "raci_responsibility" "test" {
  tenant = raci_tenant.initech.name
  key    = "backing-up"
  title  = "Backing Up"
  assignments = [
    { party = raci_party.auth0.name, roles = ["R", "A"] },
    { party = raci_party.subscriber.name, roles = %s },
  ]
}
`, subscriberRoles)
	}
	noWarnings := func(*terraform.State) error {
		if got := rec.recorded(); len(got) != 0 {
			return fmt.Errorf("warnings: %q", got)
		}
		return nil
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []tfresource.TestStep{
			{Config: config("RACI", `["I"]`)},
			{
				// S under RACI, with the scheme left as it is: refused at plan.
				Config:      config("RACI", `["S"]`),
				ExpectError: errorLike(`gives party "subscriber" the letter "S", which is not in the tenant's RACI scheme`),
			},
			{
				PreConfig: rec.reset,
				Config:    config("RASCI", `["S"]`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("raci_tenant.initech", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("raci_responsibility.test", plancheck.ResourceActionUpdate),
					},
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					noWarnings,
					tfresource.TestCheckResourceAttr("raci_tenant.initech", "scheme", "RASCI"),
					func(*terraform.State) error {
						r, err := srv.API.FindResponsibility(context.Background(), "initech", "backing-up")
						if err != nil {
							return err
						}
						if !slices.ContainsFunc(r.Assignments, func(a raci.Assignment) bool { return a.Has(raci.Supportive) }) {
							return fmt.Errorf("row on the server = %+v, want the subscriber's S", r.Assignments)
						}
						return nil
					},
				),
			},
			{
				Config: config("RASCI", `["S"]`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A row naming a party this plan creates draws no warning and applies; a row naming
// a party no one creates warns at plan, and the apply fails as the warning said.
func TestAccPlanChecks_partyCreatedInThePlan(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	const okta = `
resource "raci_party" "okta" {
  tenant = raci_tenant.initech.name
  name   = "okta"
  kind   = "third_party"
}
`
	withParty := func(party string) string {
		return rowConfig(srv.providerBlock(), "backing-up", fmt.Sprintf(`
  title = "Backing Up"
  assignments = [
    { party = raci_party.auth0.name, roles = ["R", "A"] },
    { party = %s, roles = ["I"] },
  ]`, party))
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []tfresource.TestStep{
			{Config: withParty("raci_party.subscriber.name")},
			{
				PreConfig: rec.reset,
				Config:    withParty("raci_party.okta.name") + okta,
				Check: func(*terraform.State) error {
					if got := rec.recorded(); len(got) != 0 {
						return fmt.Errorf("warnings for a party the plan creates: %q", got)
					}
					return nil
				},
			},
			{
				PreConfig:   rec.reset,
				Config:      withParty(`"ghost"`) + okta,
				ExpectError: errorLike(`assigns party "ghost", which is not a party of tenant "initech"`),
			},
			{
				// Back to a party that exists; the plan of the step before warned.
				Config: withParty("raci_party.okta.name") + okta,
				Check: func(*terraform.State) error {
					if !hasDiag(rec.recorded(), `Party Not Found: Row "backing-up" assigns party "ghost", which tenant "initech" does not have on the server. Unless this plan creates it, the apply fails`) {
						return fmt.Errorf("no plan-time warning for the missing party; warnings: %q", rec.recorded())
					}
					return nil
				},
			},
		},
	})
}
