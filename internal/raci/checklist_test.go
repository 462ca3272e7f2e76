package raci_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	judgedAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	later    = judgedAt.AddDate(0, 1, 0)
	earlier  = judgedAt.AddDate(0, -1, 0)
)

func ptr[T any](v T) *T { return &v }

func item(key, owner string, status raci.ItemStatus) raci.ChecklistItem {
	return raci.ChecklistItem{Key: key, Title: "Item " + key, Owner: owner, Required: true, Status: status}
}

func waiverUntil(approver string, expires time.Time) *raci.Waiver {
	return &raci.Waiver{Reason: "The customer runs its own DNS.", ApprovedBy: approver, Expires: expires}
}

func infrastructure(items ...raci.ChecklistItem) *raci.Checklist {
	return &raci.Checklist{Tenant: "acme", Key: "infrastructure", Title: "Infrastructure Checklist", Gate: "deploy:production", Items: items}
}

func TestReadinessByStatus(t *testing.T) {
	doneWithEvidence := func(expires *time.Time) raci.ChecklistItem {
		it := item("dns", "initech", raci.Done)
		it.Evidence, it.EvidenceExpires = "ticket 42", expires
		return it
	}
	waivedUntil := func(w *raci.Waiver) raci.ChecklistItem {
		it := item("dns", "initech", raci.Waived)
		it.Waiver = w
		return it
	}
	cases := []struct {
		name   string
		item   raci.ChecklistItem
		reason string // "" when the item does not block
	}{
		{"pending", item("dns", "initech", raci.Pending), raci.BlockPending},
		{"no status yet", item("dns", "initech", ""), raci.BlockPending},
		{"failed", item("dns", "initech", raci.Failed), raci.BlockFailed},
		{"done", item("dns", "initech", raci.Done), ""},
		{"done, evidence without expiry", doneWithEvidence(nil), ""},
		{"done, evidence unexpired", doneWithEvidence(&later), ""},
		{"done, evidence expired", doneWithEvidence(&earlier), raci.BlockEvidenceExpired},
		{"waived, unexpired", waivedUntil(waiverUntil("vendor", later)), ""},
		{"waived, expired", waivedUntil(waiverUntil("vendor", earlier)), raci.BlockWaiverExpired},
		{"not applicable", item("dns", "initech", raci.NotApplicable), ""},
		// An expired waiver left on an item that is done again does not matter.
		{"done with an old waiver", func() raci.ChecklistItem {
			it := item("dns", "initech", raci.Done)
			it.Waiver = waiverUntil("vendor", earlier)
			return it
		}(), ""},
		// Evidence expiry counts only while the item stands on its evidence.
		{"waived with expired evidence", func() raci.ChecklistItem {
			it := waivedUntil(waiverUntil("vendor", later))
			it.EvidenceExpires = &earlier
			return it
		}(), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := infrastructure(c.item).Readiness(judgedAt)
			if r.Total != 1 {
				t.Errorf("total = %d, want 1 required item", r.Total)
			}
			if c.reason == "" {
				if !r.Ready || r.Done != 1 || len(r.Blocking) != 0 {
					t.Errorf("readiness = %+v, want ready with the item done", r)
				}
				return
			}
			want := []raci.Blocker{{Item: "dns", Title: "Item dns", Owner: "initech", Reason: c.reason}}
			if r.Ready || r.Done != 0 || !reflect.DeepEqual(r.Blocking, want) {
				t.Errorf("readiness = %+v, want blocked by %+v", r, want)
			}
		})
	}
}

