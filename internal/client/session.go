package client

import (
	"context"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The client lists and ends web sessions but is no raci.SessionService: starting
// and finding sessions are the web pages' business, not something to ask over the
// wire.

// ListSessions returns the web pages' live sessions, oldest first, without their
// secrets. It needs an admin token.
func (c *Client) ListSessions(ctx context.Context) ([]*raci.Session, error) {
	var page raci.Page[*raci.Session]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"sessions"}}, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}

// DeleteSession ends the session with this ID on every server; ENOTFOUND if there
// is none. It needs an admin token.
func (c *Client) DeleteSession(ctx context.Context, id string) error {
	if err := routable("id", id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"sessions", id}}, nil)
	return err
}
