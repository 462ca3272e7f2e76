package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// matrixRows is four rows of seed 003 and an auditor that holds nothing, for the
// data sources to render and filter. One resource per row: the legacy state the
// Check functions see does not support for_each.
const matrixRows = `
resource "raci_party" "auditor" {
  tenant       = raci_tenant.initech.name
  name         = "auditor"
  display_name = "Auditor"
  kind         = "third_party"
}

locals {
  if_trouble = "in the event that there are issues"
}

resource "raci_responsibility" "code_integration" {
  tenant   = raci_tenant.initech.name
  key      = "code-integration"
  title    = "Code Integration into Applications"
  category = "Integration"
  assignments = [
    { party = raci_party.auth0.name, roles = ["C"] },
    { party = raci_party.auth0.name, roles = ["I"], when = local.if_trouble },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
  ]
}

resource "raci_responsibility" "deployment" {
  tenant   = raci_tenant.initech.name
  key      = "deployment"
  title    = "Deployment to Development and Production environments"
  category = "Deployment"
  assignments = [
    { party = raci_party.auth0.name, roles = ["R", "A"], holder = "Auth0 Customer Success Engineer" },
    { party = raci_party.subscriber.name, roles = ["I"] },
  ]
}

resource "raci_responsibility" "issue_resolution" {
  tenant   = raci_tenant.initech.name
  key      = "issue-resolution"
  title    = "Issue Resolution"
  category = "Support"
  assignments = [
    { party = raci_party.auth0.name, roles = ["R", "A"] },
    { party = raci_party.subscriber.name, roles = ["C"] },
  ]
}

resource "raci_responsibility" "backing_up" {
  tenant   = raci_tenant.initech.name
  key      = "backing-up"
  title    = "Backing Up"
  category = "Operations"
  assignments = [
    { party = raci_party.auth0.name, roles = ["I"], when = local.if_trouble },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
  ]
}
`

// allRows is the depends_on of a data source that reads matrixRows.
const allRows = "[raci_responsibility.code_integration, raci_responsibility.deployment, raci_responsibility.issue_resolution, raci_responsibility.backing_up]"

func matrixConfig(srv *testServer, dataSources string) string {
	return srv.providerBlock() + testTenant + parties + matrixRows + dataSources
}

func TestAccMatrixDataSource(t *testing.T) {
	srv := startServer(t)
	const addr = "data.raci_matrix.test"
	config := matrixConfig(srv, `
data "raci_matrix" "test" {
  tenant     = raci_tenant.initech.name
  depends_on = `+allRows+`
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("markdown"), knownvalue.StringRegexp(regexp.MustCompile(
						`^\|Task\|Category\|Auditor\|Auth0\|Subscriber\|\n\|---\|---\|---\|---\|---\|\n`+
							`\|Backing Up\|Operations\|\|I \(in the event that there are issues\)\|R, A\|\n`+
							`\|Code Integration into Applications\|Integration\|\|C, I \(in the event that there are issues\)\|R, A\|\n`+
							`\|Deployment to Development and Production environments\|Deployment\|\|R, A \(Auth0 Customer Success Engineer\)\|I\|\n`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("csv"), knownvalue.StringRegexp(regexp.MustCompile(
						`(?m)^Task,Key,Category,Auditor,Auth0,Subscriber,Notes$`+
							`[\s\S]*^Backing Up,backing-up,Operations,,I \(in the event that there are issues\),"R, A",$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("oscal"), knownvalue.StringRegexp(regexp.MustCompile(
						`"oscal-version": "1\.1\.2"`))),
					// The auditor holds nothing: the one rule a stored tenant can break.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("violations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"kind":   knownvalue.StringExact("violation"),
							"rule":   knownvalue.StringExact("idle_party"),
							"row":    knownvalue.Null(),
							"party":  knownvalue.StringExact("auditor"),
							"detail": knownvalue.StringExact(`Party "auditor" holds no letter in any row: assign it where it takes part, or delete it.`),
						}),
					})),
				},
				Check: func(s *terraform.State) error {
					// The JSON is the server's matrix, row for row.
					var doc format.JSONDocument
					if err := json.Unmarshal([]byte(s.RootModule().Resources[addr].Primary.Attributes["json"]), &doc); err != nil {
						return fmt.Errorf("json is not a matrix document: %w", err)
					}
					var keys []string
					for _, r := range doc.Rows {
						keys = append(keys, r.Key)
					}
					if got, want := strings.Join(keys, " "), "backing-up code-integration deployment issue-resolution"; got != want {
						// Without positions, categories come in the order of their first keys.
						return fmt.Errorf("json rows = %q, want %q (by category, then key)", got, want)
					}
					return nil
				},
			},
			{
				// A row added outside Terraform shows in the next rendering, and gives the
				// auditor something to hold. Its accountability is shared: an open point,
				// listed after the table and in violations, though no rule is broken.
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					_, _, err := srv.API.PutResponsibility(ctx, &raci.Responsibility{
						Tenant: "initech", Key: "audit", Title: "Yearly Audit", Category: "Support",
						Accountability: raci.AccountabilityShared,
						Assignments: []raci.Assignment{
							{Party: "auditor", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
							{Party: "subscriber", Roles: []raci.Role{raci.Accountable}},
						},
					}, raci.Precondition{})
					return err
				}),
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("markdown"), knownvalue.StringRegexp(regexp.MustCompile(
						`\n\|Yearly Audit\|Support\|R, A\|\|A\|\n\|Issue Resolution\|Support\|\|R, A\|C\|\n[\s\S]*`+
							`\nOpen points:\n\n- \*\*Yearly Audit\*\*: Accountable together: Auditor, Subscriber; who answers for what is for the parties to settle\.\n$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("violations"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"kind":  knownvalue.StringExact("open_point"),
							"rule":  knownvalue.StringExact("shared_accountability"),
							"row":   knownvalue.StringExact("audit"),
							"party": knownvalue.Null(),
							"detail": knownvalue.StringExact(`Row "audit" (Yearly Audit) is Accountable to auditor and subscriber together, as the ` +
								`document says: an open point for the parties to settle who answers for what; once agreed, keep "A" on one ` +
								`party and set accountability = "single".`),
						}),
					})),
				},
			},
			{
				// Terraform does not manage the audit row; remove it so that the test can
				// destroy the parties it assigns.
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					return srv.API.DeleteResponsibility(ctx, "initech", "audit", raci.Precondition{})
				}),
				Config: config,
			},
		},
	})
}

func TestAccMatrixDataSource_unknownTenant(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: srv.providerBlock() + `
data "raci_matrix" "test" {
  tenant = "initrode"
}
`,
			ExpectError: errorLike(`Tenant "initrode" does not exist on the RACI server, or the token cannot see it.`),
		}},
	})
}
