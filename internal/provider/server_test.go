package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Every resource type listed for the lean paths has a schema they can serve; one
// that stopped qualifying would silently go back to the framework's slower paths.
func TestLeanResources_qualify(t *testing.T) {
	for _, newResource := range leanResources() {
		name, lean, err := leanResourceOf(context.Background(), newResource)
		if err != nil {
			t.Errorf("%s no longer qualifies for the lean paths: %v", name, err)
			continue
		}
		if lean.typ == nil {
			t.Errorf("%s: no protocol type", name)
		}
	}
	s := newLeanServer()
	if s.lean["raci_responsibility"] == nil {
		t.Errorf("the protocol server does not serve raci_responsibility's lean paths; it serves %v", s.lean)
	}
}

// RACI_PROVIDER_LEAN=0 serves the framework as it is, read when each server is
// built; unset or true, the lean paths serve.
func TestLeanSwitch(t *testing.T) {
	for _, tc := range []struct {
		value    string // "unset" for no variable
		wantLean bool
	}{
		{"unset", true},
		{"", true},
		{"1", true},
		{"true", true},
		{"0", false},
		{"false", false},
		{"off", false},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv(EnvLean, tc.value)
			if tc.value == "unset" {
				os.Unsetenv(EnvLean)
			}
			server, err := NewServerWithError("test", testStores)()
			if err != nil {
				t.Fatal(err)
			}
			if _, lean := server.(*protocolServer); lean != tc.wantLean {
				t.Errorf("%s=%q: lean paths served = %v, want %v (server %T)", EnvLean, tc.value, lean, tc.wantLean, server)
			}
		})
	}
}

// The lean paths mirror what one version of the framework does; an upgrade must not
// slip past them unchecked.
func TestLeanPaths_checkedAgainstThisFramework(t *testing.T) {
	version, err := moduleVersion(frameworkModule)
	if err != nil {
		t.Fatal(err)
	}
	if version != leanFrameworkVersion {
		t.Fatalf("%s is %s, but the lean paths (server.go) were checked against %s.\n"+
			"Before setting leanFrameworkVersion to %s: read what the new version's ReadResource and PlanResourceChange "+
			"(internal/fwserver) do that the lean paths leave out, check that the lean paths still answer as the framework does, "+
			"and run the differential fuzz target for a while: FUZZTIME=10m make fuzz (FuzzLeanServer). "+
			"If the lean paths can no longer answer as the framework does, remove them.",
			frameworkModule, version, leanFrameworkVersion, version)
	}
}

const frameworkModule = "github.com/hashicorp/terraform-plugin-framework"

// moduleVersion returns the version of a module this package is built with: from
// the build information when it lists dependencies, which test binaries do not,
// and otherwise from the go command, which reads the same go.mod.
func moduleVersion(module string) (string, error) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == module {
				if dep.Replace != nil {
					return dep.Replace.Version, nil
				}
				return dep.Version, nil
			}
		}
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{with .Replace}}{{.Version}}{{else}}{{.Version}}{{end}}", module).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// customString is a custom string type, which could carry semantic equality.
type customString struct{ basetypes.StringType }

