package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var (
	_ raci.EventService    = (*DB)(nil)
	_ raci.RevisionService = (*DB)(nil)
)

const (
	eventColumns = `seq, at, actor, tenant, object, action, before_json, after_json`

	qInsertEvent = `INSERT INTO events (at, actor, tenant, object, action, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`
	qListEvents = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ?`
	qListObjectEvents = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = ? AND object = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ?`
	qListEventsNewest = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`
	qListObjectEventsNewest = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = ? AND object = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`
	// Whether the tenant exists, and where its incarnation's log begins.
	qEventBounds = `SELECT EXISTS (SELECT 1 FROM tenants WHERE name = ?),
		coalesce((SELECT max(seq) FROM events WHERE tenant = ? AND object = 'tenant' AND action = 'create'), 0)`
	// One step down the (tenant, seq) index.
	qTenantRevision = `SELECT coalesce(max(seq), 0) FROM events WHERE tenant = ?`
)

var eventQueries = store.EventQueries{
	All: qListEvents, Object: qListObjectEvents, Newest: qListEventsNewest, ObjectNewest: qListObjectEventsNewest,
	Bounds: qEventBounds,
}

// TenantRevision returns the seq of the tenant's newest event, 0 when it has none.
// Seq is AUTOINCREMENT, never reused, and every write appends its event in the
// write's own transaction, so the answer moves with every committed write.
func (db *DB) TenantRevision(ctx context.Context, tenant string) (int64, error) {
	var rev int64
	if err := db.readStmts[qTenantRevision].QueryRowContext(ctx, tenant).Scan(&rev); err != nil {
		return 0, fmt.Errorf("revision of tenant %q: %w", tenant, err)
	}
	return rev, nil
}

// ListEvents returns a page of the tenant's events in sequence order, or newest
// first: those of the tenant that has the name now (ENOTFOUND when none has), or
// with f.Deleted those of the tenants of that name deleted before it. One read
// transaction finds where the tenant's log begins and reads the page.
func (db *DB) ListEvents(ctx context.Context, tenant string, f raci.EventFilter) ([]*raci.Event, error) {
	var events []*raci.Event
	err := db.view(ctx, func(tx *tx) error {
		var (
			exists  bool
			created int64
		)
		if err := tx.queryRow(ctx, qEventBounds, tenant, tenant).Scan(&exists, &created); err != nil {
			return err
		}
		r, err := store.EventRangeFor(tenant, f, exists, created)
		if err != nil {
			return err
		}
		query, args := eventQueries.For(tenant, f, r)
		events, err = store.Collect(ctx, tx, scanEvent, query, args...)
		return err
	})
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("list events of tenant %q: %w", tenant, err)
	}
	return events, nil
}

// AppendEvent appends the event to the log.
func (t *tx) AppendEvent(ctx context.Context, e *raci.Event) error {
	return t.queryRow(ctx, qInsertEvent, e.At.UnixNano(), e.Actor, e.Tenant, e.Object, e.Action, nullJSON(e.Before), nullJSON(e.After)).Scan(&e.Seq)
}

// nullJSON is the column value of an object in the log: its JSON, or NULL when
// there is none.
func nullJSON(j json.RawMessage) sql.NullString {
	return sql.NullString{String: string(j), Valid: j != nil}
}

func scanEvent(s store.Scanner) (*raci.Event, error) {
	var (
		e             raci.Event
		at            int64
		before, after sql.NullString
	)
	if err := s.Scan(&e.Seq, &at, &e.Actor, &e.Tenant, &e.Object, &e.Action, &before, &after); err != nil {
		return nil, err
	}
	e.At = fromNanos(at)
	if before.Valid {
		e.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		e.After = json.RawMessage(after.String)
	}
	return &e, nil
}

const (
	// The newest event of the tenant's name, one step down the (tenant, seq) index.
	qNewestEvent = `SELECT seq, at FROM events WHERE tenant = ? ORDER BY seq DESC LIMIT 1`
	// The id migration 0009 gave the database.
	qInstallationID = `SELECT id FROM installation`
)

// NewestEvent returns the seq and time of the tenant's newest event, 0 and the
// zero time when it has none.
func (t *tx) NewestEvent(ctx context.Context, tenant string) (int64, time.Time, error) {
	var seq, at int64
	err := t.queryRow(ctx, qNewestEvent, tenant).Scan(&seq, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("newest event of tenant %q: %w", tenant, err)
	}
	return seq, fromNanos(at), nil
}

// InstallationID returns the database's installation id.
func (t *tx) InstallationID(ctx context.Context) (string, error) {
	var id string
	if err := t.queryRow(ctx, qInstallationID).Scan(&id); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	return id, nil
}
