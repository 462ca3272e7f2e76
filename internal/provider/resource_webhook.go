package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ resource.ResourceWithConfigure   = (*webhookResource)(nil)
	_ resource.ResourceWithImportState = (*webhookResource)(nil)
)

func newWebhookResource() resource.Resource { return &webhookResource{} }

// webhookResource manages a webhook: where a tenant's changes are sent so that the
// parties to consult or inform hear of them.
type webhookResource struct {
	svc raci.Service
}

type webhookModel struct {
	ID      types.String `tfsdk:"id"`
	Tenant  types.String `tfsdk:"tenant"`
	Name    types.String `tfsdk:"name"`
	URL     types.String `tfsdk:"url"`
	Secret  types.String `tfsdk:"secret"`
	Events  types.Set    `tfsdk:"events"`
	Version types.Int64  `tfsdk:"version"`
}

func (r *webhookResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook"
}

func (r *webhookResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A webhook sends a tenant's changes to a receiver, so that the parties that hold C (Consulted) " +
			"or I (Informed) hear of them. Each change of a subscribed kind is a JSON POST signed with HMAC-SHA256 of the " +
			"body under `secret`, in the header `X-Raci-Signature-256: sha256=<hex>`, with `X-Raci-Delivery: <id>` to drop " +
			"duplicates. Deliveries are written in the transaction of the change and sent by the RACI server " +
			"(`serve`), retried with backoff, and listed at `/v1/tenants/<tenant>/webhooks/<name>/deliveries`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<tenant>/<name>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant whose changes are sent. Changing it replaces the webhook.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the webhook inside the tenant: " + raci.SlugRule + ". Changing it replaces the webhook.",
				Required:            true,
				Validators:          slugValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Where deliveries are POSTed: an absolute `http` or `https` URL, without a user or password.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(raci.MaxURLLength), webhookURL{}},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Key of the deliveries' signatures, %d to %d bytes, e.g. from "+
					"`openssl rand -hex 32`. The server never returns it, so the provider keeps the configured value in state "+
					"and cannot see a change made outside Terraform; after an import the next apply sets it from the "+
					"configuration, an in-place update.", raci.MinWebhookSecretLength, raci.MaxWebhookSecretLength),
				Required:   true,
				Sensitive:  true,
				Validators: []validator.String{webhookSecret{}},
			},
			"events": schema.SetAttribute{
				MarkdownDescription: "The kinds of change sent, some of " + quotedValues(raci.WebhookEvents) + ": a row, a party " +
					"or a checklist written or deleted; `readiness` when a write flips a checklist's gate between ready and not ready. " +
					"A responsibility's delivery lists the parties that hold C or I on it, with their contacts and holders.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(raci.WebhookEvents...)),
				},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the webhook, incremented by every write.",
				Computed:            true,
			},
		},
	}
}

func (r *webhookResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.svc = configureResource(req, resp)
}

// webhooks returns the store's webhooks, or an error diagnostic for a store that
// keeps none.
func (r *webhookResource) webhooks(diags *diag.Diagnostics) raci.WebhookService {
	svc := r.svc
	if c, ok := svc.(*snapshotCache); ok {
		svc = c.Service
	}
	ws, ok := svc.(raci.WebhookService)
	if !ok {
		diags.AddError("Webhooks Not Supported", "The provider's store keeps no webhooks: use a RACI server or a local database file.")
		return nil
	}
	return ws
}

func (r *webhookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webhookModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	ws := r.webhooks(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	h := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := ws.PutWebhook(ctx, h, raci.Precondition{IfNoneMatch: true})
	if err != nil {
		addServiceError(&resp.Diagnostics, "create", webhookWhat(h.Tenant, h.Name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, webhookModelFrom(stored, plan.Secret))...)
}

func (r *webhookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webhookModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	ws := r.webhooks(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := state.Tenant.ValueString(), state.Name.ValueString()
	h, err := ws.FindWebhook(ctx, tenant, name)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		tflog.Debug(ctx, "webhook is gone from the server; removing it from state", map[string]any{"tenant": tenant, "webhook": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addServiceError(&resp.Diagnostics, "read", webhookWhat(tenant, name), err)
		return
	}
	// The secret is never read back: keep what state holds (null after an import).
	resp.Diagnostics.Append(setState(ctx, &resp.State, webhookModelFrom(h, state.Secret))...)
}

func (r *webhookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state webhookModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	ws := r.webhooks(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	h := plan.toDomain(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stored, _, err := ws.PutWebhook(ctx, h, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil {
		addServiceError(&resp.Diagnostics, "update", webhookWhat(h.Tenant, h.Name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, webhookModelFrom(stored, plan.Secret))...)
}

func (r *webhookResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Schema, req.State.Raw, &state)...)
	ws := r.webhooks(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := state.Tenant.ValueString(), state.Name.ValueString()
	err := ws.DeleteWebhook(ctx, tenant, name, raci.Precondition{IfMatch: state.Version.ValueInt64()})
	if err != nil && raci.ErrorCode(err) != raci.ENOTFOUND {
		addServiceError(&resp.Diagnostics, "delete", webhookWhat(tenant, name), err)
	}
}

func (r *webhookResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := splitImportID(req.ID, "<tenant>/<name>", "initech/readiness", &resp.Diagnostics)
	if parts == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), parts[1])...)
}

func webhookWhat(tenant, name string) string { return fmt.Sprintf("webhook %q", tenant+"/"+name) }

// toDomain maps the Terraform model to the domain's webhook.
func (m webhookModel) toDomain(ctx context.Context, diags *diag.Diagnostics) *raci.Webhook {
	return &raci.Webhook{
		Tenant: m.Tenant.ValueString(),
		Name:   m.Name.ValueString(),
		URL:    m.URL.ValueString(),
		Secret: m.Secret.ValueString(),
		Events: setStrings(ctx, m.Events, diags),
	}
}

// webhookModelFrom maps what the server holds to the Terraform model, with the
// secret given, which the server never returns.
func webhookModelFrom(h *raci.Webhook, secret types.String) webhookModel {
	return webhookModel{
		ID:      types.StringValue(h.Tenant + "/" + h.Name),
		Tenant:  types.StringValue(h.Tenant),
		Name:    types.StringValue(h.Name),
		URL:     types.StringValue(h.URL),
		Secret:  secret,
		Events:  stringSet(h.Events),
		Version: types.Int64Value(h.Version),
	}
}

// webhookURL checks a webhook's url at plan time with the domain's rule.
type webhookURL struct{}

var _ validator.String = webhookURL{}

func (webhookURL) Description(context.Context) string {
	return "must be an absolute http or https URL"
}

func (v webhookURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (webhookURL) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := raci.WebhookURLProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Webhook URL", problem)
	}
}

// webhookSecret checks a webhook's secret at plan time with the domain's rule; the
// diagnostic never quotes the secret.
type webhookSecret struct{}

var _ validator.String = webhookSecret{}

func (webhookSecret) Description(context.Context) string {
	return fmt.Sprintf("must be %d to %d bytes", raci.MinWebhookSecretLength, raci.MaxWebhookSecretLength)
}

func (v webhookSecret) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (webhookSecret) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := raci.WebhookSecretProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Webhook Secret", problem)
	}
}
