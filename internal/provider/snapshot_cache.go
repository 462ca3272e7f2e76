package provider

import (
	"context"
	"sync"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// snapshotCache serves the provider's reads of a tenant's objects from one snapshot
// of the tenant, read on first use: a refresh then costs one request per tenant
// instead of one per object. Every write through it forgets the tenant's snapshot,
// so a read after a write sees the write. A provider instance lives for one
// Terraform operation (a plan, an apply), so the next operation starts afresh and
// sees whatever others wrote in between.
type snapshotCache struct {
	raci.Service
	// actor, when set, names who writes in the event log: in local mode nothing
	// else does (a server takes the name from the token instead).
	actor string
	// plans is what this provider instance knows of the plan it makes or
	// applies (plans.go). It lives as long as the cache, one operation, and
	// travels with the service every resource is handed.
	plans *planRegistry

	mu      sync.Mutex
	tenants map[string]*cachedTenant
}

// cachedTenant is one tenant's snapshot, loaded once by whichever read comes first
// while the others wait for it.
type cachedTenant struct {
	once sync.Once
	snap *raci.Snapshot
	err  error
	// The snapshot's objects by name or key, so each Read is a look-up and a
	// refresh of a large tenant stays linear.
	parties    map[string]*raci.Party
	rows       map[string]*raci.Responsibility
	checklists map[string]*raci.Checklist
}

func (e *cachedTenant) index() {
	e.parties = make(map[string]*raci.Party, len(e.snap.Parties))
	for _, p := range e.snap.Parties {
		e.parties[p.Name] = p
	}
	e.rows = make(map[string]*raci.Responsibility, len(e.snap.Responsibilities))
	for _, r := range e.snap.Responsibilities {
		e.rows[r.Key] = r
	}
	e.checklists = make(map[string]*raci.Checklist, len(e.snap.Checklists))
	for _, c := range e.snap.Checklists {
		e.checklists[c.Key] = c
	}
}

func newSnapshotCache(svc raci.Service) *snapshotCache {
	return &snapshotCache{Service: svc, tenants: map[string]*cachedTenant{}, plans: newPlanRegistry()}
}

// snapshot returns the tenant's snapshot, reading it on first use.
func (c *snapshotCache) snapshot(ctx context.Context, tenant string) (*raci.Snapshot, error) {
	entry, err := c.entry(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return entry.snap, nil
}

// entry returns the tenant's cached snapshot and its indexes, reading it on first
// use.
func (c *snapshotCache) entry(ctx context.Context, tenant string) (*cachedTenant, error) {
	c.mu.Lock()
	entry, ok := c.tenants[tenant]
	if !ok {
		entry = &cachedTenant{}
		c.tenants[tenant] = entry
	}
	c.mu.Unlock()
	entry.once.Do(func() {
		entry.snap, entry.err = raci.ReadSnapshot(ctx, c.Service, tenant)
		if entry.err == nil {
			entry.index()
		}
	})
	if entry.err != nil {
		if raci.ErrorCode(entry.err) != raci.ENOTFOUND {
			// Only answers are kept; a failed read (a cancelled context, a server
			// away for a moment) is tried again by the next caller.
			c.forget(tenant)
		}
		return nil, entry.err
	}
	return entry, nil
}

// forget drops the tenant's snapshot after a write to it.
func (c *snapshotCache) forget(tenant string) {
	c.mu.Lock()
	delete(c.tenants, tenant)
	c.mu.Unlock()
}

// acting names the cache's actor in the context of a write, if it has one.
func (c *snapshotCache) acting(ctx context.Context) context.Context {
	if c.actor == "" {
		return ctx
	}
	return raci.WithActor(ctx, c.actor)
}

func notFound(what string) error {
	return raci.Errorf(raci.ENOTFOUND, "%s does not exist.", what)
}

func (c *snapshotCache) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	snap, err := c.snapshot(ctx, name)
	if err != nil {
		return nil, err
	}
	return snap.Tenant.Clone(), nil
}

func (c *snapshotCache) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	entry, err := c.entry(ctx, tenant)
	if err != nil {
		return nil, err
	}
	p, ok := entry.parties[name]
	if !ok {
		return nil, notFound(partyWhat(tenant, name))
	}
	return p.Clone(), nil
}

