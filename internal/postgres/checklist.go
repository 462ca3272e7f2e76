package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
		place, status, evidence, evidence_expires, waiver_reason, waiver_approver, waiver_expires, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`
	// The items that name a party, as owner or as waiver approver, and which of the two.
	qItemsNamingParty = `SELECT checklist, key, owner = $2, waiver_approver IS NOT DISTINCT FROM $2 FROM checklist_items
		WHERE tenant = $1 AND (owner = $2 OR waiver_approver = $2) ORDER BY checklist, position`
)

// WriteChecklist inserts or updates the checklist as it is given, replacing its
// items, which go in one batch.
func (q conn) WriteChecklist(ctx context.Context, c *raci.Checklist, isNew bool) error {
	var err error
	if isNew {
		_, err = q.Exec(ctx, qInsertChecklist, c.Tenant, c.Key, c.Title, c.Description, c.Gate,
			c.Version, c.CreatedAt.UnixNano(), c.UpdatedAt.UnixNano())
	} else if _, err = q.Exec(ctx, qDeleteChecklistItems, c.Tenant, c.Key); err == nil {
		_, err = q.Exec(ctx, qUpdateChecklist, c.Title, c.Description, c.Gate,
			c.Version, c.UpdatedAt.UnixNano(), c.Tenant, c.Key)
	}
	if err != nil || len(c.Items) == 0 {
		return err
	}
	batch := &pgx.Batch{}
	for i, it := range c.Items {
		var reason, approver *string
		var expires *int64
		if w := it.Waiver; w != nil {
			n := w.Expires.UnixNano()
			reason, approver, expires = &w.Reason, &w.ApprovedBy, &n
		}
		batch.Queue(qInsertChecklistItem, c.Tenant, c.Key, i, it.Key, it.Title, it.Owner, it.Required,
			nanos(it.Due), it.Position, string(it.Status), it.Evidence, nanos(it.EvidenceExpires), reason, approver, expires,
			it.UpdatedBy, nanos(it.UpdatedAt))
	}
	if err := q.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("items: %w", err)
	}
	return nil
}

// DeleteChecklist deletes the checklist; its items go with it (ON DELETE CASCADE).
func (q conn) DeleteChecklist(ctx context.Context, tenant, key string) error {
	_, err := q.Exec(ctx, qDeleteChecklist, tenant, key)
	return err
}

// FindChecklist returns the checklist with its items, or nil without an error when
// it does not exist.
func (q conn) FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error) {
	c, err := scanChecklist(q.QueryRow(ctx, qFindChecklist, tenant, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		err = store.AddItems(ctx, q, []*raci.Checklist{c}, scanChecklistItem, qFindChecklistItems, tenant, key)
	}
	if err != nil {
		return nil, fmt.Errorf("find checklist %q: %w", tenant+"/"+key, err)
	}
	return c, nil
}

// ListChecklists returns up to limit checklists of the tenant whose keys sort after
// after, with their items, in two queries whatever their number; a negative limit
// returns them all.
func (q conn) ListChecklists(ctx context.Context, tenant, after string, limit int) ([]*raci.Checklist, error) {
	checklists, err := store.Collect(ctx, q, scanChecklist, qListChecklists, tenant, after, limitArg(limit))
	if err == nil && len(checklists) > 0 {
		err = store.AddItems(ctx, q, checklists, scanChecklistItem, qListChecklistItems, tenant, after, checklists[len(checklists)-1].Key)
	}
	if err != nil {
		return nil, fmt.Errorf("list checklists of tenant %q: %w", tenant, err)
	}
	return checklists, nil
}

// ItemsNaming returns the checklist items that name the party, as owner or as
// waiver approver, by checklist and in each checklist's item order.
func (q conn) ItemsNaming(ctx context.Context, tenant, party string) ([]store.ItemNaming, error) {
	items, err := store.Collect(ctx, q, store.ScanItemNaming, qItemsNamingParty, tenant, party)
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
		due, evidenceExpires *int64
		reason, approver     *string
		waiverExpires        *int64
		updatedAt            *int64
	)
	if err := s.Scan(&checklist, &it.Key, &it.Title, &it.Owner, &it.Required, &due, &it.Position, &status, &it.Evidence, &evidenceExpires,
		&reason, &approver, &waiverExpires, &it.UpdatedBy, &updatedAt); err != nil {
		return "", it, err
	}
	it.Status = raci.ItemStatus(status)
	it.Due, it.EvidenceExpires, it.UpdatedAt = timeOrNil(due), timeOrNil(evidenceExpires), timeOrNil(updatedAt)
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
