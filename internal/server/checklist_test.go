package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

const (
	infraChecklist = `{"title": "Infrastructure Checklist", "gate": "deploy:production", "items": [
		{"key": "dns", "title": "DNS records created", "owner": "subscriber", "required": true},
		{"key": "firewall", "title": "Firewall opened to the vendor", "owner": "subscriber", "required": true},
		{"key": "training", "title": "Operators trained", "owner": "subscriber", "required": false}]}`
	checklistPath = "/v1/tenants/acme/checklists/infrastructure"
	dnsPath       = checklistPath + "/items/dns"
)

// newChecklistServer starts a server on SQLite with tenant acme, its parties auth0
// and subscriber, and no checklist.
func newChecklistServer(t *testing.T) *testServer {
	t.Helper()
	s := newTestServer(t, nil, Options{Token: adminToken})
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), http.StatusCreated)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), http.StatusCreated)
	return s
}

func decodeChecklist(t *testing.T, r response) *raci.Checklist {
	t.Helper()
	var c raci.Checklist
	r.decode(t, &c)
	return &c
}

func TestChecklistLifecycle(t *testing.T) {
	s := newChecklistServer(t)

	r := s.do("PUT", checklistPath, infraChecklist, "If-None-Match", "*")
	wantStatus(t, r, http.StatusCreated)
	if got := r.header.Get("Location"); got != checklistPath {
		t.Errorf("Location = %q, want %q", got, checklistPath)
	}
	if got := r.header.Get("ETag"); got != `"1"` {
		t.Errorf("ETag = %q, want \"1\"", got)
	}
	c := decodeChecklist(t, r)
	if c.Tenant != "acme" || c.Key != "infrastructure" || c.Gate != "deploy:production" || c.Version != 1 || c.CreatedAt.IsZero() {
		t.Errorf("created checklist = %+v", c)
	}
	var keys []string
	for _, it := range c.Items {
		keys = append(keys, it.Key)
		if it.Status != raci.Pending {
			t.Errorf("new item %s has status %q, want pending", it.Key, it.Status)
		}
	}
	if strings.Join(keys, ",") != "dns,firewall,training" {
		t.Errorf("items = %v, want the order they were written in", keys)
	}

	wantProblem(t, s.do("PUT", checklistPath, infraChecklist, "If-None-Match", "*"), 412, raci.EPRECONDITION)

	r = s.do("GET", checklistPath, "")
	wantStatus(t, r, http.StatusOK)
	if got := decodeChecklist(t, r); got.Title != "Infrastructure Checklist" || len(got.Items) != 3 || r.header.Get("ETag") != `"1"` {
		t.Errorf("GET = %+v, ETag %q", got, r.header.Get("ETag"))
	}
	wantStatus(t, s.do("GET", checklistPath, "", "If-None-Match", `"1"`), http.StatusNotModified)

	var snap raci.Snapshot
	s.do("GET", "/v1/tenants/acme/snapshot", "").decode(t, &snap)
	if len(snap.Checklists) != 1 || snap.Checklists[0].Key != "infrastructure" || len(snap.Checklists[0].Items) != 3 {
		t.Errorf("snapshot checklists = %+v, want the checklist with its items", snap.Checklists)
	}

	// A replace that leaves status out keeps what people ticked.
	wantStatus(t, s.do("PATCH", dnsPath, `{"status": "done", "evidence": "INF-1"}`), http.StatusOK)
	r = s.do("PUT", checklistPath, strings.Replace(infraChecklist, "Infrastructure Checklist", "Infrastructure", 1), "If-Match", `"2"`)
	wantStatus(t, r, http.StatusOK)
	if r.header.Get("Location") != "" || r.header.Get("ETag") != `"3"` {
		t.Errorf("replace: Location %q, ETag %q; want none and \"3\"", r.header.Get("Location"), r.header.Get("ETag"))
	}
	if dns := decodeChecklist(t, r).Item("dns"); dns == nil || dns.Status != raci.Done || dns.Evidence != "INF-1" {
		t.Errorf("dns after a replace without status = %+v, want done with its evidence", dns)
	}
	wantProblem(t, s.do("PUT", checklistPath, infraChecklist, "If-Match", `"2"`), 412, raci.EPRECONDITION)

	wantStatus(t, s.do("PUT", "/v1/tenants/acme/checklists/access", `{"title": "Access", "items": []}`), http.StatusCreated)
	var page raci.Page[*raci.Checklist]
	r = s.do("GET", "/v1/tenants/acme/checklists?limit=1", "")
	wantStatus(t, r, http.StatusOK)
	r.decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Key != "access" || page.Next != "access" {
		t.Fatalf("first page = %+v", page)
	}
	page = raci.Page[*raci.Checklist]{}
	s.do("GET", "/v1/tenants/acme/checklists?limit=1&after=access", "").decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Key != "infrastructure" || page.Next != "" {
		t.Fatalf("second page = %+v", page)
	}
	wantProblem(t, s.do("GET", "/v1/tenants/acme/checklists?limit=0", ""), 422, raci.EINVALID, "limit")

	wantProblem(t, s.do("DELETE", checklistPath, "", "If-Match", `"1"`), 412, raci.EPRECONDITION)
	wantStatus(t, s.do("DELETE", checklistPath, "", "If-Match", `"3"`), http.StatusNoContent)
	wantProblem(t, s.do("GET", checklistPath, ""), 404, raci.ENOTFOUND)
	wantProblem(t, s.do("DELETE", checklistPath, ""), 404, raci.ENOTFOUND)
}

