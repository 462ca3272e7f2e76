package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ resource.ResourceWithConfigure      = (*responsibilityResource)(nil)
	_ resource.ResourceWithImportState    = (*responsibilityResource)(nil)
	_ resource.ResourceWithValidateConfig = (*responsibilityResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*responsibilityResource)(nil)
)

func newResponsibilityResource() resource.Resource { return &responsibilityResource{} }

// responsibilityResource manages a row of a tenant's matrix.
type responsibilityResource struct {
	svc raci.Service
}

type responsibilityModel struct {
	ID             types.String `tfsdk:"id"`
	Tenant         types.String `tfsdk:"tenant"`
	Key            types.String `tfsdk:"key"`
	Title          types.String `tfsdk:"title"`
	Category       types.String `tfsdk:"category"`
	Description    types.String `tfsdk:"description"`
	Notes          types.String `tfsdk:"notes"`
	Accountability types.String `tfsdk:"accountability"`
	Optional       types.Bool   `tfsdk:"optional"`
	When           types.String `tfsdk:"when"`
	Position       types.Int64  `tfsdk:"position"`
	Assignments    types.Set    `tfsdk:"assignments"`
	Version        types.Int64  `tfsdk:"version"`
}

var assignmentType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"party":  types.StringType,
	"roles":  types.SetType{ElemType: types.StringType},
	"holder": types.StringType,
	"when":   types.StringType,
}}

// getResponsibility reads the model from a configuration, plan or state value.
func getResponsibility(ctx context.Context, raw tftypes.Value) (responsibilityModel, diag.Diagnostics) {
	var m responsibilityModel
	diags := getModel(ctx, resourceSchema(newResponsibilityResource), raw, &m)
	return m, diags
}

// setResponsibility sets the whole of a plan's or state's value to m.
func setResponsibility(ctx context.Context, raw *tftypes.Value, m responsibilityModel, diags *diag.Diagnostics) {
	diags.Append(setModel(ctx, resourceSchema(newResponsibilityResource), raw, m)...)
}

func (r *responsibilityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_responsibility"
}

func (r *responsibilityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A responsibility is a row of a tenant's matrix: one task or deliverable, and the letters " +
			"each party holds for it. Every row has its Accountable parties as `accountability` records them (by " +
			"default exactly one), at least one Responsible party (Driver in a DACI tenant), and uses only its tenant's " +
			"letters; `terraform plan` fails with the row, the rule and the fix when it does not.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<tenant>/<key>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant the row belongs to. Changing it replaces the row.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Key of the row inside the tenant, e.g. `backing-up`: " + raci.SlugRule + ". Changing it replaces the row.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "The task or deliverable as people say it, e.g. `Backing Up`.",
				Required:            true,
				Validators:          textValidators(raci.MaxNameLength),
			},
			"category": schema.StringAttribute{
				MarkdownDescription: "A group of rows, e.g. `Operations`; rendered matrices group rows by it.",
				Optional:            true,
				Validators:          textValidators(raci.MaxNameLength),
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "What the task covers.",
				Optional:            true,
				Validators:          linesValidators(raci.MaxTextLength),
			},
			"notes": schema.StringAttribute{
				MarkdownDescription: "Notes shown beside the row, such as the Notes column of a published matrix.",
				Optional:            true,
				Validators:          linesValidators(raci.MaxTextLength),
			},
			"accountability": schema.StringAttribute{
				MarkdownDescription: "How the row's document assigns the letter `A` (Accountable; Approver in DACI), so that a " +
					"contract can be recorded as written. `single` (the default): exactly one party holds `A` without a " +
					"condition; other parties may hold `A` with a `when`, at most one per condition, and answer instead " +
					"under it (\"if clients store backups locally, they become entirely responsible\"). A row whose only " +
					"`A` has a condition is refused: someone must answer otherwise. `shared`: two or more parties hold `A` " +
					"without a condition and answer together. `unassigned`: no party holds `A`; the document names none. " +
					"A value the letters contradict is refused at plan time. `raci_matrix.violations` and the rendered " +
					"matrices show every `shared` and `unassigned` row as an open point for the parties to settle.",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(string(raci.DefaultAccountability)),
				Validators: []validator.String{
					stringvalidator.OneOf(stringValues(raci.Accountabilities)...),
				},
			},
			"optional": schema.BoolAttribute{
				MarkdownDescription: "Whether the document lists the duty as optional (\"[Optional] Certificates\"): the " +
					"parties take it on only if they choose to. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"when": schema.StringAttribute{
				MarkdownDescription: "A condition under which the whole duty exists, e.g. `if required` for \"User Migration " +
					"(if required)\". An assignment's own `when` applies to its letters only.",
				Optional:   true,
				Validators: textValidators(raci.MaxConditionLength),
			},
			"position": schema.Int64Attribute{
				MarkdownDescription: "The row's place in its document, from 1, as `parse_matrix` returns it. Every rendering " +
					"orders rows by category (in the order categories first appear), then `position`, then `key`; rows " +
					"without a position come after those with one.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.Between(1, raci.MaxPosition),
				},
			},
			"assignments": schema.SetNestedAttribute{
				MarkdownDescription: "Who holds which letters. A party may appear in two assignments only with different `when` conditions, " +
					"e.g. `C` always and `I` only \"in the event that there are issues\".",
				Required: true,
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, raci.MaxAssignments),
				},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"party": schema.StringAttribute{
							MarkdownDescription: "Name of a party of the tenant.",
							Required:            true,
							Validators:          slugValidators(),
						},
						"roles": schema.SetAttribute{
							MarkdownDescription: "The letters the party holds: `R`, `A`, `C`, `I` in a RACI tenant, plus `S` in RASCI; `D`, `A`, `C`, `I` in DACI.",
							ElementType:         types.StringType,
							Required:            true,
							Validators: []validator.Set{
								setvalidator.SizeAtLeast(1),
								setvalidator.ValueStringsAre(stringvalidator.OneOf(stringValues(raci.AllLetters)...)),
							},
						},
						"holder": schema.StringAttribute{
							MarkdownDescription: "Who inside the party holds the letters, e.g. `subscriber's infrastructure engineer`.",
							Optional:            true,
							Validators:          textValidators(raci.MaxHolderLength),
						},
						"when": schema.StringAttribute{
							MarkdownDescription: "A condition under which the letters apply, e.g. `in the event that there are issues`.",
							Optional:            true,
							Validators:          textValidators(raci.MaxConditionLength),
						},
					},
				},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the row, incremented by every write.",
				Computed:            true,
			},
		},
	}
}