func TestReadinessIgnoresOptionalItems(t *testing.T) {
	optional := func(key string, s raci.ItemStatus) raci.ChecklistItem {
		it := item(key, "initech", s)
		it.Required = false
		return it
	}
	c := infrastructure(
		optional("status-page", raci.Pending),
		item("dns", "initech", raci.Done),
		optional("runbook", raci.Failed),
	)
	r := c.Readiness(judgedAt)
	if !r.Ready || r.Total != 1 || r.Done != 1 || len(r.Blocking) != 0 {
		t.Errorf("readiness = %+v, want ready, 1 of 1: optional items neither block nor count", r)
	}

	// Only optional items: nothing required, so nothing blocks.
	r = infrastructure(optional("status-page", raci.Failed)).Readiness(judgedAt)
	if !r.Ready || r.Total != 0 || r.Blocking == nil {
		t.Errorf("readiness of optional items only = %+v, want ready with 0 required and an empty, non-nil blocking list", r)
	}
}

// TestReadinessExpiresAtTheInstant: something expires at its expiry time exactly and
// counts one nanosecond before.
func TestReadinessExpiresAtTheInstant(t *testing.T) {
	expiry := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	evidence := item("dns", "initech", raci.Done)
	evidence.Evidence, evidence.EvidenceExpires = "ticket 42", &expiry
	waived := item("tls", "initech", raci.Waived)
	waived.Waiver = waiverUntil("vendor", expiry)

	for _, c := range []struct {
		name   string
		item   raci.ChecklistItem
		reason string
	}{
		{"evidence", evidence, raci.BlockEvidenceExpired},
		{"waiver", waived, raci.BlockWaiverExpired},
	} {
		cl := infrastructure(c.item)
		if r := cl.Readiness(expiry.Add(-time.Nanosecond)); !r.Ready {
			t.Errorf("%s: one nanosecond before expiry: %+v, want ready", c.name, r)
		}
		r := cl.Readiness(expiry)
		if r.Ready || len(r.Blocking) != 1 || r.Blocking[0].Reason != c.reason {
			t.Errorf("%s: at the expiry instant: %+v, want blocked with %q", c.name, r, c.reason)
		}
		// In another zone the same instant is the same expiry.
		if r := cl.Readiness(expiry.In(time.FixedZone("PST", -8*60*60))); r.Ready {
			t.Errorf("%s: at the expiry instant in another zone: ready, want blocked", c.name)
		}
		if !r.At.Equal(expiry) || r.At.Location() != time.UTC {
			t.Errorf("%s: judged at %v, want %v in UTC", c.name, r.At, expiry)
		}
	}
}

func TestReadinessSummary(t *testing.T) {
	expiredEvidence := item("firewall", "globex", raci.Done)
	expiredEvidence.EvidenceExpires = &earlier
	c := infrastructure(
		item("dns", "initech", raci.Pending),
		item("vpn", "initech", raci.Done),
		item("tls", "initech", raci.Failed),
		item("sso", "vendor", raci.NotApplicable),
		expiredEvidence,
		item("backups", "initech", raci.Done),
		item("logging", "initech", raci.Done),
	)
	r := c.Readiness(judgedAt)
	want := "3 of 7 required items block deploy:production: dns (owner initech, pending), tls (owner initech, failed), firewall (owner globex, evidence expired)"
	if r.Summary != want {
		t.Errorf("summary =\n %q\nwant\n %q", r.Summary, want)
	}
	if r.Tenant != "acme" || r.Checklist != "infrastructure" || r.Gate != "deploy:production" || r.Total != 7 || r.Done != 4 {
		t.Errorf("readiness = %+v", r)
	}

	// Without a gate the summary names the checklist instead.
	c.Gate = ""
	want = "3 of 7 required items block checklist infrastructure: dns (owner initech, pending), tls (owner initech, failed), firewall (owner globex, evidence expired)"
	if got := c.Readiness(judgedAt).Summary; got != want {
		t.Errorf("summary without a gate =\n %q\nwant\n %q", got, want)
	}

	ready := infrastructure(item("dns", "initech", raci.Done), item("sso", "vendor", raci.NotApplicable))
	if got, want := ready.Readiness(judgedAt).Summary, "All 2 required items of checklist infrastructure are ready: deploy:production may proceed."; got != want {
		t.Errorf("ready summary = %q, want %q", got, want)
	}
}

