package client_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/client"
	"github.com/raci-dev/terraform-provider-raci/internal/format"
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

// Checklists through the client, the server and SQLite behave as in SQLite alone.
func TestChecklistConformance(t *testing.T) {
	racitest.RunChecklists(t, func(t *testing.T) racitest.ChecklistStore { return openRemote(t, "conformance-token") })
}

// Grants to people through the client, the server and SQLite behave as in SQLite
// alone.
func TestAccessConformance(t *testing.T) {
	racitest.RunAccess(t, func(t *testing.T) racitest.AccessStore { return openRemote(t, "conformance-token") }, nil)
}

// Webhooks through the client, the server and SQLite behave as in SQLite alone:
// the secret goes over the wire once and never comes back.
func TestWebhookConformance(t *testing.T) {
	racitest.RunWebhooks(t, func(t *testing.T) racitest.WebhookStore { return openRemote(t, "conformance-token") })
}

func TestSnapshotOverTheWire(t *testing.T) {
	c := openRemote(t, "e2e-token")
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
	if got := format.Markdown(snap); got != want {
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

// A person ticking an item through the API and Terraform replacing the definition
// meet over the wire as they would in one store: the tick survives, stale versions
// fail, and problems name fields as the store does.
func TestChecklistOverTheWire(t *testing.T) {
	c := openRemote(t, "e2e-token")
	ctx := t.Context()
	mustPut := func(_ any, _ bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustPut(c.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}))
	mustPut(c.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "auth0", Kind: raci.Vendor}, raci.Precondition{}))
	mustPut(c.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "subscriber", Kind: raci.Customer}, raci.Precondition{}))
	def := &raci.Checklist{Tenant: "acme", Key: "infra", Title: "Infrastructure", Gate: "deploy:production", Items: []raci.ChecklistItem{
		{Key: "dns", Title: "DNS records created", Owner: "subscriber", Required: true},
	}}
	stored, created, err := c.PutChecklist(ctx, def, raci.Precondition{IfNoneMatch: true})
	if err != nil || !created {
		t.Fatalf("PutChecklist: created %v, err %v", created, err)
	}

	done := raci.Done
	evidence := "https://tickets.example/INF-1"
	ticked, err := c.UpdateChecklistItem(ctx, "acme", "infra", "dns", raci.ItemPatch{Status: &done, Evidence: &evidence}, raci.Precondition{IfMatch: stored.Version})
	if err != nil {
		t.Fatal(err)
	}
	if ticked.Version != stored.Version+1 || ticked.Item("dns").Status != raci.Done {
		t.Errorf("after PATCH: version %d, dns %+v", ticked.Version, ticked.Item("dns"))
	}
	_, err = c.UpdateChecklistItem(ctx, "acme", "infra", "dns", raci.ItemPatch{Status: &done}, raci.Precondition{IfMatch: stored.Version})
	if raci.ErrorCode(err) != raci.EPRECONDITION {
		t.Errorf("PATCH with a stale version: %v, want EPRECONDITION", err)
	}

	// Terraform's definition leaves status out: the tick stays.
	replaced, _, err := c.PutChecklist(ctx, def, raci.Precondition{IfMatch: ticked.Version})
	if err != nil {
		t.Fatal(err)
	}
	if dns := replaced.Item("dns"); dns.Status != raci.Done || dns.Evidence != evidence {
		t.Errorf("dns after replacing the definition = %+v, want the tick kept", dns)
	}
	rd, err := c.ChecklistReadiness(ctx, "acme", "infra")
	if err != nil || !rd.Ready || rd.Total != 1 || len(rd.Blocking) != 0 {
		t.Errorf("readiness = %+v, %v; want ready", rd, err)
	}

	_, err = c.UpdateChecklistItem(ctx, "acme", "infra", "dns", raci.ItemPatch{Waiver: &raci.Waiver{Reason: "r", ApprovedBy: "subscriber", Expires: time.Now().Add(time.Hour)}}, raci.Precondition{})
	if ps := raci.ErrorProblems(err); raci.ErrorCode(err) != raci.EINVALID || len(ps) != 1 || ps[0].Field != "items[0].waiver.approved_by" {
		t.Errorf("waiver approved by the owner: %v, problems %+v; want EINVALID naming items[0].waiver.approved_by", err, ps)
	}
	_, err = c.UpdateChecklistItem(ctx, "acme", "infra", "backups", raci.ItemPatch{Status: &done}, raci.Precondition{})
	if raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("PATCH of a missing item: %v, want ENOTFOUND", err)
	}

	snap, err := c.Snapshot(ctx, "acme")
	if err != nil || len(snap.Checklists) != 1 || snap.Checklists[0].Item("dns").Status != raci.Done {
		t.Errorf("snapshot checklists = %+v, %v", snap, err)
	}
	if err := c.DeleteChecklist(ctx, "acme", "infra", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindChecklist(ctx, "acme", "infra"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("FindChecklist after delete: %v, want ENOTFOUND", err)
	}
}

