package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every resource and data source converts its model to and from Terraform values
// with getModel and setModel, and the models of nested objects (a checklist's
// items) with getObject and objectValue. A model is a struct with one field per
// attribute, tagged `tfsdk:"<attribute>"` and of the attribute's value type
// (types.String, types.Set, ...). The framework's Get and Set do the same, but
// match the fields to the attributes again on every call, reflecting over each
// tag; with thousands of rows in a plan that cost more than the rest of Read. Here
// the match is made once per model type and checked against the schema then, and
// each conversion goes by field index. Unlike Get and Set, the conversions leave
// out the standard types' own checks (a set's elements distinct, an Int64
// integral), as the hand-written conversion of rows did: Terraform has checked the
// values it sends, and the provider builds its own from objects the server has
// accepted.

// modelSchema is what the conversions need of a resource's, data source's or
// provider's schema: the type of its values.
type modelSchema interface {
	Type() attr.Type
}

// resourceSchema is the schema of the resource type, built only when a model
// type is first matched to it: for conversions that are not handed a schema.
type resourceSchema func() resource.Resource

func (r resourceSchema) Type() attr.Type {
	var resp resource.SchemaResponse
	r().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return resp.Schema.Type()
}

// modelType is a model struct type matched to its schema.
type modelType struct {
	typ    tftypes.Type // the schema's object type, as values carry it
	fields []modelField
}

// modelField is a field of a model and the attribute it holds.
type modelField struct {
	index     int // in the struct
	name      string
	attrType  attr.Type
	typ       tftypes.Type
	valueType reflect.Type // the field's, which is the attribute's value type
}

// modelTypes holds the modelType of each model struct type (reflect.Type) that has
// been converted. A model struct type belongs to one schema.
var modelTypes sync.Map

var (
	attrValueType   = reflect.TypeFor[attr.Value]()
	validateableTyp = reflect.TypeFor[xattr.ValidateableAttribute]()
)

// modelTypeOf returns the model struct type t matched to the type of its schema's
// values, matching it on first use.
func modelTypeOf(ctx context.Context, t reflect.Type, schemaType func() attr.Type) (*modelType, error) {
	if known, ok := modelTypes.Load(t); ok {
		if mt, ok := known.(*modelType); ok {
			return mt, nil
		}
	}
	m, err := matchModel(ctx, t, schemaType())
	if err != nil {
		return nil, err
	}
	if known, loaded := modelTypes.LoadOrStore(t, m); loaded {
		if mt, ok := known.(*modelType); ok {
			return mt, nil
		}
	}
	return m, nil
}

// matchModel matches the fields of the model struct type t to the attributes of
// the schema's type, by their tags, and checks that each field has the value type
// of its attribute and every attribute has a field.
func matchModel(ctx context.Context, t reflect.Type, schemaType attr.Type) (*modelType, error) {
	object, ok := schemaType.(attr.TypeWithAttributeTypes)
	if !ok || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("cannot hold a value of %s in %s: a model is a struct and its schema an object", schemaType, t)
	}
	attrTypes := object.AttributeTypes()
	m := &modelType{typ: schemaType.TerraformType(ctx)}
	matched := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, tagged := f.Tag.Lookup("tfsdk")
		switch {
		case name == "-":
			continue
		case !tagged:
			return nil, fmt.Errorf("field %s of %s has no tfsdk tag naming its attribute", f.Name, t)
		case !f.IsExported() || f.Anonymous:
			return nil, fmt.Errorf("field %s of %s must be exported and named to hold attribute %q", f.Name, t, name)
		case matched[name]:
			return nil, fmt.Errorf("field %s of %s holds attribute %q, which another field holds", f.Name, t, name)
		}
		attrType, ok := attrTypes[name]
		if !ok || attrType == nil {
			return nil, fmt.Errorf("field %s of %s is tagged %q, which is not an attribute of the schema", f.Name, t, name)
		}
		want := reflect.TypeOf(attrType.ValueType(ctx))
		if f.Type != want {
			return nil, fmt.Errorf("field %s of %s is a %s, but attribute %q of the schema takes a %s", f.Name, t, f.Type, name, want)
		}
		// setModel reads a field through its address, which saves boxing its value;
		// custom value types that validate themselves are left to the framework.
		if !reflect.PointerTo(f.Type).Implements(attrValueType) || f.Type.Implements(validateableTyp) {
			return nil, fmt.Errorf("field %s of %s: the model conversion does not handle values of %s", f.Name, t, f.Type)
		}
		matched[name] = true
		m.fields = append(m.fields, modelField{index: i, name: name, attrType: attrType, typ: attrType.TerraformType(ctx), valueType: f.Type})
	}
	var missing []string
	for name := range attrTypes {
		if !matched[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("attributes %q of the schema have no field in %s", missing, t)
	}
	return m, nil
}

// getModel reads raw, a configuration, plan or state value of the schema, into *m.
func getModel[M any](ctx context.Context, s modelSchema, raw tftypes.Value, m *M) diag.Diagnostics {
	if err := readModel(ctx, s, raw, reflect.ValueOf(m).Elem()); err != nil {
		return modelError("Unable to Read Terraform Value", fmt.Errorf("reading into %T: %w", *m, err))
	}
	return nil
}

