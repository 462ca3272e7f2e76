package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ raci.ChecklistService = (*DB)(nil)

const (
	checklistColumns     = `tenant, key, title, description, gate, version, created_at, updated_at`
	checklistItemColumns = `checklist, key, title, owner, required, due, status, evidence, evidence_expires,
		waiver_reason, waiver_approver, waiver_expires`
)

const (
	qFindChecklist = `SELECT ` + checklistColumns + ` FROM checklists WHERE tenant = $1 AND key = $2`
	// A NULL LIMIT is no limit: the same statement reads a page or a whole tenant.
	qListChecklists = `SELECT ` + checklistColumns + ` FROM checklists
		WHERE tenant = $1 AND key > $2 ORDER BY key LIMIT $3`
	qFindChecklistItems = `SELECT ` + checklistItemColumns + ` FROM checklist_items
		WHERE tenant = $1 AND checklist = $2 ORDER BY position`
	// The items of a page of checklists: those whose checklist key lies in (after, last].
	qListChecklistItems = `SELECT ` + checklistItemColumns + ` FROM checklist_items
		WHERE tenant = $1 AND checklist > $2 AND checklist <= $3 ORDER BY checklist, position`
	qInsertChecklist = `INSERT INTO checklists (` + checklistColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	qUpdateChecklist = `UPDATE checklists SET title = $1, description = $2, gate = $3, version = $4, updated_at = $5
		WHERE tenant = $6 AND key = $7`
	qDeleteChecklist      = `DELETE FROM checklists WHERE tenant = $1 AND key = $2`
	qDeleteChecklistItems = `DELETE FROM checklist_items WHERE tenant = $1 AND checklist = $2`
	qInsertChecklistItem  = `INSERT INTO checklist_items (tenant, checklist, position, key, title, owner, required, due,
		status, evidence, evidence_expires, waiver_reason, waiver_approver, waiver_expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	// The items that name a party, as owner or as waiver approver, and which of the two.
	qItemsNamingParty = `SELECT checklist, key, owner = $2, waiver_approver IS NOT DISTINCT FROM $2 FROM checklist_items
		WHERE tenant = $1 AND (owner = $2 OR waiver_approver = $2) ORDER BY checklist, position`
)

// FindChecklist returns the checklist, or ENOTFOUND when the tenant or the checklist
// does not exist.
func (db *DB) FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error) {
	var c *raci.Checklist
	err := db.view(ctx, func(tx pgx.Tx) error {
		var err error
		c, err = findChecklist(ctx, tx, tenant, key)
		if err != nil || c != nil {
			return err
		}
		return checklistMissing(ctx, tx, tenant, key)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListChecklists returns a page of the tenant's checklists ordered by key, with their
// items read in one query for the whole page.
func (db *DB) ListChecklists(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Checklist], error) {
	limit := opts.PageLimit()
	var items []*raci.Checklist
	err := db.view(ctx, func(tx pgx.Tx) error {
		ok, err := tenantExists(ctx, tx, tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(tenant)
		}
		// One more than the page holds tells whether another page follows.
		items, err = listChecklists(ctx, tx, tenant, opts.After, limit+1)
		return err
	})
	if err != nil {
		return nil, err
	}
	page := &raci.Page[*raci.Checklist]{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = items[limit-1].Key
	}
	return page, nil
}

// PutChecklist creates or replaces the checklist. Items that leave their status,
// evidence or waiver empty keep what is stored for the item with the same key, merged
// under the tenant's lock in the transaction that writes, so that a tick made
// meanwhile, by this process or another, is never lost.
func (db *DB) PutChecklist(ctx context.Context, in *raci.Checklist, pre raci.Precondition) (*raci.Checklist, bool, error) {
	given := in.Clone()
	// The object's own rules need nothing stored: check them before taking the
	// tenant's lock.
	given.Normalize()
	if err := given.Validate(); err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("checklist %q", given.Tenant+"/"+given.Key)
	var c *raci.Checklist
	created := false
	err := db.update(ctx, given.Tenant, func(tx pgx.Tx) error {
		// Merge into a fresh copy on every attempt: a retry merges what is stored then.
		c = given.Clone()
		ok, err := tenantExists(ctx, tx, c.Tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(c.Tenant)
		}
		old, err := findChecklist(ctx, tx, c.Tenant, c.Key)
		if err != nil {
			return err
		}
		c.MergeStatus(old)
		// What was merged in must hold together with what was written: a status
		// of waived kept from before still needs its waiver, an owner changed to
		// the kept waiver's approver is refused.
		if err := c.Validate(); err != nil {
			return err
		}
		if err := c.CheckTimesBetween(earliestTime, latestTime); err != nil {
			return err
		}
		parties, err := partyNames(ctx, tx, c.Tenant)
		if err != nil {
			return err
		}
		if err := c.CheckParties(func(p string) bool { return parties[p] }); err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		created = old == nil
		return db.writeChecklist(ctx, tx, c, old)
	})
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// DeleteChecklist deletes the checklist and its items.
func (db *DB) DeleteChecklist(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	what := fmt.Sprintf("checklist %q", tenant+"/"+key)
	return db.update(ctx, tenant, func(tx pgx.Tx) error {
		c, err := findChecklist(ctx, tx, tenant, key)
		if err != nil {
			return err
		}
		if c == nil {
			return checklistMissing(ctx, tx, tenant, key)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, c.Version); err != nil {
			return err
		}
		// The items go with the checklist (ON DELETE CASCADE).
		if _, err := tx.Exec(ctx, qDeleteChecklist, tenant, key); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, db, tx, tenant, raci.ChecklistObject(key), c, nil)
	})
}

// UpdateChecklistItem applies the patch to one item and stores the whole checklist
// as a new version, so that an If-Match on the checklist sees every tick.
func (db *DB) UpdateChecklistItem(ctx context.Context, tenant, checklist, item string, patch raci.ItemPatch, pre raci.Precondition) (*raci.Checklist, error) {
	what := fmt.Sprintf("checklist %q", tenant+"/"+checklist)
	var c *raci.Checklist
	err := db.update(ctx, tenant, func(tx pgx.Tx) error {
		old, err := findChecklist(ctx, tx, tenant, checklist)
		if err != nil {
			return err
		}
		if old == nil {
			return checklistMissing(ctx, tx, tenant, checklist)
		}
		c = old.Clone()
		it := c.Item(item)
		if it == nil {
			keys := make([]string, len(c.Items))
			for i, it := range c.Items {
				keys[i] = it.Key
			}
			return raci.ItemNotFound(tenant, checklist, item, keys)
		}
		it.Apply(patch)
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		}
		if err := c.CheckTimesBetween(earliestTime, latestTime); err != nil {
			return err
		}
		parties, err := partyNames(ctx, tx, tenant)
		if err != nil {
			return err
		}
		if err := c.CheckParties(func(p string) bool { return parties[p] }); err != nil {
			return err
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, old.Version); err != nil {
			return err
		}
		return db.writeChecklist(ctx, tx, c, old)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ChecklistReadiness judges the checklist at the store's current time.
func (db *DB) ChecklistReadiness(ctx context.Context, tenant, key string) (*raci.Readiness, error) {
	c, err := db.FindChecklist(ctx, tenant, key)
	if err != nil {
		return nil, err
	}
	return c.Readiness(db.Now()), nil
}

// writeChecklist stores c as the next version after old (nil: a new checklist),
// replacing all its items, sets c's version and times to what was stored, and
// appends the event.
func (db *DB) writeChecklist(ctx context.Context, tx pgx.Tx, c, old *raci.Checklist) error {
	what := fmt.Sprintf("checklist %q", c.Tenant+"/"+c.Key)
	now := db.now()
	c.UpdatedAt = now
	var err error
	if old == nil {
		c.Version, c.CreatedAt = 1, now
		_, err = tx.Exec(ctx, qInsertChecklist, c.Tenant, c.Key, c.Title, c.Description, c.Gate,
			c.Version, c.CreatedAt.UnixNano(), c.UpdatedAt.UnixNano())
	} else {
		c.Version, c.CreatedAt = old.Version+1, old.CreatedAt
		if _, err = tx.Exec(ctx, qDeleteChecklistItems, c.Tenant, c.Key); err == nil {
			_, err = tx.Exec(ctx, qUpdateChecklist, c.Title, c.Description, c.Gate,
				c.Version, c.UpdatedAt.UnixNano(), c.Tenant, c.Key)
		}
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", what, err)
	}
	if len(c.Items) > 0 {
		batch := &pgx.Batch{}
		for i, it := range c.Items {
			var reason, approver *string
			var expires *int64
			if w := it.Waiver; w != nil {
				n := w.Expires.UnixNano()
				reason, approver, expires = &w.Reason, &w.ApprovedBy, &n
			}
			batch.Queue(qInsertChecklistItem, c.Tenant, c.Key, i, it.Key, it.Title, it.Owner, it.Required,
				nanos(it.Due), string(it.Status), it.Evidence, nanos(it.EvidenceExpires), reason, approver, expires)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("put %s: items: %w", what, err)
		}
	}
	stored, err := findChecklist(ctx, tx, c.Tenant, c.Key)
	if err != nil {
		return err
	}
	return appendEvent(ctx, db, tx, c.Tenant, raci.ChecklistObject(c.Key), old, stored)
}

// findChecklist returns the checklist with its items, or nil without an error when it
// does not exist.
func findChecklist(ctx context.Context, q querier, tenant, key string) (*raci.Checklist, error) {
	c, err := scanChecklist(q.QueryRow(ctx, qFindChecklist, tenant, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find checklist %q: %w", tenant+"/"+key, err)
	}
	rows, err := q.Query(ctx, qFindChecklistItems, tenant, key)
	if err != nil {
		return nil, fmt.Errorf("find items of checklist %q: %w", tenant+"/"+key, err)
	}
	defer rows.Close()
	for rows.Next() {
		_, it, err := scanChecklistItem(rows)
		if err != nil {
			return nil, fmt.Errorf("find items of checklist %q: %w", tenant+"/"+key, err)
		}
		c.Items = append(c.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find items of checklist %q: %w", tenant+"/"+key, err)
	}
	return c, nil
}

// listChecklists returns up to limit checklists of the tenant whose keys sort after
// after, with their items, in two queries whatever their number; a negative limit
// returns them all.
func listChecklists(ctx context.Context, q querier, tenant, after string, limit int) ([]*raci.Checklist, error) {
	items := []*raci.Checklist{}
	byKey := map[string]*raci.Checklist{}
	rows, err := q.Query(ctx, qListChecklists, tenant, after, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("list checklists of tenant %q: %w", tenant, err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanChecklist(rows)
		if err != nil {
			return nil, fmt.Errorf("list checklists of tenant %q: %w", tenant, err)
		}
		items = append(items, c)
		byKey[c.Key] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list checklists of tenant %q: %w", tenant, err)
	}
	rows.Close()
	if len(items) == 0 {
		return items, nil
	}

	last := items[len(items)-1].Key
	irows, err := q.Query(ctx, qListChecklistItems, tenant, after, last)
	if err != nil {
		return nil, fmt.Errorf("list checklist items of tenant %q: %w", tenant, err)
	}
	defer irows.Close()
	for irows.Next() {
		key, it, err := scanChecklistItem(irows)
		if err != nil {
			return nil, fmt.Errorf("list checklist items of tenant %q: %w", tenant, err)
		}
		if c := byKey[key]; c != nil {
			c.Items = append(c.Items, it)
		}
	}
	if err := irows.Err(); err != nil {
		return nil, fmt.Errorf("list checklist items of tenant %q: %w", tenant, err)
	}
	return items, nil
}

// checklistMissing returns the ENOTFOUND error for a checklist that does not exist,
// saying whether its tenant is missing too.
func checklistMissing(ctx context.Context, q querier, tenant, key string) error {
	ok, err := tenantExists(ctx, q, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return raci.ChecklistNotFound(tenant, key)
}

// checklistItemsNaming returns, checklist by checklist, the items the party owns and
// the items whose waiver it approves, in the checklists' item order.
func checklistItemsNaming(ctx context.Context, q querier, tenant, party string) (owned, approved []raci.ChecklistItems, err error) {
	rows, err := q.Query(ctx, qItemsNamingParty, tenant, party)
	if err != nil {
		return nil, nil, fmt.Errorf("find checklist items naming party %q: %w", tenant+"/"+party, err)
	}
	defer rows.Close()
	add := func(held []raci.ChecklistItems, checklist, item string) []raci.ChecklistItems {
		if n := len(held); n > 0 && held[n-1].Checklist == checklist {
			held[n-1].Items = append(held[n-1].Items, item)
			return held
		}
		return append(held, raci.ChecklistItems{Checklist: checklist, Items: []string{item}})
	}
	for rows.Next() {
		var checklist, item string
		var owns, approves bool
		if err := rows.Scan(&checklist, &item, &owns, &approves); err != nil {
			return nil, nil, fmt.Errorf("find checklist items naming party %q: %w", tenant+"/"+party, err)
		}
		if owns {
			owned = add(owned, checklist, item)
		}
		if approves {
			approved = add(approved, checklist, item)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("find checklist items naming party %q: %w", tenant+"/"+party, err)
	}
	return owned, approved, nil
}

// The times the store can keep: unix nanoseconds in an int64, from 1677 to 2262.
var (
	earliestTime = time.Unix(0, math.MinInt64).UTC()
	latestTime   = time.Unix(0, math.MaxInt64).UTC()
)

func scanChecklist(s scanner) (*raci.Checklist, error) {
	var (
		c                raci.Checklist
		created, updated int64
	)
	if err := s.Scan(&c.Tenant, &c.Key, &c.Title, &c.Description, &c.Gate, &c.Version, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromNanos(created), fromNanos(updated)
	c.Items = []raci.ChecklistItem{}
	return &c, nil
}

// scanChecklistItem returns the key of the checklist an item belongs to and the item.
func scanChecklistItem(s scanner) (string, raci.ChecklistItem, error) {
	var (
		checklist, status    string
		it                   raci.ChecklistItem
		due, evidenceExpires *int64
		reason, approver     *string
		waiverExpires        *int64
	)
	if err := s.Scan(&checklist, &it.Key, &it.Title, &it.Owner, &it.Required, &due, &status, &it.Evidence, &evidenceExpires,
		&reason, &approver, &waiverExpires); err != nil {
		return "", it, err
	}
	it.Status = raci.ItemStatus(status)
	it.Due, it.EvidenceExpires = timeOrNil(due), timeOrNil(evidenceExpires)
	if approver != nil && reason != nil && waiverExpires != nil {
		it.Waiver = &raci.Waiver{Reason: *reason, ApprovedBy: *approver, Expires: fromNanos(*waiverExpires)}
	}
	return checklist, it, nil
}

// nanos is the column value of an optional time: NULL when there is none.
func nanos(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	n := t.UnixNano()
	return &n
}

func timeOrNil(n *int64) *time.Time {
	if n == nil {
		return nil
	}
	t := fromNanos(*n)
	return &t
}
