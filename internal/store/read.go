package store

import (
	"context"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Reads are the read methods of raci.Service, raci.ChecklistService and
// raci.SnapshotService over a store's Reader. A store embeds them.
type Reads struct {
	view, read func(ctx context.Context, fn func(Reader) error) error
	clock      func() time.Time
}

// NewReads returns the reads that run through view and read, and judge readiness
// at the time clock returns.
//
// view runs fn in a read-only transaction, so that what fn reads in several
// queries is one state. read runs fn where one statement at a time is enough (what
// fn reads is one query, or a second only to word an error); a store whose
// transactions cost round trips runs it without one, another passes view again.
func NewReads(view, read func(ctx context.Context, fn func(Reader) error) error, clock func() time.Time) Reads {
	return Reads{view: view, read: read, clock: clock}
}

// FindTenant returns the tenant with this name, or ENOTFOUND.
func (rs *Reads) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	var t *raci.Tenant
	err := rs.read(ctx, func(r Reader) error {
		var err error
		t, err = r.FindTenant(ctx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, raci.TenantNotFound(name)
	}
	return t, nil
}

// ListTenants returns a page of tenants ordered by name.
func (rs *Reads) ListTenants(ctx context.Context, opts raci.ListOptions) (*raci.Page[*raci.Tenant], error) {
	limit := opts.PageLimit()
	var items []*raci.Tenant
	err := rs.read(ctx, func(r Reader) error {
		var err error
		// One more than the page holds tells whether another page follows.
		items, err = r.ListTenants(ctx, opts.After, limit+1)
		return err
	})
	if err != nil {
		return nil, err
	}
	return page(items, limit, func(t *raci.Tenant) string { return t.Name }), nil
}

// FindParty returns the party, or ENOTFOUND when the tenant or the party does not
// exist.
func (rs *Reads) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	return find(ctx, rs.read, func(r Reader) (*raci.Party, error) { return r.FindParty(ctx, tenant, name) },
		func(r Reader) error { return partyMissing(ctx, r, tenant, name) })
}

// ListParties returns a page of the tenant's parties ordered by name.
func (rs *Reads) ListParties(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
	return list(ctx, rs, tenant, opts, Reader.ListParties, func(p *raci.Party) string { return p.Name })
}

// FindResponsibility returns the row, or ENOTFOUND when the tenant or the row does
// not exist.
func (rs *Reads) FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error) {
	return find(ctx, rs.view, func(r Reader) (*raci.Responsibility, error) { return r.FindResponsibility(ctx, tenant, key) },
		func(r Reader) error { return responsibilityMissing(ctx, r, tenant, key) })
}

// ListResponsibilities returns a page of the tenant's rows ordered by key, with
// their assignments read in one query for the whole page.
func (rs *Reads) ListResponsibilities(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Responsibility], error) {
	return list(ctx, rs, tenant, opts, Reader.ListResponsibilities, func(r *raci.Responsibility) string { return r.Key })
}

// FindChecklist returns the checklist, or ENOTFOUND when the tenant or the
// checklist does not exist.
func (rs *Reads) FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error) {
	return find(ctx, rs.view, func(r Reader) (*raci.Checklist, error) { return r.FindChecklist(ctx, tenant, key) },
		func(r Reader) error { return checklistMissing(ctx, r, tenant, key) })
}

// ListChecklists returns a page of the tenant's checklists ordered by key, with
// their items read in one query for the whole page.
func (rs *Reads) ListChecklists(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Checklist], error) {
	return list(ctx, rs, tenant, opts, Reader.ListChecklists, func(c *raci.Checklist) string { return c.Key })
}

// ChecklistReadiness judges the checklist at the store's current time.
func (rs *Reads) ChecklistReadiness(ctx context.Context, tenant, key string) (*raci.Readiness, error) {
	c, err := rs.FindChecklist(ctx, tenant, key)
	if err != nil {
		return nil, err
	}
	return c.Readiness(rs.clock()), nil
}

// Snapshot returns the tenant with all its parties, rows and checklists, its
// revision and the installation id, read in one transaction, so one state, and in
// a number of queries that does not grow with the tenant.
func (rs *Reads) Snapshot(ctx context.Context, tenant string) (*raci.Snapshot, error) {
	var s *raci.Snapshot
	err := rs.view(ctx, func(r Reader) error {
		t, err := r.FindTenant(ctx, tenant)
		if err != nil {
			return err
		}
		if t == nil {
			return raci.TenantNotFound(tenant)
		}
		parties, err := r.ListParties(ctx, tenant, "", -1)
		if err != nil {
			return err
		}
		rows, err := r.ListResponsibilities(ctx, tenant, "", -1)
		if err != nil {
			return err
		}
		checklists, err := r.ListChecklists(ctx, tenant, "", -1)
		if err != nil {
			return err
		}
		s = &raci.Snapshot{Tenant: t, Parties: parties, Responsibilities: rows, Checklists: checklists}
		rev, at, err := r.NewestEvent(ctx, tenant)
		if err != nil {
			return err
		}
		if rev > 0 {
			s.Revision, s.RevisedAt = rev, &at
		}
		s.Installation, err = r.InstallationID(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// find returns the object get reads through run, or the error missing words when
// there is none.
func find[T any](ctx context.Context, run func(context.Context, func(Reader) error) error,
	get func(Reader) (*T, error), missing func(Reader) error,
) (*T, error) {
	var v *T
	err := run(ctx, func(r Reader) error {
		var err error
		v, err = get(r)
		if err != nil || v != nil {
			return err
		}
		return missing(r)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// list returns a page of what of the tenant's objects listAfter lists, or
// ENOTFOUND when the tenant does not exist.
func list[T any](ctx context.Context, rs *Reads, tenant string, opts raci.ListOptions,
	listAfter func(r Reader, ctx context.Context, tenant, after string, limit int) ([]T, error), key func(T) string,
) (*raci.Page[T], error) {
	limit := opts.PageLimit()
	var items []T
	err := rs.view(ctx, func(r Reader) error {
		ok, err := r.TenantExists(ctx, tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(tenant)
		}
		// One more than the page holds tells whether another page follows.
		items, err = listAfter(r, ctx, tenant, opts.After, limit+1)
		return err
	})
	if err != nil {
		return nil, err
	}
	return page(items, limit, key), nil
}

// page makes a page of items, which hold one more than the page when another page
// follows.
func page[T any](items []T, limit int, key func(T) string) *raci.Page[T] {
	p := &raci.Page[T]{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.Next = key(items[limit-1])
	}
	return p
}

// partyMissing returns the ENOTFOUND error for a party that does not exist, saying
// whether its tenant is missing too.
func partyMissing(ctx context.Context, r Reader, tenant, name string) error {
	return missing(ctx, r, tenant, raci.PartyNotFound(tenant, name))
}

// responsibilityMissing returns the ENOTFOUND error for a row that does not exist,
// saying whether its tenant is missing too.
func responsibilityMissing(ctx context.Context, r Reader, tenant, key string) error {
	return missing(ctx, r, tenant, raci.ResponsibilityNotFound(tenant, key))
}

// checklistMissing returns the ENOTFOUND error for a checklist that does not exist,
// saying whether its tenant is missing too.
func checklistMissing(ctx context.Context, r Reader, tenant, key string) error {
	return missing(ctx, r, tenant, raci.ChecklistNotFound(tenant, key))
}

func missing(ctx context.Context, r Reader, tenant string, notFound error) error {
	ok, err := r.TenantExists(ctx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return notFound
}
