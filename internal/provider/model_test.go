package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Every resource's and data source's model converts as the framework's Get and Set
// would: the same model from a value, the same value from a model. The values are
// made from the schema, so a new attribute is covered as soon as it is added.
func TestModels_convertAsTheFramework(t *testing.T) {
	converts := map[string]func(*testing.T, tfsdk.State){
		"raci_tenant":                convertsAsTheFramework[tenantModel],
		"raci_party":                 convertsAsTheFramework[partyModel],
		"raci_responsibility":        convertsAsTheFramework[responsibilityModel],
		"raci_checklist":             convertsAsTheFramework[checklistModel],
		"raci_access":                convertsAsTheFramework[accessModel],
		"raci_webhook":               convertsAsTheFramework[webhookModel],
		"data.raci_readiness":        convertsAsTheFramework[readinessModel],
		"data.raci_matrix":           convertsAsTheFramework[matrixModel],
		"data.raci_responsibilities": convertsAsTheFramework[responsibilitiesModel],
		"data.raci_tenant":           convertsAsTheFramework[tenantDataSourceModel],
		"data.raci_party":            convertsAsTheFramework[partyDataSourceModel],
	}
	schemas := providerSchemas(t)
	for name, state := range schemas {
		check, ok := converts[name]
		if !ok {
			t.Errorf("%s: no model listed here to check its conversion", name)
			continue
		}
		t.Run(name, func(t *testing.T) { check(t, state) })
	}
}

// providerSchemas returns an empty state of each resource's and data source's
// schema, by type name; data sources' names start with "data.".
func providerSchemas(t *testing.T) map[string]tfsdk.State {
	t.Helper()
	ctx := context.Background()
	p := &raciProvider{}
	schemas := map[string]tfsdk.State{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		var sch resource.SchemaResponse
		if r.Schema(ctx, resource.SchemaRequest{}, &sch); sch.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, sch.Diagnostics)
		}
		schemas[meta.TypeName] = tfsdk.State{Schema: sch.Schema}
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		var sch datasource.SchemaResponse
		if d.Schema(ctx, datasource.SchemaRequest{}, &sch); sch.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, sch.Diagnostics)
		}
		schemas["data."+meta.TypeName] = tfsdk.State{Schema: sch.Schema}
	}
	return schemas
}

// The types of nested objects that the mapping functions build values of are the
// schema's: a value of another type would fail at apply or read time.
func TestModels_nestedTypesAreTheSchemas(t *testing.T) {
	ctx := context.Background()
	schemas := providerSchemas(t)
	for _, c := range []struct {
		schema, attribute string
		typ               attr.Type
	}{
		{"raci_responsibility", "assignments", types.SetType{ElemType: assignmentType}},
		{"raci_checklist", "items", types.MapType{ElemType: checklistItemType}},
		{"raci_checklist", "progress", types.MapType{ElemType: itemProgressType}},
		{"data.raci_matrix", "violations", types.ListType{ElemType: violationType}},
		{"data.raci_readiness", "blocking", types.ListType{ElemType: blockerType}},
		{"data.raci_responsibilities", "responsibilities", types.ListType{ElemType: responsibilityEntryType}},
	} {
		got, diags := schemas[c.schema].Schema.TypeAtPath(ctx, path.Root(c.attribute))
		if diags.HasError() || !c.typ.Equal(got) {
			t.Errorf("%s.%s: the provider builds %s, the schema's is %s (%v)", c.schema, c.attribute, c.typ, got, diags)
		}
	}
}

// convertsAsTheFramework checks M against the schema of empty with a full value, an
// imported one (every attribute null), a planned one (every attribute unknown) and
// one with unknowns inside its collections.
func convertsAsTheFramework[M any](t *testing.T, empty tfsdk.State) {
	ctx := context.Background()
	typ := empty.Schema.Type().TerraformType(ctx)
	for _, kind := range []sampleKind{sampleFull, sampleNull, sampleUnknown, sampleUnknownInside} {
		t.Run(kind.String(), func(t *testing.T) {
			raw := sampleValue(typ, kind, 0, new(int))
			var viaGet M
			if diags := (tfsdk.State{Schema: empty.Schema, Raw: raw}).Get(ctx, &viaGet); diags.HasError() {
				t.Fatalf("the framework's Get: %v", diags)
			}
			var got M
			if diags := getModel(ctx, empty.Schema, raw, &got); diags.HasError() || !reflect.DeepEqual(got, viaGet) {
				t.Fatalf("getModel gives %+v (%v), the framework's Get %+v", got, diags, viaGet)
			}

			viaSet := tfsdk.State{Schema: empty.Schema, Raw: tftypes.NewValue(typ, nil)}
			if diags := viaSet.Set(ctx, got); diags.HasError() {
				t.Fatalf("the framework's Set: %v", diags)
			}
			back := tftypes.NewValue(typ, nil)
			if diags := setModel(ctx, empty.Schema, &back, got); diags.HasError() || !back.Equal(viaSet.Raw) || !back.Equal(raw) {
				t.Fatalf("setModel gives %s (%v), the framework's Set %s, from %s", back, diags, viaSet.Raw, raw)
			}
		})
	}
}

