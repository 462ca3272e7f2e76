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
	_ raci.WebhookService = (*DB)(nil)
	_ raci.DeliveryQueue  = (*DB)(nil)
)

const (
	webhookColumns  = `tenant, name, url, secret, events, version, created_at, updated_at`
	qFindWebhook    = `SELECT ` + webhookColumns + ` FROM webhooks WHERE tenant = ? AND name = ?`
	qTenantWebhooks = `SELECT ` + webhookColumns + ` FROM webhooks WHERE tenant = ? ORDER BY name`
	qInsertWebhook  = `INSERT INTO webhooks (` + webhookColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateWebhook  = `UPDATE webhooks SET url = ?, secret = ?, events = ?, version = ?, updated_at = ?
		WHERE tenant = ? AND name = ?`
	qDeleteWebhook = `DELETE FROM webhooks WHERE tenant = ? AND name = ?`

	qInsertDelivery = `INSERT INTO webhook_deliveries (id, tenant, webhook, kind, object, action, body, status,
		created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`
	deliveryColumns = `id, tenant, webhook, kind, object, action, status, attempts, created_at, next_attempt_at,
		delivered_at, last_error`
	qListDeliveries = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries
		WHERE tenant = ? AND webhook = ? ORDER BY created_at DESC, id DESC LIMIT ?`
	// SQLite runs one write transaction at a time: the UPDATE claims rows no one
	// else holds, and no other server can claim between its read and its write.
	qClaimDeliveries = `UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until <= ?
			ORDER BY next_attempt_at, id LIMIT ?)
		RETURNING ` + deliveryColumns + `, body`
	// Whether a claim would find anything: asked on the read pool first, so that
	// an idle outbox never takes the file's write lock.
	qDeliveriesDue = `SELECT EXISTS (SELECT 1 FROM webhook_deliveries
		WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until <= ?)`
	qDelivered = `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ?,
		claimed_until = 0, last_error = '' WHERE id = ? AND claimed_by = ?`
	qRetryDelivery = `UPDATE webhook_deliveries SET next_attempt_at = ?, claimed_by = '', claimed_until = 0,
		last_error = ? WHERE id = ? AND claimed_by = ?`
	qFailDelivery = `UPDATE webhook_deliveries SET status = 'failed', claimed_by = '', claimed_until = 0,
		last_error = ? WHERE id = ? AND claimed_by = ?`
)

func scanWebhook(s store.Scanner) (*raci.Webhook, error) {
	var (
		h                raci.Webhook
		events           string
		created, updated int64
	)
	if err := s.Scan(&h.Tenant, &h.Name, &h.URL, &h.Secret, &events, &h.Version, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &h.Events); err != nil {
		return nil, fmt.Errorf("decode events of webhook %q: %w", h.Tenant+"/"+h.Name, err)
	}
	h.CreatedAt, h.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &h, nil
}

func scanDelivery(s store.Scanner, extra ...any) (*raci.Delivery, error) {
	var (
		d             raci.Delivery
		created, next int64
		delivered     sql.NullInt64
	)
	dest := append([]any{&d.ID, &d.Tenant, &d.Webhook, &d.Kind, &d.Object, &d.Action, &d.Status, &d.Attempts,
		&created, &next, &delivered, &d.LastError}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	d.Created, d.NextAttempt = fromNanos(created), fromNanos(next)
	if delivered.Valid {
		t := fromNanos(delivered.Int64)
		d.Delivered = &t
	}
	return &d, nil
}

// FindWebhook returns the webhook with its secret, or nil.
func (t *tx) FindWebhook(ctx context.Context, tenant, name string) (*raci.Webhook, error) {
	h, err := scanWebhook(t.queryRow(ctx, qFindWebhook, tenant, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return h, err
}

// TenantWebhooks returns the tenant's webhooks by name.
func (t *tx) TenantWebhooks(ctx context.Context, tenant string) ([]*raci.Webhook, error) {
	return store.Collect(ctx, t, scanWebhook, qTenantWebhooks, tenant)
}

// WriteWebhook inserts or updates the webhook.
func (t *tx) WriteWebhook(ctx context.Context, h *raci.Webhook, isNew bool) error {
	events, err := json.Marshal(h.Events)
	if err != nil {
		return err
	}
	if isNew {
		return t.exec(ctx, qInsertWebhook, h.Tenant, h.Name, h.URL, h.Secret, string(events), h.Version,
			h.CreatedAt.UnixNano(), h.UpdatedAt.UnixNano())
	}
	return t.exec(ctx, qUpdateWebhook, h.URL, h.Secret, string(events), h.Version, h.UpdatedAt.UnixNano(), h.Tenant, h.Name)
}

// DeleteWebhook deletes the webhook; its deliveries go with it.
func (t *tx) DeleteWebhook(ctx context.Context, tenant, name string) error {
	return t.exec(ctx, qDeleteWebhook, tenant, name)
}

// InsertDelivery adds a pending delivery to the outbox.
func (t *tx) InsertDelivery(ctx context.Context, d *raci.Delivery) error {
	return t.exec(ctx, qInsertDelivery, d.ID, d.Tenant, d.Webhook, d.Kind, d.Object, d.Action, d.Body,
		d.Created.UnixNano(), d.NextAttempt.UnixNano())
}

// FindWebhook returns the webhook without its secret.
func (db *DB) FindWebhook(ctx context.Context, tenant, name string) (*raci.Webhook, error) {
	var h *raci.Webhook
	err := db.view(ctx, func(tx *tx) error {
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

func webhookMissing(ctx context.Context, tx *tx, tenant, name string) error {
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
	err := db.view(ctx, func(tx *tx) error {
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
	err := db.view(ctx, func(tx *tx) error {
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
	var due bool
	if err := db.read.QueryRowContext(ctx, qDeliveriesDue, now.UnixNano(), now.UnixNano()).Scan(&due); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if !due {
		return nil, nil
	}
	var out []*raci.Delivery
	err := db.update(ctx, func(tx *tx) error {
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
	return db.update(ctx, func(tx *tx) error {
		switch {
		case a.OK:
			return tx.exec(ctx, qDelivered, now.UnixNano(), id, claimer)
		case a.Next.IsZero():
			return tx.exec(ctx, qFailDelivery, a.Error, id, claimer)
		default:
			return tx.exec(ctx, qRetryDelivery, a.Next.UnixNano(), a.Error, id, claimer)
		}
	})
}
