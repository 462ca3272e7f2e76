package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ resource.ResourceWithConfigure   = (*tenantResource)(nil)
	_ resource.ResourceWithImportState = (*tenantResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*tenantResource)(nil)
)

func newTenantResource() resource.Resource { return &tenantResource{} }

// tenantResource manages one customer's installation.
type tenantResource struct {
	svc raci.Service
}

type tenantModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	DisplayName     types.String `tfsdk:"display_name"`
	Customer        types.String `tfsdk:"customer"`
	DeploymentModel types.String `tfsdk:"deployment_model"`
	Environments    types.Set    `tfsdk:"environments"`
	Labels          types.Map    `tfsdk:"labels"`
	Scheme          types.String `tfsdk:"scheme"`
	Description     types.String `tfsdk:"description"`
	Source          types.Object `tfsdk:"source"`
	Version         types.Int64  `tfsdk:"version"`
}

type tenantSourceModel struct {
	Title    types.String `tfsdk:"title"`
	URL      types.String `tfsdk:"url"`
	Revision types.String `tfsdk:"revision"`
}

var tenantSourceType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"title":    types.StringType,
	"url":      types.StringType,
	"revision": types.StringType,
}}

func (r *tenantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (r *tenantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A tenant is one customer's installation: a private or dedicated SaaS deployment whose " +
			"responsibility matrix the provider manages. Parties and responsibilities live inside a tenant.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The tenant's name, also its import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Unique name of the tenant: " + raci.SlugRule + ". Changing it replaces the tenant.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Name of the installation for people, e.g. `Initech production`.",
				Optional:            true,
				Validators:          textValidators(raci.MaxNameLength),
			},
			"customer": schema.StringAttribute{
				MarkdownDescription: "The customer the installation is run for.",
				Optional:            true,
				Validators:          textValidators(raci.MaxNameLength),
			},
			"deployment_model": schema.StringAttribute{
				MarkdownDescription: "How the installation is run: " + quotedValues(raci.DeploymentModels) + ".",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(stringValues(raci.DeploymentModels)...)},
			},
			"environments": schema.SetAttribute{
				MarkdownDescription: "The installation's environments, e.g. `development` and `production`; each " + raci.SlugRule + ".",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators: []validator.Set{
					setvalidator.SizeAtMost(raci.MaxEnvironments),
					setvalidator.ValueStringsAre(slugValidators()...),
				},
			},
			"labels": schema.MapAttribute{
				MarkdownDescription: "Free-form labels, e.g. `region = \"eu-west-1\"`.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(raci.MaxLabels),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, raci.MaxLabelKeyLength), textCharacters{}),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(raci.MaxLabelValueLength), textCharacters{}),
				},
			},
			"scheme": schema.StringAttribute{
				MarkdownDescription: "The letters the tenant's rows use: `RACI` (Responsible, Accountable, Consulted, Informed), " +
					"`RASCI` (adds Supportive) or `DACI` (Driver instead of Responsible). Defaults to `RACI`. " +
					"The server refuses a change that would make an existing row break the new scheme's rules.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(string(raci.DefaultScheme)),
				Validators: []validator.String{stringvalidator.OneOf(stringValues(raci.Schemes)...)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text about the installation or its contract.",
				Optional:            true,
				Validators:          linesValidators(raci.MaxTextLength),
			},
			"source": schema.SingleNestedAttribute{
				MarkdownDescription: "The document the tenant's matrix comes from, e.g. the responsibilities matrix of the " +
					"contract. Set at least one of its attributes, or leave `source` out.",
				Optional:   true,
				Validators: []validator.Object{sourceNamesSomething{}},
				Attributes: map[string]schema.Attribute{
					"title": schema.StringAttribute{
						MarkdownDescription: "The document's title.",
						Optional:            true,
						Validators:          textValidators(raci.MaxNameLength),
					},
					"url": schema.StringAttribute{
						MarkdownDescription: "Where the document is published: an absolute `http` or `https` URL.",
						Optional:            true,
						Validators:          append(textValidators(raci.MaxURLLength), sourceURL{}),
					},
					"revision": schema.StringAttribute{
						MarkdownDescription: "The document's revision or date, e.g. `2024-03`.",
						Optional:            true,
						Validators:          textValidators(raci.MaxNameLength),
					},
				},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the tenant, incremented by every write. Updates send it " +
					"so that a change made since the plan fails the apply instead of being overwritten.",
				Computed: true,
			},
		},
	}
}

func (r *tenantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.svc = configureResource(req, resp)
}

// ModifyPlan records the scheme the plan gives the tenant in the plan registry, so
// that rows planned after it are checked against that scheme rather than the one
// the server holds now: a plan may change the scheme to RASCI and use S at once.
func (r *tenantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.svc == nil || req.Plan.Raw.IsNull() {
		return
	}
	var name, scheme types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("scheme"), &scheme)...)
	if resp.Diagnostics.HasError() || name.IsUnknown() || scheme.IsUnknown() || scheme.IsNull() {
		return
	}
	plansOf(r.svc).planScheme(name.ValueString(), raci.Scheme(scheme.ValueString()))
}

