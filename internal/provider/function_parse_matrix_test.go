package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// functionsSupported skips a test on Terraform versions without provider functions.
var functionsSupported = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

// parsedAssignment is what parse_matrix returns for one assignment; roles in the
// order R, A, S, C, I, D.
func parsedAssignment(party string, roles []string, holder, when string) knownvalue.Check {
	letters := make([]knownvalue.Check, len(roles))
	for i, r := range roles {
		letters[i] = knownvalue.StringExact(r)
	}
	optional := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"party":  knownvalue.StringExact(party),
		"roles":  knownvalue.ListExact(letters),
		"holder": optional(holder),
		"when":   optional(when),
	})
}

func TestParseMatrixFunction_seed003(t *testing.T) {
	t.Parallel()
	seed, err := filepath.Abs("../format/testdata/seed003.md")
	if err != nil {
		t.Fatal(err)
	}
	const issues = "in the event that there are issues"
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsSupported,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
locals {
  rows = provider::raci::parse_matrix(file(%q))
}

output "count" {
  value = length(local.rows)
}

output "by_key" {
  value = { for r in local.rows : r.key => r }
}

output "first" {
  value = local.rows[0]
}
`, seed),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(12)),
				// Table order: the published first row comes first.
				statecheck.ExpectKnownOutputValue("first", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"key": knownvalue.StringExact("preparing-vm-infrastructure-including-memory-storage-processors"),
					"title": knownvalue.StringExact("Preparing VM Infrastructure, including: memory, storage, processors, load balances, " +
						"networks, SSL certificates, DNS records, SMTP servers, enabling Auth0 access via Jumphost/VPN"),
					"category":       knownvalue.Null(),
					"accountability": knownvalue.StringExact("single"),
					"optional":       knownvalue.Bool(false),
					"when":           knownvalue.Null(),
					"position":       knownvalue.Int64Exact(1),
					"notes": knownvalue.StringExact("The subscriber will submit the Private SaaS Infrastructure Checklist when the VMs " +
						"are ready and the [infrastructure requirements](/private-saas/infrastructure) are met."),
					"assignments": knownvalue.ListExact([]knownvalue.Check{
						parsedAssignment("auth0", []string{"C"}, "", ""),
						parsedAssignment("subscriber", []string{"R", "A"}, "subscriber's infrastructure engineer", ""),
					}),
				})),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("deployment-to-development-and-production-environments").AtMapKey("assignments"),
					knownvalue.ListExact([]knownvalue.Check{
						parsedAssignment("auth0", []string{"R", "A"}, "Auth0 Customer Success Engineer", ""),
						parsedAssignment("subscriber", []string{"I"}, "", ""),
					})),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("code-integration-into-applications").AtMapKey("assignments"),
					knownvalue.ListExact([]knownvalue.Check{
						parsedAssignment("auth0", []string{"C"}, "", ""),
						parsedAssignment("auth0", []string{"I"}, "", issues),
						parsedAssignment("subscriber", []string{"R", "A"}, "", ""),
					})),
				// Published without an Accountable party: unassigned, as written.
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("operations-handover").AtMapKey("accountability"),
					knownvalue.StringExact("unassigned")),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("issue-resolution").AtMapKey("accountability"),
					knownvalue.StringExact("unassigned")),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("backing-up").AtMapKey("accountability"),
					knownvalue.StringExact("single")),
				// "User Migration (if required)": the duty exists only if required.
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("user-migration").AtMapKey("title"),
					knownvalue.StringExact("User Migration")),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("user-migration").AtMapKey("when"),
					knownvalue.StringExact("if required")),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("user-migration").AtMapKey("position"),
					knownvalue.Int64Exact(8)),
				statecheck.ExpectKnownOutputValueAtPath("by_key", tfjsonpath.New("backing-up").AtMapKey("assignments"),
					knownvalue.ListExact([]knownvalue.Check{
						parsedAssignment("auth0", []string{"I"}, "", issues),
						parsedAssignment("subscriber", []string{"R", "A"}, "", ""),
					})),
			},
		}},
	})
}

func TestParseMatrixFunction_inline(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsSupported,
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
output "rows" {
  value = provider::raci::parse_matrix(<<-EOT
    Our RASCI matrix, without notes:

    Task | Category | **Vendor** | Customer | Hosting Provider
    :--- | :--- | :---: | :---: | :---:
    [Network](/docs/network) | *Connectivity* | s | R, A | C (only for the edge), I
    [Optional] Security (where the customer runs an edge) | | R, A | R, A | A (if the edge fails)
    EOT
  )
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("rows", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"key":            knownvalue.StringExact("network"),
						"title":          knownvalue.StringExact("Network"),
						"category":       knownvalue.StringExact("Connectivity"),
						"notes":          knownvalue.Null(),
						"accountability": knownvalue.StringExact("single"),
						"optional":       knownvalue.Bool(false),
						"when":           knownvalue.Null(),
						"position":       knownvalue.Int64Exact(1),
						"assignments": knownvalue.ListExact([]knownvalue.Check{
							parsedAssignment("vendor", []string{"S"}, "", ""),
							parsedAssignment("customer", []string{"R", "A"}, "", ""),
							parsedAssignment("hosting-provider", []string{"I"}, "", ""),
							parsedAssignment("hosting-provider", []string{"C"}, "", "only for the edge"),
						}),
					}),
					// Two parties answer without a condition: shared, as written; the
					// conditional A does not count.
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"key":            knownvalue.StringExact("security"),
						"title":          knownvalue.StringExact("Security"),
						"category":       knownvalue.Null(),
						"notes":          knownvalue.Null(),
						"accountability": knownvalue.StringExact("shared"),
						"optional":       knownvalue.Bool(true),
						"when":           knownvalue.StringExact("where the customer runs an edge"),
						"position":       knownvalue.Int64Exact(2),
						"assignments": knownvalue.ListExact([]knownvalue.Check{
							parsedAssignment("vendor", []string{"R", "A"}, "", ""),
							parsedAssignment("customer", []string{"R", "A"}, "", ""),
							parsedAssignment("hosting-provider", []string{"A"}, "", "if the edge fails"),
						}),
					}),
				})),
			},
		}},
	})
}

func TestParseMatrixFunction_errors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ markdown, message string }{
		"unknown letter": {
			markdown: "|Task|Auth0|Subscriber|\n|---|---|---|\n|Monitoring|I|R, X|\n",
			message:  `row 1, column Subscriber: Row 1 ("Monitoring", line 3): "X" is not a letter of any supported scheme`,
		},
		"ragged row": {
			markdown: "|Task|Auth0|Subscriber|Notes|\n|---|---|---|---|\n|Monitoring|I|R, A|\n",
			message:  "row 1, column Notes: Row 1 (line 3) has 3 cells but the header has 4 columns",
		},
		"no table": {
			markdown: "Auth0 does the updates.",
			message:  "Found no Markdown table",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   functionsSupported,
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
output "rows" {
  value = provider::raci::parse_matrix(%q)
}
`, tc.markdown),
					ExpectError: errorLike(`Invalid value for "markdown" parameter: The Markdown matrix cannot be read. ` + tc.message),
				}},
			})
		})
	}
}

