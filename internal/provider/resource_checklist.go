package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ resource.ResourceWithConfigure      = (*checklistResource)(nil)
	_ resource.ResourceWithImportState    = (*checklistResource)(nil)
	_ resource.ResourceWithValidateConfig = (*checklistResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*checklistResource)(nil)
)

func newChecklistResource() resource.Resource { return &checklistResource{} }

// checklistResource manages the definition of a readiness checklist, its items
// keyed by item. What is reported on each item belongs to whoever sets it: the
// configuration where it sets status, evidence or waiver; people and automation,
// through the API, where it does not. progress shows it either way.
type checklistResource struct {
	svc raci.Service
}

type checklistModel struct {
	ID          types.String `tfsdk:"id"`
	Tenant      types.String `tfsdk:"tenant"`
	Key         types.String `tfsdk:"key"`
	Title       types.String `tfsdk:"title"`
	Description types.String `tfsdk:"description"`
	Gate        types.String `tfsdk:"gate"`
	Items       types.Map    `tfsdk:"items"`
	Progress    types.Map    `tfsdk:"progress"`
	Version     types.Int64  `tfsdk:"version"`
}

// checklistItemModel is an item as the configuration defines it. Status,
// evidence, evidence_expires and waiver are null unless the configuration manages
// them; what people report is in progress.
type checklistItemModel struct {
	Title           types.String `tfsdk:"title"`
	Owner           types.String `tfsdk:"owner"`
	Required        types.Bool   `tfsdk:"required"`
	Due             types.String `tfsdk:"due"`
	Position        types.Int64  `tfsdk:"position"`
	Status          types.String `tfsdk:"status"`
	Evidence        types.String `tfsdk:"evidence"`
	EvidenceExpires types.String `tfsdk:"evidence_expires"`
	Waiver          types.Object `tfsdk:"waiver"`
}

// itemProgressModel is where an item stands on the server, whoever set it.
type itemProgressModel struct {
	Status          types.String `tfsdk:"status"`
	Evidence        types.String `tfsdk:"evidence"`
	EvidenceExpires types.String `tfsdk:"evidence_expires"`
	Waiver          types.Object `tfsdk:"waiver"`
	UpdatedBy       types.String `tfsdk:"updated_by"`
	UpdatedAt       types.String `tfsdk:"updated_at"`
}

type waiverModel struct {
	Reason     types.String `tfsdk:"reason"`
	ApprovedBy types.String `tfsdk:"approved_by"`
	Expires    types.String `tfsdk:"expires"`
}

var waiverType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"reason":      types.StringType,
	"approved_by": types.StringType,
	"expires":     types.StringType,
}}

var checklistItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"title":            types.StringType,
	"owner":            types.StringType,
	"required":         types.BoolType,
	"due":              types.StringType,
	"position":         types.Int64Type,
	"status":           types.StringType,
	"evidence":         types.StringType,
	"evidence_expires": types.StringType,
	"waiver":           waiverType,
}}

var itemProgressType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"status":           types.StringType,
	"evidence":         types.StringType,
	"evidence_expires": types.StringType,
	"waiver":           waiverType,
	"updated_by":       types.StringType,
	"updated_at":       types.StringType,
}}

func (r *checklistResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_checklist"
}

func (r *checklistResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = checklistSchema()
}