func TestLeanSchemaProblem(t *testing.T) {
	plain := map[string]schema.Attribute{
		"id":    schema.StringAttribute{Computed: true},
		"count": schema.Int64Attribute{Optional: true},
		"tags":  schema.SetAttribute{ElementType: types.StringType, Optional: true},
	}
	with := func(name string, a schema.Attribute) map[string]schema.Attribute {
		out := map[string]schema.Attribute{name: a}
		for k, v := range plain {
			out[k] = v
		}
		return out
	}
	nested := func(a schema.Attribute) schema.Attribute {
		return schema.SetNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{"party": a},
		}}
	}
	for _, tc := range []struct {
		name   string
		schema schema.Schema
		want   string // a part of the problem; "" for none
	}{
		{"plain", schema.Schema{Attributes: plain}, ""},
		{"nested plain", schema.Schema{Attributes: with("assignments", nested(schema.StringAttribute{Required: true}))}, ""},
		{"block", schema.Schema{Attributes: plain, Blocks: map[string]schema.Block{"item": schema.ListNestedBlock{}}}, "blocks"},
		// PlanResourceChange checks that the state holds a top-level string or bool default.
		{"string default", schema.Schema{Attributes: with("kind", schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString("vendor"),
		})}, ""},
		{"int default", schema.Schema{Attributes: with("rank", schema.Int64Attribute{
			Optional: true, Computed: true, Default: int64default.StaticInt64(1),
		})}, `"rank" has a default`},
		{"custom type", schema.Schema{Attributes: with("at", schema.StringAttribute{Optional: true, CustomType: customString{}})}, `"at" has a custom type`},
		{"custom element type", schema.Schema{Attributes: with("ats", schema.SetAttribute{Optional: true, ElementType: customString{}})}, `"ats" has a custom type`},
		{"write-only", schema.Schema{Attributes: with("secret", schema.StringAttribute{Optional: true, WriteOnly: true})}, `"secret" is write-only`},
		{"nested default", schema.Schema{Attributes: with("assignments", nested(schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString("x"),
		}))}, `"assignments.party" has a default`},
		{"unknown kind", schema.Schema{Attributes: with("list", schema.ListAttribute{Optional: true, ElementType: types.StringType})}, `"list" is a schema.ListAttribute`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := leanSchemaProblem(tc.schema)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("leanSchemaProblem = %q, want %q", got, tc.want)
			}
		})
	}
}

