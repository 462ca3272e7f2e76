package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres"
	"github.com/raci-dev/terraform-provider-raci/internal/postgres/pgtest"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// A page path that is not UTF-8 or holds a control character is the 404 page on
// PostgreSQL too, where an administrator's session got a 500 (issue 19, item 4):
// the name reached the store, which refuses NUL and invalid UTF-8. (SQLite found
// no such tenant.)
func TestPathsThatAreNotTextAreNotFound(t *testing.T) {
	pg, stop := pgtest.Start()
	t.Cleanup(stop)
	db, err := postgres.Open(context.Background(), pg.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := raci.WithActor(context.Background(), "seed")
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{secrets: map[string]string{"admin": "bootstrap-secret"}}
	f.srv = httptest.NewServer(New(db, db, Options{Token: "bootstrap-secret"}))
	t.Cleanup(f.srv.Close)
	b := f.browser(t)
	b.signInAs("admin")
	wantStatus(t, b.get("/tenants/acme"), http.StatusOK)
	for _, path := range []string{"/tenants/%ff", "/tenants/a%00b", "/tenants/acme%1b"} {
		p := b.get(path)
		wantStatus(t, p, http.StatusNotFound)
		wantContains(t, p, "There is no page here")
	}
	form := b.get("/tenants/acme")
	p := b.post("/tenants/acme/checklists/c%00/items/dns", map[string][]string{"csrf": {form.csrf(t)}, "status": {"done"}})
	wantStatus(t, p, http.StatusNotFound)
}
