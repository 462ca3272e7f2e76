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

const testTenant = `
resource "raci_tenant" "initech" {
  name             = "initech"
  customer         = "Initech"
  deployment_model = "private_saas"
}
`

func partyConfig(srv *testServer, name, body string) string {
	return srv.providerBlock() + testTenant + `
resource "raci_party" "test" {
  tenant = raci_tenant.initech.name
  name   = "` + name + `"
` + body + `
}
`
}

func TestAccParty_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_party.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: partyConfig(srv, "auth0", `
  display_name = "Auth0"
  kind         = "vendor"
  contacts     = ["support@auth0.example", "#private-saas"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/auth0")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("contacts"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("#private-saas"), knownvalue.StringExact("support@auth0.example"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: partyConfig(srv, "auth0", `
  display_name = "Auth0 by Okta"
  kind         = "third_party"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact("third_party")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("contacts"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech/auth0",
				ImportStateVerify: true,
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					p, err := srv.API.FindParty(ctx, "initech", "auth0")
					if err != nil {
						return err
					}
					p.Kind = raci.Customer
					p.Contacts = []string{"someone@else.example"}
					_, _, err = srv.API.PutParty(ctx, p, raci.Precondition{})
					return err
				}),
				Config: partyConfig(srv, "auth0", `
  display_name = "Auth0 by Okta"
  kind         = "third_party"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact("third_party")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact("third_party")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("contacts"), knownvalue.SetSizeExact(0)),
				},
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					return srv.API.DeleteParty(ctx, "initech", "auth0", raci.Precondition{})
				}),
				Config: partyConfig(srv, "auth0", `
  display_name = "Auth0 by Okta"
  kind         = "third_party"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// A new name renames the party in place, and a change of another
				// attribute in the same plan follows the rename.
				Config: partyConfig(srv, "okta", `
  display_name = "Okta"
  kind         = "third_party"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/okta")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/okta")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Okta")),
				},
				Check: func(*terraform.State) error {
					if _, err := srv.API.FindParty(context.Background(), "initech", "auth0"); raci.ErrorCode(err) != raci.ENOTFOUND {
						return fmt.Errorf("party auth0 after the rename: %v, want it gone", err)
					}
					p, err := srv.API.FindParty(context.Background(), "initech", "okta")
					if err != nil || p.DisplayName != "Okta" || p.Kind != raci.ThirdParty {
						return fmt.Errorf("party okta after the rename = %+v, %v", p, err)
					}
					return nil
				},
			},
			{
				// Only the name: one rename, no other write.
				Config: partyConfig(srv, "okta-new", `
  display_name = "Okta"
  kind         = "third_party"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					events, err := srv.API.ListEvents(context.Background(), "initech", raci.EventFilter{Object: raci.PartyObject("okta-new")})
					if err != nil {
						return err
					}
					if len(events) != 1 || events[0].Action != raci.ActionRename {
						return fmt.Errorf("events of party okta-new = %d, want one rename", len(events))
					}
					return nil
				},
			},
		},
	})
}

func TestAccParty_planTimeErrors(t *testing.T) {
	// The cases share one server, so they run in turn; the test runs beside the others.
	t.Parallel()
	srv := startServer(t)
	cases := map[string]struct {
		name, body, want string
	}{
		"bad slug":      {"Auth0", `kind = "vendor"`, "must be 1 to 63 lowercase letters"},
		"unknown kind":  {"auth0", `kind = "partner"`, `value must be one of: ["vendor" "customer" "third_party"]`},
		"empty contact": {"auth0", "kind = \"vendor\"\ncontacts = [\"\"]", "string length must be between 1 and 320"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      partyConfig(srv, tc.name, tc.body),
					ExpectError: errorLike(tc.want),
				}},
			})
		})
	}
}

func TestAccParty_importErrors(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: partyConfig(srv, "auth0", `kind = "vendor"`)},
			{
				ResourceName:  "raci_party.test",
				ImportState:   true,
				ImportStateId: "auth0",
				ExpectError:   errorLike(`expected <tenant>/<name>, e.g. "initech/auth0"`),
			},
		},
	})
}
