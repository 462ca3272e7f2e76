package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// TestDeletedTenantHistory follows the probe (issue 19, item 5): delete tenant
// victim, create a new victim, mint tenant:victim:read, and read
// /v1/tenants/victim/events with it. It showed the deleted tenant's events with
// their before and after bodies. Now the new tenant's log holds its own events
// only; the old history stays, for administrators, at /v1/deleted-tenants; and the
// events of a tenant that does not exist answer 404 like every other route.
func TestDeletedTenantHistory(t *testing.T) {
	eachStore(t, func(t *testing.T, svc raci.Service) {
		s := newTestServer(t, svc, Options{Token: adminToken})
		base := "/v1/tenants/victim"
		secretNote := "the old tenant's secret notes"
		for _, w := range []struct{ path, body string }{
			{base, acmeTenant},
			{base + "/parties/auth0", vendorBody},
			{base + "/parties/subscriber", customerB},
			{base + "/responsibilities/backing-up", strings.Replace(backupRow, `"category"`, `"notes": "`+secretNote+`", "category"`, 1)},
		} {
			wantStatus(t, s.do("PUT", w.path, w.body), http.StatusCreated)
		}
		for _, p := range []string{"/responsibilities/backing-up", "/parties/auth0", "/parties/subscriber", ""} {
			wantStatus(t, s.do("DELETE", base+p, ""), http.StatusNoContent)
		}

		// Between the two tenants: no tenant, no log, for an admin and for a
		// token of the name.
		reader := s.mint(t, "victim-reader", raci.TenantScope("victim", raci.AccessRead))
		for _, token := range []string{adminToken, reader} {
			for _, q := range []string{"", "?newest=true&limit=1", "?object=tenant"} {
				wantProblem(t, s.doAs(token, "GET", base+"/events"+q, ""), http.StatusNotFound, raci.ENOTFOUND)
			}
		}
		wantProblem(t, s.do("GET", "/v1/tenants/never/events", ""), http.StatusNotFound, raci.ENOTFOUND)

		// The probe: a new victim, a read token minted for it.
		wantStatus(t, s.do("PUT", base, `{"deployment_model": "self_managed", "display_name": "The next victim"}`), http.StatusCreated)
		next := s.mint(t, "next-victim-reader", raci.TenantScope("victim", raci.AccessRead))
		for _, token := range []string{next, reader, adminToken} {
			r := s.doAs(token, "GET", base+"/events", "")
			wantStatus(t, r, http.StatusOK)
			page := decodeEvents(t, r)
			if len(page) != 1 || page[0].Object != "tenant" || page[0].Action != raci.ActionCreate || !strings.Contains(string(page[0].After), "The next victim") {
				t.Errorf("the new victim's log = %s, want its create only", r.body)
			}
			if strings.Contains(string(r.body), secretNote) {
				t.Errorf("the new victim's log shows the deleted tenant's row: %s", r.body)
			}
			for _, q := range []string{"?object=responsibility/backing-up", "?object=responsibility/backing-up&newest=true", "?after=0&limit=1000"} {
				if r := s.doAs(token, "GET", base+"/events"+q, ""); strings.Contains(string(r.body), secretNote) || r.status != http.StatusOK {
					t.Errorf("GET events%s: %d %s, want 200 without the deleted tenant's events", q, r.status, r.body)
				}
			}
		}

		// The history stays for audit, readable by admins only.
		r := s.do("GET", "/v1/deleted-tenants/victim/events", "")
		wantStatus(t, r, http.StatusOK)
		old := decodeEvents(t, r)
		var got []string
		for _, e := range old {
			got = append(got, e.Action+" "+e.Object)
		}
		want := []string{
			"create tenant", "create party/auth0", "create party/subscriber", "create responsibility/backing-up",
			"delete responsibility/backing-up", "delete party/auth0", "delete party/subscriber", "delete tenant",
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("deleted history = %q, want %q", got, want)
		}
		if !strings.Contains(string(r.body), secretNote) {
			t.Errorf("the deleted history lost the row's before body: %s", r.body)
		}
		if newest := decodeEvents(t, s.do("GET", "/v1/deleted-tenants/victim/events?newest=true&limit=1", "")); len(newest) != 1 ||
			newest[0].Object != "tenant" || newest[0].Action != raci.ActionDelete {
			t.Errorf("newest event of the deleted history = %+v, want the tenant's delete", newest)
		}
		for _, token := range []string{next, reader} {
			wantProblem(t, s.doAs(token, "GET", "/v1/deleted-tenants/victim/events", ""), http.StatusForbidden, eforbidden)
		}
		if r := s.do("GET", "/v1/deleted-tenants/never/events", ""); r.status != http.StatusOK || len(decodeEvents(t, r)) != 0 {
			t.Errorf("deleted history of a name no tenant had: %d %s, want 200 and no events", r.status, r.body)
		}
	})
}

type eventView struct {
	Seq    int64           `json:"seq"`
	Object string          `json:"object"`
	Action string          `json:"action"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

func decodeEvents(t *testing.T, r response) []eventView {
	t.Helper()
	var page struct {
		Items []eventView `json:"items"`
	}
	r.decode(t, &page)
	return page.Items
}

// mint creates a token with the scopes through the API and returns its secret.
func (s *testServer) mint(t *testing.T, name string, scopes ...raci.Scope) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"name": name, "scopes": scopes})
	r := s.do("POST", "/v1/tokens", string(body))
	wantStatus(t, r, http.StatusCreated)
	var created struct {
		Secret string `json:"secret"`
	}
	r.decode(t, &created)
	if created.Secret == "" {
		t.Fatalf("POST /v1/tokens returned no secret: %s", r.body)
	}
	return created.Secret
}

// doAs sends a request with another token than the server's.
func (s *testServer) doAs(token, method, path, body string) response {
	s.t.Helper()
	return s.do(method, path, body, "Authorization", "Bearer "+token)
}
