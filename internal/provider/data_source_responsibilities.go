package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ datasource.DataSourceWithConfigure = (*responsibilitiesDataSource)(nil)

func newResponsibilitiesDataSource() datasource.DataSource { return &responsibilitiesDataSource{} }

// responsibilitiesDataSource answers "what is this party R, A, C or I for?".
type responsibilitiesDataSource struct {
	svc raci.Service
}

type responsibilitiesModel struct {
	Tenant           types.String `tfsdk:"tenant"`
	Party            types.String `tfsdk:"party"`
	Roles            types.Set    `tfsdk:"roles"`
	Responsibilities types.List   `tfsdk:"responsibilities"`
}

var responsibilityEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"key":            types.StringType,
	"title":          types.StringType,
	"category":       types.StringType,
	"accountability": types.StringType,
	"optional":       types.BoolType,
	"when":           types.StringType,
	"position":       types.Int64Type,
	"roles":          types.SetType{ElemType: types.StringType},
	"assignments":    types.SetType{ElemType: assignmentType},
}}

func (d *responsibilitiesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_responsibilities"
}

func (d *responsibilitiesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The rows of a tenant's matrix, filtered by party and letter: \"what is the vendor " +
			"accountable for?\" is `party = \"auth0\"` and `roles = [\"A\"]`. A letter held only under a condition " +
			"(an assignment's `when`, e.g. `I` \"in the event that there are issues\") still matches: `roles = [\"I\"]` " +
			"finds that row too. To tell conditional letters from the others, read the row's `assignments`, each with " +
			"its `holder` and `when`. Rows are ordered by key.",
		Attributes: map[string]schema.Attribute{
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"party": schema.StringAttribute{
				MarkdownDescription: "Only rows in which this party holds a letter. It must be a party of the tenant. " +
					"Without it, every row, and `roles` filters and reports the letters any party holds.",
				Optional:   true,
				Validators: slugValidators(),
			},
			"roles": schema.SetAttribute{
				MarkdownDescription: "Only rows in which the party (any party, without `party`) holds at least one of " +
					"these letters: `R`, `A`, `S`, `C`, `I`, `D`.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(stringValues(raci.AllLetters)...)),
				},
			},
			"responsibilities": schema.ListNestedAttribute{
				MarkdownDescription: "The matching rows, ordered by key.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"key": schema.StringAttribute{
							MarkdownDescription: "Key of the row.",
							Computed:            true,
						},
						"title": schema.StringAttribute{
							MarkdownDescription: "Title of the row.",
							Computed:            true,
						},
						"category": schema.StringAttribute{
							MarkdownDescription: "Category of the row; null when it has none.",
							Computed:            true,
						},
						"optional": schema.BoolAttribute{
							MarkdownDescription: "Whether the document lists the duty as optional.",
							Computed:            true,
						},
						"when": schema.StringAttribute{
							MarkdownDescription: "The condition under which the duty exists; null when it always does.",
							Computed:            true,
						},
						"position": schema.Int64Attribute{
							MarkdownDescription: "The row's place in its document; null when unset.",
							Computed:            true,
						},
						"accountability": schema.StringAttribute{
							MarkdownDescription: "How the row's document assigns `A`: `single`, `shared` or `unassigned` (see " +
								"`raci_responsibility.accountability`).",
							Computed: true,
						},
						"roles": schema.SetAttribute{
							MarkdownDescription: "The letters `party` holds in the row (every letter held in the row, " +
								"without `party`), conditional ones included; all of them, not only those `roles` asked for.",
							ElementType: types.StringType,
							Computed:    true,
						},
						"assignments": schema.SetNestedAttribute{
							MarkdownDescription: "The assignments of `party` in the row (every assignment of the row, without " +
								"`party`), as `raci_responsibility` holds them; all of them, conditional ones included, not only " +
								"those holding a letter `roles` asked for.",
							Computed: true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"party": schema.StringAttribute{
										MarkdownDescription: "Name of the party.",
										Computed:            true,
									},
									"roles": schema.SetAttribute{
										MarkdownDescription: "The letters the party holds under this assignment.",
										ElementType:         types.StringType,
										Computed:            true,
									},
									"holder": schema.StringAttribute{
										MarkdownDescription: "Who inside the party holds the letters, e.g. `subscriber's " +
											"infrastructure engineer`; null when the assignment names no one.",
										Computed: true,
									},
									"when": schema.StringAttribute{
										MarkdownDescription: "The condition under which the letters apply, e.g. `in the event " +
											"that there are issues`; null when they always apply.",
										Computed: true,
									},
								},
							},
						},
					},
				},
			},
		},
	}
}