func readModel(ctx context.Context, s modelSchema, raw tftypes.Value, into reflect.Value) error {
	mt, err := modelTypeOf(ctx, into.Type(), s.Type)
	if err != nil {
		return err
	}
	if !mt.typ.Equal(raw.Type()) {
		return fmt.Errorf("the value is not of the schema's type %s", mt.typ)
	}
	if !raw.IsKnown() || raw.IsNull() {
		return fmt.Errorf("the value is null or unknown as a whole")
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return err
	}
	for _, f := range mt.fields {
		v, err := f.attrType.ValueFromTerraform(ctx, attrs[f.name])
		if err != nil {
			return fmt.Errorf("attribute %q: %w", f.name, err)
		}
		into.Field(f.index).Set(reflect.ValueOf(v))
	}
	return nil
}

// setModel sets *raw, a plan or state value of the schema, to m.
func setModel[M any](ctx context.Context, s modelSchema, raw *tftypes.Value, m M) diag.Diagnostics {
	v, err := modelValue(ctx, s, reflect.ValueOf(&m).Elem())
	if err != nil {
		return modelError("Unable to Write Terraform Value", fmt.Errorf("writing %T: %w", m, err))
	}
	*raw = v
	return nil
}

// setState sets the whole of a state to m.
func setState[M any](ctx context.Context, state *tfsdk.State, m M) diag.Diagnostics {
	return setModel(ctx, state.Schema, &state.Raw, m)
}

func modelValue(ctx context.Context, s modelSchema, from reflect.Value) (tftypes.Value, error) {
	mt, err := modelTypeOf(ctx, from.Type(), s.Type)
	if err != nil {
		return tftypes.Value{}, err
	}
	attrs := make(map[string]tftypes.Value, len(mt.fields))
	for _, f := range mt.fields {
		field, ok := from.Field(f.index).Addr().Interface().(attr.Value)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("attribute %q: field %s is not an attr.Value", f.name, from.Type().Field(f.index).Name)
		}
		v, err := field.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("attribute %q: %w", f.name, err)
		}
		// The field's value carries its own type, such as a set's element type.
		if !f.typ.Equal(v.Type()) {
			return tftypes.Value{}, fmt.Errorf("attribute %q is a %s, but the schema's is a %s", f.name, v.Type(), f.typ)
		}
		attrs[f.name] = v
	}
	return tftypes.NewValue(mt.typ, attrs), nil
}

func modelError(summary string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError(summary, fmt.Sprintf("Converting between the provider's model and Terraform's value failed: %s. "+
		"This is a bug in the provider; please report this issue.", err))
	return diags
}

// getObject reads a nested object, such as an element of a list attribute, into
// *m: the same conversion for the attr.Value the object holds.
func getObject[M any](ctx context.Context, o types.Object, m *M) diag.Diagnostics {
	if err := readObject(ctx, o, reflect.ValueOf(m).Elem()); err != nil {
		return modelError("Unable to Read Terraform Value", fmt.Errorf("reading into %T: %w", *m, err))
	}
	return nil
}

func readObject(ctx context.Context, o types.Object, into reflect.Value) error {
	if o.IsNull() || o.IsUnknown() {
		return fmt.Errorf("the object is null or unknown")
	}
	mt, err := modelTypeOf(ctx, into.Type(), func() attr.Type { return o.Type(ctx) })
	if err != nil {
		return err
	}
	attrs := o.Attributes()
	if len(attrs) != len(mt.fields) {
		return fmt.Errorf("the object has %d attributes, the model %d", len(attrs), len(mt.fields))
	}
	for _, f := range mt.fields {
		v := reflect.ValueOf(attrs[f.name])
		if !v.IsValid() || v.Type() != f.valueType {
			return fmt.Errorf("attribute %q is a %T, not a %s", f.name, attrs[f.name], f.valueType)
		}
		into.Field(f.index).Set(v)
	}
	return nil
}

// objectValue is m as a nested object of type t.
func objectValue[M any](ctx context.Context, t types.ObjectType, m M) (types.Object, diag.Diagnostics) {
	from := reflect.ValueOf(&m).Elem()
	mt, err := modelTypeOf(ctx, from.Type(), func() attr.Type { return t })
	if err != nil {
		return types.ObjectUnknown(t.AttrTypes), modelError("Unable to Write Terraform Value", fmt.Errorf("writing %T: %w", m, err))
	}
	attrs := make(map[string]attr.Value, len(mt.fields))
	for _, f := range mt.fields {
		v, ok := from.Field(f.index).Interface().(attr.Value)
		if !ok {
			return types.ObjectUnknown(t.AttrTypes), modelError("Unable to Write Terraform Value",
				fmt.Errorf("writing %T: field %s is not an attr.Value", m, from.Type().Field(f.index).Name))
		}
		attrs[f.name] = v
	}
	return types.ObjectValue(t.AttrTypes, attrs)
}

// listValue is models as a list of nested objects of type t.
func listValue[M any](ctx context.Context, t types.ObjectType, models []M) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, len(models))
	for i, m := range models {
		o, d := objectValue(ctx, t, m)
		if diags.Append(d...); d.HasError() {
			return types.ListUnknown(t), diags
		}
		elems[i] = o
	}
	list, d := types.ListValue(t, elems)
	diags.Append(d...)
	return list, diags
}
