package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ datasource.DataSourceWithConfigure = (*readinessDataSource)(nil)

func newReadinessDataSource() datasource.DataSource { return &readinessDataSource{} }

// readinessDataSource judges a checklist, for precondition and check blocks.
type readinessDataSource struct {
	svc raci.Service
}

type readinessModel struct {
	Tenant    types.String `tfsdk:"tenant"`
	Checklist types.String `tfsdk:"checklist"`
	Gate      types.String `tfsdk:"gate"`
	Ready     types.Bool   `tfsdk:"ready"`
	Total     types.Int64  `tfsdk:"total"`
	Done      types.Int64  `tfsdk:"done"`
	Blocking  types.List   `tfsdk:"blocking"`
	Summary   types.String `tfsdk:"summary"`
}

var blockerType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"item":   types.StringType,
	"title":  types.StringType,
	"owner":  types.StringType,
	"reason": types.StringType,
}}

func (d *readinessDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_readiness"
}

func (d *readinessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether a checklist is ready, judged by the server now: every required item done (with " +
			"unexpired evidence), waived with an unexpired waiver, or not applicable. Use `ready` in a resource's " +
			"`lifecycle { precondition }` to stop a plan, or in a `check` block to warn, with `summary` as the message.",
		Attributes: map[string]schema.Attribute{
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"checklist": schema.StringAttribute{
				MarkdownDescription: "Key of the checklist.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"gate": schema.StringAttribute{
				MarkdownDescription: "What the checklist gates.",
				Computed:            true,
			},
			"ready": schema.BoolAttribute{
				MarkdownDescription: "True when no required item blocks.",
				Computed:            true,
			},
			"total": schema.Int64Attribute{
				MarkdownDescription: "The number of required items.",
				Computed:            true,
			},
			"done": schema.Int64Attribute{
				MarkdownDescription: "The number of required items that do not block.",
				Computed:            true,
			},
			"blocking": schema.ListNestedAttribute{
				MarkdownDescription: "The required items that block, in checklist order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"item":   schema.StringAttribute{MarkdownDescription: "Key of the item.", Computed: true},
						"title":  schema.StringAttribute{MarkdownDescription: "Title of the item.", Computed: true},
						"owner":  schema.StringAttribute{MarkdownDescription: "The party that must complete it.", Computed: true},
						"reason": schema.StringAttribute{MarkdownDescription: "`pending`, `failed`, `evidence expired` or `waiver expired`.", Computed: true},
					},
				},
			},
			"summary": schema.StringAttribute{
				MarkdownDescription: "One line fit for an `error_message`, e.g. `2 of 7 required items block deploy:production: " +
					"dns-records (owner subscriber, pending), smtp (owner subscriber, failed)`.",
				Computed: true,
			},
		},
	}
}

func (d *readinessDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.svc = serviceFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *readinessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config readinessModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, key := config.Tenant.ValueString(), config.Checklist.ValueString()
	r, err := d.svc.ChecklistReadiness(ctx, tenant, key)
	if err != nil {
		addServiceError(&resp.Diagnostics, "judge the readiness of", checklistWhat(tenant, key), err)
		return
	}
	blocking := make([]attr.Value, len(r.Blocking))
	for i, b := range r.Blocking {
		blocking[i] = types.ObjectValueMust(blockerType.AttrTypes, map[string]attr.Value{
			"item":   types.StringValue(b.Item),
			"title":  types.StringValue(b.Title),
			"owner":  types.StringValue(b.Owner),
			"reason": types.StringValue(b.Reason),
		})
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, readinessModel{
		Tenant:    config.Tenant,
		Checklist: config.Checklist,
		Gate:      optionalString(r.Gate),
		Ready:     types.BoolValue(r.Ready),
		Total:     types.Int64Value(int64(r.Total)),
		Done:      types.Int64Value(int64(r.Done)),
		Blocking:  types.ListValueMust(blockerType, blocking),
		Summary:   types.StringValue(r.Summary),
	})...)
}
