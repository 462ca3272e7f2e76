package provider

import (
	"context"
	"fmt"
	"slices"

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
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ resource.ResourceWithConfigure   = (*partyResource)(nil)
	_ resource.ResourceWithImportState = (*partyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*partyResource)(nil)
)

func newPartyResource() resource.Resource { return &partyResource{} }

// partyResource manages a column of a tenant's matrix.
type partyResource struct {
	svc raci.Service
}

type partyModel struct {
	ID          types.String `tfsdk:"id"`
	Tenant      types.String `tfsdk:"tenant"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	Kind        types.String `tfsdk:"kind"`
	Contacts    types.Set    `tfsdk:"contacts"`
	Version     types.Int64  `tfsdk:"version"`
}

func (r *partyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_party"
}

func (r *partyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A party is a column of a tenant's responsibility matrix: the vendor, the customer, " +
			"or a third party. Responsibilities assign letters to parties by name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<tenant>/<name>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant the party belongs to. Changing it replaces the party.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the party inside the tenant: " + raci.SlugRule + ". Changing it renames the party " +
					"in place, with every row and checklist item that names it, in one transaction; rows that refer to it " +
					"as `raci_party.<name>.name` follow in the same apply. The new name must not be another party's.",
				Required:   true,
				Validators: slugValidators(),
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Name of the party for people, e.g. `Auth0`; rendered matrices use it as the column heading.",
				Optional:            true,
				Validators:          textValidators(raci.MaxNameLength),
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "Which side of the contract the party is on: " + quotedValues(raci.PartyKinds) + ".",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(stringValues(raci.PartyKinds)...)},
			},
			"contacts": schema.SetAttribute{
				MarkdownDescription: "How to reach the party: e-mail addresses or channels, e.g. `#ops-initech`.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators: []validator.Set{
					setvalidator.SizeAtMost(raci.MaxContacts),
					setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, raci.MaxContactLength), textCharacters{}),
				},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the party, incremented by every write.",
				Computed:            true,
			},
		},
	}
}

func (r *partyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.svc = configureResource(req, resp)
}

// ModifyPlan records in the plan registry what the plan does to the party (creates
// it, renames it), so that rows planned after it know; on a rename it plans the
// new id, and warns when the new name is already taken on the server.
func (r *partyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.svc == nil || req.Plan.Raw.IsNull() {
		return
	}
	var plan partyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() || plan.Tenant.IsUnknown() || plan.Name.IsUnknown() {
		return
	}
	plans := plansOf(r.svc)
	tenant, name := plan.Tenant.ValueString(), plan.Name.ValueString()
	if req.State.Raw.IsNull() {
		plans.planParty(tenant, name)
		return
	}
	var state partyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	from := state.Name.ValueString()
	if state.Tenant.ValueString() != tenant {
		// Another tenant replaces the party: it is created there.
		plans.planParty(tenant, name)
		return
	}
	if from == name {
		return
	}
	plans.planRename(tenant, from, name)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), tenant+"/"+name)...)
	if _, err := r.svc.FindParty(ctx, tenant, name); err == nil {
		resp.Diagnostics.AddAttributeWarning(path.Root("name"), "Party Name Taken",
			fmt.Sprintf("Tenant %q already has a party named %q, so renaming %q to it fails at apply, unless this plan "+
				"deletes or renames that party first. Choose another name, or remove the other party in an earlier apply.", tenant, name, from))
	}
}

func (r *partyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan partyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := r.svc.PutParty(ctx, p, raci.Precondition{IfNoneMatch: true})
	if err != nil {
		addServiceError(&resp.Diagnostics, "create", partyWhat(p.Tenant, p.Name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, partyModelFrom(stored))...)
}

func (r *partyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state partyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := state.Tenant.ValueString(), state.Name.ValueString()
	witness := changeWitness{resourceType: "raci_party", id: tenant + "/" + name, tenant: tenant, object: raci.PartyObject(name)}
	p, err := r.svc.FindParty(ctx, tenant, name)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		tflog.Debug(ctx, "party is gone from the server; removing it from state", map[string]any{"tenant": tenant, "party": name})
		if !warnRenamed(ctx, r.svc, &resp.Diagnostics, witness, name) {
			warnDeleted(ctx, r.svc, &resp.Diagnostics, witness)
		}
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "read", partyWhat(tenant, name), err)
		return
	}
	warnChanged(ctx, r.svc, &resp.Diagnostics, witness, state.Version.ValueInt64(), p.Version)
	resp.Diagnostics.Append(setState(ctx, &resp.State, partyModelFrom(p))...)
}

