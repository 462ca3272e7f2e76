package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// parties is seed 003's two columns, for the rows below.
const parties = `
resource "raci_party" "auth0" {
  tenant       = raci_tenant.initech.name
  name         = "auth0"
  display_name = "Auth0"
  kind         = "vendor"
}

resource "raci_party" "subscriber" {
  tenant       = raci_tenant.initech.name
  name         = "subscriber"
  display_name = "Subscriber"
  kind         = "customer"
}
`

func rowConfig(providerBlock, key, body string) string {
	return providerBlock + testTenant + parties + `
resource "raci_responsibility" "test" {
  tenant = raci_tenant.initech.name
  key    = "` + key + `"
` + body + `
}
`
}

// codeIntegration is seed 003's row "Code Integration into Applications": Auth0 is
// consulted always and informed only in the event that there are issues.
const codeIntegration = `
  title    = "Code Integration into Applications"
  category = "Integration"
  notes    = "The subscriber is responsible for Auth0 code integration."
  assignments = [
    { party = raci_party.auth0.name, roles = ["C"] },
    { party = raci_party.auth0.name, roles = ["I"], when = "in the event that there are issues" },
    { party = raci_party.subscriber.name, roles = ["A", "R"], holder = "subscriber's infrastructure engineer" },
  ]
`

func assignment(party string, roles []string, holder, when string) knownvalue.Check {
	letters := make([]knownvalue.Check, len(roles))
	for i, r := range roles {
		letters[i] = knownvalue.StringExact(r)
	}
	optional := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"party":  knownvalue.StringExact(party),
		"roles":  knownvalue.SetExact(letters),
		"holder": optional(holder),
		"when":   optional(when),
	})
}

func TestAccResponsibility_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_responsibility.test"
	updated := `
  title    = "Code Integration into Applications"
  category = "Integration"
  assignments = [
    { party = raci_party.auth0.name, roles = ["C", "I"] },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
  ]
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rowConfig(srv.providerBlock(), "code-integration", codeIntegration),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/code-integration")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("assignments"), knownvalue.SetExact([]knownvalue.Check{
						assignment("auth0", []string{"C"}, "", ""),
						assignment("auth0", []string{"I"}, "", "in the event that there are issues"),
						assignment("subscriber", []string{"R", "A"}, "subscriber's infrastructure engineer", ""),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: rowConfig(srv.providerBlock(), "code-integration", updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("notes"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("assignments"), knownvalue.SetExact([]knownvalue.Check{
						assignment("auth0", []string{"C", "I"}, "", ""),
						assignment("subscriber", []string{"R", "A"}, "", ""),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech/code-integration",
				ImportStateVerify: true,
			},
			{
				// Someone makes Auth0 accountable through the API: the plan shows it,
				// apply puts the configured matrix back.
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					row, err := srv.API.FindResponsibility(ctx, "initech", "code-integration")
					if err != nil {
						return err
					}
					row.Assignments = []raci.Assignment{
						{Party: "auth0", Roles: []raci.Role{"R", "A"}},
						{Party: "subscriber", Roles: []raci.Role{"I"}},
					}
					_, _, err = srv.API.PutResponsibility(ctx, row, raci.Precondition{})
					return err
				}),
				Config: rowConfig(srv.providerBlock(), "code-integration", updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("assignments"), knownvalue.SetExact([]knownvalue.Check{
						assignment("auth0", []string{"C", "I"}, "", ""),
						assignment("subscriber", []string{"R", "A"}, "", ""),
					})),
				},
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					return srv.API.DeleteResponsibility(ctx, "initech", "code-integration", raci.Precondition{})
				}),
				Config: rowConfig(srv.providerBlock(), "code-integration", updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				Config: rowConfig(srv.providerBlock(), "integration", updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				Check: func(_ *terraform.State) error {
					if _, err := srv.API.FindResponsibility(context.Background(), "initech", "code-integration"); raci.ErrorCode(err) != raci.ENOTFOUND {
						return fmt.Errorf("the replaced row is still on the server (err = %v)", err)
					}
					return nil
				},
			},
		},
	})
}

// accountability records a row as its document has it: the default single, shared
// (seed 004), unassigned (seed 003) and a conditional A (seed 000), each stored,
// changed and imported as it is.
func TestAccResponsibility_accountability(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_responsibility.test"
	body := func(accountability, assignments string) string {
		out := "  title = \"Backing Up\"\n"
		if accountability != "" {
			out += "  accountability = \"" + accountability + "\"\n"
		}
		return out + "  assignments = [\n" + assignments + "  ]\n"
	}
	const (
		single = `    { party = raci_party.auth0.name, roles = ["I"] },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
