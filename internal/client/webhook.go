package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ raci.WebhookService = (*Client)(nil)

// FindWebhook returns the webhook without its secret, or ENOTFOUND.
func (c *Client) FindWebhook(ctx context.Context, tenant, name string) (*raci.Webhook, error) {
	if err := routable("tenant", tenant, "name", name); err != nil {
		return nil, err
	}
	var h raci.Webhook
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "webhooks", name}}, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// ListWebhooks returns the tenant's webhooks by name, without secrets.
func (c *Client) ListWebhooks(ctx context.Context, tenant string) ([]*raci.Webhook, error) {
	if err := routable("tenant", tenant); err != nil {
		return nil, err
	}
	var page raci.Page[*raci.Webhook]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "webhooks"}}, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}

// PutWebhook creates or replaces the webhook, secret included, and returns it as
// the server stored it, without the secret.
func (c *Client) PutWebhook(ctx context.Context, h *raci.Webhook, pre raci.Precondition) (*raci.Webhook, bool, error) {
	if err := routable("tenant", h.Tenant, "name", h.Name); err != nil {
		return nil, false, err
	}
	var stored raci.Webhook
	status, err := c.do(ctx, request{method: http.MethodPut, path: []string{"tenants", h.Tenant, "webhooks", h.Name}, body: h, pre: pre}, &stored)
	if err != nil {
		return nil, false, err
	}
	return &stored, status == http.StatusCreated, nil
}

// DeleteWebhook deletes the webhook and its deliveries.
func (c *Client) DeleteWebhook(ctx context.Context, tenant, name string, pre raci.Precondition) error {
	if err := routable("tenant", tenant, "name", name); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tenants", tenant, "webhooks", name}, pre: pre}, nil)
	return err
}

// ListDeliveries returns the webhook's newest deliveries first, at most limit.
func (c *Client) ListDeliveries(ctx context.Context, tenant, name string, limit int) ([]*raci.Delivery, error) {
	if err := routable("tenant", tenant, "name", name); err != nil {
		return nil, err
	}
	var page raci.Page[*raci.Delivery]
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "webhooks", name, "deliveries"}, query: q}, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}
