package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// TestBodyKeysAndEncoding sends bodies that encoding/json would take with a guess
// (issue 19, item 11): a key twice, a key in another case than the field's, text
// that is not UTF-8 or escapes half a surrogate pair. Each is refused, naming the
// key, and nothing is stored; on both stores, since a store that took the guess
// would keep something its twin refuses.
func TestBodyKeysAndEncoding(t *testing.T) {
	eachStore(t, func(t *testing.T, svc raci.Service) {
		s := newTestServer(t, svc, Options{Token: adminToken})
		seedAcme(t, s)
		party := "/v1/tenants/acme/parties/okta"
		tests := []struct {
			name, method, path, body string
			status                   int
			field, detail            string
		}{
			{"a key twice", "PUT", party, `{"kind": "vendor", "kind": "customer"}`,
				http.StatusUnprocessableEntity, "kind", `The key "kind" appears more than once`},
			{"a key in another case", "PUT", party, `{"kind": "vendor", "Display_Name": "Okta"}`,
				http.StatusUnprocessableEntity, "Display_Name", `is spelled "display_name"`},
			{"a case variant beside the key", "PUT", party, `{"kind": "vendor", "KIND": "customer"}`,
				http.StatusUnprocessableEntity, "KIND", `is spelled "kind"`},
			{"a nested key twice", "PUT", "/v1/tenants/acme/responsibilities/r2",
				`{"title": "T", "assignments": [{"party": "auth0", "roles": ["R", "A"], "party": "subscriber"}]}`,
				http.StatusUnprocessableEntity, "assignments[0].party", "appears more than once"},
			{"a nested case variant", "PATCH", dnsPath,
				`{"status": "waived", "waiver": {"reason": "VPN", "Approved_By": "auth0", "expires": "2099-01-01T00:00:00Z"}}`,
				http.StatusUnprocessableEntity, "waiver.Approved_By", `is spelled "approved_by"`},
			{"a label twice", "PUT", "/v1/tenants/acme",
				`{"deployment_model": "private_saas", "labels": {"team": "ops", "team": "dev"}}`,
				http.StatusUnprocessableEntity, "labels.team", "appears more than once"},
			{"a value not UTF-8", "PUT", party, "{\"kind\": \"vendor\", \"display_name\": \"Caf\xe9\"}",
				http.StatusBadRequest, "display_name", "byte 3 of the string is 0xe9"},
			{"a contact not UTF-8", "PUT", party, "{\"kind\": \"vendor\", \"contacts\": [\"a@b\", \"\xff\"]}",
				http.StatusBadRequest, "contacts[1]", "0xff"},
			{"a key not UTF-8", "PUT", "/v1/tenants/acme",
				"{\"deployment_model\": \"private_saas\", \"labels\": {\"t\xe9am\": \"ops\"}}",
				http.StatusBadRequest, `labels."t\ufffdam"`, "0xe9"},
			{"half a surrogate pair", "PUT", party, `{"kind": "vendor", "display_name": "Okta \ud83d"}`,
				http.StatusBadRequest, "display_name", `\ud83d is half a surrogate pair`},
			{"a low surrogate alone", "PUT", party, `{"kind": "vendor", "display_name": "\udc00 Okta"}`,
				http.StatusBadRequest, "display_name", `\udc00 is half a surrogate pair`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := wantProblem(t, s.do(tt.method, tt.path, tt.body), tt.status, raci.EINVALID, tt.field)
				if !problemSays(p, tt.field, tt.detail) {
					t.Errorf("problems %+v, want %q on %s", p.Errors, tt.detail, tt.field)
				}
			})
		}
		wantProblem(t, s.do("GET", party, ""), http.StatusNotFound, raci.ENOTFOUND)
		if r := s.do("GET", checklistPath, ""); r.header.Get("ETag") != `"1"` {
			t.Errorf("a refused patch changed the checklist: ETag %q", r.header.Get("ETag"))
		}
		if r := s.do("GET", "/v1/tenants/acme", ""); strings.Contains(string(r.body), "team") {
			t.Errorf("a refused tenant was stored: %s", r.body)
		}

		// What is right passes: a pair that makes one character, the same key in
		// two objects, labels that differ in case, an escaped U+FFFD.
		ok := s.do("PUT", party, `{"kind": "vendor", "display_name": "Okta \ud83d\ude80 \ufffd", "contacts": []}`)
		wantStatus(t, ok, http.StatusCreated)
		if !strings.Contains(string(ok.body), "Okta \U0001F680 \uFFFD") {
			t.Errorf("the pair did not make one character: %s", ok.body)
		}
		wantStatus(t, s.do("PUT", "/v1/tenants/acme/responsibilities/r2",
			`{"title": "T", "assignments": [{"party": "auth0", "roles": ["R", "A"]}, {"party": "subscriber", "roles": ["I"]}]}`), http.StatusCreated)
		wantStatus(t, s.do("PUT", "/v1/tenants/acme",
			`{"deployment_model": "private_saas", "labels": {"team": "ops", "Team": "dev"}}`), http.StatusOK)
	})
}
