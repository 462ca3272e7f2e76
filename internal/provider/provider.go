// Package provider is the Terraform provider: it declares tenants, parties and
// responsibilities against any raci.Service, a RACI server's client in team mode or
// an embedded database file in local mode. Which client and which database those
// are is the composition root's choice (see Stores): this package works against
// raci's interfaces only.
package provider

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Environment variables that configure the provider when its block does not.
const (
	envEndpoint = "RACI_ENDPOINT"
	envToken    = "RACI_TOKEN"
	envDatabase = "RACI_DATABASE"
)

var (
	_ provider.Provider              = (*raciProvider)(nil)
	_ provider.ProviderWithFunctions = (*raciProvider)(nil)
)

// raciProvider is the provider's implementation.
type raciProvider struct {
	version string
	// stores opens, in Configure, what the provider works against.
	stores Stores
	// configured is what Configure handed to the resources, for the protocol
	// server's lean paths (server.go), which configure resources themselves.
	configured atomic.Pointer[providerData]
}

// providerTypeName prefixes every resource and data source type name.
const providerTypeName = "raci"

// providerModel is the provider block.
type providerModel struct {
	Endpoint types.String `tfsdk:"endpoint"`
	Token    types.String `tfsdk:"token"`
	Database types.String `tfsdk:"database"`
}

// Stores opens the service the provider works against, one function per mode. Both
// must be set.
type Stores struct {
	// Team returns a client of the RACI server at endpoint (team mode) that sends
	// token, when not "", and userAgent with every request. Its error says why the
	// endpoint cannot be used.
	Team func(endpoint, token, userAgent string) (raci.Service, error)
	// Local opens the database in the file at path (local mode), creating it when
	// missing.
	Local func(ctx context.Context, path string) (raci.Service, error)
}

// New returns a constructor of the provider, as providerserver expects.
func New(version string, stores Stores) func() provider.Provider {
	return func() provider.Provider { return newProvider(version, stores) }
}

func newProvider(version string, stores Stores) *raciProvider {
	return &raciProvider{version: version, stores: stores}
}

func (p *raciProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

func (p *raciProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declare who is Responsible, Accountable, Consulted and Informed for every task " +
			"of a private or dedicated SaaS installation. Team mode talks to a RACI server (`endpoint`); " +
			"local mode writes an embedded SQLite file (`database`) when no endpoint is set.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the RACI server, e.g. `https://raci.example.com`. " +
					"May also be set with the `" + envEndpoint + "` environment variable. Takes precedence over `database`.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "API token sent as a bearer token to the RACI server. " +
					"May also be set with the `" + envToken + "` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"database": schema.StringAttribute{
				MarkdownDescription: "Path of a local SQLite file to use directly when no `endpoint` is set (local mode); " +
					"it is created if missing. May also be set with the `" + envDatabase + "` environment variable.",
				Optional: true,
			},
		},
	}
}

func (p *raciProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]types.String{"endpoint": config.Endpoint, "token": config.Token, "database": config.Database} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown RACI Provider Setting",
				fmt.Sprintf("The provider's %q depends on a value that is not known until apply, so the provider "+
					"cannot connect during plan. Set it to a literal, a variable, or use the environment variable instead.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	endpoint := settingOrEnv(config.Endpoint, envEndpoint)
	token := settingOrEnv(config.Token, envToken)
	database := settingOrEnv(config.Database, envDatabase)

	var svc raci.Service
	switch {
	case endpoint != "":
		if database != "" {
			resp.Diagnostics.AddWarning("RACI Database Ignored",
				"Both an endpoint and a database are set; the provider uses the server at the endpoint (team mode) "+
					"and ignores the database. Remove one of them to silence this warning.")
		}
		c, err := p.stores.Team(endpoint, token, "terraform-provider-raci/"+p.version)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid RACI Endpoint",
				fmt.Sprintf("The endpoint %q cannot be used: %s. Set it to the server's base URL, e.g. http://127.0.0.1:8080.", endpoint, err))
			return
		}
		tflog.Debug(ctx, "RACI provider in team mode", map[string]any{"endpoint": endpoint})
		svc = c
	case database != "":
		store, err := p.stores.Local(ctx, database)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("database"), "Cannot Open RACI Database",
				fmt.Sprintf("Opening the local database %q failed: %s. Check that its directory exists and is writable.", database, err))
			return
		}
		tflog.Debug(ctx, "RACI provider in local mode", map[string]any{"database": database})
		svc = store
	default:
		resp.Diagnostics.AddError("No RACI Store Configured",
			"The provider needs a RACI server or a local database. For team mode set `endpoint` (and `token`) in the "+
				"provider block, or the "+envEndpoint+" (and "+envToken+") environment variables. For local mode set "+
				"`database` to a file path, or the "+envDatabase+" environment variable, e.g. database = \"raci.db\".")
		return
	}

	cache := newSnapshotCache(svc)
	if endpoint == "" {
		cache.actor = localActor()
	}
	data := &providerData{svc: cache}
	data.access, _ = svc.(raci.AccessService)
	resp.ResourceData = data
	resp.DataSourceData = data
	p.configured.Store(data)
}

// localActor is who the event log names for writes in local mode: the user running
// Terraform, as the operating system knows them.
func localActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "terraform-local:" + u.Username
	}
	return "terraform-local"
}

// settingOrEnv returns the configured value, or the environment variable when the
// configuration leaves it null.
func settingOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func (p *raciProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newTenantResource,
		newPartyResource,
		newResponsibilityResource,
		newChecklistResource,
		newAccessResource,
		newWebhookResource,
	}
}

func (p *raciProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newReadinessDataSource,
		newMatrixDataSource,
		newResponsibilitiesDataSource,
		newTenantDataSource,
		newPartyDataSource,
	}
}

func (p *raciProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		newParseMatrixFunction,
	}
}

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	svc raci.Service
	// access is the store's grants to people (raci_access); nil for a store that
	// keeps none.
	access raci.AccessService
}
