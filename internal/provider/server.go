package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform asks the provider, for every resource in the state on every plan, to
// refresh it (ReadResource) and plan it (PlanResourceChange), whether or not anything
// about it changed. For each of those calls the framework walks the whole value
// several times in generic passes (semantic equality, collection blocks, write-only
// attributes, defaults, every attribute's plan modifiers) that change nothing for a
// schema without custom types, blocks, write-only attributes or defaults; in a large
// plan those passes and their garbage are most of the provider's CPU time. So the
// server Terraform talks to is the framework's, except for the resource types that a
// configuration holds by the thousand, whose two calls it answers itself in the
// cases where the framework's answer is known:
//
//   - ReadResource decodes the state, calls the resource's own Configure and Read, as
//     the framework does, and encodes what Read set: the passes it leaves out have
//     nothing to do for such a schema (leanSchemaProblem checks that it is one).
//   - PlanResourceChange of a resource whose proposed new state is the prior state,
//     byte for byte, answers that state as the plan: the framework would plan the
//     same, as long as the resource's plan modifiers and ModifyPlan leave an
//     unchanged resource as it is (the ones listed in leanResources do), and every
//     attribute with a default holds its default in that state. A default is the
//     plan's value wherever the configuration leaves the attribute out, while
//     Terraform proposes the prior value there; so a state holding anything else
//     goes to the framework, which knows whether the configuration sets it.
//
// Any other call, or one of these carrying private state or identity data, goes to
// the framework. TestLeanServer_answersAsTheFramework and the differential fuzz
// target FuzzLeanServer hold both paths to the framework's answers, for the
// framework version in leanFrameworkVersion; RACI_PROVIDER_LEAN=0 turns them off.

// leanFrameworkVersion is the terraform-plugin-framework version whose ReadResource
// and PlanResourceChange the lean paths were checked against. A new version may do
// more in them, which the lean paths would silently leave out:
// TestLeanPaths_checkedAgainstThisFramework fails until someone checks again.
const leanFrameworkVersion = "v1.19.0"

// EnvLean is the environment variable that switches the lean paths above off:
// RACI_PROVIDER_LEAN=0 (or false) serves the framework as it is, for ruling the lean
// paths out when a plan or refresh looks wrong. Unset or true, they are on.
const EnvLean = "RACI_PROVIDER_LEAN"

// NewServer returns a constructor of the provider's protocol 6 server, for
// tf6server.Serve: the framework's server with the lean paths above, unless EnvLean
// switches them off. Each server reads EnvLean once, when it is built, so that the
// variable reaches the acceptance tests' in-process providers as it reaches the
// process Terraform starts.
func NewServer(version string, stores Stores) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := newProvider(version, stores)
		if !leanSwitchedOn(os.Getenv(EnvLean)) {
			return providerserver.NewProtocol6(p)()
		}
		return newProtocolServer(context.Background(), p)
	}
}

// NewServerWithError is NewServer in the form the acceptance tests' provider
// factories take.
func NewServerWithError(version string, stores Stores) func() (tfprotov6.ProviderServer, error) {
	newServer := NewServer(version, stores)
	return func() (tfprotov6.ProviderServer, error) { return newServer(), nil }
}

// leanSwitchedOn reads EnvLean's value: on when empty or true. A value that is
// neither true nor false switches them off too, since the variable is there to get
// out of the lean paths.
func leanSwitchedOn(value string) bool {
	value = strings.TrimSpace(value)
	if value == "" {
		return true
	}
	on, err := strconv.ParseBool(value)
	return err == nil && on
}

// leanResources are the resource types whose unchanged instances the server plans
// and refreshes itself: the rows, of which a configuration has thousands.
func leanResources() []func() resource.Resource {
	return []func() resource.Resource{newResponsibilityResource}
}

// protocolServer is the framework's server with lean paths for some resource types.
type protocolServer struct {
	tfprotov6.ProviderServer // the framework's
	provider                 *raciProvider
	lean                     map[string]*leanResource // by resource type name
}

// leanResource is what the lean paths need of a resource type.
type leanResource struct {
	newResource func() resource.Resource
	schema      schema.Schema
	typ         tftypes.Type // the schema's, as the protocol encodes it
	// defaults are the top-level attributes with a default, by name, each with its
	// default value.
	defaults map[string]tftypes.Value
}

