package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// BenchmarkResponsibilityConversion converts a row with three assignments from a
// state value to the model and back, as Read does for every row of a plan, and the
// same through the framework's reflective Get and Set for comparison.
func BenchmarkResponsibilityConversion(b *testing.B) {
	ctx := context.Background()
	var sch resource.SchemaResponse
	newResponsibilityResource().Schema(ctx, resource.SchemaRequest{}, &sch)
	row := responsibilityModelFrom(&raci.Responsibility{
		Tenant: "initech", Key: "backing-up", Title: "Backing Up", Category: "Operations", Notes: "nightly", Version: 3,
		Assignments: []raci.Assignment{
			{Party: "vendor", Roles: []raci.Role{"A", "R"}, Holder: "operations engineer"},
			{Party: "customer", Roles: []raci.Role{"C"}},
			{Party: "customer", Roles: []raci.Role{"I"}, When: "in the event that there are issues"},
		},
	})
	state := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, row); diags.HasError() {
		b.Fatal(diags)
	}

	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, diags := getResponsibility(ctx, state.Raw); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
	b.Run("set", func(b *testing.B) {
		b.ReportAllocs()
		out := state.Raw
		for b.Loop() {
			var diags diag.Diagnostics
			if setResponsibility(ctx, &out, row, &diags); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
	b.Run("framework-get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m responsibilityModel
			if diags := state.Get(ctx, &m); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
	b.Run("framework-set", func(b *testing.B) {
		b.ReportAllocs()
		out := state
		for b.Loop() {
			if diags := out.Set(ctx, row); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
}
