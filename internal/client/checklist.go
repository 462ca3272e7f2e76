package client

import (
	"context"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// FindChecklist returns the checklist, or ENOTFOUND (also from a server whose store
// has no checklists).
func (c *Client) FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error) {
	var cl raci.Checklist
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "checklists", key}}, &cl); err != nil {
		return nil, err
	}
	return &cl, nil
}

// ListChecklists returns a page of the tenant's checklists ordered by key.
func (c *Client) ListChecklists(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Checklist], error) {
	var page raci.Page[*raci.Checklist]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "checklists"}, query: listQuery(opts)}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// PutChecklist creates or replaces the checklist and returns what the server
// stored, with the status of items the checklist left empty kept from before.
func (c *Client) PutChecklist(ctx context.Context, cl *raci.Checklist, pre raci.Precondition) (*raci.Checklist, bool, error) {
	if err := routable("tenant", cl.Tenant, "key", cl.Key); err != nil {
		return nil, false, err
	}
	var stored raci.Checklist
	status, err := c.do(ctx, request{method: http.MethodPut, path: []string{"tenants", cl.Tenant, "checklists", cl.Key}, body: cl, pre: pre}, &stored)
	if err != nil {
		return nil, false, err
	}
	return &stored, status == http.StatusCreated, nil
}

// DeleteChecklist deletes the checklist.
func (c *Client) DeleteChecklist(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tenants", tenant, "checklists", key}, pre: pre}, nil)
	return err
}

// UpdateChecklistItem applies the patch to one item and returns the whole checklist
// as the server stores it now. It is sent as a PATCH, which is not resent once it
// may have reached the server: on a server error or a broken connection the caller
// learns so and can read the checklist to see whether the change was made.
func (c *Client) UpdateChecklistItem(ctx context.Context, tenant, checklist, item string, patch raci.ItemPatch, pre raci.Precondition) (*raci.Checklist, error) {
	if err := routable("tenant", tenant, "checklist", checklist, "item", item); err != nil {
		return nil, err
	}
	var stored raci.Checklist
	req := request{method: http.MethodPatch, path: []string{"tenants", tenant, "checklists", checklist, "items", item}, body: patch, pre: pre}
	if _, err := c.do(ctx, req, &stored); err != nil {
		return nil, err
	}
	return &stored, nil
}

// ChecklistReadiness returns the checklist's readiness as the server judges it now.
func (c *Client) ChecklistReadiness(ctx context.Context, tenant, key string) (*raci.Readiness, error) {
	var r raci.Readiness
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "checklists", key, "readiness"}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
