package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The examples are what a user copies first, so each of them is applied here as a
// user would: from its own directory, its provider configured from the environment,
// and then planned again, which must show nothing to do.

// exampleEnv points an example's environment-configured provider at srv.
func exampleEnv(t *testing.T, srv *testServer) {
	t.Setenv(envEndpoint, srv.URL)
	t.Setenv(envToken, testToken)
	t.Setenv(envDatabase, "")
	t.Setenv(resource.EnvTfAccProviderNamespace, "raci-dev")
}

// destroyExample destroys in a step of its own: the framework's own destroy at the
// end of a test reads the state through a shim that cannot address for_each
// instances (hashicorp/terraform-plugin-sdk#536).
func destroyExample(dir string, vars config.Variables) resource.TestStep {
	return resource.TestStep{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		ConfigDirectory:          config.StaticDirectory(dir),
		ConfigVariables:          vars,
		Destroy:                  true,
	}
}

// TestAccExample_privateSaaS applies examples/private-saas whole: seed 003's twelve
// rows as published, in the document's order, the three that name no Accountable
// party recorded as unassigned, and the infrastructure checklist.
func TestAccExample_privateSaaS(t *testing.T) {
	srv := startServer(t)
	exampleEnv(t, srv)
	dir := copyExample(t, "../../examples/private-saas", "main.tf", "checklist.tf")
	unassigned := map[string]bool{"configuration": true, "operations-handover": true, "issue-resolution": true}
	// With a receiver configured, the example sends the checklist's readiness.
	vars := config.Variables{
		"readiness_webhook_url":    config.StringVariable("https://hooks.initech.example/raci"),
		"readiness_webhook_secret": config.StringVariable("example-secret-0123456789"),
	}
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigVariables:          vars,
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
				statecheck.ExpectKnownValue(`raci_responsibility.row["user-migration"]`, tfjsonpath.New("when"), knownvalue.StringExact("if required")),
				statecheck.ExpectKnownValue("raci_checklist.infrastructure", tfjsonpath.New("items"), knownvalue.MapSizeExact(7)),
				statecheck.ExpectKnownValue("data.raci_readiness.infrastructure", tfjsonpath.New("ready"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("raci_webhook.readiness[0]", tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("checklist"), knownvalue.StringExact("readiness"),
				})),
				serverCheck(func(ctx context.Context) error {
					a, err := srv.API.FindAccess(ctx, "initech", "subscriber-infrastructure")
					if err != nil {
						return err
					}
					if a.Scope != raci.AccessChecklist || !slices.Equal(a.Groups, []string{"initech-infra"}) {
						return fmt.Errorf("the subscriber's engineers hold %s for %q, want checklist for initech-infra", a.Scope, a.Groups)
					}
					return nil
				}),
				serverCheck(func(ctx context.Context) error {
					snap, err := srv.API.Snapshot(ctx, "initech")
					if err != nil {
						return err
					}
					var order []string
					for _, r := range raci.SortRows(snap.Responsibilities) {
						want := raci.AccountabilitySingle
						if unassigned[r.Key] {
							want = raci.AccountabilityUnassigned
						}
						if r.Accountability != want {
							return fmt.Errorf("row %q: accountability %q, want %q", r.Key, r.Accountability, want)
						}
						order = append(order, r.Key)
					}
					// The published order, which the categories follow.
					want := []string{"preparing-vm-infrastructure", "deployment", "configuration", "operations-handover",
						"monitoring", "backing-up", "code-integration", "user-migration", "updates", "testing-updates",
						"issue-identification", "issue-resolution"}
					if !slices.Equal(order, want) {
						return fmt.Errorf("rows in the order %q, want the published %q", order, want)
					}
					return nil
				}),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, destroyExample(dir, vars)},
	})
}

