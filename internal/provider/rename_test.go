package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// pamConfig is seed 001's tenant (a PAM vendor's Private SaaS) with the vendor
// under the name given: seed 002 renames senhasegura to segura. Six rows refer to
// the vendor by attribute, four of them with the vendor Accountable, and two data
// sources read the matrix after the rows. extra is appended.
func pamConfig(srv *testServer, vendor string, extra ...string) string {
	row := func(key, title, vendorRoles, customerRoles string) string {
		return fmt.Sprintf(`
resource "raci_responsibility" %[1]q {
  tenant = raci_tenant.pam.name
  key    = %[1]q
  title  = %[2]q
  assignments = [
    { party = raci_party.vendor.name, roles = %[3]s },
    { party = raci_party.customer.name, roles = %[4]s },
  ]
}
`, key, title, vendorRoles, customerRoles)
	}
	return srv.providerBlock() + fmt.Sprintf(`
resource "raci_tenant" "pam" {
  name             = "pam"
  customer         = "Acme"
  deployment_model = "private_saas"
}

resource "raci_party" "vendor" {
  tenant       = raci_tenant.pam.name
  name         = %q
  display_name = "The vendor"
  kind         = "vendor"
}

resource "raci_party" "customer" {
  tenant = raci_tenant.pam.name
  name   = "customer"
  kind   = "customer"
}
`, vendor) +
		row("snapshots-and-updates", "Snapshots and updates", `["R", "A"]`, `["I"]`) +
		row("environmental-health", "Environmental health", `["R", "A"]`, `["I"]`) +
		row("backup", "Backup", `["R", "A"]`, `["C"]`) +
		row("high-availability", "High availability", `["R", "A"]`, `["I"]`) +
		row("user-identity-control", "User identity control", `["C"]`, `["R", "A"]`) +
		row("network-configuration", "Network configuration", `["I"]`, `["R", "A"]`) + `
locals {
  rows = [
    raci_responsibility.snapshots-and-updates, raci_responsibility.environmental-health, raci_responsibility.backup,
    raci_responsibility.high-availability, raci_responsibility.user-identity-control, raci_responsibility.network-configuration,
  ]
}

data "raci_responsibilities" "vendor" {
  tenant     = raci_tenant.pam.name
  party      = raci_party.vendor.name
  depends_on = [local.rows]
}

data "raci_matrix" "pam" {
  tenant     = raci_tenant.pam.name
  depends_on = [local.rows]
}
` + strings.Join(extra, "")
}

// Seed 001 -> 002: the vendor's new name applies in one apply, rows and data
// sources included, with no warning (nobody's duties moved), and the next plan is
// empty with no "changed outside Terraform" either. The event log records one
// rename.
func TestAccPartyRename_oneApply(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	noWarnings := func(*terraform.State) error {
		if got := rec.recorded(); len(got) != 0 {
			return fmt.Errorf("warnings: %q", got)
		}
		return nil
	}
	vendorRows := statecheck.ExpectKnownValue("data.raci_responsibilities.vendor", tfjsonpath.New("responsibilities"),
		knownvalue.ListSizeExact(6))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig:         rec.reset,
				Config:            pamConfig(srv, "senhasegura"),
				Check:             noWarnings,
				ConfigStateChecks: []statecheck.StateCheck{vendorRows},
			},
			{
				PreConfig: rec.reset,
				Config:    pamConfig(srv, "segura"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// Renamed in place, never replaced.
						plancheck.ExpectResourceAction("raci_party.vendor", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("raci_party.vendor", tfjsonpath.New("id"), knownvalue.StringExact("pam/segura")),
						plancheck.ExpectResourceAction("raci_responsibility.backup", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noWarnings,
					resource.TestCheckResourceAttr("raci_party.vendor", "id", "pam/segura"),
					resource.TestCheckResourceAttr("raci_party.vendor", "display_name", "The vendor"),
					resource.TestCheckResourceAttr("data.raci_responsibilities.vendor", "party", "segura"),
					resource.TestCheckResourceAttr("data.raci_responsibilities.vendor", "responsibilities.#", "6"),
					func(s *terraform.State) error {
						md := s.RootModule().Resources["data.raci_matrix.pam"].Primary.Attributes["json"]
						if strings.Contains(md, "senhasegura") || !strings.Contains(md, `"segura"`) {
							return fmt.Errorf("the matrix read in the apply still names the old party or not the new one: %s", md)
						}
						return nil
					},
					wantRenameEvent(srv, "senhasegura", "segura"),
				),
			},
			{
				// The next refresh and plan: nothing to do, nothing "changed outside
				// Terraform" (the rename's writes were Terraform's own).
				PreConfig: rec.reset,
				Config:    pamConfig(srv, "segura"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: noWarnings,
			},
		},
	})
}

