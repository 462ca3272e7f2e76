package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var _ raci.ChecklistService = (*DB)(nil)

const (
	checklistColumns     = `tenant, key, title, description, gate, version, created_at, updated_at`
	checklistItemColumns = `checklist, key, title, owner, required, due, place, status, evidence, evidence_expires,
		waiver_reason, waiver_approver, waiver_expires, updated_by, updated_at`
)

const (
	qFindChecklist = `SELECT ` + checklistColumns + ` FROM checklists WHERE tenant = ? AND key = ?`
	// A negative LIMIT is no limit: the same statement reads a page or a whole tenant.
	qListChecklists = `SELECT ` + checklistColumns + ` FROM checklists
		WHERE tenant = ? AND key > ? ORDER BY key LIMIT ?`
	qFindChecklistItems = `SELECT ` + checklistItemColumns + ` FROM checklist_items
		WHERE tenant = ? AND checklist = ? ORDER BY position`
	// The items of a page of checklists: those whose checklist key lies in (after, last].
	qListChecklistItems = `SELECT ` + checklistItemColumns + ` FROM checklist_items
		WHERE tenant = ? AND checklist > ? AND checklist <= ? ORDER BY checklist, position`
	qInsertChecklist = `INSERT INTO checklists (` + checklistColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateChecklist = `UPDATE checklists SET title = ?, description = ?, gate = ?, version = ?, updated_at = ?
		WHERE tenant = ? AND key = ?`
	qDeleteChecklist      = `DELETE FROM checklists WHERE tenant = ? AND key = ?`
	qDeleteChecklistItems = `DELETE FROM checklist_items WHERE tenant = ? AND checklist = ?`
	qInsertChecklistItem  = `INSERT INTO checklist_items (tenant, checklist, position, key, title, owner, required, due,
		place, status, evidence, evidence_expires, waiver_reason, waiver_approver, waiver_expires, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// The items that name a party, as owner or as waiver approver, and which of the two.
	qItemsNamingParty = `SELECT checklist, key, owner = ?2, waiver_approver IS ?2 FROM checklist_items
		WHERE tenant = ?1 AND (owner = ?2 OR waiver_approver = ?2) ORDER BY checklist, position`
)

// WriteChecklist inserts or updates the checklist as it is given, replacing its
// items.
func (t *tx) WriteChecklist(ctx context.Context, c *raci.Checklist, isNew bool) error {
	var err error
	if isNew {
		err = t.exec(ctx, qInsertChecklist, c.Tenant, c.Key, c.Title, c.Description, c.Gate,
			c.Version, c.CreatedAt.UnixNano(), c.UpdatedAt.UnixNano())
	} else if err = t.exec(ctx, qDeleteChecklistItems, c.Tenant, c.Key); err == nil {
		err = t.exec(ctx, qUpdateChecklist, c.Title, c.Description, c.Gate,
			c.Version, c.UpdatedAt.UnixNano(), c.Tenant, c.Key)
	}
	if err != nil {
		return err
	}
	for i, it := range c.Items {
		var reason, approver sql.NullString
		var expires sql.NullInt64
		if w := it.Waiver; w != nil {
			reason = sql.NullString{String: w.Reason, Valid: true}
			approver = sql.NullString{String: w.ApprovedBy, Valid: true}
			expires = sql.NullInt64{Int64: w.Expires.UnixNano(), Valid: true}
		}
		if err := t.exec(ctx, qInsertChecklistItem, c.Tenant, c.Key, i, it.Key, it.Title, it.Owner, it.Required,
			nanos(it.Due), it.Position, string(it.Status), it.Evidence, nanos(it.EvidenceExpires), reason, approver, expires,
			it.UpdatedBy, nanos(it.UpdatedAt)); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	return nil
}

// DeleteChecklist deletes the checklist; its items go with it (ON DELETE CASCADE).
func (t *tx) DeleteChecklist(ctx context.Context, tenant, key string) error {
	return t.exec(ctx, qDeleteChecklist, tenant, key)
}

// FindChecklist returns the checklist with its items, or nil without an error when
// it does not exist.
func (t *tx) FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error) {
	c, err := scanChecklist(t.queryRow(ctx, qFindChecklist, tenant, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		err = store.AddItems(ctx, t, []*raci.Checklist{c}, scanChecklistItem, qFindChecklistItems, tenant, key)
	}
	if err != nil {
		return nil, fmt.Errorf("find checklist %q: %w", tenant+"/"+key, err)
	}
	return c, nil
}

// ListChecklists returns up to limit checklists of the tenant whose keys sort after
// after, with their items, in two queries whatever their number; a negative limit
// returns them all.
func (t *tx) ListChecklists(ctx context.Context, tenant, after string, limit int) ([]*raci.Checklist, error) {
	checklists, err := store.Collect(ctx, t, scanChecklist, qListChecklists, tenant, after, limit)
	if err == nil && len(checklists) > 0 {
		err = store.AddItems(ctx, t, checklists, scanChecklistItem, qListChecklistItems, tenant, after, checklists[len(checklists)-1].Key)
	}
	if err != nil {
		return nil, fmt.Errorf("list checklists of tenant %q: %w", tenant, err)
	}
	return checklists, nil
}

// ItemsNaming returns the checklist items that name the party, as owner or as
// waiver approver, by checklist and in each checklist's item order.
func (t *tx) ItemsNaming(ctx context.Context, tenant, party string) ([]store.ItemNaming, error) {
	items, err := store.Collect(ctx, t, store.ScanItemNaming, qItemsNamingParty, tenant, party)
	if err != nil {
		return nil, fmt.Errorf("find checklist items naming party %q: %w", tenant+"/"+party, err)
	}
	return items, nil
}

func scanChecklist(s store.Scanner) (*raci.Checklist, error) {
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
func scanChecklistItem(s store.Scanner) (string, raci.ChecklistItem, error) {
	var (
		checklist, status    string
		it                   raci.ChecklistItem
		due, evidenceExpires sql.NullInt64
		reason, approver     sql.NullString
		waiverExpires        sql.NullInt64
		updatedAt            sql.NullInt64
	)
	if err := s.Scan(&checklist, &it.Key, &it.Title, &it.Owner, &it.Required, &due, &it.Position, &status, &it.Evidence, &evidenceExpires,
		&reason, &approver, &waiverExpires, &it.UpdatedBy, &updatedAt); err != nil {
		return "", it, err
	}
	it.Status = raci.ItemStatus(status)
	it.Due, it.EvidenceExpires, it.UpdatedAt = timeOrNil(due), timeOrNil(evidenceExpires), timeOrNil(updatedAt)
	if approver.Valid {
		it.Waiver = &raci.Waiver{Reason: reason.String, ApprovedBy: approver.String, Expires: fromNanos(waiverExpires.Int64)}
	}
	return checklist, it, nil
}

// nanos is the column value of an optional time: NULL when there is none.
func nanos(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func timeOrNil(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}