func checklistSchema() schema.Schema {
	managed := " Set it only to have Terraform manage it: Terraform then reverts any other value people report, and " +
		"the plan shows the difference. Left out, it stays null here and belongs to people and automation using the API " +
		"or the web pages; `progress` shows what they report."
	return schema.Schema{
		Version: 1,
		MarkdownDescription: "A readiness checklist one party completes before something happens, such as the subscriber's " +
			"infrastructure checklist before the vendor deploys. Use the `raci_readiness` data source in a " +
			"`precondition` or `check` block to gate on it.\n\n" +
			"`items` is the checklist as its document defines it, keyed by item: adding, removing or moving an item " +
			"changes that item alone in the plan. What people report on each item (status, evidence, waiver, who and " +
			"when) is in `progress`, which Terraform shows but never changes; an item's `status`, `evidence` and " +
			"`waiver` are set only where the configuration takes them over. So people's ticks never show as a diff, " +
			"and `terraform plan -generate-config-out` on an imported checklist writes its definition only.\n\n" +
			"A party that owns an item or approves a waiver cannot be deleted while the checklist exists. Waivers " +
			"recorded through the API may name parties the configuration does not reference, so list those parties " +
			"in `depends_on`: Terraform then destroys the checklist before them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<tenant>/<key>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant the checklist belongs to. Changing it replaces the checklist.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Key of the checklist inside the tenant, e.g. `infrastructure`: " + raci.SlugRule + ". Changing it replaces the checklist.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Title of the checklist, e.g. `Private SaaS Infrastructure Checklist`.",
				Required:            true,
				Validators:          textValidators(raci.MaxNameLength),
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "What the checklist is for.",
				Optional:            true,
				Validators:          linesValidators(raci.MaxTextLength),
			},
			"gate": schema.StringAttribute{
				MarkdownDescription: "What the checklist gates, e.g. `deploy:production`; readiness summaries name it.",
				Optional:            true,
				Validators:          textValidators(raci.MaxGateLength),
			},
			"items": schema.MapNestedAttribute{
				MarkdownDescription: "The items, keyed by the item's key, e.g. `dns-records`: " + raci.SlugRule + ". " +
					"The web pages, the CLI, the API and readiness summaries list them by `position`, then key.",
				Required: true,
				Validators: []validator.Map{
					mapvalidator.SizeBetween(1, raci.MaxChecklistItems),
					mapvalidator.KeysAre(slugValidators()...),
				},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"title": schema.StringAttribute{
							MarkdownDescription: "What must be ready, e.g. `DNS records created`.",
							Required:            true,
							Validators:          textValidators(raci.MaxNameLength),
						},
						"owner": schema.StringAttribute{
							MarkdownDescription: "Name of the party of the tenant that must complete the item.",
							Required:            true,
							Validators:          slugValidators(),
						},
						"required": schema.BoolAttribute{
							MarkdownDescription: "Whether the item blocks readiness. Defaults to `true`; optional items are shown but never block.",
							Optional:            true,
							Computed:            true,
							Default:             booldefault.StaticBool(true),
						},
						"due": schema.StringAttribute{
							MarkdownDescription: "When the item is due, as an RFC 3339 time.",
							Optional:            true,
							Validators:          []validator.String{rfc3339{}},
						},
						"position": schema.Int64Attribute{
							MarkdownDescription: fmt.Sprintf("The item's place in its document, from 0 to %d, e.g. `1`, `2`, `3` or `10`, `20`, `30` "+
								"to leave room. Items are listed by position, then key. Defaults to `0`.", raci.MaxItemPosition),
							Optional:   true,
							Computed:   true,
							Default:    int64default.StaticInt64(0),
							Validators: []validator.Int64{int64validator.Between(0, raci.MaxItemPosition)},
						},
						"status": schema.StringAttribute{
							MarkdownDescription: "Where the item stands: " + quotedValues(raci.ItemStatuses) + "." + managed,
							Optional:            true,
							Validators:          []validator.String{stringvalidator.OneOf(stringValues(raci.ItemStatuses)...)},
						},
						"evidence": schema.StringAttribute{
							MarkdownDescription: "Evidence that the item is done: a sentence or a URL. Managed together with `evidence_expires`." + managed,
							Optional:            true,
							Validators:          linesValidators(raci.MaxEvidenceLength),
						},
						"evidence_expires": schema.StringAttribute{
							MarkdownDescription: "When the evidence stops counting, as an RFC 3339 time; a done item with expired evidence blocks readiness. " +
								"Managed together with `evidence`: setting either clears the other unless it is set too.",
							Optional:   true,
							Validators: []validator.String{rfc3339{}},
						},
						"waiver": schema.SingleNestedAttribute{
							MarkdownDescription: "Lets a `waived` item count as ready until the waiver expires." + managed,
							Optional:            true,
							Attributes: map[string]schema.Attribute{
								"reason": schema.StringAttribute{
									MarkdownDescription: "Why the item may be skipped.",
									Required:            true,
									Validators:          linesValidators(raci.MaxTextLength),
								},
								"approved_by": schema.StringAttribute{
									MarkdownDescription: "The party that approved the waiver: a party of the tenant other than the item's owner.",
									Required:            true,
									Validators:          slugValidators(),
								},
								"expires": schema.StringAttribute{
									MarkdownDescription: "When the waiver stops counting, as an RFC 3339 time. Waivers always expire.",
									Required:            true,
									Validators:          []validator.String{rfc3339{}},
								},
							},
						},
					},
				},
			},
			"progress": schema.MapNestedAttribute{
				MarkdownDescription: "What is reported on each item, keyed like `items`, as the server holds it: set by people and " +
					"automation through the API and the web pages, or by this configuration where it manages an item's status, " +
					"evidence or waiver. Refreshing shows new reports; they are never a change to plan.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"status": schema.StringAttribute{
							MarkdownDescription: "Where the item stands: " + quotedValues(raci.ItemStatuses) + ". New items start `pending`.",
							Computed:            true,
						},
						"evidence": schema.StringAttribute{
							MarkdownDescription: "Evidence that the item is done, or null.",
							Computed:            true,
						},
						"evidence_expires": schema.StringAttribute{
							MarkdownDescription: "When the evidence stops counting (RFC 3339), or null.",
							Computed:            true,
						},
						"waiver": schema.SingleNestedAttribute{
							MarkdownDescription: "The waiver that lets a `waived` item count as ready, or null.",
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"reason":      schema.StringAttribute{MarkdownDescription: "Why the item may be skipped.", Computed: true},
								"approved_by": schema.StringAttribute{MarkdownDescription: "The party that approved the waiver.", Computed: true},
								"expires":     schema.StringAttribute{MarkdownDescription: "When the waiver stops counting (RFC 3339).", Computed: true},
							},
						},
						"updated_by": schema.StringAttribute{
							MarkdownDescription: "Who last changed the item's status, evidence or waiver (the name of their API token); null until someone does.",
							Computed:            true,
						},
						"updated_at": schema.StringAttribute{
							MarkdownDescription: "When the item's status, evidence or waiver last changed (RFC 3339); null until they do.",
							Computed:            true,
						},
					},
				},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the checklist, incremented by every write, ticks included.",
				Computed:            true,
			},
		},
	}
}