// wantRenameEvent checks the events API: one rename of the party, and an update of
// each of the six rows, and after them no other write to a row.
func wantRenameEvent(srv *testServer, from, to string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		rename, events, err := renameEvent(srv, "pam", from, to)
		if err != nil {
			return err
		}
		// Each row the rename rewrote has its update right before the rename, and
		// the rows' own updates found nothing left to write.
		var rowsAfter []string
		for _, e := range events {
			if e.Seq > rename.Seq && strings.HasPrefix(e.Object, "responsibility/") {
				rowsAfter = append(rowsAfter, e.Object)
			}
		}
		if len(rowsAfter) != 0 {
			return fmt.Errorf("rows written again after the rename: %q", rowsAfter)
		}
		return nil
	}
}

// renameEvent returns the one rename event of tenant's log, checked to rename from
// to to and to name who did it, with the whole log.
func renameEvent(srv *testServer, tenant, from, to string) (*raci.Event, []*raci.Event, error) {
	events, err := srv.API.ListEvents(context.Background(), tenant, raci.EventFilter{Limit: raci.MaxPageSize})
	if err != nil {
		return nil, nil, err
	}
	var renames []*raci.Event
	for _, e := range events {
		if e.Action == raci.ActionRename {
			renames = append(renames, e)
		}
	}
	if len(renames) != 1 || renames[0].Object != raci.PartyObject(to) {
		return nil, nil, fmt.Errorf("rename events = %d (%v), want one of %s", len(renames), renames, raci.PartyObject(to))
	}
	var before, after raci.Party
	if err := json.Unmarshal(renames[0].Before, &before); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(renames[0].After, &after); err != nil {
		return nil, nil, err
	}
	if before.Name != from || after.Name != to || renames[0].Actor == "" {
		return nil, nil, fmt.Errorf("rename event: %s -> %s by %q, want %s -> %s", before.Name, after.Name, renames[0].Actor, from, to)
	}
	return renames[0], events, nil
}

// A row that changes its accountability in the same plan as the rename still warns:
// the rename excuses only the rename.
func TestAccPartyRename_realMoveStillWarns(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	moved := strings.Replace(pamConfig(srv, "segura"),
		`key    = "backup"
  title  = "Backup"
  assignments = [
    { party = raci_party.vendor.name, roles = ["R", "A"] },
    { party = raci_party.customer.name, roles = ["C"] },`,
		`key    = "backup"
  title  = "Backup"
  assignments = [
    { party = raci_party.vendor.name, roles = ["R"] },
    { party = raci_party.customer.name, roles = ["A", "C"] },`, 1)
	if moved == pamConfig(srv, "segura") {
		t.Fatal("the backup row was not found in the configuration")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: pamConfig(srv, "senhasegura")},
			{
				PreConfig: rec.reset,
				Config:    moved,
				Check: func(*terraform.State) error {
					got := slices.Compact(rec.recorded())
					const want = `Accountability Moves in "Backup" (pam/backup): Accountability for "Backup" moves from segura to customer.`
					if len(got) != 1 || !strings.HasPrefix(got[0], want) {
						return fmt.Errorf("warnings = %q, want only %q", got, want)
					}
					return nil
				},
			},
		},
	})
}