func TestChecklistMissing(t *testing.T) {
	s := newChecklistServer(t)
	r := s.do("GET", "/v1/tenants/acme/checklists", "")
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte(`"items":[]`)) {
		t.Errorf("empty list body = %s, want an empty array", r.body)
	}
	for _, path := range []string{"/v1/tenants/nope/checklists", "/v1/tenants/nope/checklists/infrastructure", checklistPath, checklistPath + "/readiness"} {
		wantProblem(t, s.do("GET", path, ""), 404, raci.ENOTFOUND)
	}
	wantProblem(t, s.do("PUT", "/v1/tenants/nope/checklists/infrastructure", infraChecklist), 404, raci.ENOTFOUND)
	wantProblem(t, s.do("PATCH", dnsPath, `{"status": "done"}`), 404, raci.ENOTFOUND)

	wantStatus(t, s.do("PUT", checklistPath, infraChecklist), http.StatusCreated)
	p := wantProblem(t, s.do("PATCH", checklistPath+"/items/backups", `{"status": "done"}`), 404, raci.ENOTFOUND)
	if !strings.Contains(p.Detail, "backups") {
		t.Errorf("missing-item detail does not name the item: %q", p.Detail)
	}
	wantProblem(t, s.do("PATCH", "/v1/tenants/nope/checklists/infrastructure/items/dns", `{"status": "done"}`), 404, raci.ENOTFOUND)
}

func TestChecklistPutErrors(t *testing.T) {
	s := newChecklistServer(t)
	tests := []struct {
		name   string
		path   string
		body   string
		fields []string
	}{
		{"names differ from the URL", checklistPath, `{"tenant": "globex", "key": "other", "title": "T"}`, []string{"tenant", "key"}},
		{"unknown field", checklistPath, `{"title": "T", "colour": "red"}`, []string{"colour"}},
		{"unknown item field", checklistPath, `{"title": "T", "items": [{"key": "dns", "title": "DNS", "owner": "subscriber", "done": true}]}`, []string{"items[0].done"}},
		{"bad due time", checklistPath, `{"title": "T", "items": [{"key": "dns", "title": "DNS", "owner": "subscriber", "due": "friday"}]}`, []string{"items[0].due"}},
		{"bad waiver time", checklistPath, `{"title": "T", "items": [{"key": "dns", "title": "DNS", "owner": "subscriber",
			"waiver": {"reason": "r", "approved_by": "auth0", "expires": "soon"}}]}`, []string{"items[0].waiver.expires"}},
		{"owner not a party", checklistPath, `{"title": "T", "items": [{"key": "dns", "title": "DNS", "owner": "okta"}]}`, []string{"items[0].owner"}},
		{"no title", checklistPath, `{"gate": "deploy:production"}`, []string{"title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, s.do("PUT", tt.path, tt.body), 422, raci.EINVALID, tt.fields...)
		})
	}
	wantProblem(t, s.do("PUT", checklistPath, `{"title": `), 400, raci.EINVALID)
	wantProblem(t, s.do("GET", checklistPath, ""), 404, raci.ENOTFOUND)
}