func (r *checklistResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.svc = configureResource(req, resp)
}

// ValidateConfig reports, from the configuration alone, a waived item without a
// waiver where the configuration manages both, and a waiver approved by the item's
// own owner.
func (r *checklistResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() || config.Items.IsUnknown() || config.Items.IsNull() {
		return
	}
	items := mapItems(ctx, config.Items, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := checklistFromItems(ctx, config, items, &resp.Diagnostics)
	for _, p := range c.RuleProblems() {
		key, at := problemPath(c, p.Field)
		// A waived status whose waiver is left to people is judged at plan time,
		// against the waiver the server holds.
		if strings.HasSuffix(p.Field, ".waiver") && items[key].Waiver.IsNull() {
			continue
		}
		resp.Diagnostics.AddAttributeError(at, "Invalid Checklist", p.Detail)
	}
}

// ModifyPlan predicts progress: what people reported stays as the state holds it,
// a new item starts pending, and where the configuration manages a field that
// differs from what is held, the new value shows with who and when left to the
// apply. A waived status needs a waiver, from the configuration or the server.
func (r *checklistResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.Items.IsUnknown() {
		return
	}
	held := mapProgress(ctx, state.Progress, &resp.Diagnostics)
	planned := mapItems(ctx, plan.Items, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	progress := make(map[string]itemProgressModel, len(planned))
	for key, it := range planned {
		p, known := held[key]
		if !known {
			p = itemProgressModel{
				Status: types.StringValue(string(raci.Pending)), Evidence: types.StringNull(), EvidenceExpires: types.StringNull(),
				Waiver: types.ObjectNull(waiverType.AttrTypes), UpdatedBy: types.StringNull(), UpdatedAt: types.StringNull(),
			}
		}
		changed := false
		if !it.Status.IsNull() && !it.Status.Equal(p.Status) {
			p.Status, changed = it.Status, true
		}
		if !it.Evidence.IsNull() || !it.EvidenceExpires.IsNull() {
			if !it.Evidence.Equal(p.Evidence) || !sameInstant(it.EvidenceExpires, p.EvidenceExpires) {
				p.Evidence, p.EvidenceExpires, changed = it.Evidence, it.EvidenceExpires, true
			}
		}
		if !it.Waiver.IsNull() && !sameWaiver(ctx, it.Waiver, p.Waiver, &resp.Diagnostics) {
			p.Waiver, changed = it.Waiver, true
		}
		if changed {
			// The server records who and when; the apply tells.
			p.UpdatedBy, p.UpdatedAt = types.StringUnknown(), types.StringUnknown()
		}
		if p.Status.ValueString() == string(raci.Waived) && p.Waiver.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("items").AtMapKey(key).AtName("waiver"), "Invalid Checklist",
				fmt.Sprintf("Item %q is waived without a waiver, and the server holds none for it: add a waiver with a reason, "+
					"the approving party and an expiry, or choose another status.", key))
		}
		progress[key] = p
	}
	value, diags := mapValue(ctx, itemProgressType, progress)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("progress"), value)...)

	// A plan that changes nothing keeps the version: the framework marks it unknown
	// whenever the proposed state differs from the prior one in any way.
	if !req.State.Raw.IsNull() && plan.Items.Equal(state.Items) && value.Equal(state.Progress) && plan.Title.Equal(state.Title) &&
		plan.Description.Equal(state.Description) && plan.Gate.Equal(state.Gate) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version"), state.Version)...)
	}
}

