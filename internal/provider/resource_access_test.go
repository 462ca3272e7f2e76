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

func accessConfig(srv *testServer, body string) string {
	return srv.providerBlock() + testTenant + `
resource "raci_access" "infra" {
  tenant = raci_tenant.initech.name
  name   = "infra"
` + body + `
}
`
}

func TestAccAccess_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_access.infra"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: accessConfig(srv, `
  scope  = "checklist"
  groups = ["initech-infra"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/infra")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("emails"), knownvalue.SetSizeExact(0)),
				},
				Check: func(*terraform.State) error {
					a, err := srv.API.FindAccess(context.Background(), "initech", "infra")
					if err != nil {
						return err
					}
					if a.Scope != raci.AccessChecklist || len(a.Groups) != 1 || a.Groups[0] != "initech-infra" {
						return fmt.Errorf("the server holds %+v, want checklist for initech-infra", a)
					}
					return nil
				},
			},
			{
				Config: accessConfig(srv, `
  scope  = "write"
  groups = ["initech-infra"]
  emails = ["peter@initech.example"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.StringExact("write")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("emails"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("peter@initech.example")})),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech/infra",
				ImportStateVerify: true,
			},
			{
				// Removed on the server: the next plan creates it again.
				PreConfig: outOfBand(t, func(ctx context.Context) error { return srv.API.DeleteAccess(ctx, "initech", "infra") }),
				Config: accessConfig(srv, `
  scope  = "write"
  groups = ["initech-infra"]
  emails = ["peter@initech.example"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, err := srv.API.FindAccess(context.Background(), "initech", "infra"); raci.ErrorCode(err) != raci.ENOTFOUND {
				return fmt.Errorf("after destroy the grant is still there: %v", err)
			}
			return nil
		},
	})
}

// A grant that names nobody, an email in capitals and an unknown scope are refused
// with errors that name the fix, and nothing is created.
func TestAccAccess_invalid(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      accessConfig(srv, `scope = "admin"`+"\n"+`groups = ["initech-infra"]`),
				ExpectError: errorLike(`value must be one of: ["read" "checklist" "write"]`),
			},
			{
				Config:      accessConfig(srv, `scope = "read"`+"\n"+`emails = ["Peter@Initech.example"]`),
				ExpectError: errorLike(`write it as "peter@initech.example"`),
			},
			{
				Config:      accessConfig(srv, `scope = "read"`),
				ExpectError: errorLike(`Access "infra" grants nobody: list at least one group in groups or one address in emails.`),
			},
		},
	})
}
