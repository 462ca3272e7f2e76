package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`
	qListEvents = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4`
	qListObjectEvents = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = $1 AND object = $2 AND seq > $3 AND seq < $4 ORDER BY seq LIMIT $5`
	qListEventsNewest = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4`
	qListObjectEventsNewest = `SELECT ` + eventColumns + ` FROM events
		WHERE tenant = $1 AND object = $2 AND seq > $3 AND seq < $4 ORDER BY seq DESC LIMIT $5`
	// Whether the tenant exists, and where its incarnation's log begins.
	qEventBounds = `SELECT EXISTS (SELECT 1 FROM tenants WHERE name = $1),
		coalesce((SELECT max(seq) FROM events WHERE tenant = $2 AND object = 'tenant' AND action = 'create'), 0)`
	// One step down the (tenant, seq) index.
	qTenantRevision = `SELECT coalesce(max(seq), 0) FROM events WHERE tenant = $1`
)

var eventQueries = store.EventQueries{
	All: qListEvents, Object: qListObjectEvents, Newest: qListEventsNewest, ObjectNewest: qListObjectEventsNewest,
	Bounds: qEventBounds,
}

// TenantRevision returns the seq of the tenant's newest event, 0 when it has none.
// Every write appends its event last in its transaction, holding the tenant's lock,
// so the seq it takes is above every seq of the tenant committed before; identity
// values are never reused. The answer therefore moves with every committed write.
func (db *DB) TenantRevision(ctx context.Context, tenant string) (int64, error) {
	var rev int64
	if err := db.pool.QueryRow(ctx, qTenantRevision, tenant).Scan(&rev); err != nil {
		return 0, fmt.Errorf("revision of tenant %q: %w", tenant, err)
	}
	return rev, nil
}

// ListEvents returns a page of the tenant's events in sequence order, or newest
// first: those of the tenant that has the name now (ENOTFOUND when none has), or
// with f.Deleted those of the tenants of that name deleted before it. One
// repeatable-read transaction finds where the tenant's log begins and reads the
// page, so both see one snapshot.
func (db *DB) ListEvents(ctx context.Context, tenant string, f raci.EventFilter) ([]*raci.Event, error) {
	var events []*raci.Event
	err := db.view(ctx, func(q store.Reader) error {
		c, ok := q.(conn)
		if !ok {
			return fmt.Errorf("a read transaction of type %T", q)
		}
		var (
			exists  bool
			created int64
		)
		if err := c.QueryRow(ctx, qEventBounds, tenant, tenant).Scan(&exists, &created); err != nil {
			return err
		}
		r, err := store.EventRangeFor(tenant, f, exists, created)
		if err != nil {
			return err
		}
		query, args := eventQueries.For(tenant, f, r)
		events, err = store.Collect(ctx, c, scanEvent, query, args...)
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

// AppendEvent appends the event to the log. The write path appends it last, with
// the tenant's lock held, so the seq the insert takes orders the write after every
// earlier one to the tenant.
func (q conn) AppendEvent(ctx context.Context, e *raci.Event) error {
	// A nil slice is NULL.
	return q.QueryRow(ctx, qInsertEvent, e.At.UnixNano(), e.Actor, e.Tenant, e.Object, e.Action, []byte(e.Before), []byte(e.After)).Scan(&e.Seq)
}

func scanEvent(s store.Scanner) (*raci.Event, error) {
	var (
		e             raci.Event
		at            int64
		before, after []byte
	)
	if err := s.Scan(&e.Seq, &at, &e.Actor, &e.Tenant, &e.Object, &e.Action, &before, &after); err != nil {
		return nil, err
	}
	e.At = fromNanos(at)
	if before != nil {
		e.Before = json.RawMessage(before)
	}
	if after != nil {
		e.After = json.RawMessage(after)
	}
	return &e, nil
}

const (
	// The newest event of the tenant's name, one step down the (tenant, seq) index.
	qNewestEvent = `SELECT seq, at FROM events WHERE tenant = $1 ORDER BY seq DESC LIMIT 1`
	// The id migration 0009 gave the database.
	qInstallationID = `SELECT id FROM installation`
)

// NewestEvent returns the seq and time of the tenant's newest event, 0 and the
// zero time when it has none.
func (q conn) NewestEvent(ctx context.Context, tenant string) (int64, time.Time, error) {
	var seq, at int64
	err := q.QueryRow(ctx, qNewestEvent, tenant).Scan(&seq, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("newest event of tenant %q: %w", tenant, err)
	}
	return seq, fromNanos(at), nil
}

// InstallationID returns the database's installation id.
func (q conn) InstallationID(ctx context.Context) (string, error) {
	var id string
	if err := q.QueryRow(ctx, qInstallationID).Scan(&id); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	return id, nil
}