func TestPatchChecklistItem(t *testing.T) {
	s := newChecklistServer(t)
	wantStatus(t, s.do("PUT", checklistPath, infraChecklist), http.StatusCreated)

	r := s.do("PATCH", dnsPath, `{"status": "done", "evidence": "https://tickets.example/INF-1", "evidence_expires": "2099-01-31T00:00:00+01:00"}`, "If-Match", `"1"`)
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("ETag"); got != `"2"` {
		t.Errorf("ETag after PATCH = %q, want \"2\"", got)
	}
	c := decodeChecklist(t, r)
	if c.Version != 2 || len(c.Items) != 3 {
		t.Fatalf("PATCH answered %+v, want the whole checklist at version 2", c)
	}
	dns := c.Item("dns")
	if dns.Status != raci.Done || dns.Evidence != "https://tickets.example/INF-1" || dns.EvidenceExpires == nil || dns.EvidenceExpires.Format("2006-01-02T15:04:05Z07:00") != "2099-01-30T23:00:00Z" {
		t.Errorf("dns = %+v, want done with the evidence and its expiry", dns)
	}
	if fw := c.Item("firewall"); fw.Status != raci.Pending {
		t.Errorf("firewall = %+v, want it untouched", fw)
	}

	// The version read is the checklist's: a stale one changes nothing.
	wantProblem(t, s.do("PATCH", dnsPath, `{"status": "failed"}`, "If-Match", `"1"`), 412, raci.EPRECONDITION)
	wantProblem(t, s.do("PATCH", dnsPath, `{"status": "failed"}`, "If-Match", `two`), 400, raci.EINVALID, "If-Match")

	r = s.do("PATCH", checklistPath+"/items/firewall", `{"status": "waived", "waiver": {"reason": "Vendor VPN used instead", "approved_by": "auth0", "expires": "2099-06-30T00:00:00Z"}}`, "If-Match", `"2"`)
	wantStatus(t, r, http.StatusOK)
	if w := decodeChecklist(t, r).Item("firewall").Waiver; w == nil || w.ApprovedBy != "auth0" || w.Expires.Year() != 2099 {
		t.Errorf("firewall waiver = %+v", w)
	}

	tests := []struct {
		name   string
		body   string
		detail string
		fields []string
	}{
		{"nothing to change", `{}`, "nothing to change", nil},
		{"only nulls", `{"status": null}`, "nothing to change", nil},
		{"bad evidence expiry", `{"evidence": "x", "evidence_expires": "next week"}`, "RFC 3339", []string{"evidence_expires"}},
		{"bad waiver expiry", `{"waiver": {"reason": "r", "approved_by": "auth0", "expires": "2099-13-01"}}`, "RFC 3339", []string{"waiver.expires"}},
		{"unknown field", `{"status": "done", "note": "x"}`, "", []string{"note"}},
		{"unknown waiver field", `{"waiver": {"reason": "r", "approver": "auth0", "expires": "2099-06-30T00:00:00Z"}}`, "", []string{"waiver.approver"}},
		{"wrong type", `{"status": true}`, "", []string{"status"}},
		{"unknown status", `{"status": "finished"}`, "finished", []string{"items[0].status"}},
		{"waived by its owner", `{"status": "waived", "waiver": {"reason": "r", "approved_by": "subscriber", "expires": "2099-06-30T00:00:00Z"}}`, "another party", []string{"items[0].waiver.approved_by"}},
		{"waived without a waiver", `{"status": "waived"}`, "without a waiver", []string{"items[0].waiver"}},
		{"approver not a party", `{"waiver": {"reason": "r", "approved_by": "okta", "expires": "2099-06-30T00:00:00Z"}}`, "okta", []string{"items[0].waiver.approved_by"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, s.do("PATCH", dnsPath, tt.body), 422, raci.EINVALID, tt.fields...)
			if !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", p.Detail, tt.detail)
			}
		})
	}
	wantProblem(t, s.do("PATCH", dnsPath, `{"status": `), 400, raci.EINVALID)
	wantProblem(t, s.do("PATCH", dnsPath, ``), 400, raci.EINVALID)

	// None of the rejected patches changed anything.
	r = s.do("GET", checklistPath, "")
	if r.header.Get("ETag") != `"3"` || decodeChecklist(t, r).Item("dns").Status != raci.Done {
		t.Errorf("a rejected PATCH changed the checklist: ETag %q, body %s", r.header.Get("ETag"), r.body)
	}
}