func TestMergeStatus(t *testing.T) {
	w := waiverUntil("vendor", later)
	storedDNS := item("dns", "initech", raci.Waived)
	storedDNS.Waiver = w
	storedTLS := item("tls", "initech", raci.Done)
	storedTLS.Evidence, storedTLS.EvidenceExpires = "certificate issued", &later
	stored := infrastructure(storedDNS, storedTLS, item("vpn", "initech", raci.Failed))

	// Reordered, vpn removed, a new item where dns was; nothing sets status.
	c := infrastructure(item("tls", "initech", ""), item("backups", "initech", ""), item("dns", "globex", ""))
	c.MergeStatus(stored)

	if got := c.Items[0]; got.Status != raci.Done || got.Evidence != "certificate issued" || got.EvidenceExpires == nil || !got.EvidenceExpires.Equal(later) {
		t.Errorf("tls = %+v, want its stored status, evidence and expiry", got)
	}
	if got := c.Items[1]; got.Status != raci.Pending || got.Evidence != "" || got.Waiver != nil {
		t.Errorf("new item backups = %+v, want pending with nothing carried over", got)
	}
	if got := c.Items[2]; got.Status != raci.Waived || !reflect.DeepEqual(got.Waiver, w) || got.Owner != "globex" {
		t.Errorf("dns = %+v, want waived with its waiver and the new owner", got)
	}
	if keys := []string{c.Items[0].Key, c.Items[1].Key, c.Items[2].Key}; !reflect.DeepEqual(keys, []string{"tls", "backups", "dns"}) {
		t.Errorf("items reordered by the merge: %q", keys)
	}

	// What the definition sets wins; evidence and its expiry travel together.
	c = infrastructure(item("tls", "initech", raci.Failed), item("dns", "initech", raci.NotApplicable))
	c.Items[0].EvidenceExpires = &earlier
	c.MergeStatus(stored)
	if got := c.Items[0]; got.Status != raci.Failed || got.Evidence != "" || !got.EvidenceExpires.Equal(earlier) {
		t.Errorf("tls = %+v, want the definition's status and expiry, not the stored evidence", got)
	}
	if got := c.Items[1]; got.Status != raci.NotApplicable {
		t.Errorf("dns = %q, want the definition's status", got.Status)
	}

	// Nothing stored: every item without status starts pending.
	c = infrastructure(item("dns", "initech", ""), item("tls", "initech", raci.Done))
	c.MergeStatus(nil)
	if c.Items[0].Status != raci.Pending || c.Items[1].Status != raci.Done {
		t.Errorf("statuses with nothing stored = %q, %q; want pending, done", c.Items[0].Status, c.Items[1].Status)
	}
}

