package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// newSeededServer starts a server on SQLite with tenant acme, its parties auth0 and
// subscriber, row backing-up and checklist infrastructure.
func newSeededServer(t *testing.T) *testServer {
	t.Helper()
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/responsibilities/backing-up", backupRow), http.StatusCreated)
	wantStatus(t, s.do("PUT", checklistPath, infraChecklist), http.StatusCreated)
	return s
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCollectionLimits sends each collection at its limit, which is stored, and one
// over it, which is refused with a 422 naming the field and stores nothing.
func TestCollectionLimits(t *testing.T) {
	s := newSeededServer(t)

	tenant := func(labels, envs int) string {
		l := map[string]string{}
		for i := range labels {
			l[fmt.Sprintf("k%d", i)] = "v"
		}
		e := []string{}
		for i := range envs {
			e = append(e, fmt.Sprintf("env%d", i))
		}
		return mustJSON(t, map[string]any{"deployment_model": "private_saas", "labels": l, "environments": e})
	}
	party := func(contacts int) string {
		c := []string{}
		for i := range contacts {
			c = append(c, fmt.Sprintf("ops%d@auth0.example", i))
		}
		return mustJSON(t, map[string]any{"kind": "vendor", "contacts": c})
	}
	row := func(assignments int) string {
		// One accountable party; the others are informed, each on its own condition
		// so that the party may appear again.
		as := []map[string]any{{"party": "subscriber", "roles": []string{"R", "A"}}}
		for i := 1; i < assignments; i++ {
			as = append(as, map[string]any{"party": "auth0", "roles": []string{"I"}, "when": fmt.Sprintf("case %d", i)})
		}
		return mustJSON(t, map[string]any{"title": "Backing Up", "assignments": as})
	}
	checklist := func(items int) string {
		is := []map[string]any{}
		for i := range items {
			is = append(is, map[string]any{"key": fmt.Sprintf("item-%d", i), "title": "Item", "owner": "subscriber"})
		}
		return mustJSON(t, map[string]any{"title": "Big", "items": is})
	}
	token := func(name string, scopes int) string {
		sc := []string{}
		for i := range scopes {
			sc = append(sc, fmt.Sprintf("tenant:t%d:read", i))
		}
		return mustJSON(t, map[string]any{"name": name, "scopes": sc})
	}

	tests := []struct {
		name     string
		method   string
		path     string // the object written; GET on it must find nothing after a refusal
		atLimit  string
		over     string
		field    string
		readBack string // where to look for the refused object; path when empty
	}{
		{"labels", "PUT", "/v1/tenants/labelled", tenant(raci.MaxLabels, 1), tenant(raci.MaxLabels+1, 1), "labels", ""},
		{"environments", "PUT", "/v1/tenants/everywhere", tenant(0, raci.MaxEnvironments), tenant(0, raci.MaxEnvironments+1), "environments", ""},
		{"contacts", "PUT", "/v1/tenants/acme/parties/chatty", party(raci.MaxContacts), party(raci.MaxContacts + 1), "contacts", ""},
		{"assignments", "PUT", "/v1/tenants/acme/responsibilities/crowded", row(raci.MaxAssignments), row(raci.MaxAssignments + 1), "assignments", ""},
		{"items", "PUT", "/v1/tenants/acme/checklists/long", checklist(raci.MaxChecklistItems), checklist(raci.MaxChecklistItems + 1), "items", ""},
		{"scopes", "POST", "/v1/tokens", token("wide", raci.MaxScopes), token("too-wide", raci.MaxScopes+1), "scopes", "/v1/tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, s.do(tt.method, tt.path, tt.over), http.StatusUnprocessableEntity, raci.EINVALID, tt.field)
			if !strings.Contains(p.Detail, "at most") {
				t.Errorf("detail does not state the limit: %q", p.Detail)
			}
			if tt.readBack == "" {
				wantProblem(t, s.do("GET", tt.path, ""), http.StatusNotFound, raci.ENOTFOUND)
			} else if r := s.do("GET", tt.readBack, ""); strings.Contains(string(r.body), "too-wide") {
				t.Errorf("the refused token was stored: %s", r.body)
			}

			r := s.do(tt.method, tt.path, tt.atLimit)
			wantStatus(t, r, http.StatusCreated)
		})
	}

	// What was stored at the limit reads back whole.
	var c raci.Checklist
	s.do("GET", "/v1/tenants/acme/checklists/long", "").decode(t, &c)
	if len(c.Items) != raci.MaxChecklistItems {
		t.Errorf("checklist at the limit read back with %d items, want %d", len(c.Items), raci.MaxChecklistItems)
	}
	var row2 raci.Responsibility
	s.do("GET", "/v1/tenants/acme/responsibilities/crowded", "").decode(t, &row2)
	if len(row2.Assignments) != raci.MaxAssignments {
		t.Errorf("row at the limit read back with %d assignments, want %d", len(row2.Assignments), raci.MaxAssignments)
	}
}

