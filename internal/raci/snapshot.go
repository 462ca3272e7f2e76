package raci

import (
	"context"
	"time"
)

// Snapshot is a whole tenant in one object: the tenant, its parties ordered by name,
// its rows ordered by key and its checklists ordered by key. The provider reads one
// per tenant and run instead of one request per object, and the matrix is rendered
// from one.
type Snapshot struct {
	Tenant           *Tenant           `json:"tenant"`
	Parties          []*Party          `json:"parties"`
	Responsibilities []*Responsibility `json:"responsibilities"`
	Checklists       []*Checklist      `json:"checklists"`

	// Revision is the tenant's revision when the snapshot was read (see
	// RevisionService): it grows with every write to the tenant, deletions
	// included, and never repeats. 0 when the source keeps no history.
	Revision int64 `json:"revision,omitempty"`
	// RevisedAt is when the write of Revision was made; nil with Revision 0.
	// Unlike the objects' update times it moves on when an object is deleted.
	RevisedAt *time.Time `json:"revised_at,omitempty"`
	// Installation identifies the database the snapshot comes from: created once
	// with the database and never changed, so that the ids derived from it
	// (OSCAL's uuids) differ between two installations holding the same names. ""
	// when the source has none.
	Installation string `json:"installation,omitempty"`
}

// SnapshotService reads a whole tenant at once. A store implements it when it can
// read the tenant consistently (in one transaction) or more cheaply than by paging;
// callers that get a plain Service assemble the snapshot from Find and List calls.
type SnapshotService interface {
	// Snapshot returns the tenant with all its parties, rows and checklists, as of
	// one moment. Parties, Responsibilities and Checklists are never nil (a store
	// without checklists returns none); a store with an event log sets Revision
	// and RevisedAt, and one with an installation id sets Installation. ENOTFOUND
	// when the tenant does not exist.
	Snapshot(ctx context.Context, tenant string) (*Snapshot, error)
}

// ReadSnapshot returns the tenant's snapshot from svc: through SnapshotService when
// svc implements it, otherwise from FindTenant and every page of ListParties,
// ListResponsibilities and ListChecklists. The assembled snapshot is not read in one transaction, so a
// write that lands between the calls may show in one part and not another; stores
// that can do better implement SnapshotService. ENOTFOUND when the tenant does not
// exist.
func ReadSnapshot(ctx context.Context, svc Service, tenant string) (*Snapshot, error) {
	if ss, ok := svc.(SnapshotService); ok {
		return ss.Snapshot(ctx, tenant)
	}
	t, err := svc.FindTenant(ctx, tenant)
	if err != nil {
		return nil, err
	}
	parties, err := listAll(ctx, func(ctx context.Context, opts ListOptions) (*Page[*Party], error) {
		return svc.ListParties(ctx, tenant, opts)
	})
	if err != nil {
		return nil, err
	}
	rows, err := listAll(ctx, func(ctx context.Context, opts ListOptions) (*Page[*Responsibility], error) {
		return svc.ListResponsibilities(ctx, tenant, opts)
	})
	if err != nil {
		return nil, err
	}
	checklists, err := listAll(ctx, func(ctx context.Context, opts ListOptions) (*Page[*Checklist], error) {
		return svc.ListChecklists(ctx, tenant, opts)
	})
	if err != nil {
		return nil, err
	}
	return &Snapshot{Tenant: t, Parties: parties, Responsibilities: rows, Checklists: checklists}, nil
}

// listAll follows Next from page to page until the last one.
func listAll[T any](ctx context.Context, list func(context.Context, ListOptions) (*Page[T], error)) ([]T, error) {
	items := []T{}
	opts := ListOptions{Limit: MaxPageSize}
	for {
		page, err := list(ctx, opts)
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		if page.Next == "" {
			return items, nil
		}
		// Names sort, so a Next that does not move forward is a store bug that would
		// otherwise loop for ever.
		if page.Next <= opts.After {
			return nil, Errorf(EINTERNAL, "list did not advance past %q", opts.After)
		}
		opts.After = page.Next
	}
}