// The lean paths answer exactly what the framework answers: a refresh of rows that
// are unchanged, changed or deleted on the server, edited in the state or just
// imported; and the plan of unchanged and changed rows.
func TestLeanServer_answersAsTheFramework(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t)
	put := func(row *raci.Responsibility) *raci.Responsibility {
		t.Helper()
		stored, _, err := srv.API.PutResponsibility(ctx, row, raci.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	if _, _, err := srv.API.PutTenant(ctx, &raci.Tenant{Name: "initech", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"subscriber", "auth0"} {
		if _, _, err := srv.API.PutParty(ctx, &raci.Party{Tenant: "initech", Name: p, Kind: raci.ThirdParty}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	row := func(key, title string) *raci.Responsibility {
		return &raci.Responsibility{Tenant: "initech", Key: key, Title: title, Category: "Integration", Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{"C"}},
			{Party: "auth0", Roles: []raci.Role{"I"}, When: "in the event that there are issues"},
			{Party: "subscriber", Roles: []raci.Role{"A", "R"}, Holder: "subscriber's infrastructure engineer"},
		}}
	}
	unchanged := put(row("unchanged", "Code Integration"))
	before := put(row("changed", "Backing Up"))
	put(row("changed", "Backing Up, nightly"))
	gone := put(row("gone", "Monitoring"))
	if err := srv.API.DeleteResponsibility(ctx, "initech", "gone", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	edited := responsibilityModelFrom(unchanged)
	edited.Title = types.StringValue("Edited in the state file")
	imported := responsibilityModel{
		ID: types.StringNull(), Tenant: types.StringValue("initech"), Key: types.StringValue("unchanged"),
		Title: types.StringNull(), Category: types.StringNull(), Description: types.StringNull(), Notes: types.StringNull(),
		Assignments: types.SetNull(assignmentType), Version: types.Int64Null(),
	}

	lean := configuredServer(t, newLeanServer(), srv)
	framework := configuredServer(t, providerserver.NewProtocol6(New("test", testStores)())(), srv)
	_, leanRow, err := leanResourceOf(ctx, newResponsibilityResource)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ReadResource", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			state     responsibilityModel
			wantTitle string // "" when the row is gone from the state
			wantWarn  string
		}{
			{"unchanged", responsibilityModelFrom(unchanged), "Code Integration", ""},
			{"changed on the server", responsibilityModelFrom(before), "Backing Up, nightly", "Changed Outside Terraform"},
			{"deleted on the server", responsibilityModelFrom(gone), "", "Deleted Outside Terraform"},
			{"edited in the state", edited, "Code Integration", ""},
			{"imported", imported, "Code Integration", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := func() *tfprotov6.ReadResourceRequest {
					return &tfprotov6.ReadResourceRequest{TypeName: "raci_responsibility", CurrentState: encodeState(t, leanRow, tc.state)}
				}
				got, err := lean.ReadResource(ctx, req())
				if err != nil {
					t.Fatal(err)
				}
				want, err := framework.ReadResource(ctx, req())
				if err != nil {
					t.Fatal(err)
				}
				gotState, wantState := decodeState(t, leanRow, got.NewState), decodeState(t, leanRow, want.NewState)
				if !gotState.Equal(wantState) {
					t.Errorf("new state:\nlean      %s\nframework %s", gotState, wantState)
				}
				sameDiagnostics(t, got.Diagnostics, want.Diagnostics)
				if len(got.Private) != len(want.Private) || got.Deferred != want.Deferred {
					t.Errorf("private %q deferred %v, framework: %q %v", got.Private, got.Deferred, want.Private, want.Deferred)
				}

				// What the user sees: the server's row, or none.
				switch title := attribute(t, gotState, "title"); {
				case tc.wantTitle == "" && !gotState.IsNull():
					t.Errorf("refreshed state %s, want none: the row is gone", gotState)
				case tc.wantTitle != "" && !title.Equal(tftypes.NewValue(tftypes.String, tc.wantTitle)):
					t.Errorf("refreshed title = %s, want %q", title, tc.wantTitle)
				}
				if tc.wantWarn != "" && (len(got.Diagnostics) != 1 || got.Diagnostics[0].Summary != tc.wantWarn) {
					t.Errorf("diagnostics %v, want the warning %q", got.Diagnostics, tc.wantWarn)
				}
			})
		}
	})

	t.Run("PlanResourceChange", func(t *testing.T) {
		changedTitle := responsibilityModelFrom(unchanged)
		changedTitle.Title = types.StringValue("Code Integration into Applications")
		for _, tc := range []struct {
			name          string
			prior, config responsibilityModel
			wantVersion   bool // the planned version is known: nothing changes
		}{
			{"unchanged", responsibilityModelFrom(unchanged), responsibilityModelFrom(unchanged), true},
			{"title changed", responsibilityModelFrom(unchanged), changedTitle, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				config := tc.config
				config.ID, config.Version = types.StringNull(), types.Int64Null()
				proposed := tc.config
				proposed.ID, proposed.Version = tc.prior.ID, tc.prior.Version
				req := func() *tfprotov6.PlanResourceChangeRequest {
					return &tfprotov6.PlanResourceChangeRequest{
						TypeName:         "raci_responsibility",
						PriorState:       encodeState(t, leanRow, tc.prior),
						ProposedNewState: encodeState(t, leanRow, proposed),
						Config:           encodeState(t, leanRow, config),
					}
				}
				got, err := lean.PlanResourceChange(ctx, req())
				if err != nil {
					t.Fatal(err)
				}
				want, err := framework.PlanResourceChange(ctx, req())
				if err != nil {
					t.Fatal(err)
				}
				gotPlan, wantPlan := decodeState(t, leanRow, got.PlannedState), decodeState(t, leanRow, want.PlannedState)
				if !gotPlan.Equal(wantPlan) {
					t.Errorf("planned state:\nlean      %s\nframework %s", gotPlan, wantPlan)
				}
				if len(got.RequiresReplace) != len(want.RequiresReplace) || len(got.PlannedPrivate) != len(want.PlannedPrivate) {
					t.Errorf("requires replace %v, private %q; framework: %v, %q", got.RequiresReplace, got.PlannedPrivate, want.RequiresReplace, want.PlannedPrivate)
				}
				sameDiagnostics(t, got.Diagnostics, want.Diagnostics)
				if known := attribute(t, gotPlan, "version").IsKnown(); known != tc.wantVersion {
					t.Errorf("planned version known = %v, want %v", known, tc.wantVersion)
				}
			})
		}
	})
}

// newLeanServer returns the server with the lean paths, whatever RACI_PROVIDER_LEAN
// says: the tests that compare it with the framework must not compare the framework
// with itself.
func newLeanServer() *protocolServer {
	return newProtocolServer(context.Background(), newProvider("test", testStores))
}

// configuredServer configures a provider server for team mode against srv.
func configuredServer(t testing.TB, s tfprotov6.ProviderServer, srv *testServer) tfprotov6.ProviderServer {
	t.Helper()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"endpoint": tftypes.String, "token": tftypes.String, "database": tftypes.String,
	}}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, srv.URL),
		"token":    tftypes.NewValue(tftypes.String, testToken),
		"database": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.0", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("configure: %s: %s", d.Summary, d.Detail)
	}
	return s
}

