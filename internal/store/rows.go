package store

import (
	"context"
	"math"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Scanner is one row to scan: *sql.Row, *sql.Rows, pgx.Row or pgx.Rows.
type Scanner interface{ Scan(dest ...any) error }

// Querier runs a store's queries row by row.
type Querier interface {
	// Each runs query and calls fn on the rows it returns, in order, until fn
	// returns an error, which Each returns.
	Each(ctx context.Context, fn func(Scanner) error, query string, args ...any) error
}

// Collect returns what scan makes of each row query returns; no rows is an empty
// slice, not nil.
func Collect[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	items := []T{}
	err := q.Each(ctx, func(s Scanner) error {
		it, err := scan(s)
		if err != nil {
			return err
		}
		items = append(items, it)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return items, nil
}

// ScanValue scans a row of one column.
func ScanValue[T any](s Scanner) (T, error) {
	var v T
	err := s.Scan(&v)
	return v, err
}

// AddAssignments appends to each row the assignments query returns for it: scan
// returns the key of an assignment's row, then the assignment.
func AddAssignments(ctx context.Context, q Querier, rows []*raci.Responsibility,
	scan func(Scanner) (string, raci.Assignment, error), query string, args ...any,
) error {
	return adopt(ctx, q, rows, func(r *raci.Responsibility) string { return r.Key }, scan,
		func(r *raci.Responsibility, a raci.Assignment) { r.Assignments = append(r.Assignments, a) }, query, args)
}

// AddItems appends to each checklist the items query returns for it: scan returns
// the key of an item's checklist, then the item.
func AddItems(ctx context.Context, q Querier, checklists []*raci.Checklist,
	scan func(Scanner) (string, raci.ChecklistItem, error), query string, args ...any,
) error {
	return adopt(ctx, q, checklists, func(c *raci.Checklist) string { return c.Key }, scan,
		func(c *raci.Checklist, it raci.ChecklistItem) { c.Items = append(c.Items, it) }, query, args)
}

// adopt hands each child that query returns to its parent, the one whose key
// scan returns with it; a child of none of the parents is passed over.
func adopt[P, C any](ctx context.Context, q Querier, parents []P, key func(P) string,
	scan func(Scanner) (string, C, error), add func(P, C), query string, args []any,
) error {
	byKey := make(map[string]P, len(parents))
	for _, p := range parents {
		byKey[key(p)] = p
	}
	return q.Each(ctx, func(s Scanner) error {
		k, c, err := scan(s)
		if err != nil {
			return err
		}
		if p, ok := byKey[k]; ok {
			add(p, c)
		}
		return nil
	}, query, args...)
}

// ItemNaming is a checklist item that names a party: as its owner, as its
// waiver's approver, or both.
type ItemNaming struct {
	Checklist, Item string
	Owns, Approves  bool
}

// ScanItemNaming scans a row of checklist key, item key, owns and approves.
func ScanItemNaming(s Scanner) (ItemNaming, error) {
	var it ItemNaming
	err := s.Scan(&it.Checklist, &it.Item, &it.Owns, &it.Approves)
	return it, err
}

// EventQueries are a store's statements for a page of a tenant's events: one per
// filter, rather than one with optional conditions, so that each reads its index
// in order and stops at the page's end.
type EventQueries struct {
	// All and Object take the tenant, [the object,] the seq to list after, the seq
	// to list before and the limit; Newest and ObjectNewest the tenant, [the
	// object,] the same two seqs and the limit.
	All, Object, Newest, ObjectNewest string
	// Bounds takes the tenant's name twice and returns whether a tenant of that
	// name exists and the seq of the newest "create" event of object "tenant" in
	// its log, 0 when there is none.
	Bounds string
}

// EventRange is the part of a tenant's log one incarnation of the tenant wrote,
// or all its deleted incarnations did: the events with a seq above From and below
// To. A tenant's incarnation begins with the create event of its object "tenant"
// (or at the log's start, for a tenant created before the log was kept) and ends
// with its delete event; writes to one tenant take their seqs in commit order, so
// the events of one incarnation follow each other.
type EventRange struct{ From, To int64 }

// EventRangeFor returns the range f reads: the live tenant's events, ENOTFOUND when
// no tenant of the name exists; or with f.Deleted, the events of the tenants of
// that name deleted before, all of its log when none exists now. exists and
// created are what the Bounds statement returned.
func EventRangeFor(tenant string, f raci.EventFilter, exists bool, created int64) (EventRange, error) {
	switch {
	case f.Deleted && exists:
		return EventRange{From: 0, To: created}, nil
	case f.Deleted:
		return EventRange{From: 0, To: math.MaxInt64}, nil
	case !exists:
		return EventRange{}, raci.TenantNotFound(tenant)
	}
	return EventRange{From: max(created-1, 0), To: math.MaxInt64}, nil
}

// For returns the statement that lists the events f asks for within r, with its
// arguments.
func (q EventQueries) For(tenant string, f raci.EventFilter, r EventRange) (string, []any) {
	limit := raci.ListOptions{Limit: f.Limit}.PageLimit()
	// Newest ignores After, as raci.EventFilter documents.
	switch {
	case f.Newest && f.Object != "":
		return q.ObjectNewest, []any{tenant, f.Object, r.From, r.To, limit}
	case f.Newest:
		return q.Newest, []any{tenant, r.From, r.To, limit}
	case f.Object != "":
		return q.Object, []any{tenant, f.Object, max(f.After, r.From), r.To, limit}
	default:
		return q.All, []any{tenant, max(f.After, r.From), r.To, limit}
	}
}
