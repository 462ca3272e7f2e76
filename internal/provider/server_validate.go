package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ValidateResourceConfig answers for a lean resource type's configuration when it
// finds nothing to say about it; whatever it finds, the framework says, in its own
// words. Terraform validates every instance's configuration on every plan. The
// framework first walks the whole value for collection blocks, which a lean schema
// has none of, then looks every attribute up again from the root; this descends the
// value once and runs the same checks and validators on the same inputs: the
// resource's Configure, ConfigValidators and ValidateConfig, then per attribute the
// required and read-only rules, the deprecation warning and the validators, nested
// objects included. TestLeanServer_answersAsTheFramework holds it to the framework.
func (s *protocolServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	lean := s.lean[req.TypeName]
	if lean == nil || lean.schema.DeprecationMessage != "" || req.Config == nil || req.Config.MsgPack == nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	raw, err := req.Config.Unmarshal(lean.typ)
	if err != nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	value, err := lean.valueType.ValueFromTerraform(ctx, raw)
	object, ok := value.(basetypes.ObjectValue)
	if err != nil || !ok || object.IsNull() || object.IsUnknown() {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}

	v := configValidation{ctx: ctx, config: tfsdk.Config{Schema: lean.schema, Raw: raw}}
	if req.ClientCapabilities != nil {
		v.capabilities.WriteOnlyAttributesAllowed = req.ClientCapabilities.WriteOnlyAttributesAllowed
	}
	v.resource(lean.newResource(), s.provider.configured.Load())
	values := object.Attributes()
	for name, a := range lean.schema.Attributes {
		if v.found() {
			break
		}
		v.attribute(a, values[name], path.Root(name), path.MatchRoot(name))
	}
	if v.found() {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// configValidation is one lean validation of a configuration. It stops at the first
// thing it finds: the framework then validates the configuration over again and
// reports it all.
type configValidation struct {
	ctx          context.Context
	config       tfsdk.Config
	capabilities validator.ValidateSchemaClientCapabilities
	diags        diag.Diagnostics
	problem      bool // a rule of the framework's own is broken
}

func (v *configValidation) found() bool { return v.problem || len(v.diags) > 0 }

// resource runs what the resource itself checks, configured as the framework would:
// with the provider's data once ConfigureProvider has run, with none before.
func (v *configValidation) resource(r resource.Resource, data *providerData) {
	if withConfigure, ok := r.(resource.ResourceWithConfigure); ok {
		req := resource.ConfigureRequest{}
		if data != nil {
			req.ProviderData = data
		}
		var resp resource.ConfigureResponse
		withConfigure.Configure(v.ctx, req, &resp)
		if v.diags.Append(resp.Diagnostics...); v.found() {
			return
		}
	}
	req := resource.ValidateConfigRequest{Config: v.config}
	req.ClientCapabilities.WriteOnlyAttributesAllowed = v.capabilities.WriteOnlyAttributesAllowed
	if withValidators, ok := r.(resource.ResourceWithConfigValidators); ok {
		for _, cv := range withValidators.ConfigValidators(v.ctx) {
			var resp resource.ValidateConfigResponse
			cv.ValidateResource(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	}
	if withValidate, ok := r.(resource.ResourceWithValidateConfig); ok {
		var resp resource.ValidateConfigResponse
		withValidate.ValidateConfig(v.ctx, req, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
}

// attribute checks one attribute's value at p, matched by e, and what it nests. The
// lean schema (leanAttributesProblem) has only these attribute types, all of the
// framework's standard value types.
func (v *configValidation) attribute(a schema.Attribute, value attr.Value, p path.Path, e path.Expression) {
	if value == nil {
		v.problem = true
		return
	}
	null, unknown := value.IsNull(), value.IsUnknown()
	switch {
	case !a.IsRequired() && !a.IsOptional() && !a.IsComputed(),
		a.IsComputed() && !a.IsOptional() && !null,
		a.IsRequired() && null,
		a.GetDeprecationMessage() != "" && !null && !unknown:
		v.problem = true
		return
	}

	switch a := a.(type) {
	case schema.StringAttribute:
		s, ok := value.(basetypes.StringValue)
		if !ok {
			v.problem = true
			return
		}
		req := validator.StringRequest{Config: v.config, ConfigValue: s, Path: p, PathExpression: e, ClientCapabilities: v.capabilities}
		for _, sv := range a.Validators {
			var resp validator.StringResponse
			sv.ValidateString(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	case schema.Int64Attribute:
		n, ok := value.(basetypes.Int64Value)
		if !ok {
			v.problem = true
			return
		}
		req := validator.Int64Request{Config: v.config, ConfigValue: n, Path: p, PathExpression: e, ClientCapabilities: v.capabilities}
		for _, iv := range a.Validators {
			var resp validator.Int64Response
			iv.ValidateInt64(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	case schema.BoolAttribute:
		b, ok := value.(basetypes.BoolValue)
		if !ok {
			v.problem = true
			return
		}
		req := validator.BoolRequest{Config: v.config, ConfigValue: b, Path: p, PathExpression: e, ClientCapabilities: v.capabilities}
		for _, bv := range a.Validators {
			var resp validator.BoolResponse
			bv.ValidateBool(v.ctx, req, &resp)
			v.diags.Append(resp.Diagnostics...)
		}
	case schema.SetAttribute:
		v.set(a.Validators, value, p, e)
	case schema.SetNestedAttribute:
		set, ok := v.set(a.Validators, value, p, e)
		if !ok {
			return
		}
		for _, element := range set.Elements() {
			if v.found() {
				return
			}
			v.nestedObject(a.NestedObject, element, p.AtSetValue(element), e.AtSetValue(element))
		}
	default:
		v.problem = true
	}
}

// set runs a set attribute's validators and returns its value.
func (v *configValidation) set(validators []validator.Set, value attr.Value, p path.Path, e path.Expression) (basetypes.SetValue, bool) {
	set, ok := value.(basetypes.SetValue)
	if !ok {
		v.problem = true
		return set, false
	}
	req := validator.SetRequest{Config: v.config, ConfigValue: set, Path: p, PathExpression: e, ClientCapabilities: v.capabilities}
	for _, sv := range validators {
		var resp validator.SetResponse
		sv.ValidateSet(v.ctx, req, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
	return set, true
}

// nestedObject checks one element of a nested attribute: the object's validators,
// then each of its attributes.
func (v *configValidation) nestedObject(o schema.NestedAttributeObject, value attr.Value, p path.Path, e path.Expression) {
	object, ok := value.(basetypes.ObjectValue)
	if !ok {
		v.problem = true
		return
	}
	req := validator.ObjectRequest{Config: v.config, ConfigValue: object, Path: p, PathExpression: e, ClientCapabilities: v.capabilities}
	for _, ov := range o.Validators {
		var resp validator.ObjectResponse
		ov.ValidateObject(v.ctx, req, &resp)
		v.diags.Append(resp.Diagnostics...)
	}
	values := object.Attributes()
	for name, a := range o.Attributes {
		if v.found() {
			return
		}
		v.attribute(a, values[name], p.AtName(name), e.AtName(name))
	}
}