func (d *responsibilitiesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.svc = serviceFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *responsibilitiesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config responsibilitiesModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant := config.Tenant.ValueString()
	snap := readTenantSnapshot(ctx, d.svc, tenant, &resp.Diagnostics)
	if snap == nil {
		return
	}
	party := config.Party.ValueString()
	if party != "" && !slices.ContainsFunc(snap.Parties, func(p *raci.Party) bool { return p.Name == party }) {
		// A typo would otherwise answer "nothing", which reads as a real answer.
		resp.Diagnostics.AddAttributeError(path.Root("party"), "Party Not Found",
			fmt.Sprintf("Party %q is not a party of tenant %q. Correct the name, or create the party first and refer to it "+
				"as raci_party.<name>.name.", party, tenant))
		return
	}
	var wanted []raci.Role
	for _, l := range setStrings(ctx, config.Roles, &resp.Diagnostics) {
		wanted = append(wanted, raci.Role(l))
	}

	entries := make([]attr.Value, 0)
	for _, r := range filterResponsibilities(snap, party, wanted) {
		letters := make([]string, len(r.roles))
		for i, l := range r.roles {
			letters[i] = string(l)
		}
		assignments := make([]attr.Value, 0, len(r.row.Assignments))
		for _, a := range r.row.Assignments {
			if party == "" || a.Party == party {
				assignments = append(assignments, assignmentValue(a))
			}
		}
		entries = append(entries, types.ObjectValueMust(responsibilityEntryType.AttrTypes, map[string]attr.Value{
			"key":            types.StringValue(r.row.Key),
			"title":          types.StringValue(r.row.Title),
			"category":       optionalString(r.row.Category),
			"accountability": types.StringValue(string(accountabilityOrDefault(r.row.Accountability))),
			"optional":       types.BoolValue(r.row.Optional),
			"when":           optionalString(r.row.When),
			"position":       optionalPosition(r.row.Position),
			"roles":          stringSet(letters),
			"assignments":    types.SetValueMust(assignmentType, assignments),
		}))
	}
	config.Responsibilities = types.ListValueMust(responsibilityEntryType, entries)
	resp.Diagnostics.Append(setState(ctx, &resp.State, config)...)
}

// heldRow is a row with the letters the party of a query holds in it.
type heldRow struct {
	row   *raci.Responsibility
	roles []raci.Role
}

// filterResponsibilities returns the rows, ordered by key, in which party ("" for
// any party) holds a letter, and at least one of wanted when wanted is not empty,
// each with every letter it holds there.
func filterResponsibilities(snap *raci.Snapshot, party string, wanted []raci.Role) []heldRow {
	var out []heldRow
	for _, r := range snap.Responsibilities {
		var held []raci.Role
		for _, a := range r.Assignments {
			if party == "" || a.Party == party {
				held = append(held, a.Roles...)
			}
		}
		held = raci.SortRoles(held)
		if len(held) == 0 {
			continue
		}
		if len(wanted) > 0 && !slices.ContainsFunc(held, func(l raci.Role) bool { return slices.Contains(wanted, l) }) {
			continue
		}
		out = append(out, heldRow{row: r, roles: held})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].row.Key < out[j].row.Key })
	return out
}
