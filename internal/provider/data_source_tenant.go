package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ datasource.DataSourceWithConfigure = (*tenantDataSource)(nil)

func newTenantDataSource() datasource.DataSource { return &tenantDataSource{} }

// tenantDataSource reads one tenant by name, for configurations that refer to a
// tenant another configuration manages.
type tenantDataSource struct {
	svc raci.Service
}

// tenantDataSourceModel is the resource's model under the data source's schema: a
// model type belongs to one schema (see model.go), and the same fields let the
// data source map the server's tenant with tenantModelFrom, as the resource does,
// so that its values can be given to a raci_tenant without a diff.
type tenantDataSourceModel tenantModel

func (d *tenantDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (d *tenantDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One tenant, read by name as the server holds it: for a configuration that refers to a " +
			"tenant another configuration manages. Its attributes are those of `raci_tenant`, with the same empty and " +
			"null values, so they can be given to a resource as they are. Reading a tenant that does not exist is an " +
			"error; to read one created in the same configuration, refer to it as `raci_tenant.<name>.name`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The tenant's name, as `raci_tenant`'s id.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant to read.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Name of the installation for people; null when it has none.",
				Computed:            true,
			},
			"customer": schema.StringAttribute{
				MarkdownDescription: "The customer the installation is run for; null when none is named.",
				Computed:            true,
			},
			"deployment_model": schema.StringAttribute{
				MarkdownDescription: "How the installation is run: " + quotedValues(raci.DeploymentModels) + ".",
				Computed:            true,
			},
			"environments": schema.SetAttribute{
				MarkdownDescription: "The installation's environments; empty, not null, when it has none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"labels": schema.MapAttribute{
				MarkdownDescription: "The tenant's labels; empty, not null, when it has none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"scheme": schema.StringAttribute{
				MarkdownDescription: "The letters the tenant's rows use: " + quotedValues(raci.Schemes) + ".",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text about the installation or its contract; null when it has none.",
				Computed:            true,
			},
			"source": schema.SingleNestedAttribute{
				MarkdownDescription: "The document the tenant's matrix comes from; null when none is named, and each of " +
					"its attributes null when unset.",
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"title":    schema.StringAttribute{MarkdownDescription: "The document's title.", Computed: true},
					"url":      schema.StringAttribute{MarkdownDescription: "Where the document is published.", Computed: true},
					"revision": schema.StringAttribute{MarkdownDescription: "The document's revision or date.", Computed: true},
				},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the tenant, incremented by every write to it.",
				Computed:            true,
			},
		},
	}
}

func (d *tenantDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.svc = serviceFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tenantDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config tenantDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() || !configured(d.svc, &resp.Diagnostics) {
		return
	}
	name := config.Name.ValueString()
	// Through the provider's snapshot cache: the tenant's snapshot, which the other
	// data sources and the resources of the tenant read too.
	t, err := d.svc.FindTenant(ctx, name)
	switch {
	case raci.ErrorCode(err) == raci.ENOTFOUND:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Tenant Not Found",
			fmt.Sprintf("Cannot read tenant %q: it does not exist on the RACI server, or the token cannot see it. "+
				"Check the name and the provider's token; to read a tenant this configuration creates, refer to it as "+
				"raci_tenant.<name>.name so that Terraform reads the data source after creating it.", name))
		return
	case err != nil:
		addServiceError(&resp.Diagnostics, "read", tenantWhat(name), err)
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, tenantDataSourceModel(tenantModelFrom(t)))...)
}
