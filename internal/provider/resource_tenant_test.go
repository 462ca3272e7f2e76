package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestAccTenant_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_tenant.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  display_name     = "Initech production"
  customer         = "Initech"
  deployment_model = "private_saas"
  environments     = ["production", "development"]
  labels           = { region = "eu-west-1" }
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scheme"), knownvalue.StringExact("RACI")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("environments"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("development"), knownvalue.StringExact("production"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"region": knownvalue.StringExact("eu-west-1"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
			},
			{
				// Update in place; dropping labels and customer leaves them empty, not drifting.
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  display_name     = "Initech"
  deployment_model = "dedicated_saas"
  environments     = ["production", "development", "staging"]
  scheme           = "RASCI"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("deployment_model"), knownvalue.StringExact("dedicated_saas")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customer"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scheme"), knownvalue.StringExact("RASCI")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech",
				ImportStateVerify: true,
			},
			{
				// Someone edits the tenant through the API: the plan shows it, apply restores it.
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					tenant, err := srv.API.FindTenant(ctx, "initech")
					if err != nil {
						return err
					}
					tenant.DisplayName = "Renamed by hand"
					tenant.Environments = []string{"production"}
					_, _, err = srv.API.PutTenant(ctx, tenant, raci.Precondition{})
					return err
				}),
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  display_name     = "Initech"
  deployment_model = "dedicated_saas"
  environments     = ["production", "development", "staging"]
  scheme           = "RASCI"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Initech")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Initech")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("environments"), knownvalue.SetSizeExact(3)),
				},
			},
			{
				// Deleted outside Terraform: Read drops it from state and apply recreates it.
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					return srv.API.DeleteTenant(ctx, "initech", raci.Precondition{})
				}),
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  display_name     = "Initech"
  deployment_model = "dedicated_saas"
  environments     = ["production", "development", "staging"]
  scheme           = "RASCI"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
			},
			{
				// A new name is a new tenant.
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech-eu"
  display_name     = "Initech"
  deployment_model = "dedicated_saas"
  environments     = ["production", "development", "staging"]
  scheme           = "RASCI"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				Check: func(_ *terraform.State) error {
					if _, err := srv.API.FindTenant(context.Background(), "initech"); raci.ErrorCode(err) != raci.ENOTFOUND {
						return fmt.Errorf("the replaced tenant is still on the server (err = %v)", err)
					}
					return nil
				},
			},
		},
	})
}

// A tenant's description and source: set, changed, partly removed, imported and
// removed, with no diff after any apply.
func TestAccTenant_descriptionAndSource(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_tenant.test"
	config := func(attributes string) string {
		return srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  deployment_model = "private_saas"
` + attributes + `
}
`
	}
	onServer := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			tn, err := srv.API.FindTenant(context.Background(), "initech")
			if err != nil {
				return err
			}
			if got := fmt.Sprintf("%q %+v", tn.Description, tn.Source); got != want {
				return fmt.Errorf("server holds %s, want %s", got, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`
  description = "Initech's production installation, contract 2024-17."
  source = {
    title    = "Private SaaS Responsibilities Matrix"
    url      = "https://example.com/matrix.pdf"
    revision = "2024-03"
  }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Initech's production installation, contract 2024-17.")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"title":    knownvalue.StringExact("Private SaaS Responsibilities Matrix"),
						"url":      knownvalue.StringExact("https://example.com/matrix.pdf"),
						"revision": knownvalue.StringExact("2024-03"),
					})),
				},
				Check: onServer(`"Initech's production installation, contract 2024-17." &{Title:Private SaaS Responsibilities Matrix URL:https://example.com/matrix.pdf Revision:2024-03}`),
			},
			{
				// A new revision with the url dropped: the source keeps only what is set.
				Config: config(`
  description = "Contract 2024-17, renewed."
  source = {
    title    = "Private SaaS Responsibilities Matrix"
    revision = "2025-01"
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"title":    knownvalue.StringExact("Private SaaS Responsibilities Matrix"),
						"url":      knownvalue.Null(),
						"revision": knownvalue.StringExact("2025-01"),
					})),
				},
				Check: onServer(`"Contract 2024-17, renewed." &{Title:Private SaaS Responsibilities Matrix URL: Revision:2025-01}`),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech",
				ImportStateVerify: true,
			},
			{
				// Removing both leaves nothing on the server and null in state.
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source"), knownvalue.Null()),
				},
				Check: onServer(`"" <nil>`),
			},
		},
	})
}

// An omitted set and an empty one are the same to users: no diff between them.
func TestAccTenant_emptyAndOmittedCollections(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  deployment_model = "private_saas"
}
`,
			},
			{
				Config: srv.providerBlock() + `
resource "raci_tenant" "test" {
  name             = "initech"
  deployment_model = "private_saas"
  environments     = []
  labels           = {}
  scheme           = "RACI"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccTenant_planTimeErrors(t *testing.T) {
	// The cases share one server, so they run in turn; the test runs beside the others.
	t.Parallel()
	srv := startServer(t)
	cases := map[string]struct {
		attributes string
		want       string
	}{
		"bad slug":           {`name = "Initech Corp"` + "\n" + `deployment_model = "private_saas"`, "must be 1 to 63 lowercase letters, digits"},
		"unknown model":      {`name = "initech"` + "\n" + `deployment_model = "on_prem"`, `value must be one of: ["private_saas" "dedicated_saas"`},
		"unknown scheme":     {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `scheme = "RAPID"`, `value must be one of: ["RACI" "RASCI" "DACI"]`},
		"empty display name": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `display_name = ""`, "string length must be between 1 and 200"},
		"bad environment":    {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `environments = ["Prod"]`, "must be 1 to 63 lowercase letters"},
		"empty description":  {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `description = ""`, "string length must be between 1 and 4000"},
		"relative source url": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `source = { url = "docs/matrix.pdf" }`,
			`source.url: Source URL "docs/matrix.pdf" is not an absolute http or https URL: write it in full`},
		"ftp source url": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `source = { title = "Matrix", url = "ftp://example.com/m.pdf" }`,
			`Source URL "ftp://example.com/m.pdf" is not an absolute http or https URL`},
		"empty source url": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `source = { url = "" }`, "string length must be between 1 and 2000"},
		"empty source":     {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `source = {}`, "The source sets none of title, url and revision: set at least one of them, or remove source."},
		"terminal escape in display name": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `display_name = "Init\u001b]0;x\u0007ech"`,
			"display_name holds the control character U+001B (ESC) at byte 4: remove it; display_name is one line of text, without tabs or line breaks."},
		"line break in customer": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `customer = "Initech\nCorp"`,
			"customer holds the control character U+000A (line feed) at byte 7"},
		"line break in a label": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `labels = { team = "ops\r\n" }`,
			"holds the control character U+000D (carriage return)"},
		"NUL in description": {`name = "initech"` + "\n" + `deployment_model = "private_saas"` + "\n" + `description = "Runs\tdaily.\nA\u0000"`,
			"description holds the control character U+0000 (NUL) at byte 13: remove it; only tab and line feed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      srv.providerBlock() + "resource \"raci_tenant\" \"test\" {\n" + tc.attributes + "\n}\n",
					ExpectError: errorLike(tc.want),
				}},
			})
		})
	}
	page, err := srv.API.ListTenants(context.Background(), raci.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 {
		t.Fatalf("refused configurations changed the server: it holds %d tenants", len(page.Items))
	}
}
