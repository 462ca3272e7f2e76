package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ resource.ResourceWithConfigure   = (*accessResource)(nil)
	_ resource.ResourceWithImportState = (*accessResource)(nil)
)

func newAccessResource() resource.Resource { return &accessResource{} }

// accessResource grants a scope on a tenant to people of the identity provider.
type accessResource struct {
	access raci.AccessService
}

type accessModel struct {
	ID     types.String `tfsdk:"id"`
	Tenant types.String `tfsdk:"tenant"`
	Name   types.String `tfsdk:"name"`
	Scope  types.String `tfsdk:"scope"`
	Groups types.Set    `tfsdk:"groups"`
	Emails types.Set    `tfsdk:"emails"`
}

func (r *accessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access"
}

func (r *accessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet := setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{}))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants a scope on a tenant to people who sign in to the RACI server's web pages with its " +
			"identity provider (`serve --oidc-issuer`): those whose ID token lists one of `groups` in its groups claim, " +
			"and those whose verified email is one of `emails`. A person's scopes are worked out from the grants on " +
			"every request, so removing a grant takes effect on their next request, on every server. Managing grants " +
			"needs write on the tenant.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<tenant>/<name>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant the grant is on. Changing it replaces the grant.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the grant inside the tenant: " + raci.SlugRule + ". The web pages show it " +
					"to say why a person may act. Changing it replaces the grant.",
				Required:      true,
				Validators:    slugValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "What the people may do on the tenant: `read` it; `checklist`, also set checklist " +
					"items' status and evidence; or `write`, also change everything else. Administrators sign in with a token.",
				Required:   true,
				Validators: []validator.String{stringvalidator.OneOf(raci.AccessRead, raci.AccessChecklist, raci.AccessWrite)},
			},
			"groups": schema.SetAttribute{
				MarkdownDescription: "Groups as the ID token's groups claim names them (`serve --oidc-groups-claim`), " +
					"e.g. `initech-infra`. With `emails`, at least one is required.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptySet,
				Validators: []validator.Set{
					setvalidator.SizeAtMost(raci.MaxAccessMembers),
					setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, raci.MaxGroupLength), textCharacters{}),
				},
			},
			"emails": schema.SetAttribute{
				MarkdownDescription: "Verified emails of people, in lower case, e.g. `peter@initech.example`. A person " +
					"whose identity provider has not verified their email is never signed in.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptySet,
				Validators: []validator.Set{
					setvalidator.SizeAtMost(raci.MaxAccessMembers),
					setvalidator.ValueStringsAre(stringvalidator.LengthBetween(3, raci.MaxEmailLength), emailAddress{}),
				},
			},
		},
	}
}

func (r *accessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report this issue.", req.ProviderData))
		return
	}
	r.access = data.access
}

// service returns the store's grants, or adds an error saying that it keeps none.
func (r *accessResource) service(diags *diag.Diagnostics) raci.AccessService {
	if r.access == nil {
		diags.AddError("Grants Not Supported", "The provider's store keeps no grants to people: raci_access needs a "+
			"RACI server (team mode) or a local database of this provider's version.")
	}
	return r.access
}

func (r *accessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.put(ctx, req.Plan.Schema, req.Plan.Raw, &resp.State, &resp.Diagnostics, "create")
}

func (r *accessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.put(ctx, req.Plan.Schema, req.Plan.Raw, &resp.State, &resp.Diagnostics, "update")
}

func (r *accessResource) put(ctx context.Context, s modelSchema, raw tftypes.Value, state *tfsdk.State, diags *diag.Diagnostics, action string) {
	as := r.service(diags)
	if as == nil {
		return
	}
	var plan accessModel
	diags.Append(getModel(ctx, s, raw, &plan)...)
	if diags.HasError() {
		return
	}
	a := &raci.Access{
		Tenant: plan.Tenant.ValueString(),
		Name:   plan.Name.ValueString(),
		Scope:  plan.Scope.ValueString(),
		Groups: setStrings(ctx, plan.Groups, diags),
		Emails: setStrings(ctx, plan.Emails, diags),
	}
	if diags.HasError() {
		return
	}
	stored, _, err := as.PutAccess(ctx, a)
	if err != nil {
		addServiceError(diags, action, accessWhat(a.Tenant, a.Name), err)
		return
	}
	diags.Append(setState(ctx, state, accessModelFrom(stored))...)
}

func (r *accessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	as := r.service(&resp.Diagnostics)
	if as == nil {
		return
	}
	var state accessModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := state.Tenant.ValueString(), state.Name.ValueString()
	a, err := as.FindAccess(ctx, tenant, name)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		tflog.Debug(ctx, "grant is gone from the server; removing it from state", map[string]any{"tenant": tenant, "access": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "read", accessWhat(tenant, name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, accessModelFrom(a))...)
}

func (r *accessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	as := r.service(&resp.Diagnostics)
	if as == nil {
		return
	}
	var state accessModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := state.Tenant.ValueString(), state.Name.ValueString()
	if err := as.DeleteAccess(ctx, tenant, name); err != nil && raci.ErrorCode(err) != raci.ENOTFOUND {
		addServiceError(&resp.Diagnostics, "delete", accessWhat(tenant, name), err)
	}
}

func (r *accessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := splitImportID(req.ID, "<tenant>/<name>", "initech/infra", &resp.Diagnostics)
	if parts == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), parts[1])...)
}

// emailAddress holds an email of a grant to what the server stores: one address,
// in lower case, trimmed; anything else would read back differently and make
// Terraform report an inconsistent result.
type emailAddress struct{}

var _ validator.String = emailAddress{}

func (emailAddress) Description(context.Context) string {
	return "must be one email address, in lower case, without a display name"
}

func (v emailAddress) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (emailAddress) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	e := req.ConfigValue.ValueString()
	probe := raci.Access{Tenant: "t", Name: "n", Scope: raci.AccessRead, Emails: []string{e}}
	if err := probe.Validate(); err != nil {
		for _, p := range raci.ErrorProblems(err) {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Email", p.Detail)
		}
		return
	}
	if norm := raci.NormalizeEmail(e); norm != e {
		resp.Diagnostics.AddAttributeError(req.Path, "Email Not in Lower Case",
			fmt.Sprintf("Email %q is stored as %q, and people are matched in lower case: write it as %q.", e, norm, norm))
	}
}

func accessWhat(tenant, name string) string { return fmt.Sprintf("access %q", tenant+"/"+name) }

// accessModelFrom maps what the server holds to the Terraform model.
func accessModelFrom(a *raci.Access) accessModel {
	return accessModel{
		ID:     types.StringValue(a.Tenant + "/" + a.Name),
		Tenant: types.StringValue(a.Tenant),
		Name:   types.StringValue(a.Name),
		Scope:  types.StringValue(a.Scope),
		Groups: stringSet(a.Groups),
		Emails: stringSet(a.Emails),
	}
}
