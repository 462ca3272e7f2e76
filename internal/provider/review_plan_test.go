package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/planreview"
)

var updateReview = flag.Bool("update", false, "rewrite the plans and goldens in ../planreview/testdata from what the real terraform plans")

// reviewTestdata holds the plans the real terraform makes here and the review's
// golden output for them; internal/planreview's tests read them too.
var reviewTestdata = filepath.Join("..", "planreview", "testdata")

// A matrix with three parties and four rows, the state each case starts from.
const reviewBefore = `
resource "raci_tenant" "acme" {
  name             = "acme"
  customer         = "Acme Corp"
  deployment_model = "private_saas"
  scheme           = %q
}

resource "raci_party" "segura" {
  tenant       = raci_tenant.acme.name
  name         = "segura"
  display_name = "Segura"
  kind         = "vendor"
}

resource "raci_party" "customer" {
  tenant       = raci_tenant.acme.name
  name         = "customer"
  display_name = "Acme Corp"
  kind         = "customer"
}

resource "raci_party" "cloud" {
  tenant       = raci_tenant.acme.name
  name         = %q
  display_name = "Cloud Ops"
  kind         = "third_party"
}

locals {
  rows = %s
}

resource "raci_responsibility" "row" {
  for_each = local.rows
  tenant   = raci_tenant.acme.name
  key      = each.key
  title    = each.value.title
  assignments = [for a in each.value.assignments : {
    party  = a.party
    roles  = a.roles
    holder = try(a.holder, null)
    when   = try(a.when, null)
  }]
  depends_on = [raci_party.segura, raci_party.customer, raci_party.cloud]
}
`

// reviewRows are the rows before each case, as HCL.
const reviewRows = `{
    "backing-up" = { title = "Backing Up", assignments = [
      { party = "segura", roles = ["A", "R"], holder = "infrastructure engineer" },
      { party = "customer", roles = ["C"] },
    ] }
    "patching" = { title = "Patching", assignments = [
      { party = "segura", roles = ["R"] },
      { party = "customer", roles = ["A"] },
    ] }
    "monitoring" = { title = "Monitoring", assignments = [
      { party = "cloud", roles = ["A", "R"] },
      { party = "customer", roles = ["I"], when = "in the event that there are issues" },
    ] }
    "restore-tests" = { title = "Restore Tests", assignments = [
      { party = "cloud", roles = ["R"] },
      { party = "segura", roles = ["A"] },
      { party = "customer", roles = ["I"] },
    ] }
  }`

type reviewCase struct {
	name string
	// after is the configuration planned after the one the case starts from.
	after string
}

func reviewCases() []reviewCase {
	before := func(scheme, cloud, rows string) string { return fmt.Sprintf(reviewBefore, scheme, cloud, rows) }
	return []reviewCase{{
		// An A moved from the vendor to the customer, a row deleted, a party renamed.
		name: "moved_deleted_renamed",
		after: before("RACI", "cloud-ops", `{
    "backing-up" = { title = "Backing Up", assignments = [
      { party = "segura", roles = ["R"], holder = "infrastructure engineer" },
      { party = "customer", roles = ["A", "C"] },
    ] }
    "patching" = { title = "Patching", assignments = [
      { party = "segura", roles = ["R"] },
      { party = "customer", roles = ["A"] },
    ] }
    "monitoring" = { title = "Monitoring", assignments = [
      { party = "cloud-ops", roles = ["A", "R"] },
      { party = "customer", roles = ["I"], when = "in the event that there are issues" },
    ] }
  }`),
	}, {
		// A title edit in a Markdown table gives the row a new key: one row re-keyed.
		name: "rekeyed",
		after: before("RACI", "cloud", strings.Replace(reviewRows,
			`"restore-tests" = { title = "Restore Tests"`, `"restore-testing" = { title = "Restore Testing"`, 1)),
	}, {
		// RACI to DACI with the rows left as they are: the planned matrix breaks
		// DACI's rules, which the server would refuse only at apply.
		name:  "scheme_changed",
		after: before("DACI", "cloud", reviewRows),
	}, {
		// A checklist item added.
		name: "checklist_item_added",
		after: before("RACI", "cloud", reviewRows) + reviewChecklist(`
    firewall = { title = "Firewall rules open", owner = "customer", position = 2 }`),
	}, {
		// A new party whose name Terraform knows only after apply takes the R of a row.
		name: "unknown_until_apply",
		after: before("RACI", "cloud", strings.Replace(reviewRows,
			`{ party = "segura", roles = ["R"] },`, `{ party = split("/", raci_party.dba.id)[1], roles = ["R"] },`, 1)) + `
resource "raci_party" "dba" {
  tenant       = raci_tenant.acme.name
  name         = "dba-team"
  display_name = "DBA Team"
  kind         = "customer"
}
`,
	}}
}

