package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ datasource.DataSourceWithConfigure = (*partyDataSource)(nil)

func newPartyDataSource() datasource.DataSource { return &partyDataSource{} }

// partyDataSource reads one party of a tenant by name: who a party is and how to
// reach it, for notifications and for configurations that do not manage it.
type partyDataSource struct {
	svc raci.Service
}

// partyDataSourceModel is the resource's model under the data source's schema; see
// tenantDataSourceModel.
type partyDataSourceModel partyModel

func (d *partyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_party"
}

func (d *partyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One party of a tenant, read by name as the server holds it: e.g. its `contacts`, to notify " +
			"it. Its attributes are those of `raci_party`, with the same empty and null values, so they can be given " +
			"to a resource as they are. Reading a party or tenant that does not exist is an error; to read a party " +
			"created in the same configuration, refer to it as `raci_party.<name>.name`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<tenant>/<name>`, as `raci_party`'s id.",
				Computed:            true,
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "Name of the tenant the party belongs to.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the party to read, inside the tenant.",
				Required:            true,
				Validators:          slugValidators(),
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Name of the party for people; null when it has none.",
				Computed:            true,
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "Which side of the contract the party is on: " + quotedValues(raci.PartyKinds) + ".",
				Computed:            true,
			},
			"contacts": schema.SetAttribute{
				MarkdownDescription: "How to reach the party: e-mail addresses or channels; empty, not null, when it has none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "The server's version of the party, incremented by every write to it.",
				Computed:            true,
			},
		},
	}
}

func (d *partyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.svc = serviceFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *partyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config partyDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config.Schema, req.Config.Raw, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, name := config.Tenant.ValueString(), config.Name.ValueString()
	// The tenant's snapshot, from the provider's cache, tells a missing tenant from a
	// missing party.
	snap := readTenantSnapshot(ctx, d.svc, tenant, &resp.Diagnostics)
	if snap == nil {
		return
	}
	i := slices.IndexFunc(snap.Parties, func(p *raci.Party) bool { return p.Name == name })
	if i < 0 {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Party Not Found",
			fmt.Sprintf("Cannot read party %q of tenant %q: the tenant has no party of that name. Check the name; to "+
				"read a party this configuration creates, refer to it as raci_party.<name>.name so that Terraform reads "+
				"the data source after creating it.", name, tenant))
		return
	}
	resp.Diagnostics.Append(setState(ctx, &resp.State, partyDataSourceModel(partyModelFrom(snap.Parties[i])))...)
}
