package provider

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
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

// cacheWrite is one write method of raci.Service as the snapshot cache serves it:
// write changes the seeded tenant through the cache, and check reads it back
// through the same cache and returns what is wrong.
type cacheWrite struct {
	write func(ctx context.Context, c *snapshotCache) error
	check func(ctx context.Context, c *snapshotCache) error
}

// serviceReads are raci.Service's methods that change nothing.
var serviceReads = map[string]bool{
	"FindTenant": true, "ListTenants": true,
	"FindParty": true, "ListParties": true,
	"FindResponsibility": true, "ListResponsibilities": true,
	"FindChecklist": true, "ListChecklists": true, "ChecklistReadiness": true,
	"ListEvents": true,
}

// cacheWrites holds every write method of raci.Service.
var cacheWrites = map[string]cacheWrite{
	"PutTenant": {
		write: func(ctx context.Context, c *snapshotCache) error {
			_, _, err := c.PutTenant(ctx, &raci.Tenant{Name: "initech", DisplayName: "Initech, renamed", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{})
			return err
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			got, err := c.FindTenant(ctx, "initech")
			if err != nil || got.DisplayName != "Initech, renamed" {
				return fmt.Errorf("FindTenant = %+v, %v; want the new display name", got, err)
			}
			return nil
		},
	},
	"DeleteTenant": {
		write: func(ctx context.Context, c *snapshotCache) error {
			return c.DeleteTenant(ctx, "empty", raci.Precondition{})
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			return wantCacheNotFound(c.FindTenant(ctx, "empty"))
		},
	},
	"PutParty": {
		write: func(ctx context.Context, c *snapshotCache) error {
			_, _, err := c.PutParty(ctx, &raci.Party{Tenant: "initech", Name: "auth0", DisplayName: "Auth0 by Okta", Kind: raci.Vendor}, raci.Precondition{})
			return err
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			got, err := c.FindParty(ctx, "initech", "auth0")
			if err != nil || got.DisplayName != "Auth0 by Okta" {
				return fmt.Errorf("FindParty = %+v, %v; want the new display name", got, err)
			}
			return nil
		},
	},
	"DeleteParty": {
		write: func(ctx context.Context, c *snapshotCache) error {
			return c.DeleteParty(ctx, "initech", "spare", raci.Precondition{})
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			return wantCacheNotFound(c.FindParty(ctx, "initech", "spare"))
		},
	},
	"RenameParty": {
		write: func(ctx context.Context, c *snapshotCache) error {
			_, err := c.RenameParty(ctx, "initech", "spare", "standby", raci.Precondition{})
			return err
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			if _, err := c.FindParty(ctx, "initech", "standby"); err != nil {
				return fmt.Errorf("FindParty of the new name: %v", err)
			}
			return wantCacheNotFound(c.FindParty(ctx, "initech", "spare"))
		},
	},
	"PutResponsibility": {
		write: func(ctx context.Context, c *snapshotCache) error {
			row := cacheTestRow()
			row.Title = "Backing up, retitled"
			_, _, err := c.PutResponsibility(ctx, row, raci.Precondition{})
			return err
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			got, err := c.FindResponsibility(ctx, "initech", "backing-up")
			if err != nil || got.Title != "Backing up, retitled" {
				return fmt.Errorf("FindResponsibility = %+v, %v; want the new title", got, err)
			}
			return nil
		},
	},
	"DeleteResponsibility": {
		write: func(ctx context.Context, c *snapshotCache) error {
			return c.DeleteResponsibility(ctx, "initech", "backing-up", raci.Precondition{})
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			return wantCacheNotFound(c.FindResponsibility(ctx, "initech", "backing-up"))
		},
	},
	"PutChecklist": {
		write: func(ctx context.Context, c *snapshotCache) error {
			cl := cacheTestChecklist()
			cl.Title = "Infrastructure, retitled"
			_, _, err := c.PutChecklist(ctx, cl, raci.Precondition{})
			return err
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			got, err := c.FindChecklist(ctx, "initech", "infrastructure")
			if err != nil || got.Title != "Infrastructure, retitled" {
				return fmt.Errorf("FindChecklist = %+v, %v; want the new title", got, err)
			}
			return nil
		},
	},
	"DeleteChecklist": {
		write: func(ctx context.Context, c *snapshotCache) error {
			return c.DeleteChecklist(ctx, "initech", "infrastructure", raci.Precondition{})
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			return wantCacheNotFound(c.FindChecklist(ctx, "initech", "infrastructure"))
		},
	},
	"UpdateChecklistItem": {
		write: func(ctx context.Context, c *snapshotCache) error {
			done, evidence := raci.Done, "https://tickets.example/DNS-1"
			_, err := c.UpdateChecklistItem(ctx, "initech", "infrastructure", "dns", raci.ItemPatch{Status: &done, Evidence: &evidence}, raci.Precondition{})
			return err
		},
		check: func(ctx context.Context, c *snapshotCache) error {
			got, err := c.FindChecklist(ctx, "initech", "infrastructure")
			if err != nil {
				return fmt.Errorf("FindChecklist: %v", err)
			}
			if it := got.Item("dns"); it == nil || it.Status != raci.Done || it.Evidence != "https://tickets.example/DNS-1" {
				return fmt.Errorf("FindChecklist shows item dns as %+v; want it done with its evidence", it)
			}
			return nil
		},
	},
}

func wantCacheNotFound[T any](got T, err error) error {
	if raci.ErrorCode(err) != raci.ENOTFOUND {
		return fmt.Errorf("read after the delete = %+v, %v; want not found", got, err)
	}
	return nil
}

func cacheTestRow() *raci.Responsibility {
	return &raci.Responsibility{Tenant: "initech", Key: "backing-up", Title: "Backing up", Assignments: []raci.Assignment{
		{Party: "auth0", Roles: []raci.Role{"R", "A"}},
	}}
}

func cacheTestChecklist() *raci.Checklist {
	return &raci.Checklist{Tenant: "initech", Key: "infrastructure", Title: "Infrastructure", Items: []raci.ChecklistItem{
		{Key: "dns", Title: "DNS records created", Owner: "auth0", Required: true},
	}}
}

// Every write method of raci.Service, made through the cache after a read filled
// it, is seen by the next read through the cache. A method of raci.Service that is
// in neither serviceReads nor cacheWrites fails the test: say whether it writes,
// and if it does, make the cache forget the tenant's snapshot and add it here.
func TestSnapshotCache_everyWriteIsSeen(t *testing.T) {
	svc := reflect.TypeFor[raci.Service]()
	for i := range svc.NumMethod() {
		name := svc.Method(i).Name
		_, writes := cacheWrites[name]
		if !writes && !serviceReads[name] {
			t.Errorf("raci.Service.%s is in neither serviceReads nor cacheWrites: if it writes, the snapshot cache must forget the tenant's snapshot, and cacheWrites must test that it does", name)
		}
		if writes && serviceReads[name] {
			t.Errorf("raci.Service.%s is in both serviceReads and cacheWrites", name)
		}
	}
	for name := range cacheWrites {
		if _, ok := svc.MethodByName(name); !ok {
			t.Errorf("cacheWrites tests %s, which raci.Service no longer has", name)
		}
	}

	for name, w := range cacheWrites {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t)
			ctx := context.Background()
			for _, seed := range []func() error{
				func() error {
					_, _, err := srv.API.PutTenant(ctx, &raci.Tenant{Name: "initech", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{})
					return err
				},
				func() error {
					_, _, err := srv.API.PutTenant(ctx, &raci.Tenant{Name: "empty", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{})
					return err
				},
				func() error {
					_, _, err := srv.API.PutParty(ctx, &raci.Party{Tenant: "initech", Name: "auth0", Kind: raci.Vendor}, raci.Precondition{})
					return err
				},
				func() error {
					_, _, err := srv.API.PutParty(ctx, &raci.Party{Tenant: "initech", Name: "spare", Kind: raci.Customer}, raci.Precondition{})
					return err
				},
				func() error {
					_, _, err := srv.API.PutResponsibility(ctx, cacheTestRow(), raci.Precondition{})
					return err
				},
				func() error {
					_, _, err := srv.API.PutChecklist(ctx, cacheTestChecklist(), raci.Precondition{})
					return err
				},
			} {
				if err := seed(); err != nil {
					t.Fatalf("seed: %v", err)
				}
			}
			cache := newSnapshotCache(srv.API)
			// Fill the cache with both tenants' snapshots, as a refresh does.
			for _, tenant := range []string{"initech", "empty"} {
				if _, err := cache.Snapshot(ctx, tenant); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.write(ctx, cache); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := w.check(ctx, cache); err != nil {
				t.Errorf("after %s through the cache: %v", name, err)
			}
		})
	}
}