func (r *checklistResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := r.svc.PutChecklist(ctx, c, raci.Precondition{IfNoneMatch: true})
	if err != nil {
		addServiceError(&resp.Diagnostics, "create", checklistWhat(c.Tenant, c.Key), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, checklistModelFrom(ctx, stored, plan, &resp.Diagnostics))...)
}

func (r *checklistResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, key := state.Tenant.ValueString(), state.Key.ValueString()
	witness := changeWitness{resourceType: "raci_checklist", id: tenant + "/" + key, tenant: tenant, object: raci.ChecklistObject(key),
		relevant: checklistDefinitionEvent}
	c, err := r.svc.FindChecklist(ctx, tenant, key)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		tflog.Debug(ctx, "checklist is gone from the server; removing it from state", map[string]any{"tenant": tenant, "key": key})
		warnDeleted(ctx, r.svc, &resp.Diagnostics, witness)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "read", checklistWhat(tenant, key), err)
		return
	}
	current := checklistModelFrom(ctx, c, state, &resp.Diagnostics)
	// Ticks are people's to make: only a change to the definition is worth a warning.
	if !state.Items.IsNull() && !sameDefinition(ctx, state, current, &resp.Diagnostics) {
		warnChanged(ctx, r.svc, &resp.Diagnostics, witness, state.Version.ValueInt64(), c.Version)
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, current)...)
}

func (r *checklistResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The version read at plan time: a tick made since then fails the apply rather
	// than making the result differ from the plan that was reviewed.
	stored, _, err := r.svc.PutChecklist(ctx, c, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if v, ok := plansOf(r.svc).rewrittenVersion(c.Tenant, raci.ChecklistObject(c.Key), state.Version.ValueInt64()); ok && raci.ErrorCode(err) == raci.EPRECONDITION {
		// A party rename applied earlier in this apply rewrote the item owners or
		// approvers, as the plan shows; nothing else changed since plan.
		stored, _, err = r.svc.PutChecklist(ctx, c, raci.Precondition{IfMatch: v})
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "update", checklistWhat(c.Tenant, c.Key), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, checklistModelFrom(ctx, stored, plan, &resp.Diagnostics))...)
}

