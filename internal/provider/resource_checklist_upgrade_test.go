package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// v0State is what version 0 of the provider (items as a list) wrote for a
// checklist of four items, after a person ticked dns done with evidence and waived
// firewall through the API: testdata/checklist_v0.tfstate, a real state file.
func v0State(t *testing.T) (file []byte, attributes json.RawMessage) {
	t.Helper()
	file, err := os.ReadFile(filepath.Join("testdata", "checklist_v0.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string
			Instances []struct {
				SchemaVersion int64           `json:"schema_version"`
				Attributes    json.RawMessage `json:"attributes"`
			}
		}
	}
	if err := json.Unmarshal(file, &state); err != nil {
		t.Fatal(err)
	}
	if len(state.Resources) != 1 || state.Resources[0].Type != "raci_checklist" || state.Resources[0].Instances[0].SchemaVersion != 0 {
		t.Fatalf("the fixture is not one raci_checklist at schema version 0: %s", file)
	}
	return file, state.Resources[0].Instances[0].Attributes
}

// The upgrader keys the items, numbers their positions in list order, leaves the
// status, evidence and waiver to people (null), and moves every report into
// progress.
func TestChecklistUpgrade_fromListState(t *testing.T) {
	ctx := context.Background()
	_, attributes := v0State(t)
	server, err := NewServerWithError("test", testStores)()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "raci_checklist", Version: 0, RawState: &tfprotov6.RawState{JSON: attributes},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("diagnostic: %s: %s", d.Summary, d.Detail)
	}
	typ := checklistSchema().Type().TerraformType(ctx)
	raw, err := resp.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var got checklistModel
	if diags := getModel(ctx, checklistSchema(), raw, &got); diags.HasError() {
		t.Fatal(diags)
	}
	var diags diag.Diagnostics
	items, progress := mapItems(ctx, got.Items, &diags), mapProgress(ctx, got.Progress, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	wantOrder := []string{"memory", "dns", "smtp", "firewall"}
	if len(items) != len(wantOrder) || len(progress) != len(wantOrder) {
		t.Fatalf("upgraded to %d items and %d reports, want %d of each", len(items), len(progress), len(wantOrder))
	}
	for i, key := range wantOrder {
		it := items[key]
		if it.Position.ValueInt64() != int64(i+1) {
			t.Errorf("item %q has position %s, want %d (its place in the list)", key, it.Position, i+1)
		}
		if !it.Status.IsNull() || !it.Evidence.IsNull() || !it.EvidenceExpires.IsNull() || !it.Waiver.IsNull() {
			t.Errorf("item %q keeps a report in its definition: %+v", key, it)
		}
	}
	if due := items["memory"].Due.ValueString(); due != "2027-03-01T09:00:00+01:00" {
		t.Errorf("memory's due time = %q, want the configured spelling kept", due)
	}
	if items["smtp"].Required.ValueBool() || !items["dns"].Required.ValueBool() {
		t.Errorf("required: smtp %s, dns %s; want false, true", items["smtp"].Required, items["dns"].Required)
	}
	dns := progress["dns"]
	if dns.Status.ValueString() != "done" || dns.Evidence.ValueString() != "https://tickets.example/INFRA-42" ||
		dns.EvidenceExpires.ValueString() != "2099-01-01T00:00:00Z" {
		t.Errorf("dns's tick did not move to progress: %+v", dns)
	}
	var w waiverModel
	if fw := progress["firewall"]; fw.Status.ValueString() != "waived" || fw.Waiver.IsNull() {
		t.Errorf("firewall's waiver did not move to progress: %+v", fw)
	} else if getObject(ctx, fw.Waiver, &w); w.ApprovedBy.ValueString() != "auth0" {
		t.Errorf("firewall's waiver approved by %s, want auth0", w.ApprovedBy)
	}
	if st := progress["memory"].Status.ValueString(); st != "pending" {
		t.Errorf("memory's status = %q, want pending", st)
	}
	if got.Version.ValueInt64() != 3 || got.ID.ValueString() != "initech/infrastructure" {
		t.Errorf("id %s, version %s; want initech/infrastructure, 3", got.ID, got.Version)
	}
}

