package client

import (
	"context"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ raci.AccessService = (*Client)(nil)

// PutAccess creates or replaces the grant and returns what the server stored. It
// needs write on the tenant.
func (c *Client) PutAccess(ctx context.Context, a *raci.Access) (*raci.Access, bool, error) {
	if err := routable("tenant", a.Tenant, "name", a.Name); err != nil {
		return nil, false, err
	}
	var stored raci.Access
	status, err := c.do(ctx, request{method: http.MethodPut, path: []string{"tenants", a.Tenant, "access", a.Name}, body: a}, &stored)
	if err != nil {
		return nil, false, err
	}
	return &stored, status == http.StatusCreated, nil
}

// FindAccess returns the grant; ENOTFOUND if it or the tenant does not exist.
func (c *Client) FindAccess(ctx context.Context, tenant, name string) (*raci.Access, error) {
	if err := routable("tenant", tenant, "name", name); err != nil {
		return nil, err
	}
	var a raci.Access
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "access", name}}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// ListAccess returns the tenant's grants ordered by name.
func (c *Client) ListAccess(ctx context.Context, tenant string) ([]*raci.Access, error) {
	if err := routable("tenant", tenant); err != nil {
		return nil, err
	}
	var page raci.Page[*raci.Access]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "access"}}, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}

// DeleteAccess removes the grant; ENOTFOUND if there is none.
func (c *Client) DeleteAccess(ctx context.Context, tenant, name string) error {
	if err := routable("tenant", tenant, "name", name); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tenants", tenant, "access", name}}, nil)
	return err
}

// AccessFor is the server's business, worked out on every web request from the
// person's session: the API does not answer it.
func (c *Client) AccessFor(context.Context, raci.Person) ([]*raci.Access, error) {
	return nil, raci.Errorf(raci.ENOTFOUND, "The API does not list a person's grants: read each tenant's access instead.")
}