func newProtocolServer(ctx context.Context, p *raciProvider) *protocolServer {
	s := &protocolServer{
		ProviderServer: providerserver.NewProtocol6(p)(),
		provider:       p,
		lean:           map[string]*leanResource{},
	}
	for _, newResource := range leanResources() {
		name, lean, err := leanResourceOf(ctx, newResource)
		if err != nil {
			// The framework serves it, correctly if more slowly;
			// TestLeanResources_qualify fails on it.
			continue
		}
		s.lean[name] = lean
	}
	return s
}

// leanResourceOf returns the resource type's name and what the lean paths need of
// it, or why they cannot serve it.
func leanResourceOf(ctx context.Context, newResource func() resource.Resource) (string, *leanResource, error) {
	r := newResource()
	var meta resource.MetadataResponse
	r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	if sch.Diagnostics.HasError() {
		return meta.TypeName, nil, fmt.Errorf("%s: its schema has errors: %v", meta.TypeName, sch.Diagnostics)
	}
	if _, ok := r.(resource.ResourceWithIdentity); ok {
		return meta.TypeName, nil, fmt.Errorf("%s has an identity, which the lean paths do not carry", meta.TypeName)
	}
	if problem := leanSchemaProblem(sch.Schema); problem != "" {
		return meta.TypeName, nil, fmt.Errorf("%s: %s", meta.TypeName, problem)
	}
	defaults, err := leanDefaults(ctx, sch.Schema)
	if err != nil {
		return meta.TypeName, nil, fmt.Errorf("%s: %w", meta.TypeName, err)
	}
	return meta.TypeName, &leanResource{
		newResource: newResource,
		schema:      sch.Schema,
		typ:         sch.Schema.Type().TerraformType(ctx),
		defaults:    defaults,
	}, nil
}

// leanDefaults returns the default value of each top-level string or bool attribute
// that has one, by name.
func leanDefaults(ctx context.Context, s schema.Schema) (map[string]tftypes.Value, error) {
	out := map[string]tftypes.Value{}
	for name, a := range s.Attributes {
		var (
			v     attr.Value
			diags diag.Diagnostics
		)
		switch a := a.(type) {
		case schema.StringAttribute:
			if a.Default == nil {
				continue
			}
			var resp defaults.StringResponse
			a.Default.DefaultString(ctx, defaults.StringRequest{Path: path.Root(name)}, &resp)
			v, diags = resp.PlanValue, resp.Diagnostics
		case schema.BoolAttribute:
			if a.Default == nil {
				continue
			}
			var resp defaults.BoolResponse
			a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: path.Root(name)}, &resp)
			v, diags = resp.PlanValue, resp.Diagnostics
		default:
			continue
		}
		if diags.HasError() {
			return nil, fmt.Errorf("the default of %q: %v", name, diags)
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return nil, fmt.Errorf("the default of %q: %w", name, err)
		}
		out[name] = tv
	}
	return out, nil
}

// leanSchemaProblem says what in the schema needs one of the framework's passes that
// the lean paths leave out, or "" when nothing does: blocks, custom types (which may
// have semantic equality), write-only attributes, and defaults other than those of
// top-level string and bool attributes (which PlanResourceChange checks).
func leanSchemaProblem(s schema.Schema) string {
	if len(s.Blocks) > 0 {
		return "it has blocks"
	}
	return leanAttributesProblem(s.Attributes, "")
}

func leanAttributesProblem(attributes map[string]schema.Attribute, prefix string) string {
	topLevel := prefix == ""
	for name, a := range attributes {
		name = prefix + name
		var custom, hasDefault bool
		switch a := a.(type) {
		case schema.StringAttribute:
			custom, hasDefault = a.CustomType != nil, a.Default != nil && !topLevel
		case schema.Int64Attribute:
			custom, hasDefault = a.CustomType != nil, a.Default != nil
		case schema.BoolAttribute:
			custom, hasDefault = a.CustomType != nil, a.Default != nil && !topLevel
		case schema.SetAttribute:
			custom, hasDefault = a.CustomType != nil || !standardType(a.ElementType), a.Default != nil
		case schema.SetNestedAttribute:
			custom, hasDefault = a.CustomType != nil || a.NestedObject.CustomType != nil, a.Default != nil
			if problem := leanAttributesProblem(a.NestedObject.Attributes, name+"."); problem != "" {
				return problem
			}
		default:
			return fmt.Sprintf("attribute %q is a %T, which the lean paths do not know", name, a)
		}
		switch {
		case custom:
			return fmt.Sprintf("attribute %q has a custom type", name)
		case hasDefault:
			return fmt.Sprintf("attribute %q has a default", name)
		case a.IsWriteOnly():
			return fmt.Sprintf("attribute %q is write-only", name)
		}
	}
	return ""
}