// TestTextLimits checks that text over its length limit is refused naming the field,
// nested ones with their path.
func TestTextLimits(t *testing.T) {
	s := newSeededServer(t)
	long := func(n int) string { return strings.Repeat("x", n) }

	tests := []struct {
		name, path, body, field string
	}{
		{"row title", "/v1/tenants/acme/responsibilities/r1",
			mustJSON(t, map[string]any{"title": long(raci.MaxNameLength + 1)}), "title"},
		{"assignment condition", "/v1/tenants/acme/responsibilities/r1",
			mustJSON(t, map[string]any{"title": "T", "assignments": []map[string]any{
				{"party": "subscriber", "roles": []string{"R", "A"}, "when": long(raci.MaxConditionLength + 1)}}}), "assignments[0].when"},
		{"label value", "/v1/tenants/acme",
			mustJSON(t, map[string]any{"deployment_model": "private_saas", "labels": map[string]string{"team": long(raci.MaxLabelValueLength + 1)}}), "labels.team"},
		{"item evidence", "/v1/tenants/acme/checklists/c1",
			mustJSON(t, map[string]any{"title": "C", "items": []map[string]any{
				{"key": "a", "title": "A", "owner": "subscriber", "evidence": long(raci.MaxEvidenceLength + 1)}}}), "items[0].evidence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, s.do("PUT", tt.path, tt.body), http.StatusUnprocessableEntity, raci.EINVALID, tt.field)
		})
	}
	wantProblem(t, s.do("GET", "/v1/tenants/acme/responsibilities/r1", ""), http.StatusNotFound, raci.ENOTFOUND)
	wantProblem(t, s.do("GET", "/v1/tenants/acme/checklists/c1", ""), http.StatusNotFound, raci.ENOTFOUND)
	if r := s.do("GET", "/v1/tenants/acme", ""); r.header.Get("ETag") != `"1"` {
		t.Errorf("a refused write changed the tenant: ETag %q", r.header.Get("ETag"))
	}
}

// paddedBody returns a JSON object {"<field>": "xxx…"} exactly size bytes long.
func paddedBody(field string, size int) string {
	prefix := `{"` + field + `": "`
	const suffix = `"}`
	return prefix + strings.Repeat("x", size-len(prefix)-len(suffix)) + suffix
}

