package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
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
  items = {` + items + `
  }

  # Waivers recorded through the API may be approved by any party.
  depends_on = [raci_party.auth0]
}
`
}

const (
	vmsItem = `
    vms = { title = "VMs with memory, storage and processors", owner = raci_party.subscriber.name, position = 1 }`
	dnsItem = `
    dns = { title = "DNS records created", owner = raci_party.subscriber.name, position = 2 }`
	smtpItem = `
    smtp = { title = "SMTP server reachable", owner = raci_party.subscriber.name, required = false, position = 3 }`
)

// tick sets an item's status through the API, as a subscriber's engineer would.
func tick(t *testing.T, srv *testServer, item string, status raci.ItemStatus) func() {
	return outOfBand(t, func(ctx context.Context) error {
		_, err := srv.API.UpdateChecklistItem(ctx, "initech", "infrastructure", item, raci.ItemPatch{Status: &status}, raci.Precondition{})
		return err
	})
}

// reported checks what progress says of an item.
func reported(item, attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("progress").AtMapKey(item).AtMapKey(attribute), value)
}

func itemAttr(item, attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("items").AtMapKey(item).AtMapKey(attribute), value)
}

// itemOrder checks the order the server keeps, which the web pages, the CLI and
// readiness show.
func itemOrder(srv *testServer, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := srv.API.FindChecklist(context.Background(), "initech", "infrastructure")
		if err != nil {
			return err
		}
		var got []string
		for _, it := range c.Items {
			got = append(got, it.Key)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("the server lists the items as %q, want %q", got, want)
		}
		return nil
	}
}

func TestAccChecklist_lifecycle(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_checklist.infra"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: checklistConfig(srv, dnsItem+vmsItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						// New items are known to start pending: no "(known after apply)".
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("progress").AtMapKey("vms").AtMapKey("status"), knownvalue.StringExact("pending")),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("progress").AtMapKey("vms").AtMapKey("updated_by"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("initech/infrastructure")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("items"), knownvalue.MapSizeExact(2)),
					itemAttr("dns", "required", knownvalue.Bool(true)),
					itemAttr("dns", "position", knownvalue.Int64Exact(2)),
					itemAttr("dns", "status", knownvalue.Null()),
					reported("vms", "status", knownvalue.StringExact("pending")),
					reported("dns", "status", knownvalue.StringExact("pending")),
				},
				// Listed by position, not as written nor by key.
				Check: itemOrder(srv, "vms", "dns"),
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
					itemAttr("smtp", "required", knownvalue.Bool(false)),
					reported("smtp", "status", knownvalue.StringExact("pending")),
				},
				Check: itemOrder(srv, "vms", "dns", "smtp"),
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
				// Replaced, the checklist under its new key starts with nothing
				// reported, whatever the old one had.
				PreConfig: tick(t, srv, "vms", raci.Done),
				Config: srv.providerBlock() + testTenant + parties + `