// Tokens made through the client work against the server, their changes are
// logged under their names, and they see only their tenant.
func TestTokensAndEventsOverTheWire(t *testing.T) {
	admin := openRemote(t, "bootstrap-token")
	ctx := t.Context()
	for _, name := range []string{"acme", "globex"} {
		if _, _, err := admin.PutTenant(ctx, &raci.Tenant{Name: name, DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	tok, secret, err := admin.CreateToken(ctx, &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.TenantScope("acme", raci.AccessWrite)}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Name != "ci" || secret == "" || tok.CreatedAt.IsZero() {
		t.Fatalf("CreateToken = %+v, secret %q", tok, secret)
	}
	if _, _, err := admin.CreateToken(ctx, &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}}); raci.ErrorCode(err) != raci.ECONFLICT {
		t.Errorf("second CreateToken of ci: %v, want ECONFLICT", err)
	}

	ci, err := client.New(strings.TrimSuffix(admin.Endpoint(), "/"), client.WithToken(secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ci.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "auth0", Kind: raci.Vendor}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	page, err := ci.ListTenants(ctx, raci.ListOptions{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != "acme" {
		t.Errorf("ci's tenants = %+v, %v; want acme only", page, err)
	}
	if _, err := ci.FindTenant(ctx, "globex"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("ci reading globex: %v, want ENOTFOUND", err)
	}
	if _, err := ci.ListEvents(ctx, "globex", raci.EventFilter{}); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("ci reading globex's events: %v, want ENOTFOUND", err)
	}
	if _, err := ci.ListTokens(ctx); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("ci listing tokens: %v, want EUNAUTHORIZED", err)
	}

	events, err := ci.ListEvents(ctx, "acme", raci.EventFilter{Object: raci.PartyObject("auth0"), Newest: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Actor != "ci" || events[0].Action != raci.ActionCreate {
		t.Errorf("newest event of auth0 = %+v, want a create by ci", events)
	}
	all, err := admin.ListEvents(ctx, "acme", raci.EventFilter{})
	if err != nil || len(all) != 2 || all[0].Actor != "bootstrap" || all[1].Actor != "ci" {
		t.Errorf("acme's events = %+v, %v; want the tenant by bootstrap, then the party by ci", all, err)
	}

	tokens, err := admin.ListTokens(ctx)
	if err != nil || len(tokens) != 1 || tokens[0].Name != "ci" {
		t.Errorf("tokens = %+v, %v", tokens, err)
	}
	if err := admin.DeleteToken(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
	if _, err := ci.FindTenant(ctx, "acme"); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("revoked token: %v, want EUNAUTHORIZED", err)
	}
	if err := admin.DeleteToken(ctx, "ci"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("deleting a revoked token: %v, want ENOTFOUND", err)
	}
}

// An administrator lists the web sessions and ends one, over the wire; other
// tokens may not.
func TestSessionsOverTheWire(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := httptest.NewServer(server.New(db, server.Options{Token: "bootstrap-token"}))
	t.Cleanup(srv.Close)
	admin, err := client.New(srv.URL, client.WithToken("bootstrap-token"))
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := admin.CreateToken(ctx, &raci.Token{Name: "alice", Scopes: []raci.Scope{raci.TenantScope("acme", raci.AccessWrite)}})
	if err != nil {
		t.Fatal(err)
	}
	first, firstSecret, err := db.CreateSession(ctx, tok, time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := db.CreateSession(ctx, tok, time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}

	list, err := admin.ListSessions(ctx)
	if err != nil || len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID || list[0].Token != "alice" ||
		len(list[0].Scopes) != 1 || !list[0].ExpiresAt.Equal(first.ExpiresAt) {
		t.Fatalf("ListSessions = %+v, %v; want alice's two sessions, oldest first", list, err)
	}
	if err := admin.DeleteSession(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindSession(ctx, firstSecret); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("a session ended over the API is still found: %v", err)
	}
	if err := admin.DeleteSession(ctx, first.ID); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("ending an ended session: %v, want ENOTFOUND", err)
	}

	alice, err := client.New(srv.URL, client.WithToken(secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ListSessions(ctx); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("alice listing sessions: %v, want EUNAUTHORIZED (403)", err)
	}
	if err := alice.DeleteSession(ctx, second.ID); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("alice ending a session: %v, want EUNAUTHORIZED (403)", err)
	}
}
