package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func webhookConfig(srv *testServer, body string) string {
	return srv.providerBlock() + testTenant + `
resource "raci_party" "infra" {
  tenant   = raci_tenant.initech.name
  name     = "initech-infra"
  kind     = "customer"
  contacts = ["infra@initech.example"]
}

resource "raci_webhook" "test" {
  tenant = raci_tenant.initech.name
  name   = "readiness"
` + body + `
}
`
}

func TestAccWebhook_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_webhook.test"
	first := `
  url    = "https://hooks.initech.example/raci"
  secret = "first-secret-0123456789"
  events = ["readiness", "responsibility"]
`
	second := `
  url    = "http://10.0.0.7:8080/raci"
  secret = "first-secret-0123456789"
  events = ["checklist"]
`
	rotated := `
  url    = "http://10.0.0.7:8080/raci"
  secret = "rotated-secret-9876543210"
  events = ["checklist"]
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: webhookConfig(srv, first),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/readiness")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("readiness"), knownvalue.StringExact("responsibility"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret"), knownvalue.StringExact("first-secret-0123456789")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error {
					// The server holds the webhook without showing its secret.
					h, err := srv.API.FindWebhook(context.Background(), "initech", "readiness")
					if err != nil {
						return err
					}
					if h.Secret != "" || h.URL != "https://hooks.initech.example/raci" {
						t.Errorf("server's webhook = %+v; want the URL and no secret", h)
					}
					return nil
				},
			},
			{
				Config: webhookConfig(srv, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.StringExact("http://10.0.0.7:8080/raci")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("checklist")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				// Only the secret changes: an in-place update that sends it.
				Config: webhookConfig(srv, rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
				},
			},
			{
				// The secret cannot be imported: the server never returns it.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "initech/readiness",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secret"},
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					h, err := srv.API.FindWebhook(ctx, "initech", "readiness")
					if err != nil {
						return err
					}
					h.URL, h.Secret = "https://elsewhere.example/hook", "someone-elses-secret-000"
					_, _, err = srv.API.PutWebhook(ctx, h, raci.Precondition{})
					return err
				}),
				Config: webhookConfig(srv, rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("url"), knownvalue.StringExact("http://10.0.0.7:8080/raci")),
					},
				},
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					return srv.API.DeleteWebhook(ctx, "initech", "readiness", raci.Precondition{})
				}),
				Config: webhookConfig(srv, rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// After an import the secret is unknown to state: the next apply sends the
// configured one, in place.
func TestAccWebhook_importThenApplySetsSecret(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_webhook.test"
	// Made outside Terraform, with a secret the configuration does not know.
	ctx := context.Background()
	if _, _, err := srv.API.PutTenant(ctx, &raci.Tenant{Name: "initech", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.API.PutWebhook(ctx, &raci.Webhook{Tenant: "initech", Name: "readiness", URL: "https://hooks.initech.example/raci",
		Secret: "made-by-hand-0123456789", Events: []string{"readiness"}}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	config := srv.providerBlock() + `
resource "raci_webhook" "test" {
  tenant = "initech"
  name   = "readiness"
  url    = "https://hooks.initech.example/raci"
  secret = "configured-secret-0123456789"
  events = ["readiness"]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      "initech/readiness",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["secret"] != "" || states[0].Attributes["url"] != "https://hooks.initech.example/raci" {
						t.Errorf("imported state = %v; want the URL and no secret", states[0].Attributes)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret"), knownvalue.StringExact("configured-secret-0123456789")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A row written in the same apply as the webhook has its delivery waiting in the
// outbox, naming the party that is informed.
func TestAccWebhook_rowWritesADelivery(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: webhookConfig(srv, `
  url    = "https://hooks.initech.example/raci"
  secret = "first-secret-0123456789"
  events = ["responsibility"]
`) + `
resource "raci_party" "vendor" {
  tenant = raci_tenant.initech.name
  name   = "vendor"
  kind   = "vendor"
}

resource "raci_responsibility" "backups" {
  tenant      = raci_tenant.initech.name
  key         = "backing-up"
  title       = "Backing up"
  assignments = [
    { party = raci_party.vendor.name, roles = ["R", "A"] },
    { party = raci_party.infra.name, roles = ["I"] },
  ]
  depends_on = [raci_webhook.test]
}
`,
				Check: func(*terraform.State) error {
					ds, err := srv.API.ListDeliveries(context.Background(), "initech", "readiness", 10)
					if err != nil {
						return err
					}
					if len(ds) != 1 || ds[0].Object != "responsibility/backing-up" || ds[0].Action != raci.ActionCreate || ds[0].Status != raci.DeliveryPending {
						t.Errorf("deliveries = %+v; want the row's create, pending", ds)
					}
					return nil
				},
			},
		},
	})
}

func TestAccWebhook_invalid(t *testing.T) {
	srv := startServer(t)
	for _, tc := range []struct{ body, want string }{
		{`url = "ftp://files.example.com/x"
  secret = "first-secret-0123456789"
  events = ["party"]`, `only http and https are sent to`},
		{`url = "https://hooks.example.com/x"
  secret = "short"
  events = ["party"]`, `Webhook secret is 5 bytes long; it must be at least 16`},
		{`url = "https://hooks.example.com/x"
  secret = "first-secret-0123456789"
  events = ["tenant"]`, `value must be one of`},
		{`url = "https://hooks.example.com/x"
  secret = "first-secret-0123456789"
  events = []`, `set must contain at least 1 elements`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      webhookConfig(srv, "  "+tc.body),
					PlanOnly:    true,
					ExpectError: errorLike(tc.want),
				}},
			})
		})
	}
}