func (r *tenantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tenantModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := r.svc.PutTenant(ctx, t, raci.Precondition{IfNoneMatch: true})
	if err != nil {
		addServiceError(&resp.Diagnostics, "create", tenantWhat(t.Name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, tenantModelFrom(stored))...)
}

func (r *tenantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state tenantModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	witness := changeWitness{resourceType: "raci_tenant", id: name, tenant: name, object: raci.TenantObject()}
	t, err := r.svc.FindTenant(ctx, name)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		tflog.Debug(ctx, "tenant is gone from the server; removing it from state", map[string]any{"tenant": name})
		warnDeleted(ctx, r.svc, &resp.Diagnostics, witness)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "read", tenantWhat(name), err)
		return
	}
	warnChanged(ctx, r.svc, &resp.Diagnostics, witness, state.Version.ValueInt64(), t.Version)
	resp.Diagnostics.Append(setState(ctx, &resp.State, tenantModelFrom(t))...)
}

func (r *tenantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state tenantModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := r.svc.PutTenant(ctx, t, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil {
		addServiceError(&resp.Diagnostics, "update", tenantWhat(t.Name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, tenantModelFrom(stored))...)
}

func (r *tenantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tenantModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.svc.DeleteTenant(ctx, state.Name.ValueString(), raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil && raci.ErrorCode(err) != raci.ENOTFOUND {
		addServiceError(&resp.Diagnostics, "delete", tenantWhat(state.Name.ValueString()), err)
	}
}

func (r *tenantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := splitImportID(req.ID, "<name>", "initech", &resp.Diagnostics)
	if parts == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), parts[0])...)
}

func tenantWhat(name string) string { return fmt.Sprintf("tenant %q", name) }

// toDomain maps the Terraform model to the domain's tenant.
func (m tenantModel) toDomain(ctx context.Context, diags *diag.Diagnostics) *raci.Tenant {
	labels := map[string]string{}
	if !m.Labels.IsNull() && !m.Labels.IsUnknown() {
		diags.Append(m.Labels.ElementsAs(ctx, &labels, false)...)
	}
	return &raci.Tenant{
		Name:            m.Name.ValueString(),
		DisplayName:     m.DisplayName.ValueString(),
		Customer:        m.Customer.ValueString(),
		DeploymentModel: raci.DeploymentModel(m.DeploymentModel.ValueString()),
		Environments:    setStrings(ctx, m.Environments, diags),
		Labels:          labels,
		Scheme:          raci.Scheme(m.Scheme.ValueString()),
		Description:     m.Description.ValueString(),
		Source:          sourceToDomain(ctx, m.Source, diags),
	}
}

// tenantModelFrom maps what the server holds to the Terraform model.
func tenantModelFrom(t *raci.Tenant) tenantModel {
	labels := make(map[string]attr.Value, len(t.Labels))
	for k, v := range t.Labels {
		labels[k] = types.StringValue(v)
	}
	return tenantModel{
		ID:              types.StringValue(t.Name),
		Name:            types.StringValue(t.Name),
		DisplayName:     optionalString(t.DisplayName),
		Customer:        optionalString(t.Customer),
		DeploymentModel: types.StringValue(string(t.DeploymentModel)),
		Environments:    stringSet(t.Environments),
		Labels:          types.MapValueMust(types.StringType, labels),
		Scheme:          types.StringValue(string(t.Scheme)),
		Description:     optionalString(t.Description),
		Source:          sourceFrom(t.Source),
		Version:         types.Int64Value(t.Version),
	}
}

func sourceToDomain(ctx context.Context, o types.Object, diags *diag.Diagnostics) *raci.Source {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var m tenantSourceModel
	diags.Append(getObject(ctx, o, &m)...)
	return &raci.Source{Title: m.Title.ValueString(), URL: m.URL.ValueString(), Revision: m.Revision.ValueString()}
}

// sourceFrom maps the server's source; a tenant without one has a null source, the
// value of an omitted attribute, and each unset field is null for the same reason.
func sourceFrom(s *raci.Source) types.Object {
	if s.IsZero() {
		return types.ObjectNull(tenantSourceType.AttrTypes)
	}
	return types.ObjectValueMust(tenantSourceType.AttrTypes, map[string]attr.Value{
		"title":    optionalString(s.Title),
		"url":      optionalString(s.URL),
		"revision": optionalString(s.Revision),
	})
}

// sourceURL holds a source's url to the domain's rule at plan time.
type sourceURL struct{}

var _ validator.String = sourceURL{}

func (sourceURL) Description(context.Context) string {
	return "must be an absolute http or https URL"
}

func (v sourceURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (sourceURL) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := raci.SourceURLProblem(req.ConfigValue.ValueString()); problem != "" {
		// Terraform points at the whole block for an attribute inside an object,
		// so the detail names the attribute.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Source URL", req.Path.String()+": "+problem)
	}
}

// sourceNamesSomething refuses a source with no attribute set: the server holds it
// as no source, so it would read back as null and never match the configuration.
type sourceNamesSomething struct{}

var _ validator.Object = sourceNamesSomething{}

func (sourceNamesSomething) Description(context.Context) string {
	return "must set at least one of title, url and revision"
}

func (v sourceNamesSomething) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (sourceNamesSomething) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, v := range req.ConfigValue.Attributes() {
		if !v.IsNull() {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty Source",
		"The source sets none of title, url and revision: set at least one of them, or remove source.")
}

func stringValues[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func quotedValues[T ~string](values []T) string {
	out := ""
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			out += " or "
		default:
			out += ", "
		}
		out += "`" + string(v) + "`"
	}
	return out
}
