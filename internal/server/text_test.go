package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// TestProbeTextOnEveryStore sends the requests with which an outside probe got a
// 500 from PostgreSQL where SQLite stored the text (issue 19, item 4): NUL in a
// title, a label and a contact; terminal escapes in a title; a query parameter that
// is not UTF-8; NUL in a path name and in a query parameter. Each store must answer
// the same 4xx naming the field or parameter, store nothing, and log no internal
// error.
func TestProbeTextOnEveryStore(t *testing.T) {
	eachStore(t, func(t *testing.T, svc raci.Service) {
		s := newTestServer(t, svc, Options{Token: adminToken})
		seedAcme(t, s)
		rowPath := "/v1/tenants/acme/responsibilities/backing-up"
		before := s.do("GET", "/v1/tenants/acme/snapshot", "")
		wantStatus(t, before, http.StatusOK)

		writes := []struct {
			name, method, path, body, field, detail string
		}{
			{"NUL in a title", "PUT", rowPath,
				`{"title":"a\u0000b","assignments":[{"party":"subscriber","roles":["R","A"]}]}`,
				"title", "U+0000 (NUL) at byte 1"},
			{"ESC and BEL in a title", "PUT", rowPath,
				`{"title":"\u001b]0;owned\u0007","assignments":[{"party":"subscriber","roles":["R","A"]}]}`,
				"title", "U+001B (ESC) at byte 0"},
			{"NUL in a label", "PUT", "/v1/tenants/acme",
				`{"deployment_model":"private_saas","labels":{"team":"a\u0000b"}}`,
				"labels.team", "U+0000 (NUL)"},
			{"NUL in a label key", "PUT", "/v1/tenants/acme",
				`{"deployment_model":"private_saas","labels":{"te\u0000am":"ops"}}`,
				"labels", "Label key holds the control character U+0000 (NUL)"},
			{"NUL in a contact", "PUT", "/v1/tenants/acme/parties/auth0",
				`{"kind":"vendor","contacts":["ops\u0000@auth0.example"]}`,
				"contacts[0]", "U+0000 (NUL) at byte 3"},
			{"NUL in evidence", "PATCH", dnsPath, `{"status":"done","evidence":"INF-\u0000"}`,
				"items[0].evidence", "U+0000 (NUL)"},
			{"a carriage return in notes", "PUT", rowPath,
				`{"title":"Backing Up","notes":"one\r\ntwo","assignments":[{"party":"subscriber","roles":["R","A"]}]}`,
				"notes", "end lines with a line feed"},
		}
		for _, w := range writes {
			r := s.do(w.method, w.path, w.body)
			p := wantProblem(t, r, http.StatusUnprocessableEntity, raci.EINVALID, w.field)
			if !problemSays(p, w.field, w.detail) {
				t.Errorf("%s: problems %+v, want %q on %s", w.name, p.Errors, w.detail, w.field)
			}
		}

		reads := []struct {
			name, method, path, field string
		}{
			{"?after=%ff on tenants", "GET", "/v1/tenants?after=%ff", "after"},
			{"?after=%ff on parties", "GET", "/v1/tenants/acme/parties?after=%ff", "after"},
			{"?after=%ff on events", "GET", "/v1/tenants/acme/events?after=%ff", "after"},
			{"/parties/%00", "GET", "/v1/tenants/acme/parties/%00", "party"},
			{"PUT /parties/%00", "PUT", "/v1/tenants/acme/parties/%00", "party"},
			{"DELETE /parties/%00", "DELETE", "/v1/tenants/acme/parties/%00", "party"},
			{"a tenant not UTF-8", "GET", "/v1/tenants/acm%e9", "tenant"},
			{"ESC in an item", "PATCH", checklistPath + "/items/%1b", "item"},
			{"?object=%00", "GET", "/v1/tenants/acme/events?object=%00", "object"},
			{"?object= not UTF-8", "GET", "/v1/tenants/acme/events?object=party/%c3%28", "object"},
		}
		for _, q := range reads {
			body := ""
			if q.method != "GET" && q.method != "DELETE" {
				body = vendorBody
			}
			r := s.do(q.method, q.path, body)
			p := wantProblem(t, r, http.StatusBadRequest, raci.EINVALID, q.field)
			if !strings.Contains(p.Detail, "The ") {
				t.Errorf("%s: detail %q says nothing", q.name, p.Detail)
			}
		}

		after := s.do("GET", "/v1/tenants/acme/snapshot", "")
		wantStatus(t, after, http.StatusOK)
		if string(after.body) != string(before.body) {
			t.Errorf("refused requests changed the tenant:\nbefore %s\nafter  %s", before.body, after.body)
		}
		if logs := s.logs.String(); strings.Contains(logs, "internal error") {
			t.Errorf("the server logged an internal error:\n%s", logs)
		}
	})
}

// seedAcme writes tenant acme with the parties auth0 and subscriber, the row
// backing-up and the checklist infrastructure.
func seedAcme(t *testing.T, s *testServer) {
	t.Helper()
	for _, w := range []struct{ path, body string }{
		{"/v1/tenants/acme", acmeTenant},
		{"/v1/tenants/acme/parties/auth0", vendorBody},
		{"/v1/tenants/acme/parties/subscriber", customerB},
		{"/v1/tenants/acme/responsibilities/backing-up", backupRow},
		{checklistPath, infraChecklist},
	} {
		wantStatus(t, s.do("PUT", w.path, w.body), http.StatusCreated)
	}
}

// problemSays reports whether a problem on field says want.
func problemSays(p problem, field, want string) bool {
	for _, e := range p.Errors {
		if e.Field == field && strings.Contains(e.Detail, want) {
			return true
		}
	}
	return false
}
