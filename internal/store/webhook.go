package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// WebhookTx is what the outbox needs of a write transaction.
type WebhookTx interface {
	// TenantWebhooks returns the tenant's webhooks with the events they subscribe
	// to; their secrets need not be set.
	TenantWebhooks(ctx context.Context, tenant string) ([]*raci.Webhook, error)
	// InsertDelivery adds a pending delivery with its body to the outbox.
	InsertDelivery(ctx context.Context, d *raci.Delivery) error
	// FindWebhook returns the webhook, secret included, or nil.
	FindWebhook(ctx context.Context, tenant, name string) (*raci.Webhook, error)
	// WriteWebhook inserts the webhook when isNew, and otherwise updates it.
	WriteWebhook(ctx context.Context, h *raci.Webhook, isNew bool) error
	// DeleteWebhook removes the webhook and its deliveries.
	DeleteWebhook(ctx context.Context, tenant, name string) error
}

// PutWebhook creates or replaces the webhook and returns it without its secret.
// A webhook's writes are not in the event log, which would hold its secret; what
// it sends is listed with its deliveries.
func (w *Writes) PutWebhook(ctx context.Context, in *raci.Webhook, pre raci.Precondition) (*raci.Webhook, bool, error) {
	h := in.Clone()
	h.Normalize()
	if err := h.Validate(); err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("webhook %q", h.Tenant+"/"+h.Name)
	created := false
	err := w.update(ctx, h.Tenant, func(tx Tx) error {
		if err := requireTenant(ctx, tx, h.Tenant); err != nil {
			return err
		}
		old, err := tx.FindWebhook(ctx, h.Tenant, h.Name)
		if err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		now := w.now()
		h.Version, h.CreatedAt, h.UpdatedAt = version+1, now, now
		if old != nil {
			h.CreatedAt = old.CreatedAt
		}
		created = old == nil
		if err := tx.WriteWebhook(ctx, h, created); err != nil {
			return fmt.Errorf("put %s: %w", what, err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return h.Redacted(), created, nil
}

// DeleteWebhook deletes the webhook and its deliveries, sent or not.
func (w *Writes) DeleteWebhook(ctx context.Context, tenant, name string, pre raci.Precondition) error {
	what := fmt.Sprintf("webhook %q", tenant+"/"+name)
	return w.update(ctx, tenant, func(tx Tx) error {
		h, err := tx.FindWebhook(ctx, tenant, name)
		if err != nil {
			return err
		}
		if h == nil {
			if err := requireTenant(ctx, tx, tenant); err != nil {
				return err
			}
			return raci.WebhookNotFound(tenant, name)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, h.Version); err != nil {
			return err
		}
		if err := tx.DeleteWebhook(ctx, tenant, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return nil
	})
}

// enqueueDeliveries writes to the outbox, in the transaction of the write that
// made e, one delivery per webhook of the tenant that subscribes to the event's
// kind: the change, the object after it, and what a receiver needs to route it.
func enqueueDeliveries[T any](ctx context.Context, tx Tx, e *raci.Event, before, after *T) error {
	kind, _, ok := strings.Cut(e.Object, "/")
	if !ok || (kind != raci.WebhookResponsibility && kind != raci.WebhookParty && kind != raci.WebhookChecklist) {
		return nil // tenant events have no webhook kind
	}
	hooks, err := tx.TenantWebhooks(ctx, e.Tenant)
	if err != nil || len(hooks) == 0 {
		return err
	}
	base := raci.DeliveryBody{Tenant: e.Tenant, Event: e, Object: e.After}
	if base.Object == nil {
		base.Object = json.RawMessage("null")
	}
	kinds := []string{kind}
	switch b := any(before).(type) {
	case *raci.Checklist:
		a, _ := any(after).(*raci.Checklist)
		change := &raci.ReadinessChange{}
		if b != nil {
			change.Before = b.Readiness(e.At)
		}
		if a != nil {
			change.After = a.Readiness(e.At)
		}
		base.Readiness = change
		// A checklist that does not exist is not ready.
		if (change.Before != nil && change.Before.Ready) != (change.After != nil && change.After.Ready) {
			kinds = append(kinds, raci.WebhookReadiness)
		}
	case *raci.Responsibility:
		row := b
		if a, _ := any(after).(*raci.Responsibility); a != nil {
			row = a
		}
		if base.Inform, err = informed(ctx, tx, row); err != nil {
			return err
		}
	}
	for _, k := range kinds {
		for _, h := range hooks {
			if !h.Subscribes(k) {
				continue
			}
			if err := enqueue(ctx, tx, h, k, base); err != nil {
				return err
			}
		}
	}
	return nil
}

func enqueue(ctx context.Context, tx Tx, h *raci.Webhook, kind string, body raci.DeliveryBody) error {
	id, err := raci.NewDeliveryID()
	if err != nil {
		return err
	}
	body.ID, body.Webhook, body.Kind = id, h.Name, kind
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("delivery to webhook %q of tenant %q: %w", h.Name, h.Tenant, err)
	}
	d := &raci.Delivery{
		ID: id, Tenant: h.Tenant, Webhook: h.Name, Kind: kind, Object: body.Event.Object, Action: body.Event.Action,
		Status: raci.DeliveryPending, Created: body.Event.At, NextAttempt: body.Event.At, Body: raw,
	}
	if err := tx.InsertDelivery(ctx, d); err != nil {
		return fmt.Errorf("delivery to webhook %q of tenant %q: %w", h.Name, h.Tenant, err)
	}
	return nil
}

// informed returns the parties that hold C or I on the row, in the row's order,
// with their contacts.
func informed(ctx context.Context, tx Tx, r *raci.Responsibility) ([]raci.InformedParty, error) {
	var out []raci.InformedParty
	for _, a := range r.Assignments {
		var roles []raci.Role
		for _, role := range a.Roles {
			if role == raci.Consulted || role == raci.Informed {
				roles = append(roles, role)
			}
		}
		if len(roles) == 0 {
			continue
		}
		ip := raci.InformedParty{Party: a.Party, Roles: roles, Holder: a.Holder, Contacts: []string{}}
		p, err := tx.FindParty(ctx, r.Tenant, a.Party)
		if err != nil {
			return nil, err
		}
		if p != nil {
			ip.DisplayName = p.DisplayName
			if p.Contacts != nil {
				ip.Contacts = p.Contacts
			}
		}
		out = append(out, ip)
	}
	return out, nil
}