// TestAccFromMarkdownExample applies examples/from-markdown, as a user would, against
// a real server: the whole matrix from its Markdown file, and nothing left to change
// afterwards.
func TestAccFromMarkdownExample(t *testing.T) {
	srv := startServer(t)
	// The example configures the provider from the environment and names it by its
	// registry address, as published configurations do.
	t.Setenv(envEndpoint, srv.URL)
	t.Setenv(envToken, testToken)
	t.Setenv(envDatabase, "")
	t.Setenv(resource.EnvTfAccProviderNamespace, "raci-dev")
	dir := copyExample(t, "../../examples/from-markdown", "main.tf", "matrix.md")

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: functionsSupported,
		Steps: []resource.TestStep{{
			// At the step: the example's own provider block counts as providers
			// given there, and the framework refuses them at both levels.
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(`raci_responsibility.row["testing-updates"]`, tfjsonpath.New("assignments"), knownvalue.SetExact([]knownvalue.Check{
					assignment("auth0", []string{"C"}, "", ""),
					assignment("auth0", []string{"I"}, "", "in the event that there are questions/issues"),
					assignment("subscriber", []string{"R", "A"}, "", ""),
				})),
				serverCheck(func(ctx context.Context) error { return checkFromMarkdownRows(ctx, srv) }),
				renderedMatrixReadsBack{output: "matrix", source: filepath.Join(dir, "matrix.md")},
				// The three rows that name no Accountable party are open points, and
				// nothing else is reported.
				statecheck.ExpectKnownOutputValue("open_points", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`^Row "configuration-of-development-and-production-environments" .* names no Accountable party, as the document has it: an open point`)),
					knownvalue.StringRegexp(regexp.MustCompile(`^Row "issue-resolution" \(Issue Resolution\) names no Accountable party`)),
					knownvalue.StringRegexp(regexp.MustCompile(`^Row "operations-handover" \(Operations Handover\) names no Accountable party`)),
				})),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, {
			// Destroyed in a step of its own: the framework's own destroy at the end of a
			// test reads the state through a shim that cannot address for_each instances
			// (hashicorp/terraform-plugin-sdk#536), and fails on this configuration.
			// An empty state gets past it. The rows must go before the parties they
			// assign, or the server refuses to delete the parties.
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			Destroy:                  true,
		}},
	})
}

