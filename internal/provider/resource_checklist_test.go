package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// checklistConfig is seed 003's tenant and parties with a checklist whose items are
// given by the caller, in HCL.
func checklistConfig(srv *testServer, items string) string {
	return srv.providerBlock() + testTenant + parties + `
resource "raci_checklist" "infra" {
  tenant = raci_tenant.initech.name
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"
  items  = [` + items + `
  ]

  # Waivers recorded through the API may be approved by any party.
  depends_on = [raci_party.auth0]
}
`
}

const (
	vmsItem  = `{ key = "vms", title = "VMs with memory, storage and processors", owner = raci_party.subscriber.name },`
	dnsItem  = `{ key = "dns", title = "DNS records created", owner = raci_party.subscriber.name },`
	smtpItem = `{ key = "smtp", title = "SMTP server reachable", owner = raci_party.subscriber.name, required = false },`
)

// tick sets an item's status through the API, as a subscriber's engineer would.
func tick(t *testing.T, srv *testServer, item string, status raci.ItemStatus) func() {
	return outOfBand(t, func(ctx context.Context) error {
		_, err := srv.API.UpdateChecklistItem(ctx, "initech", "infrastructure", item, raci.ItemPatch{Status: &status}, raci.Precondition{})
		return err
	})
}

func itemStatus(index int, status string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("raci_checklist.infra",
		tfjsonpath.New("items").AtSliceIndex(index).AtMapKey("status"), knownvalue.StringExact(status))
}

func itemKey(index int, key string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("raci_checklist.infra",
		tfjsonpath.New("items").AtSliceIndex(index).AtMapKey("key"), knownvalue.StringExact(key))
}