func (r *checklistResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, key := state.Tenant.ValueString(), state.Key.ValueString()
	err := r.svc.DeleteChecklist(ctx, tenant, key, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil && raci.ErrorCode(err) != raci.ENOTFOUND {
		addServiceError(&resp.Diagnostics, "delete", checklistWhat(tenant, key), err)
	}
}

func (r *checklistResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := splitImportID(req.ID, "<tenant>/<key>", "initech/infrastructure", &resp.Diagnostics)
	if parts == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), parts[1])...)
}

func checklistWhat(tenant, key string) string { return fmt.Sprintf("checklist %q", tenant+"/"+key) }

// mapItems reads the items attribute; a null or unknown map reads as no items.
func mapItems(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]checklistItemModel {
	return mapObjects[checklistItemModel](ctx, m, diags)
}

// mapProgress reads the progress attribute; a null or unknown map reads as none.
func mapProgress(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]itemProgressModel {
	return mapObjects[itemProgressModel](ctx, m, diags)
}

func mapObjects[M any](ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]M {
	out := map[string]M{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for key, elem := range m.Elements() {
		var model M
		o, ok := elem.(types.Object)
		if !ok {
			diags.AddError("Unable to Read Terraform Value", fmt.Sprintf("Element %q of a checklist map is a %T, not an object. This is a bug in the provider; please report this issue.", key, elem))
			return out
		}
		if o.IsNull() || o.IsUnknown() {
			continue
		}
		if diags.Append(getObject(ctx, o, &model)...); diags.HasError() {
			return out
		}
		out[key] = model
	}
	return out
}

// mapValue is models as a map of nested objects of type t.
func mapValue[M any](ctx context.Context, t types.ObjectType, models map[string]M) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make(map[string]attr.Value, len(models))
	for key, m := range models {
		o, d := objectValue(ctx, t, m)
		if diags.Append(d...); d.HasError() {
			return types.MapUnknown(t), diags
		}
		elems[key] = o
	}
	value, d := types.MapValue(t, elems)
	diags.Append(d...)
	return value, diags
}

// toDomain maps the plan to the checklist to write. Fields the configuration leaves
// to people are null in the plan and sent empty, so the server keeps what it holds
// for them.
func (m checklistModel) toDomain(ctx context.Context, diags *diag.Diagnostics) *raci.Checklist {
	return checklistFromItems(ctx, m, mapItems(ctx, m.Items, diags), diags)
}

// checklistFromItems builds the domain checklist with its items in the order they
// are shown in: by position, then key.
func checklistFromItems(ctx context.Context, m checklistModel, items map[string]checklistItemModel, diags *diag.Diagnostics) *raci.Checklist {
	c := &raci.Checklist{
		Tenant:      m.Tenant.ValueString(),
		Key:         m.Key.ValueString(),
		Title:       m.Title.ValueString(),
		Description: m.Description.ValueString(),
		Gate:        m.Gate.ValueString(),
		Items:       make([]raci.ChecklistItem, 0, len(items)),
	}
	for key, it := range items {
		item := raci.ChecklistItem{
			Key:      key,
			Title:    it.Title.ValueString(),
			Owner:    it.Owner.ValueString(),
			Required: it.Required.IsNull() || it.Required.IsUnknown() || it.Required.ValueBool(),
			Due:      parseTime(it.Due),
			Position: it.Position.ValueInt64(),
			Status:   raci.ItemStatus(it.Status.ValueString()),
		}
		if !it.Evidence.IsNull() || !it.EvidenceExpires.IsNull() {
			item.Evidence = it.Evidence.ValueString()
			item.EvidenceExpires = parseTime(it.EvidenceExpires)
		}
		item.Waiver = waiverFrom(ctx, it.Waiver, diags)
		c.Items = append(c.Items, item)
	}
	slices.SortFunc(c.Items, func(a, b raci.ChecklistItem) int {
		if a.Position != b.Position {
			return cmp.Compare(a.Position, b.Position)
		}
		return strings.Compare(a.Key, b.Key)
	})
	return c
}