// checkFromMarkdownRows checks what the server holds: the table's twelve rows as
// published, the three that name no Accountable party recorded as unassigned and
// the others with exactly one.
func checkFromMarkdownRows(ctx context.Context, srv *testServer) error {
	page, err := srv.API.ListResponsibilities(ctx, "initech", raci.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing rows: %w", err)
	}
	if len(page.Items) != 12 || page.Next != "" {
		return fmt.Errorf("server holds %d rows (next %q), want the table's 12", len(page.Items), page.Next)
	}
	unassigned := map[string]bool{
		"configuration-of-development-and-production-environments": true,
		"operations-handover": true,
		"issue-resolution":    true,
	}
	for _, row := range page.Items {
		accountable := ""
		for _, a := range row.Assignments {
			if a.Has(raci.Accountable) {
				accountable += a.Party
			}
		}
		want := raci.AccountabilitySingle
		if unassigned[row.Key] {
			want = raci.AccountabilityUnassigned
		}
		switch {
		case row.Accountability != want:
			return fmt.Errorf("row %q: accountability %q, want %q", row.Key, row.Accountability, want)
		case want == raci.AccountabilityUnassigned && accountable != "":
			return fmt.Errorf("row %q: accountable %q, want nobody, as published", row.Key, accountable)
		case row.Key == "backing-up" && accountable != "subscriber":
			return fmt.Errorf("row %q: accountable %q, want subscriber", row.Key, accountable)
		}
	}
	return nil
}

// serverCheck runs a check against the server after apply. It is a state check
// rather than a TestStep.Check because the latter cannot address for_each instances.
type serverCheck func(ctx context.Context) error

func (c serverCheck) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c(ctx)
}

// renderedMatrixReadsBack checks that an output holding raci_matrix's Markdown
// parses to the same rows as the Markdown the configuration was applied from: what
// a reviewer reads in the PR comment is the table they edited.
type renderedMatrixReadsBack struct {
	output string
	source string
}

func (c renderedMatrixReadsBack) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	out, ok := req.State.Values.Outputs[c.output]
	rendered, isString := out.Value.(string)
	if !ok || !isString {
		resp.Error = fmt.Errorf("output %q is missing or not a string", c.output)
		return
	}
	source, err := os.ReadFile(c.source)
	if err != nil {
		resp.Error = err
		return
	}
	want, err := format.ParseMarkdown(string(source))
	if err != nil {
		resp.Error = fmt.Errorf("parsing %s: %w", c.source, err)
		return
	}
	got, err := format.ParseMarkdown(rendered)
	if err != nil {
		resp.Error = fmt.Errorf("parsing output %q: %w\n%s", c.output, err, rendered)
		return
	}
	if g, w := rowsByKey(got), rowsByKey(want); !reflect.DeepEqual(g, w) {
		resp.Error = fmt.Errorf("output %q reads back as\n%+v\nwant\n%+v\nrendered:\n%s", c.output, g, w, rendered)
	}
}

// rowsByKey indexes rows by key with their assignments in canonical order, since the
// rendered matrix orders rows and assignments its own way.
func rowsByKey(rows []format.ParsedRow) map[string]raci.Responsibility {
	out := map[string]raci.Responsibility{}
	for _, r := range rows {
		row := raci.Responsibility{Key: r.Key, Title: r.Title, Notes: r.Notes, Accountability: r.Accountability,
			Optional: r.Optional, When: r.When, Assignments: slices.Clone(r.Assignments)}
		row.Normalize()
		out[r.Key] = row
	}
	return out
}

// copyExample copies an example's files (configuration, Markdown, YAML) into a fresh
// directory, so that a state file or .terraform left by someone trying the example
// out is not picked up; the test framework copies the directory's top level only,
// which is where the files a configuration reads with path.module must be. It fails
// the test when one of the required files is not there.
func copyExample(t *testing.T, src string, required ...string) string {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	var copied []string
	for _, e := range entries {
		if e.IsDir() || !slices.Contains([]string{".tf", ".md", ".yaml"}, filepath.Ext(e.Name())) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
		copied = append(copied, e.Name())
	}
	for _, name := range required {
		if !slices.Contains(copied, name) {
			t.Fatalf("example %s lacks %s (found %v)", src, name, copied)
		}
	}
	return dst
}