// standardType reports whether t is one of the framework's own primitive types,
// which have no semantic equality.
func standardType(t attr.Type) bool {
	switch t.(type) {
	case basetypes.StringType, basetypes.Int64Type, basetypes.BoolType:
		return true
	}
	return false
}

// ReadResource refreshes a lean resource type's instance with the resource's own
// Read, leaving out the framework's passes that have nothing to do for it.
func (s *protocolServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	lean := s.lean[req.TypeName]
	data := s.provider.configured.Load()
	if lean == nil || data == nil || req.CurrentState == nil || req.CurrentState.MsgPack == nil ||
		len(req.Private) > 0 || req.CurrentIdentity != nil {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	current, err := req.CurrentState.Unmarshal(lean.typ)
	if err != nil || current.IsNull() {
		// The framework says what is wrong with it.
		return s.ProviderServer.ReadResource(ctx, req)
	}

	r := lean.newResource()
	if withConfigure, ok := r.(resource.ResourceWithConfigure); ok {
		var resp resource.ConfigureResponse
		withConfigure.Configure(ctx, resource.ConfigureRequest{ProviderData: data}, &resp)
		if resp.Diagnostics.HasError() {
			return &tfprotov6.ReadResourceResponse{Diagnostics: protocolDiagnostics(ctx, resp.Diagnostics)}, nil
		}
	}
	readReq := resource.ReadRequest{State: tfsdk.State{Schema: lean.schema, Raw: current}}
	if req.ClientCapabilities != nil {
		readReq.ClientCapabilities.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	readResp := resource.ReadResponse{State: tfsdk.State{Schema: lean.schema, Raw: current.Copy()}}
	r.Read(ctx, readReq, &readResp)

	resp := &tfprotov6.ReadResourceResponse{Diagnostics: protocolDiagnostics(ctx, readResp.Diagnostics)}
	if readResp.Deferred != nil {
		resp.Deferred = &tfprotov6.Deferred{Reason: tfprotov6.DeferredReason(readResp.Deferred.Reason)}
	}
	newState, err := tfprotov6.NewDynamicValue(lean.typ, readResp.State.Raw)
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Unable to Encode Refreshed State",
			Detail: fmt.Sprintf("Encoding the refreshed state of %s failed: %s. This is a bug in the provider; please report this issue.",
				req.TypeName, err),
		})
		return resp, nil
	}
	resp.NewState = &newState
	return resp, nil
}

// PlanResourceChange plans an unchanged instance of a lean resource type as it is.
func (s *protocolServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	lean := s.lean[req.TypeName]
	if lean != nil && len(req.PriorPrivate) == 0 && req.PriorIdentity == nil &&
		unchanged(req.PriorState, req.ProposedNewState) && holdsDefaults(lean, req.PriorState) {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, nil
	}
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

// holdsDefaults reports whether the state holds the default of every attribute that
// has one, where the framework would plan the same value whether or not the
// configuration sets it.
func holdsDefaults(lean *leanResource, state *tfprotov6.DynamicValue) bool {
	if len(lean.defaults) == 0 {
		return true
	}
	v, err := state.Unmarshal(lean.typ)
	if err != nil {
		return false
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return false
	}
	for name, want := range lean.defaults {
		if got, ok := attrs[name]; !ok || !got.Equal(want) {
			return false
		}
	}
	return true
}

// unchanged reports whether the proposed new state is the prior state of an
// existing resource. Terraform encodes both from values of the same type, so equal
// values have equal encodings.
func unchanged(prior, proposed *tfprotov6.DynamicValue) bool {
	if prior == nil || proposed == nil || prior.MsgPack == nil || proposed.MsgPack == nil {
		return false
	}
	null, err := prior.IsNull()
	return err == nil && !null && bytes.Equal(prior.MsgPack, proposed.MsgPack)
}

// protocolDiagnostics converts the framework's diagnostics to the protocol's.
func protocolDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = protocolPath(ctx, withPath.Path())
		}
		out = append(out, pd)
	}
	return out
}

// protocolPath converts an attribute path to the protocol's; nil when a step cannot
// be, so that the diagnostic still reaches the user, if less precisely placed.
func protocolPath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	steps := p.Steps()
	if len(steps) == 0 {
		return nil
	}
	out := tftypes.NewAttributePath()
	for _, step := range steps {
		switch step := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(step))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(step))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(step))
		case path.PathStepElementKeyValue:
			v, err := step.ToTerraformValue(ctx)
			if err != nil {
				return nil
			}
			out = out.WithElementKeyValue(v)
		default:
			return nil
		}
	}
	return out
}