`
		conditional = `    { party = raci_party.auth0.name, roles = ["R", "A"] },
    { party = raci_party.subscriber.name, roles = ["R", "A"], when = "if clients store backups locally" },
`
		shared = `    { party = raci_party.auth0.name, roles = ["R", "A"] },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
`
		unassigned = `    { party = raci_party.auth0.name, roles = ["R"] },
    { party = raci_party.subscriber.name, roles = ["C"] },
`
	)
	stored := func(want raci.Accountability) resource.TestCheckFunc {
		return func(_ *terraform.State) error {
			row, err := srv.API.FindResponsibility(context.Background(), "initech", "backing-up")
			if err != nil {
				return err
			}
			if row.Accountability != want {
				return fmt.Errorf("server holds accountability %q, want %q", row.Accountability, want)
			}
			return nil
		}
	}
	step := func(accountability, assignments string, want raci.Accountability, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: rowConfig(srv.providerBlock(), "backing-up", body(accountability, assignments)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, action),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("accountability"), knownvalue.StringExact(string(want))),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("accountability"), knownvalue.StringExact(string(want))),
			},
			Check: stored(want),
		}
	}
	importStep := resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: "initech/backing-up", ImportStateVerify: true}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			step("", single, raci.AccountabilitySingle, plancheck.ResourceActionCreate),
			importStep,
			// Seed 000: the subscriber answers instead if it stores backups locally.
			step("", conditional, raci.AccountabilitySingle, plancheck.ResourceActionUpdate),
			// Seed 004: shared, as the contract says.
			step("shared", shared, raci.AccountabilityShared, plancheck.ResourceActionUpdate),
			importStep,
			// Seed 003: the document names nobody.
			step("unassigned", unassigned, raci.AccountabilityUnassigned, plancheck.ResourceActionUpdate),
			importStep,
			// Left out again, it is the default: single, with one A.
			step("", single, raci.AccountabilitySingle, plancheck.ResourceActionUpdate),
			// Set to its default, nothing changes.
			{
				Config: rowConfig(srv.providerBlock(), "backing-up", body("single", single)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// optional, when and position record a row as its document has it: set, changed,
// imported and unset again.
func TestAccResponsibility_asWritten(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_responsibility.test"
	body := func(extra string) string {
		return `
  title = "User Migration"
  assignments = [
    { party = raci_party.auth0.name, roles = ["C"] },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
  ]
` + extra
	}
	stored := func(optional bool, when string, position int) resource.TestCheckFunc {
		return func(_ *terraform.State) error {
			row, err := srv.API.FindResponsibility(context.Background(), "initech", "user-migration")
			if err != nil {
				return err
			}
			if row.Optional != optional || row.When != when || row.Position != position {
				return fmt.Errorf("server holds optional %v when %q position %d; want %v, %q, %d", row.Optional, row.When, row.Position, optional, when, position)
			}
			return nil
		}
	}
	values := func(optional bool, when knownvalue.Check, position knownvalue.Check) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("optional"), knownvalue.Bool(optional)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("when"), when),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("position"), position),
		}
	}
	importStep := resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: "initech/user-migration", ImportStateVerify: true}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            rowConfig(srv.providerBlock(), "user-migration", body("")),
				ConfigStateChecks: values(false, knownvalue.Null(), knownvalue.Null()),
				Check:             stored(false, "", 0),
			},
			{
				Config: rowConfig(srv.providerBlock(), "user-migration", body(`
  optional = true
  when     = "if required"
  position = 8
`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: values(true, knownvalue.StringExact("if required"), knownvalue.Int64Exact(8)),
				Check:             stored(true, "if required", 8),
			},
			importStep,
			{
				Config: rowConfig(srv.providerBlock(), "user-migration", body(`
  when     = "where the subscriber has users elsewhere"
  position = 2