func (c *snapshotCache) FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error) {
	entry, err := c.entry(ctx, tenant)
	if err != nil {
		return nil, err
	}
	r, ok := entry.rows[key]
	if !ok {
		return nil, notFound(responsibilityWhat(tenant, key))
	}
	return r.Clone(), nil
}

func (c *snapshotCache) FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error) {
	entry, err := c.entry(ctx, tenant)
	if err != nil {
		return nil, err
	}
	cl, ok := entry.checklists[key]
	if !ok {
		return nil, notFound(checklistWhat(tenant, key))
	}
	return cl.Clone(), nil
}

// Snapshot serves the cached snapshot to callers that want the whole tenant (the
// matrix data sources, the review warnings).
func (c *snapshotCache) Snapshot(ctx context.Context, tenant string) (*raci.Snapshot, error) {
	return c.snapshot(ctx, tenant)
}

// Writes go to the store and forget the tenant's snapshot.

func (c *snapshotCache) PutTenant(ctx context.Context, t *raci.Tenant, pre raci.Precondition) (*raci.Tenant, bool, error) {
	ctx = c.acting(ctx)
	defer c.forget(t.Name)
	return c.Service.PutTenant(ctx, t, pre)
}

func (c *snapshotCache) DeleteTenant(ctx context.Context, name string, pre raci.Precondition) error {
	ctx = c.acting(ctx)
	defer c.forget(name)
	return c.Service.DeleteTenant(ctx, name, pre)
}

func (c *snapshotCache) PutParty(ctx context.Context, p *raci.Party, pre raci.Precondition) (*raci.Party, bool, error) {
	ctx = c.acting(ctx)
	defer c.forget(p.Tenant)
	return c.Service.PutParty(ctx, p, pre)
}

func (c *snapshotCache) DeleteParty(ctx context.Context, tenant, name string, pre raci.Precondition) error {
	ctx = c.acting(ctx)
	defer c.forget(tenant)
	return c.Service.DeleteParty(ctx, tenant, name, pre)
}

func (c *snapshotCache) RenameParty(ctx context.Context, tenant, from, to string, pre raci.Precondition) (*raci.Party, error) {
	ctx = c.acting(ctx)
	defer c.forget(tenant)
	return c.Service.RenameParty(ctx, tenant, from, to, pre)
}

func (c *snapshotCache) PutResponsibility(ctx context.Context, r *raci.Responsibility, pre raci.Precondition) (*raci.Responsibility, bool, error) {
	ctx = c.acting(ctx)
	defer c.forget(r.Tenant)
	return c.Service.PutResponsibility(ctx, r, pre)
}

func (c *snapshotCache) DeleteResponsibility(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	ctx = c.acting(ctx)
	defer c.forget(tenant)
	return c.Service.DeleteResponsibility(ctx, tenant, key, pre)
}

func (c *snapshotCache) PutChecklist(ctx context.Context, cl *raci.Checklist, pre raci.Precondition) (*raci.Checklist, bool, error) {
	ctx = c.acting(ctx)
	defer c.forget(cl.Tenant)
	return c.Service.PutChecklist(ctx, cl, pre)
}

func (c *snapshotCache) DeleteChecklist(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	ctx = c.acting(ctx)
	defer c.forget(tenant)
	return c.Service.DeleteChecklist(ctx, tenant, key, pre)
}

func (c *snapshotCache) UpdateChecklistItem(ctx context.Context, tenant, checklist, item string, patch raci.ItemPatch, pre raci.Precondition) (*raci.Checklist, error) {
	ctx = c.acting(ctx)
	defer c.forget(tenant)
	return c.Service.UpdateChecklistItem(ctx, tenant, checklist, item, patch, pre)
}

// ChecklistReadiness is not cached: it is judged at the server's clock, now.