func TestApply(t *testing.T) {
	it := item("dns", "initech", raci.Pending)
	it.Evidence, it.EvidenceExpires = "old ticket", &later

	it.Apply(raci.ItemPatch{Status: ptr(raci.Done)})
	if it.Status != raci.Done || it.Evidence != "old ticket" || !it.EvidenceExpires.Equal(later) {
		t.Errorf("after a status patch: %+v, want only the status changed", it)
	}

	// New evidence replaces the old one's expiry; without one it never expires.
	it.Apply(raci.ItemPatch{Evidence: ptr("new ticket")})
	if it.Evidence != "new ticket" || it.EvidenceExpires != nil || it.Status != raci.Done {
		t.Errorf("after new evidence: %+v, want the new evidence without expiry", it)
	}
	it.Apply(raci.ItemPatch{Evidence: ptr("renewed"), EvidenceExpires: &earlier})
	if it.Evidence != "renewed" || !it.EvidenceExpires.Equal(earlier) {
		t.Errorf("after evidence with expiry: %+v", it)
	}
	// An expiry alone changes only the expiry.
	it.Apply(raci.ItemPatch{EvidenceExpires: &later})
	if it.Evidence != "renewed" || !it.EvidenceExpires.Equal(later) {
		t.Errorf("after an expiry alone: %+v, want the evidence kept", it)
	}

	// The waiver is copied: changing the patch's afterwards changes nothing stored.
	w := waiverUntil("vendor", later)
	it.Apply(raci.ItemPatch{Status: ptr(raci.Waived), Waiver: w})
	w.ApprovedBy = "initech"
	if it.Status != raci.Waived || it.Waiver == nil || it.Waiver.ApprovedBy != "vendor" {
		t.Errorf("after a waiver: %+v, want waived by vendor", it)
	}

	// Evidence, or the same status, keeps the waiver; leaving waived ends it, unless
	// the patch gives a new one.
	it.Apply(raci.ItemPatch{Status: ptr(raci.Waived), Evidence: ptr("ticket")})
	if it.Status != raci.Waived || it.Waiver == nil {
		t.Errorf("after evidence on a waived item: %+v, want the waiver kept", it)
	}
	it.Apply(raci.ItemPatch{Status: ptr(raci.Done)})
	if it.Status != raci.Done || it.Waiver != nil {
		t.Errorf("after done on a waived item: %+v, want the waiver ended", it)
	}
	it.Apply(raci.ItemPatch{Status: ptr(raci.Waived), Waiver: waiverUntil("vendor", later)})
	it.Apply(raci.ItemPatch{Status: ptr(raci.Pending), Waiver: waiverUntil("msp", later)})
	if it.Status != raci.Pending || it.Waiver == nil || it.Waiver.ApprovedBy != "msp" {
		t.Errorf("after pending with a new waiver: %+v, want the new waiver", it)
	}

	// An empty patch changes nothing.
	before := it
	it.Apply(raci.ItemPatch{})
	if !reflect.DeepEqual(it, before) {
		t.Errorf("an empty patch changed the item: %+v, was %+v", it, before)
	}
}

func TestChecklistNormalize(t *testing.T) {
	c := &raci.Checklist{Tenant: "acme", Key: "infrastructure", Title: "Infra"}
	c.Normalize()
	if c.Items == nil {
		t.Error("items nil after Normalize, want empty: it serializes as []")
	}
	zone := time.FixedZone("CEST", 2*60*60)
	at := time.Date(2026, 6, 1, 14, 0, 0, 0, zone)
	it := item("dns", "initech", raci.Waived)
	it.Due, it.EvidenceExpires, it.Waiver = &at, &at, waiverUntil("vendor", at)
	c = infrastructure(it)
	c.Normalize()
	got := c.Items[0]
	for name, tm := range map[string]time.Time{"due": *got.Due, "evidence_expires": *got.EvidenceExpires, "waiver.expires": got.Waiver.Expires} {
		if tm.Location() != time.UTC || !tm.Equal(at) {
			t.Errorf("%s = %v, want %v in UTC", name, tm, at)
		}
	}
}

