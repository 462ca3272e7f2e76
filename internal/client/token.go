package client

import (
	"context"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The client manages tokens but is no raci.TokenService: authenticating a secret
// and counting tokens are the server's business, not something to ask over the
// wire.

// createdToken is the server's answer to creating a token.
type createdToken struct {
	raci.Token
	Secret string `json:"secret"`
}

// CreateToken asks the server for a new token and returns it with its secret,
// which is never shown again. It needs an admin token. The request is not resent
// after it may have reached the server: a second one would fail with ECONFLICT, and
// the secret of the first would be lost.
func (c *Client) CreateToken(ctx context.Context, t *raci.Token) (*raci.Token, string, error) {
	body := struct {
		Name   string       `json:"name"`
		Scopes []raci.Scope `json:"scopes"`
	}{t.Name, t.Scopes}
	var created createdToken
	if _, err := c.do(ctx, request{method: http.MethodPost, path: []string{"tokens"}, body: body}, &created); err != nil {
		return nil, "", err
	}
	return &created.Token, created.Secret, nil
}

// ListTokens returns every token ordered by name, without secrets. It needs an
// admin token.
func (c *Client) ListTokens(ctx context.Context) ([]*raci.Token, error) {
	var page raci.Page[*raci.Token]
	if _, err := c.do(ctx, request{method: http.MethodGet, path: []string{"tokens"}}, &page); err != nil {
		return nil, err
	}
	return page.Items, nil
}

// DeleteToken revokes the token; ENOTFOUND if there is none with the name. It
// needs an admin token.
func (c *Client) DeleteToken(ctx context.Context, name string) error {
	if err := routable("name", name); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: http.MethodDelete, path: []string{"tokens", name}}, nil)
	return err
}