func reviewChecklist(extra string) string {
	return `
resource "raci_checklist" "go_live" {
  tenant = raci_tenant.acme.name
  key    = "go-live"
  title  = "Go-live"
  gate   = "deploy:production"
  items = {
    dns = { title = "DNS records created", owner = "customer", position = 1 }` + extra + `
  }
  depends_on = [raci_party.customer]
}
`
}

// reviewBeforeConfig is where a case starts: the checklist case starts with its
// checklist of one item.
func reviewBeforeConfig(c reviewCase) string {
	config := fmt.Sprintf(reviewBefore, "RACI", "cloud", reviewRows)
	if c.name == "checklist_item_added" {
		config += reviewChecklist("")
	}
	return config
}

var buildProvider struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// builtProvider builds the provider binary once for the tests that run the real
// terraform with dev_overrides, and returns the directory it is in.
func builtProvider(t *testing.T) string {
	t.Helper()
	buildProvider.once.Do(func() {
		dir, err := os.MkdirTemp("", "raci-review-bin")
		if err != nil {
			buildProvider.err = err
			return
		}
		buildProvider.dir = dir
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-raci"), "../..")
		buildProvider.out, buildProvider.err = cmd.CombinedOutput()
	})
	if buildProvider.err != nil {
		t.Fatalf("go build: %v\n%s", buildProvider.err, buildProvider.out)
	}
	return buildProvider.dir
}

// TestMain removes the binary builtProvider made.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildProvider.dir != "" {
		os.RemoveAll(buildProvider.dir)
	}
	os.Exit(code)
}

// Each case applies the starting matrix with the real terraform, plans the change
// into a file, and reviews `terraform show -json` of it: the Markdown and the JSON
// must match the goldens (-update rewrites them, and the plans planreview's own
// tests read).
func TestAccReview_goldensFromRealPlans(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	terraformPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraformPath == "" {
		terraformPath = "terraform"
	}
	bin := builtProvider(t)
	for _, c := range reviewCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t)
			dir := t.TempDir()
			cliConfig := filepath.Join(dir, "terraformrc")
			rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"raci-dev/raci\" = %q\n  }\n  direct {}\n}\n", bin)
			if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
				t.Fatal(err)
			}
			terraform := func(args ...string) []byte {
				t.Helper()
				cmd := exec.CommandContext(context.Background(), terraformPath, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
					"TF_INPUT=0", envEndpoint+"="+srv.URL, envToken+"="+testToken)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
				}
				return stdout.Bytes()
			}
			header := "terraform {\n  required_providers {\n    raci = { source = \"raci-dev/raci\" }\n  }\n}\n\nprovider \"raci\" {}\n"
			writeFiles(t, dir, map[string]string{"main.tf": header + reviewBeforeConfig(c)})
			terraform("apply", "-auto-approve", "-no-color")
			writeFiles(t, dir, map[string]string{"main.tf": header + c.after})
			terraform("plan", "-out=plan.bin", "-no-color")
			shown := stablePlan(t, terraform("show", "-json", "plan.bin"))
			for _, leak := range []string{dir, srv.URL, testToken} {
				if bytes.Contains(shown, []byte(leak)) {
					t.Fatalf("the plan's JSON holds %q, which would make the golden unstable", leak)
				}
			}

			rv, err := planreview.Parse(shown)
			if err != nil {
				t.Fatalf("review of the real plan: %v", err)
			}
			files := map[string][]byte{
				c.name + ".plan.json": shown,
				c.name + ".md":        []byte(rv.Markdown()),
				c.name + ".json":      rv.JSON(),
			}
			for name, got := range files {
				path := filepath.Join(reviewTestdata, name)
				if *updateReview {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if strings.HasSuffix(name, ".plan.json") {
					// Terraform's own output may change between versions; the
					// review of it must not.
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to write the golden files)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("review %s differs from %s (run with -update after checking the change):\n--- got\n%s\n--- want\n%s", name, path, got, want)
				}
			}
		})
	}
}