// TestAccExample_dedicatedSaaS applies examples/dedicated-saas: seed 004's duties in
// the list's order, two of them optional, one shared, and the third-party service.
func TestAccExample_dedicatedSaaS(t *testing.T) {
	srv := startServer(t)
	exampleEnv(t, srv)
	dir := copyExample(t, "../../examples/dedicated-saas", "main.tf")
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(`raci_responsibility.duty["security-and-data-management"]`, tfjsonpath.New("accountability"), knownvalue.StringExact("shared")),
				statecheck.ExpectKnownValue(`raci_responsibility.duty["certificates"]`, tfjsonpath.New("optional"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(`raci_responsibility.duty["object-store"]`, tfjsonpath.New("optional"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(`raci_responsibility.duty["network"]`, tfjsonpath.New("optional"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("raci_party.mongodb_atlas", tfjsonpath.New("kind"), knownvalue.StringExact("third_party")),
				statecheck.ExpectKnownOutputValue("open_points", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("security-and-data-management"),
				})),
				serverCheck(func(ctx context.Context) error {
					snap, err := srv.API.Snapshot(ctx, "globex")
					if err != nil {
						return err
					}
					var order []string
					for _, r := range raci.SortRows(snap.Responsibilities) {
						order = append(order, r.Key)
					}
					want := []string{"infrastructure-costs", "security-and-data-management", "credentials-safekeeping",
						"roles-and-policies", "network", "outbound-internet-access", "certificates", "object-store"}
					if !slices.Equal(order, want) {
						return fmt.Errorf("duties in the order %q, want the list's %q", order, want)
					}
					return nil
				}),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, destroyExample(dir, nil)},
	})
}

// TestAccExample_pamPrivateSaaS applies examples/pam-private-saas's three revisions
// of one vendor page in order, to one tenant. Each plan is the change between two
// revisions and nothing else: 000 -> 001 drops two duties and the customer's
// conditional accountability for local backups; 001 -> 002 renames the vendor,
// in place, with no warning, and its rows follow in the same apply.
func TestAccExample_pamPrivateSaaS(t *testing.T) {
	srv := startServer(t)
	exampleEnv(t, srv)
	dir := copyExample(t, "../../examples/pam-private-saas", "main.tf", "revision-000.yaml")
	rec := &warningRecorder{}
	revision := func(r string) config.Variables {
		return config.Variables{"revision": config.StringVariable(r)}
	}
	step := func(r string) resource.TestStep {
		return resource.TestStep{
			PreConfig:                rec.reset,
			ProtoV6ProviderFactories: rec.factories(),
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigVariables:          revision(r),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("raci_tenant.acme", tfjsonpath.New("source").AtMapKey("revision"), knownvalue.StringExact(r)),
			},
		}
	}
	vendorRows := []string{"snapshots-and-updates", "environmental-health", "data-backup", "provision-and-restoration", "security-policies"}

	first := step("000")
	first.ConfigStateChecks = append(first.ConfigStateChecks,
		statecheck.ExpectKnownValue("raci_party.vendor", tfjsonpath.New("name"), knownvalue.StringExact("senhasegura")),
		statecheck.ExpectKnownOutputValueAtPath("accountable", tfjsonpath.New("data-backup"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("customer (if clients store backups, videos, and application credentials locally)"),
			knownvalue.StringExact("senhasegura"),
		})),
		statecheck.ExpectKnownValue(`raci_responsibility.duty["siem-syslog"]`, tfjsonpath.New("optional"), knownvalue.Bool(true)),
	)
	first.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}

	second := step("001")
	second.ConfigPlanChecks = resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(`raci_responsibility.duty["vpn-peering"]`, plancheck.ResourceActionDestroy),
			plancheck.ExpectResourceAction(`raci_responsibility.duty["siem-syslog"]`, plancheck.ResourceActionDestroy),
			plancheck.ExpectResourceAction(`raci_responsibility.duty["data-backup"]`, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction("raci_party.vendor", plancheck.ResourceActionNoop),
			plancheck.ExpectResourceAction("raci_party.customer", plancheck.ResourceActionNoop),
			plancheck.ExpectResourceAction("raci_tenant.acme", plancheck.ResourceActionUpdate),
		},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	second.ConfigStateChecks = append(second.ConfigStateChecks,
		statecheck.ExpectKnownOutputValueAtPath("accountable", tfjsonpath.New("data-backup"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("senhasegura"),
		})),
	)

	third := step("002")
	renamed := []plancheck.PlanCheck{
		// Renamed in place, never replaced: the party keeps its history.
		plancheck.ExpectResourceAction("raci_party.vendor", plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue("raci_party.vendor", tfjsonpath.New("id"), knownvalue.StringExact("acme-pam/segura")),
		plancheck.ExpectResourceAction("raci_party.customer", plancheck.ResourceActionNoop),
		// A row the vendor holds nothing in is left alone.
		plancheck.ExpectResourceAction(`raci_responsibility.duty["user-identity-control"]`, plancheck.ResourceActionNoop),
	}
	for _, key := range vendorRows {
		renamed = append(renamed, plancheck.ExpectResourceAction(fmt.Sprintf("raci_responsibility.duty[%q]", key), plancheck.ResourceActionUpdate))
	}
	third.ConfigPlanChecks = resource.ConfigPlanChecks{
		PreApply:             renamed,
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	// State checks, not Check functions: those read the state through a shim that
	// cannot address for_each instances.
	third.ConfigStateChecks = append(third.ConfigStateChecks,
		serverCheck(func(context.Context) error {
			if got := rec.recorded(); len(got) != 0 {
				return fmt.Errorf("warnings: %q", got)
			}
			return nil
		}),
		serverCheck(func(context.Context) error {
			_, _, err := renameEvent(srv, "acme-pam", "senhasegura", "segura")
			return err
		}),
		outputCheck{"matrix", func(md string) error {
			if strings.Contains(md, "senhasegura") || !strings.Contains(md, "Segura") {
				return fmt.Errorf("the matrix read in the apply still names the old vendor, or not the new one:\n%s", md)
			}
			return nil
		}},
		statecheck.ExpectKnownValue("raci_party.vendor", tfjsonpath.New("name"), knownvalue.StringExact("segura")),
		statecheck.ExpectKnownOutputValueAtPath("accountable", tfjsonpath.New("data-backup"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("segura"),
		})),
	)

	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{first, second, third, destroyExample(dir, revision("002"))},
	})
}

// outputCheck checks a string output of the state the step applied.
type outputCheck struct {
	name  string
	check func(string) error
}

func (c outputCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	out, ok := req.State.Values.Outputs[c.name]
	value, isString := out.Value.(string)
	if !ok || !isString {
		resp.Error = fmt.Errorf("output %q is missing or not a string", c.name)
		return
	}
	resp.Error = c.check(value)
}
