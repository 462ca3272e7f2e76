package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// manyRows declares tenants tenants, each with two parties and rows rows. It uses
// count, not for_each: terraform-plugin-testing cannot destroy for_each instances
// with string keys at the end of a test.
func manyRows(srv *testServer, tenants, rows int) string {
	return srv.providerBlock() + fmt.Sprintf(`
locals {
  rows = %d
}

resource "raci_tenant" "t" {
  count            = %d
  name             = "tenant-${count.index}"
  deployment_model = "dedicated_saas"
}

resource "raci_party" "vendor" {
  count  = length(raci_tenant.t)
  tenant = raci_tenant.t[count.index].name
  name   = "vendor"
  kind   = "vendor"
}

resource "raci_party" "customer" {
  count  = length(raci_tenant.t)
  tenant = raci_tenant.t[count.index].name
  name   = "customer"
  kind   = "customer"
}

resource "raci_responsibility" "row" {
  count  = length(raci_tenant.t) * local.rows
  tenant = raci_tenant.t[floor(count.index / local.rows)].name
  key    = "row-${count.index %% local.rows}"
  title  = "Task ${count.index %% local.rows}"
  assignments = [
    { party = raci_party.vendor[floor(count.index / local.rows)].name, roles = ["R", "A"] },
    { party = raci_party.customer[floor(count.index / local.rows)].name, roles = ["C", "I"] },
  ]
}
`, rows, tenants)
}

// A refresh reads each tenant once, not each object: with 10 tenants of 2 parties
// and 100 rows (1,030 objects), a refresh makes at most tenants + 2 requests.
func TestAccSnapshot_requestsPerRefresh(t *testing.T) {
	srv := startServer(t)
	const tenants, rows = 10, 100
	// A RefreshState step runs terraform refresh and then terraform plan, which
	// refreshes again: two refreshes.
	const refreshes = 2
	var requests atomic.Int64
	var mu sync.Mutex
	var paths strings.Builder
	config := manyRows(srv, tenants, rows)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					srv.beforeRequest = func(r *http.Request) {
						requests.Add(1)
						mu.Lock()
						fmt.Fprintf(&paths, "%s %s\n", r.Method, r.URL.Path)
						mu.Unlock()
					}
				},
				RefreshState: true,
			},
			{
				PreConfig: func() { srv.beforeRequest = nil },
				Config:    config,
				PlanOnly:  true,
			},
		},
	})
	perRefresh := float64(requests.Load()) / refreshes
	if limit := float64(tenants + 2); perRefresh > limit {
		t.Errorf("a refresh of %d tenants made %.1f requests, want at most %.0f:\n%s", tenants, perRefresh, limit, paths.String())
	}
	t.Logf("a refresh of %d tenants and %d objects made %.1f requests", tenants, tenants*(3+rows), perRefresh)
}

// The cache never hides a write: a read after a write through it sees the write,
// and a write by another client shows in the next operation's plan (a provider
// instance lives for one operation).
func TestSnapshotCache_readAfterWrite(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	cache := newSnapshotCache(srv.API)
	if _, _, err := cache.PutTenant(ctx, &raci.Tenant{Name: "initech", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	party := &raci.Party{Tenant: "initech", Name: "auth0", Kind: raci.Vendor}
	if _, _, err := cache.PutParty(ctx, party, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.FindParty(ctx, "initech", "auth0"); err != nil {
		t.Fatalf("a read after a write missed the write: %v", err)
	}
	party.DisplayName = "Auth0"
	if _, _, err := cache.PutParty(ctx, party, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	got, err := cache.FindParty(ctx, "initech", "auth0")
	if err != nil || got.DisplayName != "Auth0" || got.Version != 2 {
		t.Fatalf("after an update the cache reads %+v (err = %v), want version 2 named Auth0", got, err)
	}
	if err := cache.DeleteParty(ctx, "initech", "auth0", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.FindParty(ctx, "initech", "auth0"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Fatalf("a read after a delete = %v, want not found", err)
	}
	if _, err := cache.FindTenant(ctx, "globex"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Fatalf("a missing tenant = %v, want not found", err)
	}
}
