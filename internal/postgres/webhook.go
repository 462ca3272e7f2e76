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
	_ raci.WebhookService = (*DB)(nil)
	_ raci.DeliveryQueue  = (*DB)(nil)
)

const (
	webhookColumns  = `tenant, name, url, secret, events, version, created_at, updated_at`
	qFindWebhook    = `SELECT ` + webhookColumns + ` FROM webhooks WHERE tenant = $1 AND name = $2`
	qTenantWebhooks = `SELECT ` + webhookColumns + ` FROM webhooks WHERE tenant = $1 ORDER BY name`
	qInsertWebhook  = `INSERT INTO webhooks (` + webhookColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	qUpdateWebhook  = `UPDATE webhooks SET url = $1, secret = $2, events = $3, version = $4, updated_at = $5
		WHERE tenant = $6 AND name = $7`
	qDeleteWebhook = `DELETE FROM webhooks WHERE tenant = $1 AND name = $2`

	qInsertDelivery = `INSERT INTO webhook_deliveries (id, tenant, webhook, kind, object, action, body, status,
		created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)`
	deliveryColumns = `id, tenant, webhook, kind, object, action, status, attempts, created_at, next_attempt_at,
		delivered_at, last_error`
	qListDeliveries = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries
		WHERE tenant = $1 AND webhook = $2 ORDER BY created_at DESC, id DESC LIMIT $3`
	// SKIP LOCKED passes over the rows another server is claiming at this moment;
	// a row claimed and committed meanwhile is read again under its lock and fails
	// the claimed_until test. Each delivery is claimed by one server.
	qClaimDeliveries = `UPDATE webhook_deliveries SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE status = 'pending' AND next_attempt_at <= $3 AND claimed_until <= $4
			ORDER BY next_attempt_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
		RETURNING ` + deliveryColumns + `, body`
	qDelivered = `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $1,
		claimed_until = 0, last_error = '' WHERE id = $2 AND claimed_by = $3`
	qRetryDelivery = `UPDATE webhook_deliveries SET next_attempt_at = $1, claimed_by = '', claimed_until = 0,
		last_error = $2 WHERE id = $3 AND claimed_by = $4`
	qFailDelivery = `UPDATE webhook_deliveries SET status = 'failed', claimed_by = '', claimed_until = 0,
		last_error = $1 WHERE id = $2 AND claimed_by = $3`
)

func scanWebhook(s store.Scanner) (*raci.Webhook, error) {
	var (
		h                raci.Webhook
		events           []byte
		created, updated int64
	)
	if err := s.Scan(&h.Tenant, &h.Name, &h.URL, &h.Secret, &events, &h.Version, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(events, &h.Events); err != nil {
		return nil, fmt.Errorf("decode events of webhook %q: %w", h.Tenant+"/"+h.Name, err)
	}
	h.CreatedAt, h.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &h, nil
}

func scanDelivery(s store.Scanner, extra ...any) (*raci.Delivery, error) {
	var (
		d             raci.Delivery
		created, next int64
		delivered     *int64
	)
	dest := append([]any{&d.ID, &d.Tenant, &d.Webhook, &d.Kind, &d.Object, &d.Action, &d.Status, &d.Attempts,
		&created, &next, &delivered, &d.LastError}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	d.Created, d.NextAttempt = fromNanos(created), fromNanos(next)
	if delivered != nil {
		t := fromNanos(*delivered)
		d.Delivered = &t
	}
	return &d, nil
}

// FindWebhook returns the webhook with its secret, or nil.
func (q conn) FindWebhook(ctx context.Context, tenant, name string) (*raci.Webhook, error) {
	h, err := scanWebhook(q.QueryRow(ctx, qFindWebhook, tenant, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return h, err
}

// TenantWebhooks returns the tenant's webhooks by name.
func (q conn) TenantWebhooks(ctx context.Context, tenant string) ([]*raci.Webhook, error) {
	return store.Collect(ctx, q, scanWebhook, qTenantWebhooks, tenant)
}

// WriteWebhook inserts or updates the webhook.
func (q conn) WriteWebhook(ctx context.Context, h *raci.Webhook, isNew bool) error {
	events, err := json.Marshal(h.Events)
	if err != nil {
		return err
	}
	if isNew {
		_, err = q.Exec(ctx, qInsertWebhook, h.Tenant, h.Name, h.URL, h.Secret, events, h.Version,
			h.CreatedAt.UnixNano(), h.UpdatedAt.UnixNano())
		return err
	}
	_, err = q.Exec(ctx, qUpdateWebhook, h.URL, h.Secret, events, h.Version, h.UpdatedAt.UnixNano(), h.Tenant, h.Name)
	return err
}

// DeleteWebhook deletes the webhook; its deliveries go with it.
func (q conn) DeleteWebhook(ctx context.Context, tenant, name string) error {
	_, err := q.Exec(ctx, qDeleteWebhook, tenant, name)
	return err
}

// InsertDelivery adds a pending delivery to the outbox.
func (q conn) InsertDelivery(ctx context.Context, d *raci.Delivery) error {
	_, err := q.Exec(ctx, qInsertDelivery, d.ID, d.Tenant, d.Webhook, d.Kind, d.Object, d.Action, d.Body,
		d.Created.UnixNano(), d.NextAttempt.UnixNano())
	return err
}

// viewConn runs fn in a read transaction, as view does, on the conn it is.
func (db *DB) viewConn(ctx context.Context, fn func(conn) error) error {
	return db.view(ctx, func(r store.Reader) error {
		c, ok := r.(conn)
		if !ok {
			return fmt.Errorf("read transaction of type %T", r)
		}
		return fn(c)
	})
}

// FindWebhook returns the webhook without its secret.
func (db *DB) FindWebhook(ctx context.Context, tenant, name string) (*raci.Webhook, error) {
	var h *raci.Webhook
	err := db.viewConn(ctx, func(tx conn) error {
		var err error
		if h, err = tx.FindWebhook(ctx, tenant, name); err != nil || h != nil {
			return err
		}
		return webhookMissing(ctx, tx, tenant, name)
	})
	if err != nil {
		return nil, err
	}
	return h.Redacted(), nil
}

func webhookMissing(ctx context.Context, tx conn, tenant, name string) error {
	ok, err := tx.TenantExists(ctx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return raci.WebhookNotFound(tenant, name)
}

// ListWebhooks returns the tenant's webhooks by name, without secrets.
func (db *DB) ListWebhooks(ctx context.Context, tenant string) ([]*raci.Webhook, error) {
	var hooks []*raci.Webhook
	err := db.viewConn(ctx, func(tx conn) error {
		ok, err := tx.TenantExists(ctx, tenant)
		if err != nil {
			return err
		}
		if !ok {
			return raci.TenantNotFound(tenant)
		}
		hooks, err = tx.TenantWebhooks(ctx, tenant)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, h := range hooks {
		hooks[i] = h.Redacted()
	}
	return hooks, nil
}

// ListDeliveries returns the webhook's newest deliveries first.
func (db *DB) ListDeliveries(ctx context.Context, tenant, name string, limit int) ([]*raci.Delivery, error) {
	var out []*raci.Delivery
	err := db.viewConn(ctx, func(tx conn) error {
		h, err := tx.FindWebhook(ctx, tenant, name)
		if err != nil {
			return err
		}
		if h == nil {
			return webhookMissing(ctx, tx, tenant, name)
		}
		out, err = store.Collect(ctx, tx, func(s store.Scanner) (*raci.Delivery, error) { return scanDelivery(s) },
			qListDeliveries, tenant, name, limit)
		return err
	})
	return out, err
}

// ClaimDeliveries claims the pending deliveries due at now for claimer until
// now+lease, with their webhooks' URLs and secrets.
func (db *DB) ClaimDeliveries(ctx context.Context, claimer string, now time.Time, lease time.Duration, limit int) ([]*raci.Delivery, error) {
	var out []*raci.Delivery
	err := pgx.BeginFunc(ctx, db.pool, func(ptx pgx.Tx) error {
		tx := conn{ptx}
		out = nil
		n := now.UnixNano()
		err := tx.Each(ctx, func(s store.Scanner) error {
			var body []byte
			d, err := scanDelivery(s, &body)
			if err != nil {
				return err
			}
			d.Body = body
			out = append(out, d)
			return nil
		}, qClaimDeliveries, claimer, now.Add(lease).UnixNano(), n, n, limit)
		if err != nil {
			return err
		}
		for _, d := range out {
			h, err := tx.FindWebhook(ctx, d.Tenant, d.Webhook)
			if err != nil {
				return err
			}
			if h != nil {
				d.URL, d.Secret = h.URL, h.Secret
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// FinishDelivery records the outcome of an attempt by claimer.
func (db *DB) FinishDelivery(ctx context.Context, id, claimer string, now time.Time, a raci.DeliveryAttempt) error {
	var err error
	switch {
	case a.OK:
		_, err = db.pool.Exec(ctx, qDelivered, now.UnixNano(), id, claimer)
	case a.Next.IsZero():
		_, err = db.pool.Exec(ctx, qFailDelivery, a.Error, id, claimer)
	default:
		_, err = db.pool.Exec(ctx, qRetryDelivery, a.Next.UnixNano(), a.Error, id, claimer)
	}
	if err != nil {
		return fmt.Errorf("finish delivery %s: %w", id, err)
	}
	return nil
}