`)),
				ConfigStateChecks: values(false, knownvalue.StringExact("where the subscriber has users elsewhere"), knownvalue.Int64Exact(2)),
				Check:             stored(false, "where the subscriber has users elsewhere", 2),
			},
			importStep,
			{
				Config:      rowConfig(srv.providerBlock(), "user-migration", body("  position = 0\n")),
				PlanOnly:    true,
				ExpectError: errorLike(`Attribute position value must be between 1 and 100000, got: 0`),
			},
			{
				Config:      rowConfig(srv.providerBlock(), "user-migration", body("  when = \"\"\n")),
				PlanOnly:    true,
				ExpectError: errorLike(`Attribute when string length must be between 1 and 500, got: 0`),
			},
			{
				Config:            rowConfig(srv.providerBlock(), "user-migration", body("")),
				ConfigStateChecks: values(false, knownvalue.Null(), knownvalue.Null()),
				Check:             stored(false, "", 0),
			},
		},
	})
}

// Rules that the configuration alone breaks fail the plan, naming the row, the rule
// and the fix, before anything is written.
func TestAccResponsibility_planTimeErrors(t *testing.T) {
	// The cases share one server, so they run in turn; the test runs beside the others.
	t.Parallel()
	srv := startServer(t)
	cases := map[string]struct {
		key, body, want string
	}{
		"two accountable": {"backing-up", `
  title = "Backing Up"
  assignments = [
    { party = "auth0", roles = ["A", "I"] },
    { party = "subscriber", roles = ["R", "A"] },
  ]`, `Row "backing-up" has 2 Accountable parties without a condition (auth0, subscriber), and accountability is "single": ` +
			`keep "A" on one party and give the others R, C or I (or a "when" under which they answer instead), or set ` +
			`accountability = "shared" if the contract makes them answer together.`},
		"no accountable": {"operations-handover", `
  title = "Operations Handover"
  assignments = [
    { party = "auth0", roles = ["R"] },
    { party = "subscriber", roles = ["C"] },
  ]`, `Row "operations-handover" has no Accountable party, and accountability is "single": add "A" to the roles of the ` +
			`party that answers for the outcome, or set accountability = "unassigned" if the document names none.`},
		"only accountable has a condition": {"backing-up", `
  title = "Backing Up"
  assignments = [
    { party = "auth0", roles = ["R"] },
    { party = "subscriber", roles = ["A"], when = "if clients store backups locally" },
  ]`, `Row "backing-up" has no Accountable party without a condition ("subscriber" only "if clients store backups locally"): ` +
			`who answers otherwise? Give "A" without a "when" to the party that answers when the condition does not hold`},
		"two accountable under one condition": {"backing-up", `
  title = "Backing Up"
  assignments = [
    { party = "auth0", roles = ["R", "A"] },
    { party = "subscriber", roles = ["A"], when = "if clients store backups locally" },
    { party = "msp", roles = ["A"], when = "if clients store backups locally" },
  ]`, `Row "backing-up" gives "A" to 2 parties under the condition "if clients store backups locally" (msp, subscriber)`},
		"shared with one accountable": {"security", `
  title          = "Security"
  accountability = "shared"
  assignments = [
    { party = "auth0", roles = ["R", "A"] },
    { party = "subscriber", roles = ["R"] },
  ]`, `Row "security" has accountability = "shared" but only "auth0" holds "A" without a condition: shared needs two or ` +
			`more parties holding "A" without a condition. Add "A" to each party that answers together, or set accountability = "single".`},
		"unassigned with an accountable": {"configuration", `
  title          = "Configuration"
  accountability = "unassigned"
  assignments = [
    { party = "auth0", roles = ["C"] },
    { party = "subscriber", roles = ["R", "A"] },
  ]`, `Row "configuration" has accountability = "unassigned" but gives "A" to subscriber: remove "A" if the document ` +
			`names nobody, or set accountability = "single".`},
		"unknown accountability": {"security", `
  title          = "Security"
  accountability = "joint"
  assignments = [{ party = "subscriber", roles = ["R", "A"] }]`, `value must be one of: ["single" "shared" "unassigned"]`},
		"no responsible": {"monitoring", `
  title = "Monitoring"
  assignments = [
    { party = "auth0", roles = ["I"] },
    { party = "subscriber", roles = ["A"] },
  ]`, `Row "monitoring" has no Responsible party; every row needs at least one: add "R"`},
		"letter outside every scheme": {"monitoring", `
  title = "Monitoring"
  assignments = [{ party = "subscriber", roles = ["R", "A", "X"] }]`, `value must be one of: ["R" "A" "S" "C" "I" "D"]`},
		"party twice under one condition": {"updates", `
  title = "Updates"
  assignments = [
    { party = "auth0", roles = ["R"] },
    { party = "auth0", roles = ["C"] },
    { party = "subscriber", roles = ["R", "A"] },
  ]`, `Row "updates" assigns party "auth0" twice without a condition: merge the letters into one assignment`},
		"bad key": {"Backing Up", `
  title = "Backing Up"
  assignments = [{ party = "subscriber", roles = ["R", "A"] }]`, "must be 1 to 63 lowercase letters, digits"},
		"bad party name": {"backing-up", `
  title = "Backing Up"
  assignments = [{ party = "The Subscriber", roles = ["R", "A"] }]`, "must be 1 to 63 lowercase letters, digits"},
		"no letters": {"backing-up", `
  title = "Backing Up"
  assignments = [{ party = "subscriber", roles = [] }]`, "set must contain at least 1 elements"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      rowConfig(srv.providerBlock(), tc.key, tc.body),
					PlanOnly:    true,
					ExpectError: errorLike(tc.want),
				}},
			})
		})
	}
}

// A letter the tenant's scheme lacks is a plan-time error once the tenant exists; a
// party missing from the tenant is refused by the server at apply, and nothing is
// written.
func TestAccResponsibility_schemeAndPartiesChecked(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: srv.providerBlock() + testTenant + parties},
			{
				Config: rowConfig(srv.providerBlock(), "updates", `
  title = "Updates"
  assignments = [
    { party = raci_party.auth0.name, roles = ["S"] },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
  ]`),
				PlanOnly:    true,
				ExpectError: errorLike(`Row "updates" gives party "auth0" the letter "S", which is not in the tenant's RACI scheme (R, A, C, I): use one of R, A, C, I, or set the tenant's scheme to RASCI.`),
			},
			{
				Config: rowConfig(srv.providerBlock(), "updates", `
  title = "Updates"
  assignments = [
    { party = "initrode", roles = ["R"] },
    { party = raci_party.subscriber.name, roles = ["A"] },
  ]`),
				ExpectError: errorLike(`Row "updates" assigns party "initrode", which is not a party of tenant "initech": create the party in that tenant first`),
			},
			{
				// The refused rows left nothing behind.
				Config: srv.providerBlock() + testTenant + parties,
				Check: func(_ *terraform.State) error {
					if _, err := srv.API.FindResponsibility(context.Background(), "initech", "updates"); raci.ErrorCode(err) != raci.ENOTFOUND {
						return fmt.Errorf("a refused row was stored (err = %v)", err)
					}
					return nil
				},
			},
		},
	})
}

// In a DACI tenant the Driver does the work; R is not a letter there.
func TestAccResponsibility_daciScheme(t *testing.T) {
	srv := startServer(t)
	daci := `