// The nested objects with models of their own (a checklist's items and their
// waivers) convert as the framework's As and ObjectValueFrom would, and their
// types are the schema's.
func TestNestedModels_convertAsTheFramework(t *testing.T) {
	ctx := context.Background()
	items, _ := providerSchemas(t)["raci_checklist"].Schema.TypeAtPath(ctx, path.Root("items"))
	item, _ := items.(types.MapType).ElemType.(types.ObjectType)
	if waiver := item.AttrTypes["waiver"]; !waiver.Equal(waiverType) {
		t.Fatalf("waiverType is %s, the schema's waiver is %s", waiverType, waiver)
	}
	t.Run("item", func(t *testing.T) { objectConvertsAsTheFramework[checklistItemModel](t, checklistItemType) })
	t.Run("progress", func(t *testing.T) { objectConvertsAsTheFramework[itemProgressModel](t, itemProgressType) })
	t.Run("waiver", func(t *testing.T) { objectConvertsAsTheFramework[waiverModel](t, waiverType) })
}

func objectConvertsAsTheFramework[M any](t *testing.T, typ types.ObjectType) {
	ctx := context.Background()
	var models []M
	for _, kind := range []sampleKind{sampleFull, sampleNull, sampleUnknown, sampleUnknownInside} {
		t.Run(kind.String(), func(t *testing.T) {
			v, err := typ.ValueFromTerraform(ctx, sampleValue(typ.TerraformType(ctx), kind, 0, new(int)))
			if err != nil {
				t.Fatal(err)
			}
			o, ok := v.(types.Object)
			if !ok {
				t.Fatalf("%T is not an object", v)
			}
			var viaAs M
			if diags := o.As(ctx, &viaAs, basetypes.ObjectAsOptions{}); diags.HasError() {
				t.Fatalf("the framework's As: %v", diags)
			}
			var got M
			if diags := getObject(ctx, o, &got); diags.HasError() || !reflect.DeepEqual(got, viaAs) {
				t.Fatalf("getObject gives %+v (%v), the framework's As %+v", got, diags, viaAs)
			}
			viaFrom, diags := types.ObjectValueFrom(ctx, typ.AttrTypes, got)
			if diags.HasError() {
				t.Fatalf("the framework's ObjectValueFrom: %v", diags)
			}
			back, diags := objectValue(ctx, typ, got)
			if diags.HasError() || !back.Equal(viaFrom) || !back.Equal(o) {
				t.Fatalf("objectValue gives %s (%v), the framework's ObjectValueFrom %s, from %s", back, diags, viaFrom, o)
			}
			models = append(models, got)
		})
	}
	list, diags := listValue(ctx, typ, models)
	viaFrom, fromDiags := types.ListValueFrom(ctx, typ, models)
	if diags.HasError() || fromDiags.HasError() || !list.Equal(viaFrom) {
		t.Errorf("listValue gives %s (%v), the framework's ListValueFrom %s (%v)", list, diags, viaFrom, fromDiags)
	}
}

type sampleKind int

const (
	sampleFull          sampleKind = iota // every attribute set, collections of two
	sampleNull                            // every attribute null, as after import
	sampleUnknown                         // every attribute unknown
	sampleUnknownInside                   // every value known but the primitives inside collections
)

func (k sampleKind) String() string {
	return [...]string{"full", "null", "unknown", "unknown inside"}[k]
}

// sampleValue makes a value of typ of the given kind; depth is how many
// collections it is inside. Primitives differ from one another, so that set
// elements stay distinct: count numbers them.
func sampleValue(typ tftypes.Type, kind sampleKind, depth int, count *int) tftypes.Value {
	switch {
	case depth == 1 && kind == sampleNull:
		return tftypes.NewValue(typ, nil)
	case depth == 1 && kind == sampleUnknown:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	*count++
	n := *count
	switch typ := typ.(type) {
	case tftypes.Object:
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			next := depth
			if depth == 0 {
				next = 1
			}
			attrs[name] = sampleValue(at, kind, next, count)
		}
		return tftypes.NewValue(typ, attrs)
	case tftypes.Set:
		return tftypes.NewValue(typ, []tftypes.Value{sampleValue(typ.ElementType, kind, depth+1, count), sampleValue(typ.ElementType, kind, depth+1, count)})
	case tftypes.List:
		return tftypes.NewValue(typ, []tftypes.Value{sampleValue(typ.ElementType, kind, depth+1, count), sampleValue(typ.ElementType, kind, depth+1, count)})
	case tftypes.Map:
		return tftypes.NewValue(typ, map[string]tftypes.Value{
			"a": sampleValue(typ.ElementType, kind, depth+1, count), "b": sampleValue(typ.ElementType, kind, depth+1, count)})
	}
	if kind == sampleUnknownInside && depth > 1 {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, fmt.Sprintf("s%d", n))
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, big.NewFloat(float64(n)))
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, n%2 == 0)
	}
	panic(fmt.Sprintf("sampleValue: no sample of %s", typ))
}

