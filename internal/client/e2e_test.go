package client_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/client"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/raci/racitest"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// openRemote starts the real server over a fresh SQLite store and returns a client
// for it: the whole path a provider in team mode takes.
func openRemote(t *testing.T, token string, opts ...client.Option) *client.Client {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	srv := httptest.NewServer(server.New(db, server.Options{Token: token, Ready: db.Ping}))
	t.Cleanup(srv.Close)
	c, err := client.New(srv.URL, append([]client.Option{client.WithToken(token)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The client in front of the server in front of SQLite must behave as SQLite does.
func TestConformance(t *testing.T) {
	racitest.Run(t, func(t *testing.T) raci.Service { return openRemote(t, "conformance-token") })
}

func TestSnapshotOverTheWire(t *testing.T) {
	c := openRemote(t, "")
	ctx := t.Context()
	if _, err := c.Snapshot(ctx, "acme"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Fatalf("Snapshot of a missing tenant: %v, want ENOTFOUND", err)
	}
	mustPut := func(_ any, _ bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustPut(c.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}))
	mustPut(c.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "auth0", DisplayName: "Auth0", Kind: raci.Vendor}, raci.Precondition{}))
	mustPut(c.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "subscriber", DisplayName: "Subscriber", Kind: raci.Customer}, raci.Precondition{}))
	mustPut(c.PutResponsibility(ctx, &raci.Responsibility{
		Tenant: "acme", Key: "monitoring", Title: "Monitoring",
		Assignments: []raci.Assignment{
			{Party: "auth0", Roles: []raci.Role{raci.Informed}},
			{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
		},
	}, raci.Precondition{}))

	snap, err := c.Snapshot(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := "|Task|Auth0|Subscriber|\n|---|---|---|\n|Monitoring|I|R, A|\n"
	if got := raci.RenderMarkdown(snap); got != want {
		t.Errorf("matrix over the wire =\n%s\nwant\n%s", got, want)
	}
}

func TestWrongTokenOverTheWire(t *testing.T) {
	c := openRemote(t, "right-token")
	wrong, err := client.New(strings.TrimSuffix(c.Endpoint(), "/"), client.WithToken("wrong-token"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.ListTenants(t.Context(), raci.ListOptions{})
	if raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Fatalf("err = %v, want EUNAUTHORIZED", err)
	}
	if !strings.Contains(err.Error(), "RACI_TOKEN") || strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("message = %q: want it to point at RACI_TOKEN without repeating the token", err)
	}
}
