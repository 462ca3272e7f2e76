package server

import (
	"net/http"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// A rename over HTTP: the party under its new name with its ETag and new URL, the
// row rewritten; refused with a problem naming the field or the fix otherwise.
func TestRenameParty(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: "t0k"})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/responsibilities/backing-up", backupRow), http.StatusCreated)

	const path = "/v1/tenants/acme/parties/auth0/rename"
	wantProblem(t, s.do("POST", path, `{}`), http.StatusUnprocessableEntity, raci.EINVALID, "name")
	wantProblem(t, s.do("POST", path, `{"name": "okta", "kind": "vendor"}`), http.StatusUnprocessableEntity, raci.EINVALID, "kind")
	wantProblem(t, s.do("POST", path, `{"name": "Okta"}`), http.StatusUnprocessableEntity, raci.EINVALID, "name")
	wantProblem(t, s.do("POST", path, `{"name": "okta"}`, "If-None-Match", "*"), http.StatusBadRequest, raci.EINVALID, "If-None-Match")
	wantProblem(t, s.do("POST", path, `{"name": "subscriber"}`), http.StatusConflict, raci.ECONFLICT)
	wantProblem(t, s.do("POST", path, `{"name": "okta"}`, "If-Match", `"7"`), http.StatusPreconditionFailed, raci.EPRECONDITION)
	wantProblem(t, s.do("POST", "/v1/tenants/acme/parties/nobody/rename", `{"name": "okta"}`), http.StatusNotFound, raci.ENOTFOUND)

	r := s.do("POST", path, `{"name": "okta"}`, "If-Match", `"1"`)
	wantStatus(t, r, http.StatusOK)
	var p raci.Party
	r.decode(t, &p)
	if p.Name != "okta" || p.DisplayName != "Auth0" || p.Version != 2 {
		t.Errorf("renamed party = %+v, want okta at version 2 with its display name", p)
	}
	if got := r.header.Get("ETag"); got != `"2"` {
		t.Errorf("ETag = %q, want \"2\"", got)
	}
	if got := r.header.Get("Content-Location"); got != "/v1/tenants/acme/parties/okta" {
		t.Errorf("Content-Location = %q", got)
	}
	wantStatus(t, s.do("GET", "/v1/tenants/acme/parties/auth0", ""), http.StatusNotFound)
	var row raci.Responsibility
	got := s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "")
	wantStatus(t, got, http.StatusOK)
	got.decode(t, &row)
	if row.Version != 2 || row.Assignments[0].Party != "okta" {
		t.Errorf("row after the rename = %+v at version %d, want okta's I at version 2", row.Assignments, row.Version)
	}
}