// TestChecklistRules checks that each broken rule is reported on its field, naming
// the checklist, the item and the fix.
func TestChecklistRules(t *testing.T) {
	waived := func(w *raci.Waiver) raci.ChecklistItem {
		it := item("dns", "initech", raci.Waived)
		it.Waiver = w
		return it
	}
	cases := []struct {
		name    string
		c       *raci.Checklist
		field   string
		details []string
	}{
		{"no title", &raci.Checklist{Tenant: "acme", Key: "infrastructure"},
			"title", []string{`Checklist "infrastructure" has no title`, `e.g. "Infrastructure Checklist"`}},
		{"key not a slug", &raci.Checklist{Tenant: "acme", Key: "Infra List", Title: "Infra"},
			"key", []string{`"Infra List"`, `"infra-list"`}},
		{"item without title", infrastructure(raci.ChecklistItem{Key: "dns", Owner: "initech", Required: true}),
			"items[0].title", []string{`Item "dns" of checklist "infrastructure" has no title`, `e.g. "DNS records created"`}},
		{"duplicate item key", infrastructure(item("dns", "initech", ""), item("tls", "initech", ""), item("dns", "vendor", "")),
			"items[2].key", []string{`Checklist "infrastructure" has two items with the key "dns"`, "rename one of them"}},
		{"unknown status", infrastructure(item("dns", "initech", "ready")),
			"items[0].status", []string{`Item "dns" of checklist "infrastructure" has the status "ready"`,
				`use one of "pending", "done", "failed", "waived", "not_applicable"`}},
		{"waived without waiver", infrastructure(waived(nil)),
			"items[0].waiver", []string{`Item "dns" of checklist "infrastructure" is waived without a waiver`, "a reason, the approving party and an expiry"}},
		{"waiver without expiry", infrastructure(waived(waiverUntil("vendor", time.Time{}))),
			"items[0].waiver.expires", []string{`The waiver of item "dns" of checklist "infrastructure" has no expiry`, "RFC 3339"}},
		{"waiver without reason", infrastructure(waived(&raci.Waiver{ApprovedBy: "vendor", Expires: later})),
			"items[0].waiver.reason", []string{`The waiver of item "dns" of checklist "infrastructure" has no reason`, "say why"}},
		{"waiver approved by the owner", infrastructure(waived(waiverUntil("initech", later))),
			"items[0].waiver.approved_by", []string{`Item "dns" of checklist "infrastructure" is waived by its own owner "initech"`, "another party"}},
		{"evidence too long", infrastructure(func() raci.ChecklistItem {
			it := item("dns", "initech", raci.Done)
			it.Evidence = strings.Repeat("x", raci.MaxEvidenceLength+1)
			return it
		}()), "items[0].evidence", []string{"Evidence", "at most 2000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantChecklistProblem(t, c.c.Validate(), c.field, c.details...)
		})
	}

	// A status left empty is for MergeStatus to fill, not a problem.
	if err := infrastructure(item("dns", "initech", "")).Validate(); err != nil {
		t.Errorf("Validate of an item without status: %v, want nil", err)
	}
	// Past expiries are allowed: the checklist then reports the item expired.
	if err := infrastructure(waived(waiverUntil("vendor", earlier))).Validate(); err != nil {
		t.Errorf("Validate of an expired waiver: %v, want nil", err)
	}
	// Every problem at once, so one plan shows them all.
	many := infrastructure(item("tls", "initech", "ready"), waived(nil))
	if ps := raci.ErrorProblems(many.Validate()); len(ps) != 2 {
		t.Errorf("problems = %+v, want 2", ps)
	}
}

func TestChecklistCheckParties(t *testing.T) {
	parties := map[string]bool{"initech": true, "vendor": true}
	exists := func(p string) bool { return parties[p] }

	ok := infrastructure(item("dns", "initech", ""))
	ok.Items = append(ok.Items, item("tls", "initech", raci.Waived))
	ok.Items[1].Waiver = waiverUntil("vendor", later)
	if err := ok.CheckParties(exists); err != nil {
		t.Errorf("CheckParties with known parties: %v", err)
	}

	c := infrastructure(item("dns", "initech", ""), item("network", "zeta-networks", raci.Waived))
	c.Items[1].Waiver = waiverUntil("globex", later)
	err := c.CheckParties(exists)
	wantChecklistProblem(t, err, "items[1].owner",
		`Item "network" of checklist "infrastructure" is owned by "zeta-networks"`, `not a party of tenant "acme"`, "create the party first")
	wantChecklistProblem(t, err, "items[1].waiver.approved_by",
		`The waiver of item "network" of checklist "infrastructure" is approved by "globex"`, `not a party of tenant "acme"`)
	if ps := raci.ErrorProblems(err); len(ps) != 2 {
		t.Errorf("problems = %+v, want exactly the owner and the approver", ps)
	}
}