func waiverFrom(ctx context.Context, o types.Object, diags *diag.Diagnostics) *raci.Waiver {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var w waiverModel
	diags.Append(getObject(ctx, o, &w)...)
	waiver := &raci.Waiver{Reason: w.Reason.ValueString(), ApprovedBy: w.ApprovedBy.ValueString()}
	if t := parseTime(w.Expires); t != nil {
		waiver.Expires = *t
	}
	return waiver
}

// waiverValue maps a waiver from the server, keeping prior's spelling of the expiry
// where it names the same instant.
func waiverValue(ctx context.Context, w *raci.Waiver, prior types.Object, diags *diag.Diagnostics) types.Object {
	if w == nil {
		return types.ObjectNull(waiverType.AttrTypes)
	}
	var old waiverModel
	if !prior.IsNull() && !prior.IsUnknown() {
		diags.Append(getObject(ctx, prior, &old)...)
	}
	return types.ObjectValueMust(waiverType.AttrTypes, map[string]attr.Value{
		"reason":      types.StringValue(w.Reason),
		"approved_by": types.StringValue(w.ApprovedBy),
		"expires":     timeString(&w.Expires, old.Expires),
	})
}

func sameInstant(a, b types.String) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	ta, tb := parseTime(a), parseTime(b)
	return ta != nil && tb != nil && ta.Equal(*tb)
}

func sameWaiver(ctx context.Context, a, b types.Object, diags *diag.Diagnostics) bool {
	if a.IsNull() || b.IsNull() || a.IsUnknown() || b.IsUnknown() {
		return a.IsNull() == b.IsNull() && a.IsUnknown() == b.IsUnknown()
	}
	var wa, wb waiverModel
	diags.Append(getObject(ctx, a, &wa)...)
	diags.Append(getObject(ctx, b, &wb)...)
	return wa.Reason.Equal(wb.Reason) && wa.ApprovedBy.Equal(wb.ApprovedBy) && sameInstant(wa.Expires, wb.Expires)
}