func encodeState(t *testing.T, lean *leanResource, m responsibilityModel) *tfprotov6.DynamicValue {
	t.Helper()
	state := tfsdk.State{Schema: lean.schema, Raw: tftypes.NewValue(lean.typ, nil)}
	if diags := state.Set(context.Background(), m); diags.HasError() {
		t.Fatalf("state: %v", diags)
	}
	v, err := tfprotov6.NewDynamicValue(lean.typ, state.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

func decodeState(t *testing.T, lean *leanResource, v *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	if v == nil {
		t.Fatal("no state in the response")
	}
	out, err := v.Unmarshal(lean.typ)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// attribute returns a top-level attribute of an object value, null when the object
// is.
func attribute(t *testing.T, v tftypes.Value, name string) tftypes.Value {
	t.Helper()
	if v.IsNull() {
		return tftypes.NewValue(tftypes.String, nil)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs[name]
}

func sameDiagnostics(t *testing.T, got, want []*tfprotov6.Diagnostic) {
	t.Helper()
	if len(got) != len(want) {
		summaries := func(ds []*tfprotov6.Diagnostic) []string {
			var out []string
			for _, d := range ds {
				out = append(out, fmt.Sprintf("%v %q: %q", d.Severity, d.Summary, d.Detail))
			}
			return out
		}
		t.Errorf("%d diagnostics, the framework %d:\nlean      %q\nframework %q", len(got), len(want), summaries(got), summaries(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Severity != w.Severity || g.Summary != w.Summary || g.Detail != w.Detail || g.Attribute.String() != w.Attribute.String() {
			t.Errorf("diagnostic %d:\nlean      %v %q %q %v\nframework %v %q %q %v", i,
				g.Severity, g.Summary, g.Detail, g.Attribute, w.Severity, w.Summary, w.Detail, w.Attribute)
		}
	}
}

// BenchmarkLeanPlanUnchanged measures the plan of an unchanged row: the lean path,
// whose cost is mostly the check that the state holds every default (decoding it),
// against the framework's plan of the same row.
func BenchmarkLeanPlanUnchanged(b *testing.B) {
	ctx := context.Background()
	srv := startServer(b)
	_, lean, err := leanResourceOf(ctx, newResponsibilityResource)
	if err != nil {
		b.Fatal(err)
	}
	row := responsibilityModelFrom(&raci.Responsibility{Tenant: "initech", Key: "code-integration", Title: "Code Integration",
		Category: "Integration", Notes: "The subscriber is responsible for Auth0 code integration.", Version: 3,
		Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{"C"}},
			{Party: "auth0", Roles: []raci.Role{"I"}, When: "in the event that there are issues"},
			{Party: "subscriber", Roles: []raci.Role{"R", "A"}, Holder: "subscriber's infrastructure engineer"},
		}})
	state := tfsdk.State{Schema: lean.schema, Raw: tftypes.NewValue(lean.typ, nil)}
	if diags := state.Set(ctx, row); diags.HasError() {
		b.Fatalf("state: %v", diags)
	}
	encoded, err := tfprotov6.NewDynamicValue(lean.typ, state.Raw)
	if err != nil {
		b.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		b.Fatal(err)
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, nil)
	attrs["version"] = tftypes.NewValue(tftypes.Number, nil)
	config, err := tfprotov6.NewDynamicValue(lean.typ, tftypes.NewValue(lean.typ, attrs))
	if err != nil {
		b.Fatal(err)
	}
	req := func() *tfprotov6.PlanResourceChangeRequest {
		return &tfprotov6.PlanResourceChangeRequest{TypeName: "raci_responsibility", PriorState: &encoded, ProposedNewState: &encoded, Config: &config}
	}
	b.Run("holdsDefaults", func(b *testing.B) {
		for range b.N {
			if !holdsDefaults(lean, &encoded) {
				b.Fatal("the row holds its defaults")
			}
		}
	})
	for name, s := range map[string]tfprotov6.ProviderServer{
		"lean":      configuredServer(b, newLeanServer(), srv),
		"framework": configuredServer(b, providerserver.NewProtocol6(New("test", testStores)())(), srv),
	} {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				if _, err := s.PlanResourceChange(ctx, req()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