func wantChecklistProblem(t *testing.T, err error, field string, details ...string) {
	t.Helper()
	if raci.ErrorCode(err) != raci.EINVALID {
		t.Fatalf("error = %v, want %s", err, raci.EINVALID)
	}
	for _, p := range raci.ErrorProblems(err) {
		if p.Field != field {
			continue
		}
		for _, d := range details {
			if !strings.Contains(p.Detail, d) {
				t.Errorf("problem on %s = %q, does not say %q", field, p.Detail, d)
			}
		}
		return
	}
	t.Errorf("no problem on %q; problems: %+v", field, raci.ErrorProblems(err))
}

func TestItemStatusValid(t *testing.T) {
	for _, s := range []raci.ItemStatus{raci.Pending, raci.Done, raci.Failed, raci.Waived, raci.NotApplicable} {
		if !s.Valid() {
			t.Errorf("%q not valid", s)
		}
	}
	for _, s := range []raci.ItemStatus{"", "Done", "ready", "n/a"} {
		if s.Valid() {
			t.Errorf("%q valid, want not", s)
		}
	}
}

// checklistService serves a tenant whose checklists come two to a page through the
// plain service interfaces, without a Snapshot method.
type checklistService struct {
	pagedService
	checklists []string
}

func (s *checklistService) ListChecklists(_ context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Checklist], error) {
	keys, next := page(s.checklists, opts, nil)
	p := &raci.Page[*raci.Checklist]{Next: next}
	for _, k := range keys {
		p.Items = append(p.Items, &raci.Checklist{Tenant: tenant, Key: k})
	}
	return p, nil
}

func TestReadSnapshotPagesThroughChecklists(t *testing.T) {
	svc := &checklistService{checklists: []string{"access", "infrastructure", "network", "security", "updates"}}
	snap, err := raci.ReadSnapshot(t.Context(), svc, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range snap.Checklists {
		got = append(got, c.Key)
	}
	if !reflect.DeepEqual(got, svc.checklists) {
		t.Errorf("snapshot checklists = %q, want %q", got, svc.checklists)
	}
}

func TestItemNeedsWrite(t *testing.T) {
	status := func(s raci.ItemStatus) *raci.ItemStatus { return &s }
	evidence := "INF-1"
	waiver := &raci.Waiver{Reason: "vendor DNS", ApprovedBy: "auth0", Expires: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}
	pending := raci.ChecklistItem{Key: "dns", Owner: "subscriber", Status: raci.Pending}
	waived := raci.ChecklistItem{Key: "dns", Owner: "subscriber", Status: raci.Waived, Waiver: waiver}
	// Once a write token waived it, a checklist token set it back to pending: the
	// waiver stays on the item.
	keptWaiver := raci.ChecklistItem{Key: "dns", Owner: "subscriber", Status: raci.Pending, Waiver: waiver}
	notApplicable := raci.ChecklistItem{Key: "dns", Owner: "subscriber", Status: raci.NotApplicable}
	for _, tt := range []struct {
		name  string
		item  raci.ChecklistItem
		patch raci.ItemPatch
		want  string // a word of the reason, "" for checklist access
	}{
		{"tick done", pending, raci.ItemPatch{Status: status(raci.Done), Evidence: &evidence}, ""},
		{"fail", pending, raci.ItemPatch{Status: status(raci.Failed)}, ""},
		{"evidence only", waived, raci.ItemPatch{Evidence: &evidence}, ""},
		{"same status as stored", waived, raci.ItemPatch{Status: status(raci.Waived), Evidence: &evidence}, ""},
		{"same not applicable", notApplicable, raci.ItemPatch{Status: status(raci.NotApplicable)}, ""},
		{"waiver", pending, raci.ItemPatch{Waiver: waiver}, "waiver"},
		{"waived with a waiver", pending, raci.ItemPatch{Status: status(raci.Waived), Waiver: waiver}, "waiver"},
		{"waived on the waiver kept", keptWaiver, raci.ItemPatch{Status: status(raci.Waived)}, "waived"},
		{"not applicable", pending, raci.ItemPatch{Status: status(raci.NotApplicable)}, "not applicable"},
		{"waived back to pending, which ends the waiver", waived, raci.ItemPatch{Status: status(raci.Pending)}, ""},
		{"kept waiver, done", keptWaiver, raci.ItemPatch{Status: status(raci.Done)}, ""},
		{"not applicable back to pending", notApplicable, raci.ItemPatch{Status: status(raci.Pending)}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.item.NeedsWrite(tt.patch)
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("NeedsWrite = %q, want %q", got, tt.want)
			}
		})
	}
}