resource "raci_checklist" "infra" {
  tenant = raci_tenant.initech.name
  key    = "infra"
  title  = "Private SaaS Infrastructure Checklist"
  items  = {` + vmsItem + `
  }
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("progress").AtMapKey("vms").AtMapKey("status"), knownvalue.StringExact("pending")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{reported("vms", "status", knownvalue.StringExact("pending"))},
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

// expectOnlyItemChanges checks a plan of the checklist precisely: the items whose
// definition changes are exactly added, removed and changed, what is reported
// changes only for the items added or removed, and nothing else in the checklist
// changes but its version.
type expectOnlyItemChanges struct {
	addr                    string
	added, removed, changed []string
}

func (e expectOnlyItemChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var errs []error
		for name := range before {
			if name == "version" || name == "items" || name == "progress" {
				continue
			}
			if !reflect.DeepEqual(before[name], after[name]) || anyUnknown(unknown[name]) {
				errs = append(errs, fmt.Errorf("%s changes from %v to %v (unknown: %v)", name, before[name], after[name], unknown[name]))
			}
		}
		for _, name := range []string{"items", "progress"} {
			if anyUnknown(unknown[name]) {
				errs = append(errs, fmt.Errorf("%s is partly unknown in the plan: %v", name, unknown[name]))
			}
		}
		added, removed, changed := mapDiff(before["items"], after["items"])
		if !sameKeys(added, e.added) || !sameKeys(removed, e.removed) || !sameKeys(changed, e.changed) {
			errs = append(errs, fmt.Errorf("items: added %q, removed %q, changed %q; want added %q, removed %q, changed %q",
				added, removed, changed, e.added, e.removed, e.changed))
		}
		added, removed, changed = mapDiff(before["progress"], after["progress"])
		if !sameKeys(added, e.added) || !sameKeys(removed, e.removed) || len(changed) != 0 {
			errs = append(errs, fmt.Errorf("progress: added %q, removed %q, changed %q; want added %q, removed %q and nothing changed",
				added, removed, changed, e.added, e.removed))
		}
		resp.Error = errors.Join(errs...)
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

// anyUnknown reports whether a value of a plan's after_unknown marks anything
// unknown: it mirrors the value, with true where unknown.
func anyUnknown(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case map[string]any:
		for _, e := range v {
			if anyUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if anyUnknown(e) {
				return true
			}
		}
	}
	return false
}

func mapDiff(before, after any) (added, removed, changed []string) {
	b, _ := before.(map[string]any)
	a, _ := after.(map[string]any)
	for k, v := range a {
		old, ok := b[k]
		switch {
		case !ok:
			added = append(added, k)
		case !reflect.DeepEqual(old, v):
			changed = append(changed, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			removed = append(removed, k)
		}
	}
	return added, removed, changed
}

func sameKeys(got, want []string) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// The case: a, b (ticked done with evidence by a person), c. Inserting an
// item between a and b plans exactly that item added, and nothing else: b keeps
// its tick, and no key, status or evidence moves to another item.
func TestAccChecklist_insertingAnItemPlansThatItemAlone(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_checklist.infra"
	item := func(key string, position int) string {
		return fmt.Sprintf(`
    %s = { title = "Item %s", owner = raci_party.subscriber.name, position = %d }`, key, key, position)
	}
	before := item("a", 10) + item("b", 20) + item("c", 30)
	inserted := item("a", 10) + item("between", 15) + item("b", 20) + item("c", 30)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: checklistConfig(srv, before)},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					done, evidence := raci.Done, "https://tickets.example/INFRA-42"
					_, err := srv.API.UpdateChecklistItem(ctx, "initech", "infrastructure", "b",
						raci.ItemPatch{Status: &done, Evidence: &evidence}, raci.Precondition{})
					return err
				}),
				Config: checklistConfig(srv, before),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					reported("b", "status", knownvalue.StringExact("done")),
					reported("b", "evidence", knownvalue.StringExact("https://tickets.example/INFRA-42")),
					reported("b", "updated_by", knownvalue.StringExact(raci.BootstrapTokenName)),
					reported("b", "updated_at", knownvalue.NotNull()),
					itemAttr("b", "status", knownvalue.Null()),
					itemAttr("b", "evidence", knownvalue.Null()),
				},
			},
			{
				Config: checklistConfig(srv, inserted),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						expectOnlyItemChanges{addr: addr, added: []string{"between"}},
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("progress").AtMapKey("between").AtMapKey("status"), knownvalue.StringExact("pending")),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("progress").AtMapKey("b").AtMapKey("status"), knownvalue.StringExact("done")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					reported("b", "status", knownvalue.StringExact("done")),
					reported("b", "evidence", knownvalue.StringExact("https://tickets.example/INFRA-42")),
					reported("between", "status", knownvalue.StringExact("pending")),
				},
				Check: itemOrder(srv, "a", "between", "b", "c"),
			},
			{
				// Moving b to the front and removing c: exactly those two items.
				Config: checklistConfig(srv, item("a", 10)+item("between", 15)+item("b", 5)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						expectOnlyItemChanges{addr: addr, removed: []string{"c"}, changed: []string{"b"}},
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{reported("b", "status", knownvalue.StringExact("done"))},
				Check:             itemOrder(srv, "b", "a", "between"),
			},
		},
	})
}

// A status the configuration leaves out belongs to people: a tick through the API
// leaves the plan empty, and importing the checklist, or generating configuration
// from it, takes the definition only, never a tick.
func TestAccChecklist_peopleOwnStatusesTheConfigurationLeavesOut(t *testing.T) {
	srv := startServer(t)
	const addr = "raci_checklist.infra"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: checklistConfig(srv, vmsItem+dnsItem)},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					waived := raci.Waived
					_, err := srv.API.UpdateChecklistItem(ctx, "initech", "infrastructure", "vms", raci.ItemPatch{
						Status: &waived, Waiver: &raci.Waiver{Reason: "Sized by the vendor", ApprovedBy: "auth0", Expires: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)},
					}, raci.Precondition{})
					if err == nil {
						tick(t, srv, "dns", raci.Done)()
					}
					return err
				}),
				Config: checklistConfig(srv, vmsItem+dnsItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					reported("dns", "status", knownvalue.StringExact("done")),
					reported("vms", "waiver", knownvalue.ObjectPartial(map[string]knownvalue.Check{"approved_by": knownvalue.StringExact("auth0")})),
					itemAttr("dns", "status", knownvalue.Null()),
					itemAttr("vms", "waiver", knownvalue.Null()),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "initech/infrastructure",
				ImportStateVerify: true,
			},
			{
				// What -generate-config-out writes plans no change and holds no tick.
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "initech/infrastructure",
				GenerateConfig:  true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("raci_checklist.generated", plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue("raci_checklist.generated", tfjsonpath.New("items").AtMapKey("dns").AtMapKey("status"), knownvalue.Null()),
						plancheck.ExpectKnownValue("raci_checklist.generated", tfjsonpath.New("items").AtMapKey("vms").AtMapKey("waiver"), knownvalue.Null()),
						plancheck.ExpectKnownValue("raci_checklist.generated", tfjsonpath.New("items").AtMapKey("dns").AtMapKey("position"), knownvalue.Int64Exact(2)),
						plancheck.ExpectKnownValue("raci_checklist.generated", tfjsonpath.New("progress").AtMapKey("dns").AtMapKey("status"), knownvalue.StringExact("done")),
					},
				},
			},
		},
	})
}

