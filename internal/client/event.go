package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var _ raci.EventService = (*Client)(nil)

// ListEvents returns one page of the tenant's events, oldest first or, with
// f.Newest, newest first; pass the last event's Seq as f.After for the next page.
// ENOTFOUND when the tenant does not exist or the token may not read it. With
// f.Deleted, the events of the deleted tenants of the name, which need an admin
// token.
func (c *Client) ListEvents(ctx context.Context, tenant string, f raci.EventFilter) ([]*raci.Event, error) {
	q := url.Values{}
	if f.After > 0 && !f.Newest {
		q.Set("after", strconv.FormatInt(f.After, 10))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(raci.ListOptions{Limit: f.Limit}.PageLimit()))
	}
	if f.Object != "" {
		q.Set("object", f.Object)
	}
	if f.Newest {
		q.Set("newest", "true")
	}
	path := []string{"tenants", tenant, "events"}
	if f.Deleted {
		path[0] = "deleted-tenants"
	}
	var page raci.Page[*raci.Event]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}