// stablePlan drops what changes from one run to the next from a plan's JSON: when
// it was made and by which terraform.
func stablePlan(t *testing.T, shown []byte) []byte {
	t.Helper()
	var plan map[string]any
	dec := json.NewDecoder(bytes.NewReader(shown))
	dec.UseNumber()
	if err := dec.Decode(&plan); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, shown)
	}
	delete(plan, "timestamp")
	delete(plan, "terraform_version")
	if prior, ok := plan["prior_state"].(map[string]any); ok {
		delete(prior, "terraform_version")
	}
	out, err := json.MarshalIndent(plan, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// The provider's own warnings with the real terraform, as a person reads them: each
// names its row, so Terraform shows every one instead of "similar warnings"; each
// appears once in `terraform plan` and once in `terraform apply`, which plans again.
func TestAccReview_warningsOncePerPlanAndApply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	terraformPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraformPath == "" {
		terraformPath = "terraform"
	}
	bin := builtProvider(t)
	srv := startServer(t)
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"raci-dev/raci\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	terraform := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(context.Background(), terraformPath, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			"TF_INPUT=0", envEndpoint+"="+srv.URL, envToken+"="+testToken)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.Join(strings.Fields(string(out)), " ")
	}
	header := "terraform {\n  required_providers {\n    raci = { source = \"raci-dev/raci\" }\n  }\n}\n\nprovider \"raci\" {}\n"
	writeFiles(t, dir, map[string]string{"main.tf": header + fmt.Sprintf(reviewBefore, "RACI", "cloud", reviewRows)})
	terraform("apply", "-auto-approve", "-no-color")

	// Two rows' A move, and a row holding an A is deleted.
	after := fmt.Sprintf(reviewBefore, "RACI", "cloud", `{
    "backing-up" = { title = "Backing Up", assignments = [
      { party = "segura", roles = ["R"], holder = "infrastructure engineer" },
      { party = "customer", roles = ["A", "C"] },
    ] }
    "patching" = { title = "Patching", assignments = [
      { party = "segura", roles = ["R", "A"] },
      { party = "customer", roles = ["I"] },
    ] }
    "monitoring" = { title = "Monitoring", assignments = [
      { party = "cloud", roles = ["A", "R"] },
      { party = "customer", roles = ["I"], when = "in the event that there are issues" },
    ] }
  }`)
	writeFiles(t, dir, map[string]string{"main.tf": header + after})
	summaries := []string{
		`Warning: Accountability Moves in "Backing Up" (acme/backing-up)`,
		`Warning: Accountability Moves in "Patching" (acme/patching)`,
		`Warning: Row Deleted With Its Accountable Party: "Restore Tests" (acme/restore-tests)`,
	}
	for _, step := range [][]string{{"plan", "-no-color"}, {"apply", "-auto-approve", "-no-color"}} {
		out := terraform(step...)
		for _, s := range summaries {
			if n := strings.Count(out, s); n != 1 {
				t.Errorf("terraform %s shows %q %d times, want once:\n%s", step[0], s, n, out)
			}
		}
		if strings.Contains(out, "similar warnings") {
			t.Errorf("terraform %s folds warnings together:\n%s", step[0], out)
		}
	}

	// Two rows of one plan together take segura's last R: each row alone leaves it
	// the other, so only the row planned second can tell, from what the first
	// planned. One warning, naming that row.
	lastR := fmt.Sprintf(reviewBefore, "RACI", "cloud", `{
    "backing-up" = { title = "Backing Up", assignments = [
      { party = "segura", roles = ["I"] },
      { party = "customer", roles = ["R", "A", "C"] },
    ] }
    "patching" = { title = "Patching", assignments = [
      { party = "segura", roles = ["A"] },
      { party = "customer", roles = ["R", "I"] },
    ] }
    "monitoring" = { title = "Monitoring", assignments = [
      { party = "cloud", roles = ["A", "R"] },
      { party = "customer", roles = ["I"], when = "in the event that there are issues" },
    ] }
  }`)
	writeFiles(t, dir, map[string]string{"main.tf": header + lastR})
	out := terraform("plan", "-no-color")
	if n := strings.Count(out, `Warning: Party "segura" Loses Its Last Responsible Row: `); n != 1 {
		t.Errorf("terraform plan warns %d times that segura loses its last R, want once:\n%s", n, out)
	}
}
