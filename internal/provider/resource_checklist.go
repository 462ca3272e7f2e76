package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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

// checklistResource manages the definition of a readiness checklist. The status of
// each item belongs to whoever sets it: the configuration where it sets status,
// evidence or waiver; people and automation, through the API, where it does not.
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
	Items       types.List   `tfsdk:"items"`
	Version     types.Int64  `tfsdk:"version"`
}

type checklistItemModel struct {
	Key             types.String `tfsdk:"key"`
	Title           types.String `tfsdk:"title"`
	Owner           types.String `tfsdk:"owner"`
	Required        types.Bool   `tfsdk:"required"`
	Due             types.String `tfsdk:"due"`
	Status          types.String `tfsdk:"status"`
	Evidence        types.String `tfsdk:"evidence"`
	EvidenceExpires types.String `tfsdk:"evidence_expires"`
	Waiver          types.Object `tfsdk:"waiver"`
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
	"key":              types.StringType,
	"title":            types.StringType,
	"owner":            types.StringType,
	"required":         types.BoolType,
	"due":              types.StringType,
	"status":           types.StringType,
	"evidence":         types.StringType,
	"evidence_expires": types.StringType,
	"waiver":           waiverType,
}}

func (r *checklistResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_checklist"
}

func (r *checklistResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	peopleOwned := " Where the configuration sets it, Terraform manages it and reverts other changes; " +
		"where it does not, it belongs to people and automation using the API or the web pages: " +
		"Terraform shows what the server holds and never plans a change for it."
	resp.Schema = schema.Schema{
		MarkdownDescription: "A readiness checklist one party completes before something happens, such as the subscriber's " +
			"infrastructure checklist before the vendor deploys. Use the `raci_readiness` data source in a " +
			"`precondition` or `check` block to gate on it.\n\n" +
			"Each item's `status`, `evidence`, `evidence_expires` and `waiver` belong to whoever sets them. " +
			"Leave them out of the configuration and people tick items through the API; Terraform then shows " +
			"their values but never reverts them, and adding, removing or reordering items never moves a status " +
			"to another item (items are matched by `key`).\n\n" +
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
				Validators:          textValidators(raci.MaxTextLength),
			},
			"gate": schema.StringAttribute{
				MarkdownDescription: "What the checklist gates, e.g. `deploy:production`; readiness summaries name it.",
				Optional:            true,
				Validators:          textValidators(raci.MaxGateLength),
			},
			"items": schema.ListNestedAttribute{
				MarkdownDescription: "The items, in the order people should work through them. Keys are unique within the checklist.",
				Required:            true,
				Validators:          []validator.List{listvalidator.SizeBetween(1, raci.MaxChecklistItems)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"key": schema.StringAttribute{
							MarkdownDescription: "Key of the item, e.g. `dns-records`: " + raci.SlugRule + ".",
							Required:            true,
							Validators:          slugValidators(),
						},
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
						"status": schema.StringAttribute{
							MarkdownDescription: "Where the item stands: " + quotedValues(raci.ItemStatuses) + ". New items start `pending`." + peopleOwned,
							Optional:            true,
							Computed:            true,
							Validators:          []validator.String{stringvalidator.OneOf(stringValues(raci.ItemStatuses)...)},
						},
						"evidence": schema.StringAttribute{
							MarkdownDescription: "Evidence that the item is done: a sentence or a URL." + peopleOwned,
							Optional:            true,
							Computed:            true,
							Validators:          textValidators(raci.MaxEvidenceLength),
						},
						"evidence_expires": schema.StringAttribute{
							MarkdownDescription: "When the evidence stops counting, as an RFC 3339 time; a done item with expired evidence blocks readiness. " +
								"Managed together with `evidence`.",
							Optional:   true,
							Computed:   true,
							Validators: []validator.String{rfc3339{}},
						},
						"waiver": schema.SingleNestedAttribute{
							MarkdownDescription: "Lets a `waived` item count as ready until the waiver expires." + peopleOwned,
							Optional:            true,
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"reason": schema.StringAttribute{
									MarkdownDescription: "Why the item may be skipped.",
									Required:            true,
									Validators:          textValidators(raci.MaxTextLength),
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

// ValidateConfig reports, from the configuration alone, duplicate item keys, a
// waived item without a waiver where the configuration manages both, and a waiver
// approved by the item's own owner.
func (r *checklistResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() || config.Items.IsUnknown() || config.Items.IsNull() {
		return
	}
	items := listItems(ctx, config.Items, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := checklistFromItems(ctx, config, items, nil, &resp.Diagnostics)
	for _, p := range c.RuleProblems() {
		// A waived status whose waiver is left to people is judged at plan time,
		// against the waiver the server holds.
		if strings.HasSuffix(p.Field, ".waiver") {
			if i, ok := itemIndex(p.Field); ok && items[i].Waiver.IsNull() {
				continue
			}
		}
		resp.Diagnostics.AddAttributeError(problemPath(p.Field), "Invalid Checklist", p.Detail)
	}
}

// ModifyPlan fills the people-owned fields the configuration leaves out with what
// the server holds for the item with the same key, so the plan shows them as they
// are and never as a change, whatever happens to the order of the items.
func (r *checklistResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() || plan.Items.IsUnknown() || config.Items.IsUnknown() {
		return
	}
	stored := map[string]checklistItemModel{}
	var state checklistModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
		for _, it := range listItems(ctx, state.Items, &resp.Diagnostics) {
			stored[it.Key.ValueString()] = it
		}
	}
	planned := listItems(ctx, plan.Items, &resp.Diagnostics)
	configured := listItems(ctx, config.Items, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || len(planned) != len(configured) {
		return
	}
	for i := range planned {
		it, cfg := &planned[i], configured[i]
		if it.Key.IsUnknown() {
			continue
		}
		old, known := stored[it.Key.ValueString()]
		if cfg.Status.IsNull() {
			it.Status = types.StringValue(string(raci.Pending))
			if known {
				it.Status = old.Status
			}
		}
		if cfg.Evidence.IsNull() && cfg.EvidenceExpires.IsNull() {
			it.Evidence, it.EvidenceExpires = types.StringNull(), types.StringNull()
			if known {
				it.Evidence, it.EvidenceExpires = old.Evidence, old.EvidenceExpires
			}
		} else {
			// Managed together: what the configuration leaves out of the pair is cleared.
			it.Evidence, it.EvidenceExpires = cfg.Evidence, cfg.EvidenceExpires
		}
		if cfg.Waiver.IsNull() {
			it.Waiver = types.ObjectNull(waiverType.AttrTypes)
			if known {
				it.Waiver = old.Waiver
			}
		}
		if it.Status.ValueString() == string(raci.Waived) && it.Waiver.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("items").AtListIndex(i).AtName("waiver"), "Invalid Checklist",
				fmt.Sprintf("Item %q is waived without a waiver, and the server holds none for it: add a waiver with a reason, "+
					"the approving party and an expiry, or choose another status.", it.Key.ValueString()))
		}
	}
	items, diags := listValue(ctx, checklistItemType, planned)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("items"), items)...)

	// Terraform proposes a null waiver where the configuration has none, which makes
	// the framework expect a new version. With the people-owned fields filled back
	// in, a plan that equals the state changes nothing, and keeps its version.
	if !req.State.Raw.IsNull() && items.Equal(state.Items) && plan.Title.Equal(state.Title) &&
		plan.Description.Equal(state.Description) && plan.Gate.Equal(state.Gate) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version"), state.Version)...)
	}
}

func (r *checklistResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := plan.toDomain(ctx, config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := r.svc.PutChecklist(ctx, c, raci.Precondition{IfNoneMatch: true})
	if err != nil {
		addServiceError(&resp.Diagnostics, "create", checklistWhat(c.Tenant, c.Key), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, checklistModelFrom(ctx, stored, plan.Items, &resp.Diagnostics))...)
}

func (r *checklistResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, key := state.Tenant.ValueString(), state.Key.ValueString()
	witness := changeWitness{resourceType: "raci_checklist", id: tenant + "/" + key, tenant: tenant, object: raci.ChecklistObject(key)}
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
	current := checklistModelFrom(ctx, c, state.Items, &resp.Diagnostics)
	// Ticks are people's to make: only a change to the definition is worth a warning.
	if !state.Items.IsNull() && !sameDefinition(ctx, state, current, &resp.Diagnostics) {
		warnChanged(ctx, r.svc, &resp.Diagnostics, witness, state.Version.ValueInt64(), c.Version)
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, current)...)
}

func (r *checklistResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state checklistModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := plan.toDomain(ctx, config, &resp.Diagnostics)
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
	resp.Diagnostics.Append(setState(ctx, &resp.State, checklistModelFrom(ctx, stored, plan.Items, &resp.Diagnostics))...)
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

func listItems(ctx context.Context, l types.List, diags *diag.Diagnostics) []checklistItemModel {
	items := []checklistItemModel{}
	if l.IsNull() || l.IsUnknown() {
		return items
	}
	for _, elem := range l.Elements() {
		var item checklistItemModel
		o, ok := elem.(types.Object)
		if !ok {
			diags.AddError("Unable to Read Terraform Value", fmt.Sprintf("An item of the checklist is a %T, not an object. This is a bug in the provider; please report this issue.", elem))
			return items
		}
		if diags.Append(getObject(ctx, o, &item)...); diags.HasError() {
			return items
		}
		items = append(items, item)
	}
	return items
}

// toDomain maps the plan to the checklist to write. Fields the configuration leaves
// to people are sent empty, so the server keeps what it holds for them.
func (m checklistModel) toDomain(ctx context.Context, config checklistModel, diags *diag.Diagnostics) *raci.Checklist {
	items := listItems(ctx, m.Items, diags)
	configured := listItems(ctx, config.Items, diags)
	if len(configured) != len(items) {
		configured = items
	}
	return checklistFromItems(ctx, m, items, configured, diags)
}

// checklistFromItems builds the domain checklist; configured, when given, says which
// people-owned fields the configuration manages (non-null) item by item.
func checklistFromItems(ctx context.Context, m checklistModel, items, configured []checklistItemModel, diags *diag.Diagnostics) *raci.Checklist {
	c := &raci.Checklist{
		Tenant:      m.Tenant.ValueString(),
		Key:         m.Key.ValueString(),
		Title:       m.Title.ValueString(),
		Description: m.Description.ValueString(),
		Gate:        m.Gate.ValueString(),
		Items:       make([]raci.ChecklistItem, len(items)),
	}
	for i, it := range items {
		managed := it
		if configured != nil {
			managed = configured[i]
		}
		item := raci.ChecklistItem{
			Key:      it.Key.ValueString(),
			Title:    it.Title.ValueString(),
			Owner:    it.Owner.ValueString(),
			Required: it.Required.IsNull() || it.Required.IsUnknown() || it.Required.ValueBool(),
			Due:      parseTime(it.Due),
		}
		if !managed.Status.IsNull() {
			item.Status = raci.ItemStatus(it.Status.ValueString())
		}
		if !managed.Evidence.IsNull() || !managed.EvidenceExpires.IsNull() {
			item.Evidence = it.Evidence.ValueString()
			item.EvidenceExpires = parseTime(it.EvidenceExpires)
		}
		if !managed.Waiver.IsNull() && !it.Waiver.IsNull() && !it.Waiver.IsUnknown() {
			var w waiverModel
			diags.Append(getObject(ctx, it.Waiver, &w)...)
			item.Waiver = &raci.Waiver{Reason: w.Reason.ValueString(), ApprovedBy: w.ApprovedBy.ValueString()}
			if t := parseTime(w.Expires); t != nil {
				item.Waiver.Expires = *t
			}
		}
		c.Items[i] = item
	}
	return c
}

// checklistModelFrom maps what the server holds to the Terraform model. prior is the
// items list of the plan or state, whose time texts are kept where they name the
// same instants as the server's.
func checklistModelFrom(ctx context.Context, c *raci.Checklist, prior types.List, diags *diag.Diagnostics) checklistModel {
	before := map[string]checklistItemModel{}
	for _, it := range listItems(ctx, prior, diags) {
		before[it.Key.ValueString()] = it
	}
	items := make([]checklistItemModel, len(c.Items))
	for i, it := range c.Items {
		old := before[it.Key]
		waiver := types.ObjectNull(waiverType.AttrTypes)
		if it.Waiver != nil {
			var oldWaiver waiverModel
			if !old.Waiver.IsNull() && !old.Waiver.IsUnknown() {
				diags.Append(getObject(ctx, old.Waiver, &oldWaiver)...)
			}
			waiver = types.ObjectValueMust(waiverType.AttrTypes, map[string]attr.Value{
				"reason":      types.StringValue(it.Waiver.Reason),
				"approved_by": types.StringValue(it.Waiver.ApprovedBy),
				"expires":     timeString(&it.Waiver.Expires, oldWaiver.Expires),
			})
		}
		items[i] = checklistItemModel{
			Key:             types.StringValue(it.Key),
			Title:           types.StringValue(it.Title),
			Owner:           types.StringValue(it.Owner),
			Required:        types.BoolValue(it.Required),
			Due:             timeString(it.Due, old.Due),
			Status:          types.StringValue(string(it.Status)),
			Evidence:        optionalString(it.Evidence),
			EvidenceExpires: timeString(it.EvidenceExpires, old.EvidenceExpires),
			Waiver:          waiver,
		}
	}
	list, d := listValue(ctx, checklistItemType, items)
	diags.Append(d...)
	return checklistModel{
		ID:          types.StringValue(c.Tenant + "/" + c.Key),
		Tenant:      types.StringValue(c.Tenant),
		Key:         types.StringValue(c.Key),
		Title:       types.StringValue(c.Title),
		Description: optionalString(c.Description),
		Gate:        optionalString(c.Gate),
		Items:       list,
		Version:     types.Int64Value(c.Version),
	}
}

var problemIndex = regexp.MustCompile(`^items\[(\d+)\]`)

// itemIndex returns the item position a problem field such as "items[2].waiver"
// names.
func itemIndex(field string) (int, bool) {
	m := problemIndex.FindStringSubmatch(field)
	if m == nil {
		return 0, false
	}
	i, err := strconv.Atoi(m[1])
	return i, err == nil
}

// problemPath turns a domain field such as "items[2].waiver.expires" into the
// attribute path Terraform points at.
func problemPath(field string) path.Path {
	p := path.Empty()
	for _, part := range strings.Split(field, ".") {
		name, index, hasIndex := strings.Cut(part, "[")
		p = p.AtName(name)
		if hasIndex {
			if i, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil {
				p = p.AtListIndex(i)
			}
		}
	}
	return p
}

// sameDefinition reports whether two models define the same checklist, ignoring
// the fields people set (status, evidence, waiver).
func sameDefinition(ctx context.Context, a, b checklistModel, diags *diag.Diagnostics) bool {
	if !a.Title.Equal(b.Title) || !a.Description.Equal(b.Description) || !a.Gate.Equal(b.Gate) {
		return false
	}
	ai, bi := listItems(ctx, a.Items, diags), listItems(ctx, b.Items, diags)
	if len(ai) != len(bi) {
		return false
	}
	for i := range ai {
		x, y := ai[i], bi[i]
		if !x.Key.Equal(y.Key) || !x.Title.Equal(y.Title) || !x.Owner.Equal(y.Owner) || !x.Required.Equal(y.Required) || !x.Due.Equal(y.Due) {
			return false
		}
	}
	return true
}
