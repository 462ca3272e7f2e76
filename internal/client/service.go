package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// listQuery encodes ListOptions the way the store reads them: a limit of zero or
// less means the default page and one above the maximum means the maximum, so it
// is only sent when it says something and never above what the server accepts.
func listQuery(opts raci.ListOptions) url.Values {
	q := url.Values{}
	if opts.After != "" {
		q.Set("after", opts.After)
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.PageLimit()))
	}
	return q
}

// routable returns an EINVALID error for a name that cannot stand in a URL path
// segment, the way the store rejects it, instead of sending a request the server
// would route elsewhere. pairs alternate field and value.
func routable(pairs ...string) error {
	var ps []raci.Problem
	for i := 0; i+1 < len(pairs); i += 2 {
		field, value := pairs[i], pairs[i+1]
		switch value {
		case "":
			ps = append(ps, raci.Problem{Field: field, Detail: fmt.Sprintf("The %s is required: use %s.", field, raci.SlugRule)})
		case ".", "..":
			ps = append(ps, raci.Problem{Field: field, Detail: fmt.Sprintf("The %s %q is not a valid slug: use %s.", field, value, raci.SlugRule)})
		}
	}
	if len(ps) > 0 {
		return raci.Invalid(ps...)
	}
	return nil
}

// FindTenant returns the tenant, or ENOTFOUND.
func (c *Client) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	var t raci.Tenant
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", name}}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// ListTenants returns a page of tenants ordered by name.
func (c *Client) ListTenants(ctx context.Context, opts raci.ListOptions) (*raci.Page[*raci.Tenant], error) {
	var page raci.Page[*raci.Tenant]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants"}, query: listQuery(opts)}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// PutTenant creates or replaces the tenant and returns what the server stored.
func (c *Client) PutTenant(ctx context.Context, t *raci.Tenant, pre raci.Precondition) (*raci.Tenant, bool, error) {
	if err := routable("name", t.Name); err != nil {
		return nil, false, err
	}
	var stored raci.Tenant
	status, err := c.do(ctx, request{method: http.MethodPut, path: []string{"tenants", t.Name}, body: t, pre: pre}, &stored)
	if err != nil {
		return nil, false, err
	}
	return &stored, status == http.StatusCreated, nil
}

// DeleteTenant deletes the tenant.
func (c *Client) DeleteTenant(ctx context.Context, name string, pre raci.Precondition) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tenants", name}, pre: pre}, nil)
	return err
}

// FindParty returns the party, or ENOTFOUND.
func (c *Client) FindParty(ctx context.Context, tenant, name string) (*raci.Party, error) {
	var p raci.Party
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "parties", name}}, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListParties returns a page of the tenant's parties ordered by name.
func (c *Client) ListParties(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
	var page raci.Page[*raci.Party]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "parties"}, query: listQuery(opts)}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// PutParty creates or replaces the party and returns what the server stored.
func (c *Client) PutParty(ctx context.Context, p *raci.Party, pre raci.Precondition) (*raci.Party, bool, error) {
	if err := routable("tenant", p.Tenant, "name", p.Name); err != nil {
		return nil, false, err
	}
	var stored raci.Party
	status, err := c.do(ctx, request{method: http.MethodPut, path: []string{"tenants", p.Tenant, "parties", p.Name}, body: p, pre: pre}, &stored)
	if err != nil {
		return nil, false, err
	}
	return &stored, status == http.StatusCreated, nil
}

// DeleteParty deletes the party.
func (c *Client) DeleteParty(ctx context.Context, tenant, name string, pre raci.Precondition) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tenants", tenant, "parties", name}, pre: pre}, nil)
	return err
}

// RenameParty gives the party a new name, with every row and checklist item that
// names it, and returns the party as the server stored it. The request is not sent
// twice: a rename that reached the server but whose answer was lost would, resent,
// find no party by the old name.
func (c *Client) RenameParty(ctx context.Context, tenant, from, to string, pre raci.Precondition) (*raci.Party, error) {
	if err := routable("tenant", tenant, "name", from); err != nil {
		return nil, err
	}
	var stored raci.Party
	body := struct {
		Name string `json:"name"`
	}{to}
	if _, err := c.do(ctx, request{method: http.MethodPost, path: []string{"tenants", tenant, "parties", from, "rename"}, body: body, pre: pre}, &stored); err != nil {
		return nil, err
	}
	return &stored, nil
}

// FindResponsibility returns the row, or ENOTFOUND.
func (c *Client) FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error) {
	var r raci.Responsibility
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "responsibilities", key}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ListResponsibilities returns a page of the tenant's rows ordered by key.
func (c *Client) ListResponsibilities(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Responsibility], error) {
	var page raci.Page[*raci.Responsibility]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "responsibilities"}, query: listQuery(opts)}, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// PutResponsibility creates or replaces the row and returns what the server stored.
func (c *Client) PutResponsibility(ctx context.Context, r *raci.Responsibility, pre raci.Precondition) (*raci.Responsibility, bool, error) {
	if err := routable("tenant", r.Tenant, "key", r.Key); err != nil {
		return nil, false, err
	}
	var stored raci.Responsibility
	status, err := c.do(ctx, request{method: http.MethodPut, path: []string{"tenants", r.Tenant, "responsibilities", r.Key}, body: r, pre: pre}, &stored)
	if err != nil {
		return nil, false, err
	}
	return &stored, status == http.StatusCreated, nil
}

// DeleteResponsibility deletes the row.
func (c *Client) DeleteResponsibility(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tenants", tenant, "responsibilities", key}, pre: pre}, nil)
	return err
}

// Snapshot returns the whole tenant in one request, or ENOTFOUND.
func (c *Client) Snapshot(ctx context.Context, tenant string) (*raci.Snapshot, error) {
	var s raci.Snapshot
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tenants", tenant, "snapshot"}}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