func TestReadiness(t *testing.T) {
	s := newChecklistServer(t)
	wantStatus(t, s.do("PUT", checklistPath, infraChecklist), http.StatusCreated)

	r := s.do("GET", checklistPath+"/readiness", "")
	wantStatus(t, r, http.StatusOK)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var doc map[string]json.RawMessage
	r.decode(t, &doc)
	wantKeys(t, "readiness", doc, "at", "blocking", "checklist", "done", "gate", "ready", "summary", "tenant", "total")
	var blockers []map[string]json.RawMessage
	if err := json.Unmarshal(doc["blocking"], &blockers); err != nil || len(blockers) != 2 {
		t.Fatalf("blocking = %s, want the two required items", doc["blocking"])
	}
	wantKeys(t, "blocker", blockers[0], "item", "owner", "reason", "title")

	var rd raci.Readiness
	r.decode(t, &rd)
	if rd.Ready || rd.Tenant != "acme" || rd.Checklist != "infrastructure" || rd.Gate != "deploy:production" || rd.Total != 2 || rd.Done != 0 || rd.At.IsZero() {
		t.Errorf("readiness = %+v", rd)
	}
	if b := rd.Blocking[0]; b.Item != "dns" || b.Owner != "subscriber" || b.Reason != raci.BlockPending || b.Title != "DNS records created" {
		t.Errorf("first blocker = %+v", b)
	}
	if !strings.Contains(rd.Summary, "deploy:production") {
		t.Errorf("summary = %q, want it to name the gate", rd.Summary)
	}

	wantStatus(t, s.do("PATCH", dnsPath, `{"status": "done", "evidence": "INF-1"}`), http.StatusOK)
	wantStatus(t, s.do("PATCH", checklistPath+"/items/firewall", `{"status": "failed"}`), http.StatusOK)
	r = s.do("GET", checklistPath+"/readiness", "")
	rd = raci.Readiness{}
	r.decode(t, &rd)
	if rd.Ready || rd.Done != 1 || len(rd.Blocking) != 1 || rd.Blocking[0].Reason != raci.BlockFailed {
		t.Errorf("readiness with firewall failed = %+v", rd)
	}

	wantStatus(t, s.do("PATCH", checklistPath+"/items/firewall", `{"status": "not_applicable"}`), http.StatusOK)
	r = s.do("GET", checklistPath+"/readiness", "")
	if !bytes.Contains(r.body, []byte(`"blocking":[]`)) {
		t.Errorf("ready checklist body = %s, want an empty blocking array", r.body)
	}
	rd = raci.Readiness{}
	r.decode(t, &rd)
	if !rd.Ready || rd.Done != 2 || rd.Total != 2 {
		t.Errorf("readiness with every required item ready = %+v", rd)
	}
}

func wantKeys(t *testing.T, what string, doc map[string]json.RawMessage, keys ...string) {
	t.Helper()
	var got []string
	for k := range doc {
		got = append(got, k)
	}
	sort.Strings(got)
	if !slices.Equal(got, keys) {
		t.Errorf("%s has the fields %v, want %v", what, got, keys)
	}
}

