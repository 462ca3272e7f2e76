package store

import (
	"context"

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
	// All and Object take the tenant, [the object,] the seq to list after and the
	// limit; Newest and ObjectNewest the tenant, [the object,] and the limit.
	All, Object, Newest, ObjectNewest string
}

// For returns the statement that lists the events f asks for, with its arguments.
func (q EventQueries) For(tenant string, f raci.EventFilter) (string, []any) {
	limit := raci.ListOptions{Limit: f.Limit}.PageLimit()
	// Newest ignores After, as raci.EventFilter documents.
	switch {
	case f.Newest && f.Object != "":
		return q.ObjectNewest, []any{tenant, f.Object, limit}
	case f.Newest:
		return q.Newest, []any{tenant, limit}
	case f.Object != "":
		return q.Object, []any{tenant, f.Object, f.After, limit}
	default:
		return q.All, []any{tenant, f.After, limit}
	}
}