// A state written by version 0 upgrades and plans empty against the checklist the
// server holds after its own migration (positions 1, 2, 3, ... in list order), with
// the configuration rewritten to the map form; the ticks stay in progress. Then
// -generate-config-out on the same checklist writes its definition and no tick.
// This runs the real terraform on a state file, so it starts the provider as
// Terraform does in use: built, through a dev_overrides block.
func TestAccChecklist_upgradeFromListStatePlansEmpty(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	terraformPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraformPath == "" {
		terraformPath = "terraform"
	}
	ctx := context.Background()
	srv := startServer(t)
	holdV0Checklist(t, srv)

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-raci"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"raci-dev/raci\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	terraform := func(workdir string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, terraformPath, args...)
		cmd.Dir = workdir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	header := fmt.Sprintf(`
terraform {
  required_providers {
    raci = { source = "raci-dev/raci" }
  }
}

provider "raci" {
  endpoint = %q
  token    = %q
}
`, srv.URL, testToken)

	upgraded := filepath.Join(dir, "upgraded")
	stateFile, _ := v0State(t)
	writeFiles(t, upgraded, map[string]string{
		"terraform.tfstate": string(stateFile),
		"main.tf": header + `
resource "raci_checklist" "infra" {
  tenant = "initech"
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"
  items = {
    memory   = { title = "VMs with memory, storage and processors", owner = "subscriber", due = "2027-03-01T09:00:00+01:00", position = 1 }
    dns      = { title = "DNS records created", owner = "subscriber", position = 2 }
    smtp     = { title = "SMTP server reachable", owner = "subscriber", required = false, position = 3 }
    firewall = { title = "Firewall rules open", owner = "subscriber", position = 4 }
  }
}
`,
	})
	out, err := terraform(upgraded, "plan", "-detailed-exitcode", "-no-color")
	if err != nil {
		t.Fatalf("terraform plan on the version 0 state: %v (exit code 2 is a non-empty plan)\n%s", err, out)
	}
	if !strings.Contains(out, "No changes.") {
		t.Fatalf("terraform plan on the version 0 state does not say No changes:\n%s", out)
	}
	if out, err := terraform(upgraded, "apply", "-refresh-only", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("terraform apply -refresh-only: %v\n%s", err, out)
	}
	out, err = terraform(upgraded, "show", "-json")
	if err != nil {
		t.Fatalf("terraform show: %v\n%s", err, out)
	}
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					SchemaVersion int `json:"schema_version"`
					Values        struct {
						Items    map[string]map[string]any `json:"items"`
						Progress map[string]map[string]any `json:"progress"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || len(shown.Values.RootModule.Resources) != 1 {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	res := shown.Values.RootModule.Resources[0]
	if res.SchemaVersion != 1 {
		t.Errorf("the state is at schema version %d after a refresh, want 1", res.SchemaVersion)
	}
	if dns := res.Values.Progress["dns"]; dns["status"] != "done" || dns["evidence"] != "https://tickets.example/INFRA-42" ||
		dns["updated_by"] != "person-alice" {
		t.Errorf("dns's tick after the upgrade: %v; want done with its evidence, by person-alice", dns)
	}
	if fw := res.Values.Progress["firewall"]; fw["status"] != "waived" || fw["waiver"] == nil {
		t.Errorf("firewall's waiver after the upgrade: %v", fw)
	}
	if st := res.Values.Items["dns"]["status"]; st != nil {
		t.Errorf("items.dns.status = %v after the upgrade, want null: the tick is a person's", st)
	}

	// Generating configuration from the checklist writes its definition only.
	generated := filepath.Join(dir, "generated")
	writeFiles(t, generated, map[string]string{"main.tf": header + `
import {
  to = raci_checklist.imported
  id = "initech/infrastructure"
}
`})
	if out, err := terraform(generated, "plan", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("terraform plan -generate-config-out: %v\n%s", err, out)
	}
	body, err := os.ReadFile(filepath.Join(generated, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	for _, want := range []string{`title = "DNS records created"`, "position = 4", `owner = "subscriber"`} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("generated configuration lacks %s:\n%s", want, text)
		}
	}
	// Terraform writes every optional attribute of a nested object, null where the
	// state holds none: the reports must all be null.
	for _, tick := range []*regexp.Regexp{
		regexp.MustCompile(`(status|evidence|evidence_expires|waiver)\s*=\s*[^n\s]`),
		regexp.MustCompile(`done|waived|INFRA-42|progress|updated_by`),
	} {
		if m := tick.FindString(text); m != "" {
			t.Errorf("generated configuration holds %q, a person's report:\n%s", m, text)
		}
	}
	out, err = terraform(generated, "plan", "-no-color")
	if err != nil {
		t.Fatalf("plan with the generated configuration: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("plan with the generated configuration:\n%s", out)
	}
}

// holdV0Checklist puts on the server what the fixture's state describes, as a
// server migrated to 0006 holds it: the items at positions 1 to 4 in list order,
// dns ticked done with evidence and firewall waived by a person.
func holdV0Checklist(t *testing.T, srv *testServer) {
	t.Helper()
	ctx := raci.WithActor(context.Background(), "person-alice")
	if _, _, err := srv.Store.PutTenant(ctx, &raci.Tenant{Name: "initech", Customer: "Initech", DeploymentModel: raci.PrivateSaaS, Scheme: raci.RACI}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*raci.Party{
		{Tenant: "initech", Name: "auth0", DisplayName: "Auth0", Kind: raci.Vendor},
		{Tenant: "initech", Name: "subscriber", DisplayName: "Subscriber", Kind: raci.Customer},
	} {
		if _, _, err := srv.Store.PutParty(ctx, p, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	due := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	if _, _, err := srv.Store.PutChecklist(ctx, &raci.Checklist{
		Tenant: "initech", Key: "infrastructure", Title: "Private SaaS Infrastructure Checklist", Gate: "deploy:production",
		Items: []raci.ChecklistItem{
			{Key: "memory", Title: "VMs with memory, storage and processors", Owner: "subscriber", Required: true, Due: &due, Position: 1},
			{Key: "dns", Title: "DNS records created", Owner: "subscriber", Required: true, Position: 2},
			{Key: "smtp", Title: "SMTP server reachable", Owner: "subscriber", Position: 3},
			{Key: "firewall", Title: "Firewall rules open", Owner: "subscriber", Required: true, Position: 4},
		},
	}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	done, waived, evidence := raci.Done, raci.Waived, "https://tickets.example/INFRA-42"
	expires := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := srv.Store.UpdateChecklistItem(ctx, "initech", "infrastructure", "dns",
		raci.ItemPatch{Status: &done, Evidence: &evidence, EvidenceExpires: &expires}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Store.UpdateChecklistItem(ctx, "initech", "infrastructure", "firewall", raci.ItemPatch{Status: &waived, Waiver: &raci.Waiver{
		Reason: "Inbound rules are opened by the network team next quarter", ApprovedBy: "auth0", Expires: time.Date(2099, 6, 30, 0, 0, 0, 0, time.UTC),
	}}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