// What people report is not the definition: the "Changed Outside Terraform"
// warning looks for the newest event whose definition differs.
func TestChecklistSameDefinition(t *testing.T) {
	base := func() *raci.Checklist {
		due := judgedAt
		c := infrastructure(item("dns", "customer", raci.Pending), item("tls", "customer", raci.Pending))
		c.Items[0].Due, c.Items[0].Position = &due, 1
		return c
	}
	reports := map[string]func(c *raci.Checklist){
		"status":   func(c *raci.Checklist) { c.Items[0].Status = raci.Done },
		"evidence": func(c *raci.Checklist) { c.Items[0].Evidence, c.Items[0].EvidenceExpires = "INFRA-7", &later },
		"waiver": func(c *raci.Checklist) {
			c.Items[1].Status, c.Items[1].Waiver = raci.Waived, waiverUntil("vendor", later)
		},
		"stamp":    func(c *raci.Checklist) { c.Items[0].UpdatedBy, c.Items[0].UpdatedAt = "alice", &later },
		"version":  func(c *raci.Checklist) { c.Version, c.UpdatedAt = 7, later },
		"due zone": func(c *raci.Checklist) { d := judgedAt.In(time.FixedZone("CEST", 7200)); c.Items[0].Due = &d },
	}
	for name, change := range reports {
		c := base()
		change(c)
		if !base().SameDefinition(c) {
			t.Errorf("a change of %s is taken for a change of the definition", name)
		}
	}
	definitions := map[string]func(c *raci.Checklist){
		"title":      func(c *raci.Checklist) { c.Title = "Infra" },
		"gate":       func(c *raci.Checklist) { c.Gate = "deploy:staging" },
		"item title": func(c *raci.Checklist) { c.Items[1].Title = "TLS" },
		"owner":      func(c *raci.Checklist) { c.Items[1].Owner = "vendor" },
		"required":   func(c *raci.Checklist) { c.Items[1].Required = false },
		"due":        func(c *raci.Checklist) { c.Items[0].Due = &later },
		"position":   func(c *raci.Checklist) { c.Items[1].Position = 5 },
		"new item":   func(c *raci.Checklist) { c.Items = append(c.Items, item("vpn", "customer", raci.Pending)) },
	}
	for name, change := range definitions {
		c := base()
		change(c)
		if base().SameDefinition(c) {
			t.Errorf("a change of %s is not taken for a change of the definition", name)
		}
	}
}

func TestChecklistSortItems(t *testing.T) {
	c := infrastructure(item("vpn", "customer", ""), item("dns", "customer", ""), item("tls", "customer", ""), item("sso", "customer", ""))
	c.Items[0].Position, c.Items[1].Position, c.Items[2].Position, c.Items[3].Position = 20, 10, 20, 0
	c.SortItems()
	var got []string
	for _, it := range c.Items {
		got = append(got, it.Key)
	}
	// By position; vpn and tls share 20 and keep the order they were written in.
	if want := []string{"sso", "dns", "vpn", "tls"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sorted = %q, want %q", got, want)
	}
}
