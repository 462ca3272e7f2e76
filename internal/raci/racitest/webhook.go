package racitest

import (
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// WebhookStore is a store with webhooks: what RunWebhooks tests.
type WebhookStore interface {
	raci.Service
	raci.WebhookService
}

// RunWebhooks runs the suite of raci.WebhookService: webhooks round trip without
// their secrets, bad ones are refused with every problem named, and each write of
// a subscribed kind adds one pending delivery per webhook in its transaction.
func RunWebhooks(t *testing.T, open func(t *testing.T) WebhookStore) {
	run := func(name string, fn func(t *testing.T, s WebhookStore)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
	run("Webhook/CreateFindReplaceDelete", testWebhookCRUD)
	run("Webhook/Invalid", testWebhookInvalid)
	run("Webhook/Missing", testWebhookMissing)
	run("Webhook/Deliveries", testWebhookDeliveries)
	run("Webhook/ReadinessFlips", testWebhookReadinessFlips)
}

const hookSecret = "s3cret-for-the-conformance-suite"

func newWebhook(tenant, name string, events ...string) *raci.Webhook {
	return &raci.Webhook{Tenant: tenant, Name: name, URL: "https://hooks.example.com/" + name, Secret: hookSecret, Events: events}
}

func mustPutWebhook(t *testing.T, s WebhookStore, h *raci.Webhook) *raci.Webhook {
	t.Helper()
	stored, _, err := s.PutWebhook(ctx(t), h, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutWebhook(%s): %v", h.Name, err)
	}
	return stored
}

func deliveries(t *testing.T, s WebhookStore, tenant, name string) []*raci.Delivery {
	t.Helper()
	ds, err := s.ListDeliveries(ctx(t), tenant, name, 100)
	if err != nil {
		t.Fatalf("ListDeliveries(%s): %v", name, err)
	}
	return ds
}

// kinds returns the deliveries' "kind object action", oldest first.
func kinds(ds []*raci.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[len(ds)-1-i] = d.Kind + " " + d.Object + " " + d.Action
	}
	return out
}

func testWebhookCRUD(t *testing.T, s WebhookStore) {
	setupTenant(t, s, "acme", raci.RACI)
	stored, created, err := s.PutWebhook(ctx(t), newWebhook("acme", "ops", "readiness", "responsibility", "readiness"), raci.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	if !created || stored.Version != 1 {
		t.Errorf("created = %v, version %d; want a new webhook at version 1", created, stored.Version)
	}
	if stored.Secret != "" {
		t.Errorf("PutWebhook returned the secret %q; it must never be read back", stored.Secret)
	}
	if got := strings.Join(stored.Events, ","); got != "readiness,responsibility" {
		t.Errorf("events = %s, want the set readiness,responsibility", got)
	}
	found, err := s.FindWebhook(ctx(t), "acme", "ops")
	if err != nil {
		t.Fatal(err)
	}
	if found.Secret != "" || found.URL != "https://hooks.example.com/ops" || found.Version != 1 {
		t.Errorf("FindWebhook = %+v; want the URL, version 1 and no secret", found)
	}
	h := newWebhook("acme", "ops", "party")
	h.URL = "http://10.0.0.7:8080/hook"
	stored, created, err = s.PutWebhook(ctx(t), h, raci.Precondition{IfMatch: 1})
	if err != nil {
		t.Fatal(err)
	}
	if created || stored.Version != 2 || stored.URL != h.URL || stored.Secret != "" {
		t.Errorf("replace: created %v, %+v; want version 2 with the new URL and no secret", created, stored)
	}
	_, _, err = s.PutWebhook(ctx(t), h, raci.Precondition{IfMatch: 1})
	wantCode(t, err, raci.EPRECONDITION)
	mustPutWebhook(t, s, newWebhook("acme", "audit", "checklist"))
	list, err := s.ListWebhooks(ctx(t), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "audit" || list[1].Name != "ops" || list[0].Secret != "" || list[1].Secret != "" {
		t.Errorf("ListWebhooks = %+v; want audit, ops without secrets", list)
	}
	if err := s.DeleteWebhook(ctx(t), "acme", "ops", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindWebhook(ctx(t), "acme", "ops")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteWebhook(ctx(t), "acme", "ops", raci.Precondition{}), raci.ENOTFOUND)
}

func testWebhookInvalid(t *testing.T, s WebhookStore) {
	setupTenant(t, s, "acme", raci.RACI)
	for _, c := range []struct {
		name   string
		change func(h *raci.Webhook)
		field  string
		detail string
	}{
		{"ftp url", func(h *raci.Webhook) { h.URL = "ftp://files.example.com/x" }, "url", "only http and https"},
		{"relative url", func(h *raci.Webhook) { h.URL = "/hooks" }, "url", "absolute http or https"},
		{"no url", func(h *raci.Webhook) { h.URL = "" }, "url", "required"},
		{"password in url", func(h *raci.Webhook) { h.URL = "https://u:p@hooks.example.com/" }, "url", "password"},
		{"short secret", func(h *raci.Webhook) { h.Secret = "short" }, "secret", "at least 16"},
		{"no secret", func(h *raci.Webhook) { h.Secret = "" }, "secret", "required"},
		{"no events", func(h *raci.Webhook) { h.Events = nil }, "events", "at least one"},
		{"unknown event", func(h *raci.Webhook) { h.Events = []string{"tenant"} }, "events[0]", `"tenant" is not supported`},
		{"bad name", func(h *raci.Webhook) { h.Name = "Ops Hook" }, "name", ""},
	} {
		h := newWebhook("acme", "ops", "responsibility")
		c.change(h)
		_, _, err := s.PutWebhook(ctx(t), h, raci.Precondition{})
		wantProblem(t, err, c.field, c.detail)
		if strings.Contains(raci.ErrorMessage(err), "short") && c.name == "short secret" {
			t.Errorf("%s: the error quotes the secret: %v", c.name, err)
		}
	}
	list, err := s.ListWebhooks(ctx(t), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("refused webhooks were stored: %+v", list)
	}
}

func testWebhookMissing(t *testing.T, s WebhookStore) {
	_, _, err := s.PutWebhook(ctx(t), newWebhook("nope", "ops", "party"), raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ListWebhooks(ctx(t), "nope")
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ListDeliveries(ctx(t), "nope", "ops", 10)
	wantCode(t, err, raci.ENOTFOUND)
	setupTenant(t, s, "acme", raci.RACI)
	_, err = s.ListDeliveries(ctx(t), "acme", "ops", 10)
	wantCode(t, err, raci.ENOTFOUND)
}

func testWebhookDeliveries(t *testing.T, s WebhookStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutWebhook(t, s, newWebhook("acme", "rows", "responsibility"))
	mustPutWebhook(t, s, newWebhook("acme", "all", raci.WebhookEvents...))
	mustPutParty(t, s, newParty("acme", "auditor", raci.ThirdParty))
	row := standardRow("acme", "backing-up")
	row.Assignments = append(row.Assignments, assign("auditor", raci.Informed))
	stored := mustPutRow(t, s, row)
	// A refused write adds no delivery.
	bad := standardRow("acme", "restoring")
	bad.Assignments = append(bad.Assignments, assign("ghost", raci.Informed))
	if _, _, err := s.PutResponsibility(ctx(t), bad, raci.Precondition{}); err == nil {
		t.Fatal("a row assigning an unknown party was stored")
	}
	if err := s.DeleteResponsibility(ctx(t), "acme", "backing-up", raci.Precondition{IfMatch: stored.Version}); err != nil {
		t.Fatal(err)
	}

	want := []string{"responsibility responsibility/backing-up create", "responsibility responsibility/backing-up delete"}
	if got := kinds(deliveries(t, s, "acme", "rows")); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("deliveries of rows = %q, want %q", got, want)
	}
	want = append([]string{"party party/auditor create"}, want...)
	all := deliveries(t, s, "acme", "all")
	if got := kinds(all); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("deliveries of all = %q, want %q", got, want)
	}
	ids := map[string]bool{}
	for _, d := range all {
		if d.Status != raci.DeliveryPending || d.ID == "" || ids[d.ID] || d.Tenant != "acme" || d.Webhook != "all" {
			t.Errorf("delivery %+v: want a pending delivery of acme/all with an ID of its own", d)
		}
		ids[d.ID] = true
	}
	// Deleting the webhook deletes its deliveries; another webhook keeps its own.
	if err := s.DeleteWebhook(ctx(t), "acme", "all", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if got := deliveries(t, s, "acme", "rows"); len(got) != 2 {
		t.Errorf("rows has %d deliveries after deleting another webhook, want 2", len(got))
	}
}

func testWebhookReadinessFlips(t *testing.T, s WebhookStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutWebhook(t, s, newWebhook("acme", "gate", "readiness"))
	c := newChecklist("acme", "infra", newItem("dns", "customer"), newItem("tls", "vendor"))
	if _, _, err := s.PutChecklist(ctx(t), c, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	tick := func(item string, st raci.ItemStatus) {
		t.Helper()
		if _, err := s.UpdateChecklistItem(ctx(t), "acme", "infra", item, raci.ItemPatch{Status: &st}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	tick("dns", raci.Done) // still not ready: no delivery
	if got := deliveries(t, s, "acme", "gate"); len(got) != 0 {
		t.Fatalf("readiness deliveries before the gate flipped: %q", kinds(got))
	}
	tick("tls", raci.Done)   // ready
	tick("tls", raci.Failed) // not ready again
	want := "readiness checklist/infra update|readiness checklist/infra update"
	if got := strings.Join(kinds(deliveries(t, s, "acme", "gate")), "|"); got != want {
		t.Errorf("readiness deliveries = %q, want two: ready, then not", got)
	}
}