// Renaming onto the name of another party of the tenant is refused at apply with
// the server's reason, after a warning in the plan, and changes nothing.
func TestAccPartyRename_ontoAnExistingParty(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	const auditor = `
resource "raci_party" "auditor" {
  tenant = raci_tenant.pam.name
  name   = "auditor"
  kind   = "third_party"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: pamConfig(srv, "senhasegura", auditor)},
			{
				PreConfig:   rec.reset,
				Config:      pamConfig(srv, "auditor", auditor),
				ExpectError: errorLike(`Cannot rename party "senhasegura" of tenant "pam" to "auditor": the tenant already has a party named "auditor". Choose another name`),
			},
			{
				// Nothing changed: the vendor is still senhasegura, assigned as before.
				Config: pamConfig(srv, "senhasegura", auditor),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if !slices.ContainsFunc(rec.recorded(), func(w string) bool {
						return strings.HasPrefix(w, `Party Name Taken: Tenant "pam" already has a party named "auditor", so renaming "senhasegura" to it fails at apply`)
					}) {
						return fmt.Errorf("the plan of the refused rename did not warn; warnings: %q", rec.recorded())
					}
					row, err := srv.API.FindResponsibility(context.Background(), "pam", "backup")
					if err != nil {
						return err
					}
					if row.Assignments[1].Party != "senhasegura" {
						return fmt.Errorf("row backup after the refused rename = %+v", row.Assignments)
					}
					return nil
				},
			},
		},
	})
}

// A checklist whose items the renamed party owns follows the rename in the same
// apply, and keeps the ticks people made and who made them.
func TestAccPartyRename_checklistOwner(t *testing.T) {
	srv := startServer(t)
	checklist := `
resource "raci_checklist" "handover" {
  tenant = raci_tenant.pam.name
  key    = "handover"
  title  = "Operations handover"
  items = {
    snapshots = { title = "Snapshot schedule agreed", owner = raci_party.vendor.name, position = 1 }
    network   = { title = "Network open to the vault", owner = raci_party.customer.name, position = 2 }
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: pamConfig(srv, "senhasegura", checklist)},
			{
				PreConfig: outOfBand(t, func(ctx context.Context) error {
					done := raci.Done
					_, err := srv.API.UpdateChecklistItem(ctx, "pam", "handover", "snapshots", raci.ItemPatch{Status: &done}, raci.Precondition{})
					return err
				}),
				Config: pamConfig(srv, "segura", checklist),
				Check: func(*terraform.State) error {
					c, err := srv.API.FindChecklist(context.Background(), "pam", "handover")
					if err != nil {
						return err
					}
					if it := c.Item("snapshots"); it.Owner != "segura" || it.Status != raci.Done || it.UpdatedBy != "bootstrap" {
						return fmt.Errorf("item snapshots after the rename = %+v, want owner segura, still done, reported by bootstrap", it)
					}
					return nil
				},
			},
			{
				Config: pamConfig(srv, "segura", checklist),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A party renamed outside Terraform is reported as renamed, with its new name and
// who renamed it, not silently dropped from state.
func TestAccPartyRename_outsideTerraform(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	// The resources only: a data source naming the vendor would fail the plan
	// before the warning could be seen.
	config := func(vendor string) string {
		c := pamConfig(srv, vendor)
		return c[:strings.Index(c, "\ndata ")]
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: config("senhasegura")},
			{
				PreConfig: func() {
					rec.reset()
					ctx := raci.WithActor(context.Background(), "portal-alice")
					if _, err := srv.Store.RenameParty(ctx, "pam", "senhasegura", "segura", raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config("senhasegura"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// Undone outside Terraform too: the configuration applies as it is.
				PreConfig: func() {
					ctx := raci.WithActor(context.Background(), "portal-alice")
					if _, err := srv.Store.RenameParty(ctx, "pam", "segura", "senhasegura", raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("senhasegura"),
				Check: func(*terraform.State) error {
					const want = `Renamed Outside Terraform: raci_party "pam/senhasegura" was renamed to "segura" outside Terraform by portal-alice at `
					if !slices.ContainsFunc(rec.recorded(), func(w string) bool { return strings.HasPrefix(w, want) }) {
						return fmt.Errorf("no warning %q; warnings: %q", want, rec.recorded())
					}
					return nil
				},
			},
		},
	})
}