func (r *responsibilityResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.svc = configureResource(req, resp)
}

// ValidateConfig checks the rules that hold in every scheme (Accountable parties as
// accountability records them, someone doing the work, no party twice under one
// condition) from the configuration alone.
func (r *responsibilityResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	config, diags := getResponsibility(ctx, req.Config.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	row, known := config.toDomain()
	if !known {
		return
	}
	rowRuleErrors(&resp.Diagnostics, rowRuleProblems(row, ""))
}

// rowRuleErrors adds the row's rule problems as errors on the attribute each is
// about: accountability, or the assignments.
func rowRuleErrors(diags *diag.Diagnostics, problems []raci.Problem) {
	var onAccountability, onAssignments []raci.Problem
	for _, p := range problems {
		if p.Field == "accountability" {
			onAccountability = append(onAccountability, p)
		} else {
			onAssignments = append(onAssignments, p)
		}
	}
	attributeErrors(diags, path.Root("assignments"), "Invalid Responsibility", onAssignments)
	attributeErrors(diags, path.Root("accountability"), "Invalid Responsibility", onAccountability)
}

// ModifyPlan checks the row against the scheme its tenant will have: a letter the
// scheme does not have, or the doer letter it needs (checkRowScheme); and warns about
// parties the tenant does not have and the plan does not create (checkRowParties).
// It also adds the review warnings of reviewResponsibilityChange (accountability
// moving, a party losing its last Responsible row), on updates and on destroy; a
// party the plan renames counts as the same party.
func (r *responsibilityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.svc == nil {
		return
	}
	// A row the plan leaves as it is has nothing to check: the server accepted it
	// under the tenant's scheme (and refuses scheme changes its rows do not fit),
	// and nothing moves. Most rows of a large plan are like this.
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var prior *raci.Responsibility
	if !req.State.Raw.IsNull() {
		state, diags := getResponsibility(ctx, req.State.Raw)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		prior, _ = state.toDomain()
	}
	if req.Plan.Raw.IsNull() {
		if prior == nil {
			// Neither a state nor a plan: nothing is created or deleted.
			return
		}
		plansOf(r.svc).planRow(prior.Tenant, prior.Key, nil)
		resp.Diagnostics.Append(reviewRenamedChange(ctx, r.svc, prior, nil, plansOf(r.svc).renamesIn(prior.Tenant))...)
		return
	}
	plan, diags := getResponsibility(ctx, req.Plan.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	row, known := plan.toDomain()
	if !known {
		return
	}
	// What other resources of this plan do to the tenant and its parties, as far as
	// they were planned before this row (plans.go).
	plans := plansOf(r.svc)
	tenant, err := r.svc.FindTenant(ctx, row.Tenant)
	switch {
	case err == nil:
	case raci.ErrorCode(err) == raci.ENOTFOUND:
		// Created in the same apply: the server checks the scheme when the row is written.
		tenant = nil
	default:
		addServiceError(&resp.Diagnostics, "read", tenantWhat(row.Tenant), err)
		return
	}
	checkRowScheme(&resp.Diagnostics, row, tenant, plans)
	if resp.Diagnostics.HasError() {
		return
	}
	if tenant != nil {
		checkRowParties(ctx, &resp.Diagnostics, r.svc, row, plans)
	}
	if prior != nil && (prior.Tenant != row.Tenant || prior.Key != row.Key) {
		plans.planRow(prior.Tenant, prior.Key, nil)
	}
	plans.planRow(row.Tenant, row.Key, row)
	resp.Diagnostics.Append(reviewRenamedChange(ctx, r.svc, prior, row, plans.renamesIn(row.Tenant))...)
}

// rowRuleProblems returns the problems of the row's assignments under scheme ("" when
// unknown). Field-level problems (slugs, lengths, letters outside every scheme) are
// left to the attribute validators, which point at the exact attribute.
func rowRuleProblems(row *raci.Responsibility, scheme raci.Scheme) []raci.Problem {
	row.Normalize()
	var out []raci.Problem
	for _, p := range raci.ErrorProblems(row.Validate(scheme)) {
		if p.Field == "assignments" || p.Field == "accountability" && row.Accountability.Valid() ||
			scheme != "" && strings.HasSuffix(p.Field, ".roles") {
			out = append(out, p)
		}
	}
	return out
}

func (r *responsibilityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, diags := getResponsibility(ctx, req.Plan.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	row, _ := plan.toDomain()
	stored, _, err := r.svc.PutResponsibility(ctx, row, raci.Precondition{IfNoneMatch: true})
	if err != nil {
		addServiceError(&resp.Diagnostics, "create", responsibilityWhat(row.Tenant, row.Key), err)
		return
	}
	setResponsibility(ctx, &resp.State.Raw, responsibilityModelFrom(stored), &resp.Diagnostics)
}

func (r *responsibilityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := getResponsibility(ctx, req.State.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	tenant, key := state.Tenant.ValueString(), state.Key.ValueString()
	witness := changeWitness{resourceType: "raci_responsibility", id: tenant + "/" + key, tenant: tenant, object: raci.ResponsibilityObject(key)}
	row, err := r.svc.FindResponsibility(ctx, tenant, key)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		tflog.Debug(ctx, "responsibility is gone from the server; removing it from state", map[string]any{"tenant": tenant, "key": key})
		warnDeleted(ctx, r.svc, &resp.Diagnostics, witness)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "read", responsibilityWhat(tenant, key), err)
		return
	}
	warnChanged(ctx, r.svc, &resp.Diagnostics, witness, state.Version.ValueInt64(), row.Version)
	setResponsibility(ctx, &resp.State.Raw, responsibilityModelFrom(row), &resp.Diagnostics)
}

func (r *responsibilityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := getResponsibility(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := getResponsibility(ctx, req.State.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	row, _ := plan.toDomain()
	known := state.Version.ValueInt64()
	stored, _, err := r.svc.PutResponsibility(ctx, row, raci.Precondition{IfMatch: known})
	if raci.ErrorCode(err) == raci.EPRECONDITION {
		// A party rename applied earlier in this apply rewrote the row, as the plan
		// shows: take what the rename stored when it is what the plan wants, or
		// write over the rename's version. A change by anyone else still fails.
		adopted, version := adoptRewrittenRow(ctx, r.svc, row, known)
		switch {
		case adopted != nil:
			stored, err = adopted, nil
		case version != 0:
			stored, _, err = r.svc.PutResponsibility(ctx, row, raci.Precondition{IfMatch: version})
		}
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "update", responsibilityWhat(row.Tenant, row.Key), err)
		return
	}
	setResponsibility(ctx, &resp.State.Raw, responsibilityModelFrom(stored), &resp.Diagnostics)
}

func (r *responsibilityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := getResponsibility(ctx, req.State.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	tenant, key := state.Tenant.ValueString(), state.Key.ValueString()
	err := r.svc.DeleteResponsibility(ctx, tenant, key, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil && raci.ErrorCode(err) != raci.ENOTFOUND {
		addServiceError(&resp.Diagnostics, "delete", responsibilityWhat(tenant, key), err)
	}
}

func (r *responsibilityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := splitImportID(req.ID, "<tenant>/<key>", "initech/backing-up", &resp.Diagnostics)
	if parts == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), parts[1])...)
}

func responsibilityWhat(tenant, key string) string {
	return fmt.Sprintf("responsibility %q", tenant+"/"+key)
}

// toDomain maps the Terraform model to the domain's row. known is false when a value
// the rules look at is not known yet (planning with values from other resources).
func (m responsibilityModel) toDomain() (row *raci.Responsibility, known bool) {
	row = &raci.Responsibility{
		Tenant:      m.Tenant.ValueString(),
		Key:         m.Key.ValueString(),
		Title:       m.Title.ValueString(),
		Category:    m.Category.ValueString(),
		Description: m.Description.ValueString(),
		Notes:       m.Notes.ValueString(),
		// Null (a configuration that leaves it out) is "", which the rules read as
		// single, the default the plan gives it.
		Accountability: raci.Accountability(m.Accountability.ValueString()),
		Optional:       m.Optional.ValueBool(),
		When:           m.When.ValueString(),
		Position:       int(m.Position.ValueInt64()),
		Assignments:    []raci.Assignment{},
	}
	known = !m.Tenant.IsUnknown() && !m.Key.IsUnknown() && !m.Assignments.IsUnknown() && !m.Accountability.IsUnknown()
	if m.Assignments.IsNull() || m.Assignments.IsUnknown() {
		return row, known
	}
	// The elements are read directly rather than through ElementsAs, whose
	// reflection shows in the provider's CPU time when a plan has thousands of rows.
	for _, elem := range m.Assignments.Elements() {
		a, ok := elem.(types.Object)
		if !ok || a.IsUnknown() {
			known = false
			continue
		}
		attrs := a.Attributes()
		party, _ := attrs["party"].(types.String)
		roles, _ := attrs["roles"].(types.Set)
		holder, _ := attrs["holder"].(types.String)
		when, _ := attrs["when"].(types.String)
		if party.IsUnknown() || roles.IsUnknown() || when.IsUnknown() {
			known = false
		}
		letters := make([]raci.Role, 0, len(roles.Elements()))
		for _, l := range roles.Elements() {
			if l, ok := l.(types.String); ok && !l.IsUnknown() {
				letters = append(letters, raci.Role(l.ValueString()))
			} else {
				known = false
			}
		}
		row.Assignments = append(row.Assignments, raci.Assignment{
			Party:  party.ValueString(),
			Roles:  letters,
			Holder: holder.ValueString(),
			When:   when.ValueString(),
		})
	}
	return row, known
}

// responsibilityModelFrom maps what the server holds to the Terraform model.
func responsibilityModelFrom(row *raci.Responsibility) responsibilityModel {
	assignments := make([]attr.Value, len(row.Assignments))
	for i, a := range row.Assignments {
		assignments[i] = assignmentValue(a)
	}
	return responsibilityModel{
		ID:             types.StringValue(row.Tenant + "/" + row.Key),
		Tenant:         types.StringValue(row.Tenant),
		Key:            types.StringValue(row.Key),
		Title:          types.StringValue(row.Title),
		Category:       optionalString(row.Category),
		Description:    optionalString(row.Description),
		Notes:          optionalString(row.Notes),
		Accountability: types.StringValue(string(accountabilityOrDefault(row.Accountability))),
		Optional:       types.BoolValue(row.Optional),
		When:           optionalString(row.When),
		Position:       optionalPosition(row.Position),
		Assignments:    types.SetValueMust(assignmentType, assignments),
		Version:        types.Int64Value(row.Version),
	}
}

// optionalPosition maps an unset position (0) to null.
func optionalPosition(p int) types.Int64 {
	if p == 0 {
		return types.Int64Null()
	}
	return types.Int64Value(int64(p))
}

// accountabilityOrDefault reads a server's "" (one that predates accountability) as
// the default.
func accountabilityOrDefault(a raci.Accountability) raci.Accountability {
	if a == "" {
		return raci.DefaultAccountability
	}
	return a
}

// assignmentValue maps an assignment from the server to an element of
// assignmentType, holder and when null when empty: the resource's assignments and
// the raci_responsibilities data source's use it alike.
func assignmentValue(a raci.Assignment) types.Object {
	roles := make([]string, len(a.Roles))
	for i, l := range a.Roles {
		roles[i] = string(l)
	}
	return types.ObjectValueMust(assignmentType.AttrTypes, map[string]attr.Value{
		"party":  types.StringValue(a.Party),
		"roles":  stringSet(roles),
		"holder": optionalString(a.Holder),
		"when":   optionalString(a.When),
	})
}