resource "raci_tenant" "initech" {
  name             = "initech"
  deployment_model = "dedicated_saas"
  scheme           = "DACI"
}
`
	row := func(roles string) string {
		return srv.providerBlock() + daci + `
resource "raci_party" "vendor" {
  tenant = raci_tenant.initech.name
  name   = "vendor"
  kind   = "vendor"
}

resource "raci_responsibility" "test" {
  tenant      = raci_tenant.initech.name
  key         = "certificates"
  title       = "Custom certificates"
  assignments = [{ party = raci_party.vendor.name, roles = ` + roles + ` }]
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: row(`["D", "A"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("raci_responsibility.test", tfjsonpath.New("assignments"), knownvalue.SetExact([]knownvalue.Check{
						assignment("vendor", []string{"A", "D"}, "", ""),
					})),
				},
			},
			{
				Config:      row(`["R", "A"]`),
				PlanOnly:    true,
				ExpectError: errorLike(`Row "certificates" gives party "vendor" the letter "R", which is not in the tenant's DACI scheme (D, A, C, I)`),
			},
		},
	})
}

// Local mode: with no endpoint, the provider writes a SQLite file directly.
func TestAccProvider_localMode(t *testing.T) {
	t.Setenv(envEndpoint, "")
	database := filepath.Join(t.TempDir(), "local.db")
	providerBlock := fmt.Sprintf("provider \"raci\" {\n  database = %q\n}\n", database)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: rowConfig(providerBlock, "code-integration", codeIntegration),
				Check: func(_ *terraform.State) error {
					store, err := sqlite.Open(context.Background(), database)
					if err != nil {
						return err
					}
					defer store.Close()
					row, err := store.FindResponsibility(context.Background(), "initech", "code-integration")
					if err != nil {
						return fmt.Errorf("the row is not in the local database: %w", err)
					}
					if len(row.Assignments) != 3 {
						return fmt.Errorf("the local database holds %d assignments, want 3", len(row.Assignments))
					}
					events, err := store.ListEvents(context.Background(), "initech", raci.EventFilter{Object: raci.ResponsibilityObject("code-integration")})
					if err != nil || len(events) != 1 || !strings.HasPrefix(events[0].Actor, "terraform-local") {
						return fmt.Errorf("the event log of the row is %+v (err = %v), want one event by terraform-local", events, err)
					}
					return nil
				},
			},
			{
				ResourceName:      "raci_responsibility.test",
				ImportState:       true,
				ImportStateId:     "initech/code-integration",
				ImportStateVerify: true,
			},
		},
	})
}
