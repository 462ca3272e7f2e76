package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// TestAccPrivateSaaSExample_rows applies the matrix of examples/private-saas (its
// main.tf and outputs.tf) as a user would: seed 003's twelve rows as published,
// the three that name no Accountable party recorded as unassigned, and nothing left
// to change afterwards.
func TestAccPrivateSaaSExample_rows(t *testing.T) {
	srv := startServer(t)
	t.Setenv(envEndpoint, srv.URL)
	t.Setenv(envToken, testToken)
	t.Setenv(envDatabase, "")
	t.Setenv(resource.EnvTfAccProviderNamespace, "raci-dev")
	dir := t.TempDir()
	for _, name := range []string{"main.tf", "outputs.tf"} {
		b, err := os.ReadFile(filepath.Join("../../examples/private-saas", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	unassigned := map[string]bool{"configuration": true, "operations-handover": true, "issue-resolution": true}
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("accountable", knownvalue.MapExact(map[string]knownvalue.Check{
					"preparing-vm-infrastructure": knownvalue.StringExact("subscriber"),
					"deployment":                  knownvalue.StringExact("auth0"),
					"configuration":               knownvalue.Null(),
					"operations-handover":         knownvalue.Null(),
					"monitoring":                  knownvalue.StringExact("subscriber"),
					"backing-up":                  knownvalue.StringExact("subscriber"),
					"code-integration":            knownvalue.StringExact("subscriber"),
					"user-migration":              knownvalue.StringExact("subscriber"),
					"updates":                     knownvalue.StringExact("subscriber"),
					"testing-updates":             knownvalue.StringExact("subscriber"),
					"issue-identification":        knownvalue.StringExact("subscriber"),
					"issue-resolution":            knownvalue.Null(),
				})),
				serverCheck(func(ctx context.Context) error {
					page, err := srv.API.ListResponsibilities(ctx, "initech", raci.ListOptions{})
					if err != nil {
						return err
					}
					if len(page.Items) != 12 {
						return fmt.Errorf("server holds %d rows, want 12", len(page.Items))
					}
					for _, r := range page.Items {
						want := raci.AccountabilitySingle
						if unassigned[r.Key] {
							want = raci.AccountabilityUnassigned
						}
						if r.Accountability != want {
							return fmt.Errorf("row %q: accountability %q, want %q", r.Key, r.Accountability, want)
						}
					}
					return nil
				}),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, {
			// See TestAccFromMarkdownExample: destroy in a step of its own.
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			Destroy:                  true,
		}},
	})
}
