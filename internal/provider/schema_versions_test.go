package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// stateFixturesDir holds one directory per build whose states later builds must
// read: its main.tf, and the terraform.tfstate that build wrote applying it. A
// directory is named by the commit of the build that wrote it.
const stateFixturesDir = "testdata/states"

type fixtureState struct {
	Resources []struct {
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			SchemaVersion int64 `json:"schema_version"`
		} `json:"instances"`
	} `json:"resources"`
}

func stateFixtures(t *testing.T) map[string]fixtureState {
	t.Helper()
	dirs, err := os.ReadDir(stateFixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	fixtures := map[string]fixtureState{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		body, err := os.ReadFile(filepath.Join(stateFixturesDir, d.Name(), "terraform.tfstate"))
		if err != nil {
			t.Fatalf("state fixture %s: %v", d.Name(), err)
		}
		var state fixtureState
		if err := json.Unmarshal(body, &state); err != nil {
			t.Fatalf("state fixture %s: %v", d.Name(), err)
		}
		fixtures[d.Name()] = state
	}
	if len(fixtures) == 0 {
		t.Fatalf("no state fixtures under %s", stateFixturesDir)
	}
	return fixtures
}

// currentSchemaVersions is each resource type's schema version in this build.
func currentSchemaVersions(t *testing.T) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	p := newProvider("test", testStores)
	versions := map[string]int64{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "raci"}, &meta)
		var schema resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &schema)
		if schema.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, schema.Diagnostics)
		}
		versions[meta.TypeName] = schema.Schema.Version
	}
	return versions
}

// Every resource type the provider serves has a state written by an earlier build
// at its current schema version, and no fixture is newer than the build: a resource
// type that joins, or a schema version that is raised, comes with a fixture
// (CONTRIBUTING.md, "Changing a resource's schema").
func TestSchemaVersions_everyResourceHasAStateFixture(t *testing.T) {
	fixtures := stateFixtures(t)
	covered := map[string][]int64{}
	for name, state := range fixtures {
		for _, r := range state.Resources {
			for _, inst := range r.Instances {
				covered[r.Type] = append(covered[r.Type], inst.SchemaVersion)
				if current, ok := currentSchemaVersions(t)[r.Type]; ok && inst.SchemaVersion > current {
					t.Errorf("fixture %s holds %s.%s at schema version %d, newer than this build's %d",
						name, r.Type, r.Name, inst.SchemaVersion, current)
				}
			}
		}
	}
	for typeName, version := range currentSchemaVersions(t) {
		if !slices.Contains(covered[typeName], version) {
			t.Errorf("%s is at schema version %d and no state fixture under %s holds it at that version (fixtures hold %v): "+
				"add one written by this build, as CONTRIBUTING.md says", typeName, version, stateFixturesDir, covered[typeName])
		}
	}
}

// Each fixture's state, written by an earlier build, upgrades and plans empty with
// the current build against the objects its configuration makes: a schema change
// without a state upgrader (a changed type, a raised version with no upgrader, a
// new attribute that plans a change) fails here. It runs the real terraform on a
// state file, so it starts the provider as Terraform does in use: built, through a
// dev_overrides block.
func TestAccSchemaVersions_earlierStatesPlanEmpty(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	terraformPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraformPath == "" {
		terraformPath = "terraform"
	}
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
	current := currentSchemaVersions(t)

	for name := range stateFixtures(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t)
			terraform := func(workdir string, args ...string) (string, error) {
				cmd := exec.Command(terraformPath, args...)
				cmd.Dir = workdir
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
					"TF_INPUT=0", "RACI_ENDPOINT="+srv.URL, "RACI_TOKEN="+testToken, "RACI_DATABASE=")
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			config, err := os.ReadFile(filepath.Join(stateFixturesDir, name, "main.tf"))
			if err != nil {
				t.Fatal(err)
			}
			state, err := os.ReadFile(filepath.Join(stateFixturesDir, name, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}

			// The objects, as the current build makes them from the same configuration.
			made := filepath.Join(dir, name, "made")
			writeFiles(t, made, map[string]string{"main.tf": string(config)})
			if out, err := terraform(made, "apply", "-auto-approve", "-no-color"); err != nil {
				t.Fatalf("terraform apply of %s/main.tf with the current build: %v\n%s", name, err, out)
			}

			// The earlier build's state of the same objects.
			upgraded := filepath.Join(dir, name, "upgraded")
			writeFiles(t, upgraded, map[string]string{"main.tf": string(config), "terraform.tfstate": string(state)})
			out, err := terraform(upgraded, "plan", "-detailed-exitcode", "-no-color")
			if err != nil {
				t.Fatalf("terraform plan on the state %s wrote: %v (exit code 2 is a non-empty plan)\n%s", name, err, out)
			}
			if !strings.Contains(out, "No changes.") {
				t.Fatalf("terraform plan on the state %s wrote does not say No changes:\n%s", name, out)
			}

			// Refreshed, the state is at this build's schema versions.
			if out, err := terraform(upgraded, "apply", "-refresh-only", "-auto-approve", "-no-color"); err != nil {
				t.Fatalf("terraform apply -refresh-only: %v\n%s", err, out)
			}
			out, err = terraform(upgraded, "show", "-json")
			if err != nil {
				t.Fatalf("terraform show -json: %v\n%s", err, out)
			}
			var shown struct {
				Values struct {
					RootModule struct {
						Resources []struct {
							Address       string `json:"address"`
							Type          string `json:"type"`
							SchemaVersion int64  `json:"schema_version"`
						} `json:"resources"`
					} `json:"root_module"`
				} `json:"values"`
			}
			if err := json.Unmarshal([]byte(out), &shown); err != nil {
				t.Fatalf("terraform show -json: %v\n%s", err, out)
			}
			if len(shown.Values.RootModule.Resources) == 0 {
				t.Fatalf("the refreshed state holds no resources:\n%s", out)
			}
			for _, r := range shown.Values.RootModule.Resources {
				if r.SchemaVersion != current[r.Type] {
					t.Errorf("%s is at schema version %d after a refresh, want this build's %d", r.Address, r.SchemaVersion, current[r.Type])
				}
			}
		})
	}
}
