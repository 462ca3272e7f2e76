package cli

import (
	"context"

	"github.com/raci-dev/terraform-provider-raci/internal/client"
	"github.com/raci-dev/terraform-provider-raci/internal/provider"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// ProviderStores wires the provider's two modes to this binary's stores: the RACI
// server's HTTP client in team mode, an SQLite file in local mode. It lives here,
// with the other wiring, so that main and the benchmark's build of the provider
// serve the same one.
func ProviderStores() provider.Stores {
	return provider.Stores{
		Team: func(endpoint, token, userAgent string) (raci.Service, error) {
			c, err := client.New(endpoint, client.WithToken(token), client.WithUserAgent(userAgent))
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		Local: func(ctx context.Context, path string) (raci.Service, error) {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				return nil, err
			}
			return db, nil
		},
	}
}
