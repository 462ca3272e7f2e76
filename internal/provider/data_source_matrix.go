package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ datasource.DataSourceWithConfigure = (*matrixDataSource)(nil)

func newMatrixDataSource() datasource.DataSource { return &matrixDataSource{} }

// matrixDataSource renders a whole tenant, for PR comments, spreadsheets and
// compliance tools.
type matrixDataSource struct {
	svc raci.Service
}

type matrixModel struct {
	Tenant     types.String `tfsdk:"tenant"`
	Markdown   types.String `tfsdk:"markdown"`
	CSV        types.String `tfsdk:"csv"`
	JSON       types.String `tfsdk:"json"`
	OSCAL      types.String `tfsdk:"oscal"`
	Violations types.List   `tfsdk:"violations"`
}

var violationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"kind":   types.StringType,
	"rule":   types.StringType,
	"row":    types.StringType,
	"party":  types.StringType,
	"detail": types.StringType,
}}

func (d *matrixDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_matrix"
}

func (d *matrixDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A tenant's whole matrix, rendered: Markdown for a pull-request comment or a wiki page, CSV " +
			"for a spreadsheet, JSON for scripts and OSCAL for compliance tools, plus the rules the matrix breaks as a " +
			"whole. Rows are ordered by category (categories in the order they first appear, by their rows' `position`), " +
			"then `position`, then key, and parties by name, in every format, so two renderings of " +
			"the same matrix are byte for byte the same. The data source reads what the server holds: to render rows " +
			"created in the same configuration, reference the tenant through its resource and add the rows to " +
			"`depends_on`.",
		Attributes: map[string]schema.Attribute{
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant to render.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"markdown": schema.StringAttribute{
				MarkdownDescription: "The matrix as a Markdown table: a `Task` column, one column per party headed by its display " +
					"name, the letters in the cells as in `C, I (in the event that there are issues)`, and a `Notes` column " +
					"when some row has notes.",
				Computed: true,
			},
			"csv": schema.StringAttribute{
				MarkdownDescription: "The matrix as CSV (RFC 4180): `Task,Key,Category`, one column per party, then `Notes`; " +
					"cells as in the Markdown. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a " +
					"single quote in front (`'=SUM(A1)`), as OWASP recommends against CSV injection, so that a spreadsheet " +
					"shows it as text instead of running it as a formula.",
				Computed: true,
			},
			"json": schema.StringAttribute{
				MarkdownDescription: "The matrix as a JSON document, indented by two spaces: `format_version` (" +
					fmt.Sprint(format.JSONVersion) + "; it changes only when a key is removed or changes meaning), " +
					"`tenant` (`name`, `display_name`, `customer`, `deployment_model`, `environments`, `labels`), `scheme`, " +
					"`legend` (`letter`, `name`), `parties` (`name`, `display_name`, `kind`, `contacts`) and `rows` (`key`, " +
					"`title`, `category`, `description`, `notes`, `assignments` with `party`, `roles`, `holder`, `when`, and " +
					"`cells`, each party's cell as in the Markdown). Every key is always present. Use `jsondecode()` to read it.",
				Computed: true,
			},
			"oscal": schema.StringAttribute{
				MarkdownDescription: "The matrix as an OSCAL " + format.OSCALVersion + " `component-definition` in JSON: the parties " +
					"in `metadata.parties`, one role per letter in `metadata.roles`, and one `process-procedure` component per " +
					"row whose `responsible-roles` give each letter its parties. Holders and conditions are props in the " +
					"namespace `" + format.OSCALNamespace + "`. Party and row uuids are stable name-based UUIDs of the server's " +
					"installation id and the names, so two installations never share one; the document's uuid is new with every " +
					"revision of the tenant. `last-modified` is the latest change to the tenant or anything in it, deletions included.",
				Computed: true,
			},
			"violations": schema.ListNestedAttribute{
				MarkdownDescription: "The rules the matrix breaks, and the points it leaves open, rows first (by key), then " +
					"parties (by name). Empty when there are none. The server refuses rows that break a row's own rules, so " +
					"on a stored tenant this mostly finds parties that hold nothing, and the open points: every row recorded " +
					"with `accountability = \"shared\"` or `\"unassigned\"`, which the parties have yet to settle. In a " +
					"`check` block, filter on `kind`: `[for v in data.raci_matrix.m.violations : v if v.kind == \"violation\"]`.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"kind": schema.StringAttribute{
							MarkdownDescription: "`" + raci.KindViolation + "` for a rule broken, to fix; `" + raci.KindOpenPoint +
								"` for a point the document leaves for the parties to settle, recorded as written.",
							Computed: true,
						},
						"rule": schema.StringAttribute{
							MarkdownDescription: "The rule broken, for programs to match: `" + raci.RuleOneAccountable + "` (a row " +
								"with `accountability = \"single\"` needs exactly one Accountable party without a condition, and at " +
								"most one per condition), `" + raci.RuleAccountability + "` (a row's `accountability` contradicts " +
								"its letters), `" + raci.RuleDoer + "` (a row needs a Responsible party, " +
								"Driver in DACI), `" + raci.RuleUnknownParty + "` (a row assigns a party the tenant does not have), `" +
								raci.RuleIdleParty + "` (a party holds nothing in any row), `" + raci.RuleChecklistOwner +
								"` (a checklist item's owner is not a party of the tenant). The open points: `" +
								raci.RuleSharedAccountability + "` (the parties answer for the row together) and `" +
								raci.RuleUnassignedAccountability + "` (nobody answers for the row).",
							Computed: true,
						},
						"row": schema.StringAttribute{
							MarkdownDescription: "Key of the row concerned; null when the rule is not about a row.",
							Computed:            true,
						},
						"party": schema.StringAttribute{
							MarkdownDescription: "Name of the party concerned (for `" + raci.RuleChecklistOwner + "`, the item's owner); null " +
								"when the rule is about a row alone.",
							Computed: true,
						},
						"detail": schema.StringAttribute{
							MarkdownDescription: "What is wrong and what to do, for people.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *matrixDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.svc = serviceFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *matrixDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config matrixModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	snap := readTenantSnapshot(ctx, d.svc, config.Tenant.ValueString(), &resp.Diagnostics)
	if snap == nil {
		return
	}
	violations := make([]attr.Value, 0)
	for _, v := range raci.Violations(snap) {
		violations = append(violations, types.ObjectValueMust(violationType.AttrTypes, map[string]attr.Value{
			"kind":   types.StringValue(v.Kind),
			"rule":   types.StringValue(v.Rule),
			"row":    optionalString(v.Row),
			"party":  optionalString(v.Party),
			"detail": types.StringValue(v.Detail),
		}))
	}
	state := matrixModel{
		Tenant:     config.Tenant,
		Markdown:   types.StringValue(format.Markdown(snap)),
		CSV:        types.StringValue(format.CSV(snap)),
		JSON:       types.StringValue(format.JSON(snap)),
		OSCAL:      types.StringValue(format.OSCAL(snap)),
		Violations: types.ListValueMust(violationType, violations),
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
}

// readTenantSnapshot reads a whole tenant for a data source, reporting an unknown
// tenant on the tenant attribute. It returns nil when it added an error.
func readTenantSnapshot(ctx context.Context, svc raci.Service, tenant string, diags *diag.Diagnostics) *raci.Snapshot {
	if !configured(svc, diags) {
		return nil
	}
	snap, err := raci.ReadSnapshot(ctx, svc, tenant)
	switch {
	case raci.ErrorCode(err) == raci.ENOTFOUND:
		diags.AddAttributeError(path.Root("tenant"), "Tenant Not Found",
			fmt.Sprintf("Tenant %q does not exist on the RACI server, or the token cannot see it. Correct the name, or "+
				"create the tenant first: refer to it as raci_tenant.<name>.name so that Terraform reads the data source "+
				"after creating it.", tenant))
		return nil
	case err != nil:
		addServiceError(diags, "read", tenantWhat(tenant), err)
		return nil
	}
	return snap
}

// configured reports whether a data source has the provider's store, adding an
// error when it does not.
func configured(svc raci.Service, diags *diag.Diagnostics) bool {
	if svc == nil {
		// Terraform configures the provider before it reads data sources; getting here
		// means the provider block failed to configure, which Terraform reports.
		diags.AddError("RACI Provider Not Configured",
			"The data source was read before the provider was configured. This is a bug in the provider; please report this issue.")
		return false
	}
	return true
}