// checklistModelFrom maps what the server holds to the Terraform model. prior is
// the plan or state: its items say which of status, evidence and waiver the
// configuration manages (non-null there; none, on import), and its time texts are
// kept where they name the same instants as the server's.
func checklistModelFrom(ctx context.Context, c *raci.Checklist, prior checklistModel, diags *diag.Diagnostics) checklistModel {
	before := mapItems(ctx, prior.Items, diags)
	reported := mapProgress(ctx, prior.Progress, diags)
	items := make(map[string]checklistItemModel, len(c.Items))
	progress := make(map[string]itemProgressModel, len(c.Items))
	for _, it := range c.Items {
		old, was := before[it.Key], reported[it.Key]
		item := checklistItemModel{
			Title:           types.StringValue(it.Title),
			Owner:           types.StringValue(it.Owner),
			Required:        types.BoolValue(it.Required),
			Due:             timeString(it.Due, old.Due),
			Position:        types.Int64Value(it.Position),
			Status:          types.StringNull(),
			Evidence:        types.StringNull(),
			EvidenceExpires: types.StringNull(),
			Waiver:          types.ObjectNull(waiverType.AttrTypes),
		}
		if _, known := before[it.Key]; known {
			if !old.Status.IsNull() {
				item.Status = types.StringValue(string(it.Status))
			}
			if !old.Evidence.IsNull() || !old.EvidenceExpires.IsNull() {
				item.Evidence = optionalString(it.Evidence)
				item.EvidenceExpires = timeString(it.EvidenceExpires, old.EvidenceExpires)
			}
			if !old.Waiver.IsNull() {
				item.Waiver = waiverValue(ctx, it.Waiver, old.Waiver, diags)
			}
		}
		items[it.Key] = item
		evidenceText := was.EvidenceExpires
		if evidenceText.IsNull() || evidenceText.IsUnknown() {
			evidenceText = old.EvidenceExpires
		}
		waiverText := was.Waiver
		if waiverText.IsNull() || waiverText.IsUnknown() {
			waiverText = old.Waiver
		}
		progress[it.Key] = itemProgressModel{
			Status:          types.StringValue(string(it.Status)),
			Evidence:        optionalString(it.Evidence),
			EvidenceExpires: timeString(it.EvidenceExpires, evidenceText),
			Waiver:          waiverValue(ctx, it.Waiver, waiverText, diags),
			UpdatedBy:       optionalString(it.UpdatedBy),
			UpdatedAt:       timeString(it.UpdatedAt, was.UpdatedAt),
		}
	}
	itemsValue, d := mapValue(ctx, checklistItemType, items)
	diags.Append(d...)
	progressValue, d := mapValue(ctx, itemProgressType, progress)
	diags.Append(d...)
	return checklistModel{
		ID:          types.StringValue(c.Tenant + "/" + c.Key),
		Tenant:      types.StringValue(c.Tenant),
		Key:         types.StringValue(c.Key),
		Title:       types.StringValue(c.Title),
		Description: optionalString(c.Description),
		Gate:        optionalString(c.Gate),
		Items:       itemsValue,
		Progress:    progressValue,
		Version:     types.Int64Value(c.Version),
	}
}

var problemIndex = regexp.MustCompile(`^items\[(\d+)\]`)

// problemPath turns a domain field such as "items[2].waiver.expires" of c into the
// attribute path Terraform points at, items["<key>"].waiver.expires, and returns
// the item's key ("" for a field outside the items).
func problemPath(c *raci.Checklist, field string) (string, path.Path) {
	m := problemIndex.FindStringSubmatch(field)
	if m == nil {
		return "", path.Root(strings.SplitN(field, ".", 2)[0])
	}
	i, err := strconv.Atoi(m[1])
	if err != nil || i >= len(c.Items) {
		return "", path.Root("items")
	}
	key := c.Items[i].Key
	p := path.Root("items").AtMapKey(key)
	if rest := strings.TrimPrefix(field, m[0]); rest != "" {
		for _, name := range strings.Split(strings.TrimPrefix(rest, "."), ".") {
			p = p.AtName(name)
		}
	}
	return key, p
}

// sameDefinition reports whether two models define the same checklist, ignoring
// what is reported on the items.
func sameDefinition(ctx context.Context, a, b checklistModel, diags *diag.Diagnostics) bool {
	if !a.Title.Equal(b.Title) || !a.Description.Equal(b.Description) || !a.Gate.Equal(b.Gate) {
		return false
	}
	ai, bi := mapItems(ctx, a.Items, diags), mapItems(ctx, b.Items, diags)
	if len(ai) != len(bi) {
		return false
	}
	for key, x := range ai {
		y, ok := bi[key]
		if !ok || !x.Title.Equal(y.Title) || !x.Owner.Equal(y.Owner) || !x.Required.Equal(y.Required) ||
			!sameInstant(x.Due, y.Due) || !x.Position.Equal(y.Position) {
			return false
		}
	}
	return true
}

// checklistDefinitionEvent reports whether an event of a checklist changed its
// definition, rather than only what is reported on its items: the change a
// "Changed Outside Terraform" warning is about.
func checklistDefinitionEvent(e *raci.Event) bool {
	if len(e.Before) == 0 || len(e.After) == 0 || string(e.Before) == "null" || string(e.After) == "null" {
		return true
	}
	var before, after raci.Checklist
	if json.Unmarshal(e.Before, &before) != nil || json.Unmarshal(e.After, &after) != nil {
		return true
	}
	return !before.SameDefinition(&after)
}