// A status the configuration sets is Terraform's: a change through the API is drift,
// and apply puts it back.
func TestAccChecklist_managedStatusDrift(t *testing.T) {
	srv := startServer(t)
	managed := `
    vms = { title = "VMs ready", owner = raci_party.subscriber.name, status = "done",
      evidence = "https://tickets.example/INFRA-42", evidence_expires = "2099-01-01T02:00:00+02:00" }` + dnsItem
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: checklistConfig(srv, managed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("progress").AtMapKey("vms").AtMapKey("status"), knownvalue.StringExact("done")),
						plancheck.ExpectUnknownValue("raci_checklist.infra", tfjsonpath.New("progress").AtMapKey("vms").AtMapKey("updated_by")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					itemAttr("vms", "status", knownvalue.StringExact("done")),
					reported("vms", "status", knownvalue.StringExact("done")),
					reported("vms", "updated_by", knownvalue.StringExact(raci.BootstrapTokenName)),
					// The configured spelling of the instant is kept: no diff against the server's UTC.
					itemAttr("vms", "evidence_expires", knownvalue.StringExact("2099-01-01T02:00:00+02:00")),
				},
			},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					failed := raci.Failed
					_, err := srv.Store.UpdateChecklistItem(raci.WithActor(ctx, "subscriber-bob"), "initech", "infrastructure", "vms",
						raci.ItemPatch{Status: &failed}, raci.Precondition{})
					return err
				}),
				Config: checklistConfig(srv, managed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("raci_checklist.infra", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("raci_checklist.infra", tfjsonpath.New("items").AtMapKey("vms").AtMapKey("status"), knownvalue.StringExact("done")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					itemAttr("vms", "status", knownvalue.StringExact("done")),
					reported("vms", "status", knownvalue.StringExact("done")),
					// The apply that put it back is the latest report.
					reported("vms", "updated_by", knownvalue.StringExact(raci.BootstrapTokenName)),
				},
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
		"unknown status": {`dns = { title = "DNS", owner = "subscriber", status = "ok" }`,
			`value must be one of: ["pending" "done" "failed" "waived" "not_applicable"]`, true},
		"waiver without expiry": {`dns = { title = "DNS", owner = "subscriber", status = "waived", waiver = { reason = "later", approved_by = "auth0" } }`,
			`attribute "expires" is required`, true},
		"waived without waiver": {`dns = { title = "DNS", owner = "subscriber", status = "waived" }`,
			`Item "dns" is waived without a waiver, and the server holds none for it`, true},
		"waiver approved by the owner": {`dns = { title = "DNS", owner = "subscriber", status = "waived", waiver = { reason = "later", approved_by = "subscriber", expires = "2099-01-01T00:00:00Z" } }`,
			`a waiver must be approved by another party of the tenant`, true},
		"item key not a slug": {`"DNS records" = { title = "DNS", owner = "subscriber" }`,
			`must be 1 to 63 lowercase letters`, true},
		"negative position": {`dns = { title = "DNS", owner = "subscriber", position = -1 }`,
			`value must be between 0 and 1000000000, got: -1`, true},
		"bad time": {`dns = { title = "DNS", owner = "subscriber", due = "next tuesday" }`,
			`"next tuesday" is not a time Terraform and the server can agree on`, true},
		"owner not a party": {`dns = { title = "DNS", owner = "initrode" }`,
			`Item "dns" of checklist "infrastructure" is owned by "initrode", which is not a party of tenant "initech"`, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      checklistConfig(srv, "\n    "+tc.items),
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
					// The people-owned evidence and waiver show in progress as the server holds them.
					reported("dns", "waiver", knownvalue.ObjectPartial(map[string]knownvalue.Check{"approved_by": knownvalue.StringExact("auth0")})),
					reported("vms", "evidence", knownvalue.StringExact("ticket INFRA-7")),
				},
			},
		},
	})
}