// An item that does not say whether it is required is required; one that says
// false is optional.
func TestChecklistItemsRequiredByDefault(t *testing.T) {
	s := newChecklistServer(t)
	resp := s.do("PUT", checklistPath, `{"title": "T", "items": [
		{"key": "dns", "title": "DNS", "owner": "subscriber"},
		{"key": "smtp", "title": "SMTP", "owner": "subscriber", "required": false}]}`)
	wantStatus(t, resp, http.StatusCreated)
	var c raci.Checklist
	if err := json.Unmarshal(resp.body, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Items) != 2 || !c.Items[0].Required || c.Items[1].Required {
		t.Fatalf("items = %+v, want dns required and smtp optional", c.Items)
	}
}

// Issue 19's probe: after a write token waived an item, a checklist token set it
// back to pending, keeping the waiver, then to waived with no waiver of its own,
// and the gate opened with no approval. Now moving off waived ends the waiver, and
// waiving, not_applicable and a waiver take write; ticking does not.
func TestChecklistScopeCannotReviveAWaiver(t *testing.T) {
	f := newIsolationFixture(t)
	f.seed(ownTenant)
	base := "/v1/tenants/" + ownTenant + "/checklists/infrastructure"
	waive := `{"status": "waived", "waiver": {"reason": "DNS is the vendor's", "approved_by": "auth0", "expires": "2099-06-30T00:00:00Z"}}`
	wantStatus(t, f.as("own-write", "PATCH", base+"/items/dns", waive), http.StatusOK)

	// The probe's first step: allowed, but the waiver goes with the waived status.
	r := f.as("own-checklist", "PATCH", base+"/items/dns", `{"status": "pending"}`)
	wantStatus(t, r, http.StatusOK)
	if dns := decodeChecklist(t, r).Item("dns"); dns.Status != raci.Pending || dns.Waiver != nil {
		t.Fatalf("dns after pending = %+v, want pending with no waiver kept", dns)
	}
	before := f.lastEvent(ownTenant)
	// Its second step, and the other ways to open the gate without approval.
	for _, step := range []struct{ item, body string }{
		{"dns", `{"status": "waived"}`},
		{"dns", waive},
		{"firewall", `{"waiver": {"reason": "r", "approved_by": "auth0", "expires": "2099-06-30T00:00:00Z"}}`},
		{"firewall", `{"status": "not_applicable"}`},
	} {
		r := f.as("own-checklist", "PATCH", base+"/items/"+step.item, step.body)
		p := wantProblem(t, r, http.StatusForbidden, eforbidden)
		if !strings.Contains(p.Detail, string(raci.TenantScope(ownTenant, raci.AccessWrite))) {
			t.Errorf("PATCH %s %s: detail %q does not name the scope it needs", step.item, step.body, p.Detail)
		}
	}
	// Not even write may waive on a waiver that is gone.
	wantProblem(t, f.as("own-write", "PATCH", base+"/items/dns", `{"status": "waived"}`), http.StatusUnprocessableEntity, raci.EINVALID, "items[0].waiver")
	if f.lastEvent(ownTenant) != before {
		t.Error("a refused PATCH changed the checklist")
	}
	var rd raci.Readiness
	f.as("own-checklist", "GET", base+"/readiness", "").decode(t, &rd)
	if rd.Ready || len(rd.Blocking) != 2 {
		t.Errorf("readiness after the refused PATCHes = %+v, want both required items blocking", rd)
	}

	// Ticking is the checklist scope's, and evidence on a waived item keeps it.
	wantStatus(t, f.as("own-checklist", "PATCH", base+"/items/firewall", `{"status": "done", "evidence": "FW-1"}`), http.StatusOK)
	wantStatus(t, f.as("own-write", "PATCH", base+"/items/dns", waive), http.StatusOK)
	r = f.as("own-checklist", "PATCH", base+"/items/dns", `{"status": "waived", "evidence": "INF-1"}`)
	wantStatus(t, r, http.StatusOK)
	if dns := decodeChecklist(t, r).Item("dns"); dns.Status != raci.Waived || dns.Waiver == nil || dns.Evidence != "INF-1" {
		t.Errorf("dns after evidence = %+v, want still waived with its waiver", dns)
	}
	// Write may do all of it.
	wantStatus(t, f.as("own-write", "PATCH", base+"/items/firewall", `{"status": "not_applicable"}`), http.StatusOK)
}