// A model whose fields do not fit its schema is an error that names the field or
// attribute, in both directions, rather than a wrong value or a panic.
func TestModels_mismatchNamesTheField(t *testing.T) {
	ctx := context.Background()
	sch := schema.Schema{Attributes: map[string]schema.Attribute{
		"title":   schema.StringAttribute{Required: true},
		"version": schema.Int64Attribute{Computed: true},
	}}
	raw := tftypes.NewValue(sch.Type().TerraformType(ctx), map[string]tftypes.Value{
		"title":   tftypes.NewValue(tftypes.String, "Backing Up"),
		"version": tftypes.NewValue(tftypes.Number, 3),
	})
	type misspelt struct {
		Title   types.String `tfsdk:"titel"`
		Version types.Int64  `tfsdk:"version"`
	}
	type wrongType struct {
		Title   types.String `tfsdk:"title"`
		Version types.String `tfsdk:"version"`
	}
	type missing struct {
		Title types.String `tfsdk:"title"`
	}
	type untagged struct {
		Title   types.String `tfsdk:"title"`
		Version types.Int64
	}
	for _, c := range []struct {
		name  string
		get   func() diag.Diagnostics
		set   func() diag.Diagnostics
		names []string
	}{
		{"misspelt tag", getAndSet[misspelt](ctx, sch, raw), setOnly[misspelt](ctx, sch), []string{"field Title", `"titel"`}},
		{"wrong type", getAndSet[wrongType](ctx, sch, raw), setOnly[wrongType](ctx, sch), []string{"field Version", `"version"`, "basetypes.Int64Value"}},
		{"attribute without a field", getAndSet[missing](ctx, sch, raw), setOnly[missing](ctx, sch), []string{`"version"`}},
		{"field without a tag", getAndSet[untagged](ctx, sch, raw), setOnly[untagged](ctx, sch), []string{"field Version", "no tfsdk tag"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for direction, diags := range map[string]diag.Diagnostics{"get": c.get(), "set": c.set()} {
				if !diags.HasError() {
					t.Fatalf("%s: no error", direction)
				}
				for _, want := range c.names {
					if detail := diags[0].Detail(); !strings.Contains(detail, want) {
						t.Errorf("%s: %q does not say %s", direction, detail, want)
					}
				}
			}
		})
	}

	// A value of another schema's type is an error too.
	type fits struct {
		Title   types.String `tfsdk:"title"`
		Version types.Int64  `tfsdk:"version"`
	}
	other := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"title": tftypes.String}},
		map[string]tftypes.Value{"title": tftypes.NewValue(tftypes.String, "x")})
	var m fits
	if diags := getModel(ctx, sch, other, &m); !diags.HasError() {
		t.Errorf("a value of another type reads as %+v", m)
	}
	if diags := getModel(ctx, sch, raw, &m); diags.HasError() || m.Title.ValueString() != "Backing Up" || m.Version.ValueInt64() != 3 {
		t.Errorf("getModel gives %+v (%v)", m, diags)
	}
	// A set's elements carry their type, which must be the schema's.
	if _, diags := getResponsibility(ctx, other); !diags.HasError() {
		t.Errorf("getResponsibility reads a value of another type")
	}
	var diags diag.Diagnostics
	wrongElements := responsibilityModel{Assignments: types.SetValueMust(types.StringType, nil)}
	if setResponsibility(ctx, &other, wrongElements, &diags); !diags.HasError() || !strings.Contains(diags[0].Detail(), `"assignments"`) {
		t.Errorf("a set of strings for assignments gives %v", diags)
	}
}

func getAndSet[M any](ctx context.Context, sch schema.Schema, raw tftypes.Value) func() diag.Diagnostics {
	return func() diag.Diagnostics {
		var m M
		return getModel(ctx, sch, raw, &m)
	}
}

func setOnly[M any](ctx context.Context, sch schema.Schema) func() diag.Diagnostics {
	return func() diag.Diagnostics {
		var raw tftypes.Value
		var m M
		return setModel(ctx, sch, &raw, m)
	}
}

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