func TestAccChecklist_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_checklist.infra"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: checklistConfig(srv, vmsItem+dnsItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						// New items are known to start pending: no "(known after apply)".
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("items").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("pending")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/infrastructure")),
					itemKey(0, "vms"), itemStatus(0, "pending"),
					itemKey(1, "dns"), itemStatus(1, "pending"),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("items").AtSliceIndex(1).AtMapKey("required"), knownvalue.Bool(true)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech/infrastructure",
				ImportStateVerify: true,
			},
			{
				Config: checklistConfig(srv, vmsItem+dnsItem+smtpItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					itemKey(2, "smtp"),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("items").AtSliceIndex(2).AtMapKey("required"), knownvalue.Bool(false)),
				},
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					return srv.API.DeleteChecklist(ctx, "initech", "infrastructure", raci.Precondition{})
				}),
				Config: checklistConfig(srv, vmsItem+dnsItem+smtpItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				Config: srv.providerBlock() + testTenant + parties + `
resource "raci_checklist" "infra" {
  tenant = raci_tenant.initech.name
  key    = "infra"
  title  = "Private SaaS Infrastructure Checklist"
  items  = [` + vmsItem + `]
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				Check: func(_ *terraform.State) error {
					if _, err := srv.API.FindChecklist(context.Background(), "initech", "infrastructure"); raci.ErrorCode(err) != raci.ENOTFOUND {
						return fmt.Errorf("the replaced checklist is still on the server (err = %v)", err)
					}
					return nil
				},
			},
		},
	})
}

// A status the configuration leaves out belongs to people: a tick through the API
// leaves the plan empty, and adding or reordering items never moves it.
func TestAccChecklist_peopleOwnStatusesTheConfigurationLeavesOut(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_checklist.infra"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: checklistConfig(srv, vmsItem+dnsItem)},
			{
				PreConfig: tick(t, srv, "dns", raci.Done),
				Config:    checklistConfig(srv, vmsItem+dnsItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{itemStatus(1, "done")},
			},
			{
				// dns moves to the front and a new item arrives: dns stays done, the
				// others stay pending, and the plan says so.
				Config: checklistConfig(srv, smtpItem+dnsItem+vmsItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("items").AtSliceIndex(1).AtMapKey("status"), knownvalue.StringExact("done")),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("items").AtSliceIndex(2).AtMapKey("status"), knownvalue.StringExact("pending")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					itemKey(0, "smtp"), itemStatus(0, "pending"),
					itemKey(1, "dns"), itemStatus(1, "done"),
					itemKey(2, "vms"), itemStatus(2, "pending"),
				},
			},
		},
	})
}

// A status the configuration sets is Terraform's: a change through the API is drift,
// and apply puts it back.
func TestAccChecklist_managedStatusDrift(t *testing.T) {
	srv := startServer(t)
	managed := `{ key = "vms", title = "VMs ready", owner = raci_party.subscriber.name, status = "done",
      evidence = "https://tickets.example/INFRA-42", evidence_expires = "2099-01-01T02:00:00+02:00" },` + dnsItem
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: checklistConfig(srv, managed),
				ConfigStateChecks: []statecheck.StateCheck{
					itemStatus(0, "done"),
					// The configured spelling of the instant is kept: no diff against the server's UTC.
					statecheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("items").AtSliceIndex(0).AtMapKey("evidence_expires"),
						knownvalue.StringExact("2099-01-01T02:00:00+02:00")),
				},
			},
			{
				PreConfig: tick(t, srv, "vms", raci.Failed),
				Config:    checklistConfig(srv, managed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("raci_checklist.infra", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("items").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("done")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{itemStatus(0, "done")},
			},
		},
	})
}

func TestAccChecklist_badInput(t *testing.T) {
	// The cases share one server, so they run in turn; the test runs beside the others.
	t.Parallel()
	srv := startServer(t)
	cases := map[string]struct {
		items, want string
		planOnly    bool
	}{
		"unknown status": {`{ key = "dns", title = "DNS", owner = "subscriber", status = "ok" },`,
			`value must be one of: ["pending" "done" "failed" "waived" "not_applicable"]`, true},
		"waiver without expiry": {`{ key = "dns", title = "DNS", owner = "subscriber", status = "waived", waiver = { reason = "later", approved_by = "auth0" } },`,
			`attribute "expires" is required`, true},
		"waived without waiver": {`{ key = "dns", title = "DNS", owner = "subscriber", status = "waived" },`,
			`Item "dns" is waived without a waiver, and the server holds none for it`, true},
		"waiver approved by the owner": {`{ key = "dns", title = "DNS", owner = "subscriber", status = "waived", waiver = { reason = "later", approved_by = "subscriber", expires = "2099-01-01T00:00:00Z" } },`,
			`a waiver must be approved by another party of the tenant`, true},
		"duplicate item key": {`{ key = "dns", title = "DNS", owner = "subscriber" }, { key = "dns", title = "DNS again", owner = "subscriber" },`,
			`Checklist "infrastructure" has two items with the key "dns": item keys must be unique`, true},
		"bad time": {`{ key = "dns", title = "DNS", owner = "subscriber", due = "next tuesday" },`,
			`"next tuesday" is not a time Terraform and the server can agree on`, true},
		"owner not a party": {`{ key = "dns", title = "DNS", owner = "initrode" },`,
			`Item "dns" of checklist "infrastructure" is owned by "initrode", which is not a party of tenant "initech"`, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      checklistConfig(srv, tc.items),
					PlanOnly:    tc.planOnly,
					ExpectError: errorLike(tc.want),
				}},
			})
		})
	}
	if _, err := srv.API.FindChecklist(context.Background(), "initech", "infrastructure"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Fatalf("a refused checklist was stored (err = %v)", err)
	}
}

// deployment stands in for the vendor's deployment, gated on the subscriber's
// checklist.
const deployment = `
data "raci_readiness" "infra" {
  tenant    = raci_checklist.infra.tenant
  checklist = raci_checklist.infra.key
}

resource "terraform_data" "deployment" {
  input = "private-saas"

  lifecycle {
    precondition {
      condition     = data.raci_readiness.infra.ready
      error_message = data.raci_readiness.infra.summary
    }
  }
}
`

// The precondition blocks the plan with the summary until the subscriber's required
// items are done through the API; then the deployment goes ahead.
func TestAccReadiness_preconditionGatesDeployment(t *testing.T) {
	srv := startServer(t)
	items := vmsItem + dnsItem + smtpItem
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: checklistConfig(srv, items)},
			{
				Config:      checklistConfig(srv, items) + deployment,
				ExpectError: errorLike(`2 of 2 required items block deploy:production: vms (owner subscriber, pending), dns (owner subscriber, pending)`),
			},
			{
				PreConfig:   tick(t, srv, "vms", raci.Done),
				Config:      checklistConfig(srv, items) + deployment,
				ExpectError: errorLike(`1 of 2 required items blocks deploy:production: dns (owner subscriber, pending)`),
			},
			{
				PreConfig: tick(t, srv, "dns", raci.Done),
				Config:    checklistConfig(srv, items) + deployment,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("terraform_data.deployment", plancheck.ResourceActionCreate),
						// The ticks are people's: the checklist itself has nothing to change.
						plancheck.ExpectResourceAction("raci_checklist.infra", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.raci_readiness.infra", tfjsonpath.New("ready"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.raci_readiness.infra", tfjsonpath.New("done"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("data.raci_readiness.infra", tfjsonpath.New("blocking"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// Expired evidence and an expired waiver block as surely as a pending item.
func TestAccReadiness_expiredEvidenceAndWaiverBlock(t *testing.T) {
	srv := startServer(t)
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: checklistConfig(srv, vmsItem+dnsItem)},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					done, waived, evidence := raci.Done, raci.Waived, "ticket INFRA-7"
					if _, err := srv.API.UpdateChecklistItem(ctx, "initech", "infrastructure", "vms",
						raci.ItemPatch{Status: &done, Evidence: &evidence, EvidenceExpires: &past}, raci.Precondition{}); err != nil {
						return err
					}
					_, err := srv.API.UpdateChecklistItem(ctx, "initech", "infrastructure", "dns",
						raci.ItemPatch{Status: &waived, Waiver: &raci.Waiver{Reason: "external DNS", ApprovedBy: "auth0", Expires: past}}, raci.Precondition{})
					return err
				}),
				Config: checklistConfig(srv, vmsItem+dnsItem) + `
data "raci_readiness" "infra" {
  tenant    = raci_checklist.infra.tenant
  checklist = raci_checklist.infra.key
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.raci_readiness.infra", tfjsonpath.New("ready"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.raci_readiness.infra", tfjsonpath.New("blocking"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"item": knownvalue.StringExact("vms"), "title": knownvalue.StringExact("VMs with memory, storage and processors"),
							"owner": knownvalue.StringExact("subscriber"), "reason": knownvalue.StringExact("evidence expired"),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"item": knownvalue.StringExact("dns"), "title": knownvalue.StringExact("DNS records created"),
							"owner": knownvalue.StringExact("subscriber"), "reason": knownvalue.StringExact("waiver expired"),
						}),
					})),
					// The people-owned evidence and waiver show in state as the server holds them.
					statecheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("items").AtSliceIndex(1).AtMapKey("waiver").AtMapKey("approved_by"),
						knownvalue.StringExact("auth0")),
				},
			},
		},
	})
}