func (r *partyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state partyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	version := state.Version.ValueInt64()
	if from := state.Name.ValueString(); from != p.Name {
		renamed, err := r.rename(ctx, p.Tenant, from, p.Name, version)
		if err != nil {
			addServiceError(&resp.Diagnostics, "rename", partyWhat(p.Tenant, from), err)
			return
		}
		// The party is renamed: save that now, so that a failure of what follows
		// leaves a state that names the party as the server does.
		resp.Diagnostics.Append(setState(ctx, &resp.State, partyModelFrom(renamed))...)
		if sameParty(renamed, p) {
			return
		}
		version = renamed.Version
	}
	stored, _, err := r.svc.PutParty(ctx, p, raci.Precondition{IfMatch: version})
	if err != nil {
		addServiceError(&resp.Diagnostics, "update", partyWhat(p.Tenant, p.Name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, partyModelFrom(stored))...)
}

// rename renames the party on the server and records in the plan registry the
// version each row and checklist that named it had before and has after, so that
// their own updates, planned against the version before, go through (see
// planRegistry.rewrittenVersion). The rename gives each of them exactly the next
// version; one changed by anyone else meanwhile does not match and still fails as
// changed since plan.
func (r *partyResource) rename(ctx context.Context, tenant, from, to string, version int64) (*raci.Party, error) {
	var rewritten []objectVersion
	if snap, err := raci.ReadSnapshot(ctx, r.svc, tenant); err == nil {
		rewritten = namingObjects(snap, from)
	}
	renamed, err := r.svc.RenameParty(ctx, tenant, from, to, raci.Precondition{IfMatch: version})
	if err != nil {
		return nil, err
	}
	plans := plansOf(r.svc)
	for _, o := range rewritten {
		plans.recordRewrite(tenant, o.object, o.version, o.version+1)
	}
	return renamed, nil
}

// objectVersion names an object of a tenant ("responsibility/backup") and the
// version it was read at.
type objectVersion struct {
	object  string
	version int64
}

// namingObjects returns the rows and checklists of the snapshot that name the
// party, which a rename of it rewrites.
func namingObjects(snap *raci.Snapshot, party string) []objectVersion {
	var out []objectVersion
	for _, row := range snap.Responsibilities {
		if slices.ContainsFunc(row.Assignments, func(a raci.Assignment) bool { return a.Party == party }) {
			out = append(out, objectVersion{raci.ResponsibilityObject(row.Key), row.Version})
		}
	}
	for _, c := range snap.Checklists {
		if slices.ContainsFunc(c.Items, func(it raci.ChecklistItem) bool {
			return it.Owner == party || it.Waiver != nil && it.Waiver.ApprovedBy == party
		}) {
			out = append(out, objectVersion{raci.ChecklistObject(c.Key), c.Version})
		}
	}
	return out
}

// sameParty reports whether the stored party already holds what p asks for.
func sameParty(stored, p *raci.Party) bool {
	want := p.Clone()
	want.Normalize()
	return stored.DisplayName == want.DisplayName && stored.Kind == want.Kind && slices.Equal(stored.Contacts, want.Contacts)
}

func (r *partyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state partyModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := state.Tenant.ValueString(), state.Name.ValueString()
	err := r.svc.DeleteParty(ctx, tenant, name, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil && raci.ErrorCode(err) != raci.ENOTFOUND {
		addServiceError(&resp.Diagnostics, "delete", partyWhat(tenant, name), err)
	}
}

func (r *partyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := splitImportID(req.ID, "<tenant>/<name>", "initech/auth0", &resp.Diagnostics)
	if parts == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), parts[1])...)
}

func partyWhat(tenant, name string) string { return fmt.Sprintf("party %q", tenant+"/"+name) }

// toDomain maps the Terraform model to the domain's party.
func (m partyModel) toDomain(ctx context.Context, diags *diag.Diagnostics) *raci.Party {
	return &raci.Party{
		Tenant:      m.Tenant.ValueString(),
		Name:        m.Name.ValueString(),
		DisplayName: m.DisplayName.ValueString(),
		Kind:        raci.PartyKind(m.Kind.ValueString()),
		Contacts:    setStrings(ctx, m.Contacts, diags),
	}
}

// partyModelFrom maps what the server holds to the Terraform model.
func partyModelFrom(p *raci.Party) partyModel {
	return partyModel{
		ID:          types.StringValue(p.Tenant + "/" + p.Name),
		Tenant:      types.StringValue(p.Tenant),
		Name:        types.StringValue(p.Name),
		DisplayName: optionalString(p.DisplayName),
		Kind:        types.StringValue(string(p.Kind)),
		Contacts:    stringSet(p.Contacts),
		Version:     types.Int64Value(p.Version),
	}
}