// TestBodyLimitOnEveryWrite sends every write a body one byte over 1 MiB, which is
// refused with 413 before it is decoded, and one exactly at 1 MiB, which is read and
// judged on its content.
func TestBodyLimitOnEveryWrite(t *testing.T) {
	s := newSeededServer(t)
	writes := []struct {
		method, path, field string
		// named is the field the refusal names, when not field itself: a patch is
		// judged as part of its checklist.
		named string
	}{
		{"PUT", "/v1/tenants/acme", "display_name", ""},
		{"PUT", "/v1/tenants/acme/parties/auth0", "display_name", ""},
		{"PUT", "/v1/tenants/acme/responsibilities/backing-up", "title", ""},
		{"PUT", checklistPath, "title", ""},
		{"PATCH", dnsPath, "evidence", "items[0].evidence"},
		{"POST", "/v1/tokens", "name", ""},
	}
	for _, w := range writes {
		t.Run(w.method+" "+w.path, func(t *testing.T) {
			over := paddedBody(w.field, maxBodySize+1)
			p := wantProblem(t, s.do(w.method, w.path, over), http.StatusRequestEntityTooLarge, raci.ETOOLARGE)
			if !strings.Contains(p.Detail, "1 MiB") {
				t.Errorf("detail does not state the limit: %q", p.Detail)
			}

			at := paddedBody(w.field, maxBodySize)
			if len(at) != maxBodySize {
				t.Fatalf("test body is %d bytes, want %d", len(at), maxBodySize)
			}
			// Accepted as a body, then refused for what it says: the field is too long
			// (or, for a token, not a slug).
			named := w.field
			if w.named != "" {
				named = w.named
			}
			wantProblem(t, s.do(w.method, w.path, at), http.StatusUnprocessableEntity, raci.EINVALID, named)
		})
	}
	// Nothing above changed what is stored.
	for _, path := range []string{"/v1/tenants/acme", "/v1/tenants/acme/parties/auth0", "/v1/tenants/acme/responsibilities/backing-up", checklistPath} {
		if r := s.do("GET", path, ""); r.header.Get("ETag") != `"1"` {
			t.Errorf("%s changed: ETag %q", path, r.header.Get("ETag"))
		}
	}
}

// A malformed name in the URL names nothing: reads and deletes answer 404 as for
// any missing object, and writes are refused with a 422 naming the field and the
// slug rule, the same answer every store gives. Nothing is created.
func TestMalformedNamesInURL(t *testing.T) {
	s := newSeededServer(t)
	tests := []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"GET", "/v1/tenants/ACME", "", http.StatusNotFound, ""},
		{"DELETE", "/v1/tenants/-acme", "", http.StatusNotFound, ""},
		{"GET", "/v1/tenants/" + strings.Repeat("a", raci.MaxSlugLength+1), "", http.StatusNotFound, ""},
		{"GET", "/v1/tenants/acme/parties/Auth0", "", http.StatusNotFound, ""},
		{"GET", "/v1/tenants/acme/checklists/infra~structure", "", http.StatusNotFound, ""},
		{"PATCH", checklistPath + "/items/DNS", `{"status": "done"}`, http.StatusNotFound, ""},
		{"PUT", "/v1/tenants/Acme%20Corp", acmeTenant, http.StatusUnprocessableEntity, "name"},
		{"PUT", "/v1/tenants/acme/parties/auth.0", vendorBody, http.StatusUnprocessableEntity, "name"},
		{"PUT", "/v1/tenants/acme/responsibilities/backing%20up", backupRow, http.StatusUnprocessableEntity, "key"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := s.do(tt.method, tt.path, tt.body)
			if tt.status == http.StatusNotFound {
				wantProblem(t, r, http.StatusNotFound, raci.ENOTFOUND)
				return
			}
			p := wantProblem(t, r, tt.status, raci.EINVALID, tt.field)
			if !strings.Contains(p.Detail, "lowercase") {
				t.Errorf("detail does not give the slug rule: %q", p.Detail)
			}
		})
	}
	wantStatus(t, s.do("GET", "/v1/tenants/acme-corp", ""), http.StatusNotFound)
}

