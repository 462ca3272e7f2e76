package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithUpgradeState = (*checklistResource)(nil)

// Version 0 of raci_checklist held items as a list, each with its key, and every
// item's status, evidence and waiver whoever had set them.
type checklistModelV0 struct {
	ID          types.String `tfsdk:"id"`
	Tenant      types.String `tfsdk:"tenant"`
	Key         types.String `tfsdk:"key"`
	Title       types.String `tfsdk:"title"`
	Description types.String `tfsdk:"description"`
	Gate        types.String `tfsdk:"gate"`
	Items       types.List   `tfsdk:"items"`
	Version     types.Int64  `tfsdk:"version"`
}

type checklistItemModelV0 struct {
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

func checklistSchemaV0() *schema.Schema {
	waiver := schema.SingleNestedAttribute{Optional: true, Computed: true, Attributes: map[string]schema.Attribute{
		"reason":      schema.StringAttribute{Required: true},
		"approved_by": schema.StringAttribute{Required: true},
		"expires":     schema.StringAttribute{Required: true},
	}}
	return &schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Computed: true},
			"tenant":      schema.StringAttribute{Required: true},
			"key":         schema.StringAttribute{Required: true},
			"title":       schema.StringAttribute{Required: true},
			"description": schema.StringAttribute{Optional: true},
			"gate":        schema.StringAttribute{Optional: true},
			"items": schema.ListNestedAttribute{Required: true, NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"key":              schema.StringAttribute{Required: true},
					"title":            schema.StringAttribute{Required: true},
					"owner":            schema.StringAttribute{Required: true},
					"required":         schema.BoolAttribute{Optional: true, Computed: true},
					"due":              schema.StringAttribute{Optional: true},
					"status":           schema.StringAttribute{Optional: true, Computed: true},
					"evidence":         schema.StringAttribute{Optional: true, Computed: true},
					"evidence_expires": schema.StringAttribute{Optional: true, Computed: true},
					"waiver":           waiver,
				},
			}},
			"version": schema.Int64Attribute{Computed: true},
		},
	}
}

// UpgradeState moves a version 0 state to items keyed by item. Each item's
// position is its place in the old list, counted from 1, as the servers' migration
// 0006 numbers the items they hold. What was reported on each item moves to
// progress, and the item's status, evidence and waiver become null: the state
// cannot tell which of them the configuration set, and most were people's ticks.
// A configuration that does set one plans it once after the upgrade, as a value
// added that the server already holds.
func (r *checklistResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {PriorSchema: checklistSchemaV0(), StateUpgrader: upgradeChecklistV0},
	}
}

func upgradeChecklistV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	var old checklistModelV0
	resp.Diagnostics.Append(req.State.Get(ctx, &old)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var oldItems []checklistItemModelV0
	if !old.Items.IsNull() && !old.Items.IsUnknown() {
		resp.Diagnostics.Append(old.Items.ElementsAs(ctx, &oldItems, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	items := make(map[string]checklistItemModel, len(oldItems))
	progress := make(map[string]itemProgressModel, len(oldItems))
	for i, it := range oldItems {
		key := it.Key.ValueString()
		required := it.Required
		if required.IsNull() || required.IsUnknown() {
			required = types.BoolValue(true)
		}
		items[key] = checklistItemModel{
			Title:           it.Title,
			Owner:           it.Owner,
			Required:        required,
			Due:             it.Due,
			Position:        types.Int64Value(int64(i + 1)),
			Status:          types.StringNull(),
			Evidence:        types.StringNull(),
			EvidenceExpires: types.StringNull(),
			Waiver:          types.ObjectNull(waiverType.AttrTypes),
		}
		status := it.Status
		if status.IsNull() || status.IsUnknown() {
			status = types.StringValue("pending")
		}
		waiver := it.Waiver
		if waiver.IsUnknown() {
			waiver = types.ObjectNull(waiverType.AttrTypes)
		}
		progress[key] = itemProgressModel{
			Status:          status,
			Evidence:        knownOrNull(it.Evidence),
			EvidenceExpires: knownOrNull(it.EvidenceExpires),
			Waiver:          waiver,
			// Version 0 did not know who reported; the next refresh reads it.
			UpdatedBy: types.StringNull(),
			UpdatedAt: types.StringNull(),
		}
	}
	itemsValue, diags := mapValue(ctx, checklistItemType, items)
	resp.Diagnostics.Append(diags...)
	progressValue, diags := mapValue(ctx, itemProgressType, progress)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, checklistModel{
		ID:          old.ID,
		Tenant:      old.Tenant,
		Key:         old.Key,
		Title:       old.Title,
		Description: old.Description,
		Gate:        old.Gate,
		Items:       itemsValue,
		Progress:    progressValue,
		Version:     old.Version,
	})...)
}

func knownOrNull(v types.String) types.String {
	if v.IsUnknown() {
		return types.StringNull()
	}
	return v
}