// TestBodyMisfitsNamed covers the bodies TestPutBodyErrors does not: unknown fields
// and wrong types in parties, checklists, item patches and tokens are named with
// their path, and nothing is stored.
func TestBodyMisfitsNamed(t *testing.T) {
	s := newSeededServer(t)
	tests := []struct {
		name, method, path, body, field, detail string
	}{
		{"party unknown field", "PUT", "/v1/tenants/acme/parties/okta", `{"kind": "vendor", "email": "ops@okta.example"}`, "email", "Unknown field"},
		{"party contacts not a list", "PUT", "/v1/tenants/acme/parties/okta", `{"kind": "vendor", "contacts": "ops@okta.example"}`, "contacts", "Wrong type"},
		{"item owner a number", "PUT", "/v1/tenants/acme/checklists/c1",
			`{"title": "C", "items": [{"key": "a", "title": "A", "owner": "subscriber"}, {"key": "b", "title": "B", "owner": 7}]}`, "items[1].owner", "Wrong type"},
		{"item unknown field", "PUT", "/v1/tenants/acme/checklists/c1",
			`{"title": "C", "items": [{"key": "a", "title": "A", "owner": "subscriber", "requird": true}]}`, "items[0].requird", "Unknown field"},
		{"required a string", "PUT", "/v1/tenants/acme/checklists/c1",
			`{"title": "C", "items": [{"key": "a", "title": "A", "owner": "subscriber", "required": "yes"}]}`, "items[0].required", "Wrong type"},
		{"patch status a number", "PATCH", dnsPath, `{"status": 1}`, "status", "Wrong type"},
		{"patch unknown field", "PATCH", dnsPath, `{"stat": "done"}`, "stat", "Unknown field"},
		{"patch waiver unknown field", "PATCH", dnsPath, `{"status": "waived", "waiver": {"reason": "r", "approver": "auth0"}}`, "waiver.approver", "Unknown field"},
		{"patch expiry not a time", "PATCH", dnsPath, `{"evidence": "INF-1", "evidence_expires": "next week"}`, "evidence_expires", "RFC 3339"},
		{"token scopes a string", "POST", "/v1/tokens", `{"name": "ci", "scopes": "admin"}`, "scopes", "Wrong type"},
		{"token unknown field", "POST", "/v1/tokens", `{"name": "ci", "scopes": ["admin"], "expires": "never"}`, "expires", "Unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, s.do(tt.method, tt.path, tt.body), http.StatusUnprocessableEntity, raci.EINVALID, tt.field)
			for _, e := range p.Errors {
				if e.Field == tt.field && !strings.Contains(e.Detail, tt.detail) {
					t.Errorf("problem for %s = %q, want it to say %q", tt.field, e.Detail, tt.detail)
				}
			}
		})
	}
	wantProblem(t, s.do("GET", "/v1/tenants/acme/parties/okta", ""), http.StatusNotFound, raci.ENOTFOUND)
	wantProblem(t, s.do("GET", "/v1/tenants/acme/checklists/c1", ""), http.StatusNotFound, raci.ENOTFOUND)
	if r := s.do("GET", checklistPath, ""); r.header.Get("ETag") != `"1"` {
		t.Errorf("a refused patch changed the checklist: ETag %q", r.header.Get("ETag"))
	}
	if r := s.do("GET", "/v1/tokens", ""); strings.Contains(string(r.body), `"ci"`) {
		t.Errorf("a refused token was stored: %s", r.body)
	}
}

// A body that breaks a rule in every element gets an answer of bounded size: the
// first raci.MaxProblems problems and how many more there are, not one problem per
// element (which made a 680 KB body answer 52 MB).
func TestManyProblemsAreCapped(t *testing.T) {
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	const n = 50000
	body := `{"title": "Backing Up", "assignments": [` + strings.Repeat(`1,`, n-1) + `1]}`
	r := s.do("PUT", "/v1/tenants/acme/responsibilities/backing-up", body)
	p := wantProblem(t, r, 422, raci.EINVALID, "assignments[0]")
	if len(p.Errors) != raci.MaxProblems {
		t.Errorf("%d problems listed, want %d", len(p.Errors), raci.MaxProblems)
	}
	if want := fmt.Sprintf("and %d more problems", n-raci.MaxProblems); !strings.HasSuffix(p.Detail, want) {
		t.Errorf("detail ends %q, want it to end %q", p.Detail[max(0, len(p.Detail)-80):], want)
	}
	if len(r.body) > 8<<10 {
		t.Errorf("the answer is %d bytes for a body of %d", len(r.body), len(body))
	}
	wantProblem(t, s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", ""), 404, raci.ENOTFOUND)
}
