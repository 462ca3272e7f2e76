package racitest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// ChecklistStore is a store with checklists: what RunChecklists tests.
type ChecklistStore interface {
	raci.Service
	raci.ChecklistService
}

// RunChecklists runs the suite of raci.ChecklistService. open returns a store with no
// data; it is called once per subtest, and may register cleanups on the t it is
// given.
func RunChecklists(t *testing.T, open func(t *testing.T) ChecklistStore) {
	run := func(name string, fn func(t *testing.T, s ChecklistStore)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}

	run("Checklist/CreateFindReplace", testChecklistCreateFindReplace)
	run("Checklist/ItemOrder", testChecklistItemOrder)
	run("Checklist/ItemPosition", testChecklistItemPosition)
	run("Checklist/Normalized", testChecklistNormalized)
	run("Checklist/Preconditions", testChecklistPreconditions)
	run("Checklist/Missing", testChecklistMissing)
	run("Checklist/Invalid", testChecklistInvalid)
	run("Checklist/UnknownParty", testChecklistUnknownParty)
	run("Checklist/Delete", testChecklistDelete)
	run("Checklist/List", testChecklistList)

	run("Checklist/Status/KeptWhenOmitted", testChecklistStatusKeptWhenOmitted)
	run("Checklist/Status/OverwrittenWhenSet", testChecklistStatusOverwrittenWhenSet)
	run("Checklist/Status/MatchedByKey", testChecklistStatusMatchedByKey)
	run("Checklist/Status/WaiverKept", testChecklistStatusWaiverKept)

	run("ChecklistItem/Status", testItemStatus)
	run("ChecklistItem/Evidence", testItemEvidence)
	run("ChecklistItem/Waiver", testItemWaiver)
	run("ChecklistItem/Invalid", testItemInvalid)
	run("ChecklistItem/Preconditions", testItemPreconditions)
	run("ChecklistItem/Missing", testItemMissing)
	run("ChecklistItem/ProgressStamp", testItemProgressStamp)

	run("Readiness", testReadiness)

	run("Checklist/PartyInUse", testChecklistPartyInUse)
	run("Checklist/TenantInUse", testChecklistTenantInUse)
	run("Checklist/Snapshot", testChecklistSnapshot)
	run("Checklist/Concurrency/ItemUpdates", testConcurrentItemUpdates)
	run("Checklist/Concurrency/DefinitionAndTicks", testConcurrentDefinitionAndTicks)
}

// Fixtures.

func newChecklist(tenant, key string, items ...raci.ChecklistItem) *raci.Checklist {
	return &raci.Checklist{
		Tenant:      tenant,
		Key:         key,
		Title:       "Checklist " + key,
		Description: "What " + key + " needs before deploying.",
		Gate:        "deploy:production",
		Items:       items,
	}
}

// newItem is a required item owned by owner.
func newItem(key, owner string) raci.ChecklistItem {
	return raci.ChecklistItem{Key: key, Title: "Item " + key, Owner: owner, Required: true}
}

func withStatus(it raci.ChecklistItem, s raci.ItemStatus) raci.ChecklistItem {
	it.Status = s
	return it
}

func waiver(approver string, expires time.Time) *raci.Waiver {
	return &raci.Waiver{Reason: "The customer runs its own DNS this quarter.", ApprovedBy: approver, Expires: expires}
}

func ptr[T any](v T) *T { return &v }

// Far from any clock a test runs on, and within what every store keeps.
var (
	longAgo   = time.Date(2020, 1, 31, 0, 0, 0, 0, time.UTC)
	farFuture = time.Date(2200, 1, 31, 0, 0, 0, 0, time.UTC)
)

func mustPutChecklist(t *testing.T, s ChecklistStore, c *raci.Checklist) *raci.Checklist {
	t.Helper()
	stored, _, err := s.PutChecklist(ctx(t), c, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutChecklist(%q, %q): %v", c.Tenant, c.Key, err)
	}
	return stored
}

func mustFindChecklist(t *testing.T, s ChecklistStore, tenant, key string) *raci.Checklist {
	t.Helper()
	c, err := s.FindChecklist(ctx(t), tenant, key)
	if err != nil {
		t.Fatalf("FindChecklist(%q, %q): %v", tenant, key, err)
	}
	return c
}

func mustUpdateItem(t *testing.T, s ChecklistStore, tenant, checklist, item string, p raci.ItemPatch) *raci.Checklist {
	t.Helper()
	c, err := s.UpdateChecklistItem(ctx(t), tenant, checklist, item, p, raci.Precondition{})
	if err != nil {
		t.Fatalf("UpdateChecklistItem(%q, %q, %q): %v", tenant, checklist, item, err)
	}
	return c
}

// canonChecklist copies c with every time in UTC and without a monotonic reading,
// so that checklists holding the same instants compare equal.
func canonChecklist(c *raci.Checklist) raci.Checklist {
	out := *c
	out.CreatedAt, out.UpdatedAt = out.CreatedAt.UTC(), out.UpdatedAt.UTC()
	out.Items = make([]raci.ChecklistItem, len(c.Items))
	for i, it := range c.Items {
		if it.Due != nil {
			it.Due = ptr(it.Due.UTC())
		}
		if it.EvidenceExpires != nil {
			it.EvidenceExpires = ptr(it.EvidenceExpires.UTC())
		}
		if it.Waiver != nil {
			w := *it.Waiver
			w.Expires = w.Expires.UTC()
			it.Waiver = &w
		}
		out.Items[i] = it
	}
	return out
}

// sameChecklist fails unless got and want hold the same values, times compared as
// instants.
func sameChecklist(t *testing.T, got, want *raci.Checklist) {
	t.Helper()
	if g, w := canonChecklist(got), canonChecklist(want); !reflect.DeepEqual(g, w) {
		t.Errorf("checklist %q:\n got %+v\nwant %+v", want.Key, g, w)
	}
}

func itemKeys(c *raci.Checklist) []string {
	keys := make([]string, len(c.Items))
	for i, it := range c.Items {
		keys[i] = it.Key
	}
	return keys
}

// statuses returns each item's status by key.
func statuses(c *raci.Checklist) map[string]raci.ItemStatus {
	out := map[string]raci.ItemStatus{}
	for _, it := range c.Items {
		out[it.Key] = it.Status
	}
	return out
}

func wantStatuses(t *testing.T, what string, c *raci.Checklist, want map[string]raci.ItemStatus) {
	t.Helper()
	if got := statuses(c); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: statuses = %v, want %v", what, got, want)
	}
}

// Checklists.

func testChecklistCreateFindReplace(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	due := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	dns := newItem("dns", "customer")
	dns.Due = &due
	optional := newItem("status-page", "vendor")
	optional.Required = false
	in := newChecklist("acme", "infrastructure", dns, newItem("tls", "customer"), optional)

	stored, created, err := s.PutChecklist(ctx(t), in, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutChecklist: %v", err)
	}
	if !created {
		t.Error("PutChecklist of a new checklist: created = false, want true")
	}
	wantStamps(t, "created checklist", stored.Version, 1, stored.CreatedAt, stored.UpdatedAt)
	if stored.Tenant != "acme" || stored.Key != "infrastructure" || stored.Title != in.Title ||
		stored.Description != in.Description || stored.Gate != "deploy:production" {
		t.Errorf("stored checklist %+v does not hold what was put %+v", stored, in)
	}
	want := []raci.ChecklistItem{
		{Key: "dns", Title: "Item dns", Owner: "customer", Required: true, Due: &due, Status: raci.Pending},
		{Key: "tls", Title: "Item tls", Owner: "customer", Required: true, Status: raci.Pending},
		{Key: "status-page", Title: "Item status-page", Owner: "vendor", Required: false, Status: raci.Pending},
	}
	wantList := *stored
	wantList.Items = want
	sameChecklist(t, stored, &wantList)
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), stored)

	// Replacing keeps the creation time and counts the write.
	time.Sleep(2 * time.Millisecond)
	change := newChecklist("acme", "infrastructure", newItem("tls", "vendor"))
	change.Title, change.Gate, change.Description = "Infrastructure Checklist", "deploy:staging", ""
	replaced, created, err := s.PutChecklist(ctx(t), change, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutChecklist (replace): %v", err)
	}
	if created {
		t.Error("PutChecklist of an existing checklist: created = true, want false")
	}
	wantStamps(t, "replaced checklist", replaced.Version, 2, replaced.CreatedAt, replaced.UpdatedAt)
	if !replaced.CreatedAt.Equal(stored.CreatedAt) {
		t.Errorf("created_at changed on replace: %v, was %v", replaced.CreatedAt, stored.CreatedAt)
	}
	if !replaced.UpdatedAt.After(stored.UpdatedAt) {
		t.Errorf("updated_at %v did not move past %v on replace", replaced.UpdatedAt, stored.UpdatedAt)
	}
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	sameChecklist(t, found, replaced)
	if found.Title != "Infrastructure Checklist" || found.Gate != "deploy:staging" || found.Description != "" {
		t.Errorf("replace not visible: %+v", found)
	}
	// Replace, not merge: items left out are gone; the item kept has its new owner.
	if want := []raci.ChecklistItem{{Key: "tls", Title: "Item tls", Owner: "vendor", Required: true, Status: raci.Pending}}; !reflect.DeepEqual(found.Items, want) {
		t.Errorf("items after replace = %+v, want %+v", found.Items, want)
	}
}

func testChecklistItemOrder(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	// Not sorted, and not the reverse of sorted: the order people wrote them in.
	keys := []string{"vpn", "dns", "tls", "backups", "sso", "access", "monitoring"}
	var items []raci.ChecklistItem
	for _, k := range keys {
		items = append(items, newItem(k, "customer"))
	}
	stored := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", items...))
	if got := itemKeys(stored); !slices.Equal(got, keys) {
		t.Errorf("stored items = %q, want %q as written", got, keys)
	}
	if got := itemKeys(mustFindChecklist(t, s, "acme", "infrastructure")); !slices.Equal(got, keys) {
		t.Errorf("found items = %q, want %q as written", got, keys)
	}
	page, err := s.ListChecklists(ctx(t), "acme", raci.ListOptions{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListChecklists = %+v, %v; want one checklist", page, err)
	}
	if got := itemKeys(page.Items[0]); !slices.Equal(got, keys) {
		t.Errorf("listed items = %q, want %q as written", got, keys)
	}

	// A patch does not move the item it changes.
	patched := mustUpdateItem(t, s, "acme", "infrastructure", "tls", raci.ItemPatch{Status: ptr(raci.Done)})
	if got := itemKeys(patched); !slices.Equal(got, keys) {
		t.Errorf("items after a patch = %q, want %q", got, keys)
	}

	// Reordered, the new order is kept.
	slices.Reverse(items)
	reordered := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", items...))
	want := slices.Clone(keys)
	slices.Reverse(want)
	if got := itemKeys(mustFindChecklist(t, s, "acme", "infrastructure")); !slices.Equal(got, want) || !slices.Equal(itemKeys(reordered), want) {
		t.Errorf("items after reordering = %q, want %q", got, want)
	}
}

// Items are kept by position, whatever order they are sent in; items with the same
// position keep the order they were sent in. Positions round trip.
func testChecklistItemPosition(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	at := func(key string, position int64) raci.ChecklistItem {
		it := newItem(key, "customer")
		it.Position = position
		return it
	}
	stored := mustPutChecklist(t, s, newChecklist("acme", "infrastructure",
		at("tls", 30), at("vpn", 10), at("dns", 20), at("sso", 20), at("access", 1000000000)))
	want := []string{"vpn", "dns", "sso", "tls", "access"}
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	for name, c := range map[string]*raci.Checklist{"stored": stored, "found": found} {
		if got := itemKeys(c); !slices.Equal(got, want) {
			t.Errorf("%s items = %q, want %q (by position, ties as sent)", name, got, want)
		}
		positions := make([]int64, len(c.Items))
		for i, it := range c.Items {
			positions[i] = it.Position
		}
		if wantPos := []int64{10, 20, 20, 30, 1000000000}; !slices.Equal(positions, wantPos) {
			t.Errorf("%s positions = %v, want %v", name, positions, wantPos)
		}
	}
	page, err := s.ListChecklists(ctx(t), "acme", raci.ListOptions{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListChecklists = %+v, %v; want one checklist", page, err)
	}
	if got := itemKeys(page.Items[0]); !slices.Equal(got, want) {
		t.Errorf("listed items = %q, want %q", got, want)
	}

	// Moving one item is a change of its position alone; its progress goes with it.
	mustUpdateItem(t, s, "acme", "infrastructure", "tls", raci.ItemPatch{Status: ptr(raci.Done)})
	moved := mustPutChecklist(t, s, newChecklist("acme", "infrastructure",
		at("tls", 5), at("vpn", 10), at("dns", 20), at("sso", 20), at("access", 1000000000)))
	if got, want := itemKeys(moved), []string{"tls", "vpn", "dns", "sso", "access"}; !slices.Equal(got, want) {
		t.Errorf("items after moving tls = %q, want %q", got, want)
	}
	if st := moved.Item("tls").Status; st != raci.Done {
		t.Errorf("tls after moving = %q, want it still done", st)
	}
}

// Who last changed an item's progress, and when, is recorded by the store: by a
// patch, or by a replace that sets a different status; never by one that leaves
// the progress as it is, and never taken from what the writer sends.
func testItemProgressStamp(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	lastActor := func() string {
		t.Helper()
		events, err := s.ListEvents(ctx(t), "acme", raci.EventFilter{Object: raci.ChecklistObject("infrastructure"), Newest: true, Limit: 1})
		if err != nil || len(events) != 1 {
			t.Fatalf("ListEvents = %v, %v; want the newest event", events, err)
		}
		return events[0].Actor
	}
	forged := newItem("tls", "customer")
	forged.UpdatedBy, forged.UpdatedAt = "mallory", ptr(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	created := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), forged))
	for _, it := range created.Items {
		if it.UpdatedBy != "" || it.UpdatedAt != nil {
			t.Errorf("new pending item %q has a progress stamp %q at %v; want none (nobody reported on it)", it.Key, it.UpdatedBy, it.UpdatedAt)
		}
	}

	patched := mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("INFRA-7")})
	ticker := lastActor()
	dns := patched.Item("dns")
	if dns.UpdatedBy != ticker || dns.UpdatedAt == nil || !dns.UpdatedAt.Equal(patched.UpdatedAt) {
		t.Fatalf("ticked item stamped %q at %v; want %q at %v, the patch's time", dns.UpdatedBy, dns.UpdatedAt, ticker, patched.UpdatedAt)
	}
	if tls := patched.Item("tls"); tls.UpdatedBy != "" || tls.UpdatedAt != nil {
		t.Errorf("untouched item stamped %q at %v", tls.UpdatedBy, tls.UpdatedAt)
	}
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	if got := found.Item("dns"); got.UpdatedBy != ticker || got.UpdatedAt == nil || !got.UpdatedAt.Equal(*dns.UpdatedAt) {
		t.Errorf("stamp read back as %q at %v; want %q at %v", got.UpdatedBy, got.UpdatedAt, ticker, dns.UpdatedAt)
	}

	// A new definition that leaves progress to people, or sets what is held, keeps
	// the stamp; so does a writer that sends another one.
	redefined := newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "vendor"))
	redefined.Items[0].Title = "DNS records created"
	redefined.Items[0].UpdatedBy = "mallory"
	kept := mustPutChecklist(t, s, redefined)
	if got := kept.Item("dns"); got.UpdatedBy != ticker || got.UpdatedAt == nil || !got.UpdatedAt.Equal(*dns.UpdatedAt) {
		t.Errorf("after a new definition dns is stamped %q at %v; want still %q at %v", got.UpdatedBy, got.UpdatedAt, ticker, dns.UpdatedAt)
	}
	same := newChecklist("acme", "infrastructure", withStatus(newItem("dns", "customer"), raci.Done), newItem("tls", "vendor"))
	if got := mustPutChecklist(t, s, same).Item("dns"); got.UpdatedAt == nil || !got.UpdatedAt.Equal(*dns.UpdatedAt) {
		t.Errorf("setting the status held moved the stamp to %v; want %v", got.UpdatedAt, dns.UpdatedAt)
	}

	// A replace that sets another status is a report too.
	failed := newChecklist("acme", "infrastructure", withStatus(newItem("dns", "customer"), raci.Failed), newItem("tls", "vendor"))
	stored := mustPutChecklist(t, s, failed)
	if got := stored.Item("dns"); got.UpdatedBy != lastActor() || got.UpdatedAt == nil || !got.UpdatedAt.Equal(stored.UpdatedAt) {
		t.Errorf("after a replace that fails dns it is stamped %q at %v; want %q at %v", got.UpdatedBy, got.UpdatedAt, lastActor(), stored.UpdatedAt)
	}
}

func testChecklistNormalized(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	empty := newChecklist("acme", "empty")
	empty.Items = nil
	stored := mustPutChecklist(t, s, empty)
	found := mustFindChecklist(t, s, "acme", "empty")
	for _, c := range []*raci.Checklist{stored, found} {
		// An empty list, never nil: it serializes as [], as users wrote it.
		if c.Items == nil || len(c.Items) != 0 {
			t.Errorf("items = %#v, want an empty, non-nil slice", c.Items)
		}
	}

	// Times in any zone come back as the same instants, in UTC.
	zone := time.FixedZone("CEST", 2*60*60)
	due := time.Date(2026, 3, 1, 11, 0, 0, 0, zone)
	expires := time.Date(2027, 1, 31, 2, 0, 0, 0, zone)
	it := withStatus(newItem("dns", "customer"), raci.Waived)
	it.Due = &due
	it.Waiver = waiver("vendor", expires)
	it.Evidence, it.EvidenceExpires = "https://tickets.example.com/42", &expires
	stored = mustPutChecklist(t, s, newChecklist("acme", "zoned", it))
	found = mustFindChecklist(t, s, "acme", "zoned")
	for _, c := range []*raci.Checklist{stored, found} {
		got := c.Items[0]
		if got.Due == nil || !got.Due.Equal(due) || got.Due.Location() != time.UTC {
			t.Errorf("due = %v, want %v in UTC", got.Due, due)
		}
		if got.EvidenceExpires == nil || !got.EvidenceExpires.Equal(expires) || got.EvidenceExpires.Location() != time.UTC {
			t.Errorf("evidence_expires = %v, want %v in UTC", got.EvidenceExpires, expires)
		}
		if got.Waiver == nil || !got.Waiver.Expires.Equal(expires) || got.Waiver.Expires.Location() != time.UTC {
			t.Errorf("waiver = %+v, want one expiring %v in UTC", got.Waiver, expires)
		}
	}
}

func testChecklistPreconditions(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	def := func() *raci.Checklist { return newChecklist("acme", "infrastructure", newItem("dns", "customer")) }

	stored, created, err := s.PutChecklist(ctx(t), def(), raci.Precondition{IfNoneMatch: true})
	if err != nil || !created {
		t.Fatalf("PutChecklist with IfNoneMatch on a new checklist = created %v, %v; want created", created, err)
	}
	_, _, err = s.PutChecklist(ctx(t), def(), raci.Precondition{IfNoneMatch: true})
	wantCode(t, err, raci.EPRECONDITION)

	if _, _, err := s.PutChecklist(ctx(t), def(), raci.Precondition{IfMatch: stored.Version}); err != nil {
		t.Fatalf("PutChecklist with the current IfMatch: %v", err)
	}
	stale := def()
	stale.Title = "stale"
	_, _, err = s.PutChecklist(ctx(t), stale, raci.Precondition{IfMatch: stored.Version})
	wantCode(t, err, raci.EPRECONDITION)
	if found := mustFindChecklist(t, s, "acme", "infrastructure"); found.Title == "stale" || found.Version != 2 {
		t.Errorf("a failed precondition changed the checklist: %+v", found)
	}

	// If-Match on a checklist that does not exist fails and creates nothing.
	ghost := newChecklist("acme", "ghost", newItem("dns", "customer"))
	_, _, err = s.PutChecklist(ctx(t), ghost, raci.Precondition{IfMatch: 1})
	wantCode(t, err, raci.EPRECONDITION)
	_, err = s.FindChecklist(ctx(t), "acme", "ghost")
	wantCode(t, err, raci.ENOTFOUND)
}

func testChecklistMissing(t *testing.T, s ChecklistStore) {
	// No such tenant.
	_, _, err := s.PutChecklist(ctx(t), newChecklist("nope", "infrastructure"), raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.FindChecklist(ctx(t), "nope", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ListChecklists(ctx(t), "nope", raci.ListOptions{})
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteChecklist(ctx(t), "nope", "infrastructure", raci.Precondition{}), raci.ENOTFOUND)
	_, err = s.UpdateChecklistItem(ctx(t), "nope", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ChecklistReadiness(ctx(t), "nope", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)

	// No such checklist.
	setupTenant(t, s, "acme", raci.RACI)
	_, err = s.FindChecklist(ctx(t), "acme", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{}), raci.ENOTFOUND)
	// A delete that carries the version read still says the checklist is gone.
	wantCode(t, s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{IfMatch: 3}), raci.ENOTFOUND)
	_, err = s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ChecklistReadiness(ctx(t), "acme", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)
}

func testChecklistInvalid(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	waivedWith := func(w *raci.Waiver) raci.ChecklistItem {
		it := withStatus(newItem("dns", "customer"), raci.Waived)
		it.Waiver = w
		return it
	}
	cases := []struct {
		name    string
		change  func(*raci.Checklist)
		field   string
		details []string
	}{
		{"key not a slug", func(c *raci.Checklist) { c.Key = "Infra Checklist" }, "key", nil},
		{"no title", func(c *raci.Checklist) { c.Title = " " }, "title", []string{`"infrastructure"`}},
		{"item key not a slug", func(c *raci.Checklist) { c.Items[1].Key = "TLS cert" }, "items[1].key", nil},
		{"item without title", func(c *raci.Checklist) { c.Items[1].Title = "" }, "items[1].title", []string{`"tls"`, `"infrastructure"`}},
		{"owner not a slug", func(c *raci.Checklist) { c.Items[0].Owner = "The Customer" }, "items[0].owner", nil},
		{"duplicate item key", func(c *raci.Checklist) { c.Items[1].Key = "dns" }, "items[1].key", []string{`"dns"`, `"infrastructure"`, "unique"}},
		{"unknown status", func(c *raci.Checklist) { c.Items[0].Status = "almost" }, "items[0].status",
			[]string{`"dns"`, `"infrastructure"`, `"almost"`, `"not_applicable"`}},
		{"waived without waiver", func(c *raci.Checklist) { c.Items[0] = waivedWith(nil) }, "items[0].waiver",
			[]string{`"dns"`, `"infrastructure"`, "waiver"}},
		{"waiver without expiry", func(c *raci.Checklist) { c.Items[0] = waivedWith(waiver("vendor", time.Time{})) }, "items[0].waiver.expires",
			[]string{`"dns"`, `"infrastructure"`, "expiry"}},
		{"waiver without reason", func(c *raci.Checklist) {
			c.Items[0] = waivedWith(&raci.Waiver{ApprovedBy: "vendor", Expires: farFuture})
		}, "items[0].waiver.reason", []string{`"dns"`, "reason"}},
		{"waiver without approver", func(c *raci.Checklist) {
			c.Items[0] = waivedWith(&raci.Waiver{Reason: "why", Expires: farFuture})
		}, "items[0].waiver.approved_by", nil},
		{"waiver approved by the owner", func(c *raci.Checklist) { c.Items[0] = waivedWith(waiver("customer", farFuture)) },
			"items[0].waiver.approved_by", []string{`"dns"`, `"infrastructure"`, `"customer"`, "another party"}},
		{"negative position", func(c *raci.Checklist) { c.Items[1].Position = -1 }, "items[1].position",
			[]string{`"tls"`, "-1", "from 0 to"}},
		{"position too large", func(c *raci.Checklist) { c.Items[0].Position = raci.MaxItemPosition + 1 }, "items[0].position",
			[]string{`"dns"`, "from 0 to"}},
		{"too many items", func(c *raci.Checklist) {
			c.Items = nil
			for i := range raci.MaxChecklistItems + 1 {
				c.Items = append(c.Items, newItem(fmt.Sprintf("item-%d", i), "customer"))
			}
		}, "items", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "customer"))
			c.change(cl)
			_, _, err := s.PutChecklist(ctx(t), cl, raci.Precondition{})
			wantProblem(t, err, c.field, c.details...)
			if _, err := s.FindChecklist(ctx(t), "acme", cl.Key); raci.ErrorCode(err) != raci.ENOTFOUND {
				t.Errorf("an invalid checklist was stored: FindChecklist error %v", err)
			}
		})
	}
}

func testChecklistUnknownParty(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	setupTenant(t, s, "globex", raci.RACI)
	mustPutParty(t, s, newParty("globex", "msp", raci.ThirdParty))

	owned := newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("network", "zeta-networks"))
	_, _, err := s.PutChecklist(ctx(t), owned, raci.Precondition{})
	wantProblem(t, err, "items[1].owner", `"zeta-networks"`, `"network"`, `"infrastructure"`, `"acme"`)
	_, err = s.FindChecklist(ctx(t), "acme", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)

	// A party of another tenant is not a party of this one, as owner or approver.
	other := newChecklist("acme", "infrastructure", newItem("network", "msp"))
	_, _, err = s.PutChecklist(ctx(t), other, raci.Precondition{})
	wantProblem(t, err, "items[0].owner", `"msp"`)
	waived := withStatus(newItem("dns", "customer"), raci.Waived)
	waived.Waiver = waiver("msp", farFuture)
	_, _, err = s.PutChecklist(ctx(t), newChecklist("acme", "infrastructure", waived), raci.Precondition{})
	wantProblem(t, err, "items[0].waiver.approved_by", `"msp"`, `"dns"`)
	_, err = s.FindChecklist(ctx(t), "acme", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)

	// Replacing a valid checklist with one naming an unknown owner leaves the valid one.
	stored := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer")))
	_, _, err = s.PutChecklist(ctx(t), owned, raci.Precondition{})
	wantCode(t, err, raci.EINVALID)
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), stored)
}

func testChecklistDelete(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	stored := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer")))
	mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)}) // version 2

	wantCode(t, s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{IfMatch: stored.Version}), raci.EPRECONDITION)
	mustFindChecklist(t, s, "acme", "infrastructure")
	if err := s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{IfMatch: 2}); err != nil {
		t.Fatalf("DeleteChecklist with the current IfMatch: %v", err)
	}
	_, err := s.FindChecklist(ctx(t), "acme", "infrastructure")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{}), raci.ENOTFOUND)

	// Its items went with it: the owner is free, and a checklist created again under
	// the key starts over, its items pending.
	again := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "vendor")))
	if again.Version != 1 || again.Items[0].Status != raci.Pending {
		t.Errorf("recreated checklist: version %d, item %+v; want version 1 and the item pending", again.Version, again.Items[0])
	}
	if err := s.DeleteParty(ctx(t), "acme", "customer", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteParty after the checklist naming it was deleted: %v", err)
	}
}

func testChecklistList(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	setupTenant(t, s, "other", raci.RACI)
	if page, err := s.ListChecklists(ctx(t), "acme", raci.ListOptions{}); err != nil || len(page.Items) != 0 || page.Next != "" {
		t.Fatalf("ListChecklists of a tenant without checklists = %+v, %v; want no items", page, err)
	}
	keys := []string{"updates", "backups", "network", "monitoring", "certificates", "access", "testing"}
	// Each checklist's items carry its key, so a checklist listed with another's
	// items shows.
	for _, k := range keys {
		mustPutChecklist(t, s, newChecklist("acme", k, newItem(k+"-first", "customer"), newItem(k+"-second", "vendor")))
	}
	mustPutChecklist(t, s, newChecklist("other", "billing", newItem("invoice", "customer")))
	mustPutChecklist(t, s, newChecklist("other", "backups-extra", newItem("restore", "customer")))

	list := func(opts raci.ListOptions) (*raci.Page[*raci.Checklist], error) {
		page, err := s.ListChecklists(ctx(t), "acme", opts)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Items {
			want := []string{c.Key + "-first", c.Key + "-second"}
			if c.Tenant != "acme" || !slices.Equal(itemKeys(c), want) {
				t.Errorf("listed checklist %q of tenant %q has items %q, want %q", c.Key, c.Tenant, itemKeys(c), want)
			}
			if c.Version != 1 || c.CreatedAt.IsZero() {
				t.Errorf("listed checklist %q: version %d created_at %v", c.Key, c.Version, c.CreatedAt)
			}
		}
		return page, nil
	}
	checkPaging(t, list, func(c *raci.Checklist) string { return c.Key }, slices.Sorted(slices.Values(keys)))
}

// Status set by people survives the definition.

func testChecklistStatusKeptWhenOmitted(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	def := newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "customer"))
	mustPutChecklist(t, s, def)
	expires := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	ticked := mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{
		Status: ptr(raci.Done), Evidence: ptr("https://tickets.example.com/42"), EvidenceExpires: &expires,
	})

	// Terraform applies the same definition again, without status: the tick stays.
	again, created, err := s.PutChecklist(ctx(t), def, raci.Precondition{})
	if err != nil || created {
		t.Fatalf("PutChecklist again = created %v, %v", created, err)
	}
	if again.Version != ticked.Version+1 {
		t.Errorf("version = %d, want %d", again.Version, ticked.Version+1)
	}
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	sameChecklist(t, found, again)
	dns := found.Item("dns")
	if dns.Status != raci.Done || dns.Evidence != "https://tickets.example.com/42" || dns.EvidenceExpires == nil || !dns.EvidenceExpires.Equal(expires) {
		t.Errorf("item dns after a definition without status = %+v; want it still done with its evidence and expiry", dns)
	}
	if tls := found.Item("tls"); tls.Status != raci.Pending {
		t.Errorf("item tls = %q, want pending", tls.Status)
	}

	// Changing the title or owner of the ticked item keeps the tick too.
	changed := newChecklist("acme", "infrastructure", newItem("dns", "vendor"), newItem("tls", "customer"))
	changed.Items[0].Title = "DNS records created"
	found, _, err = s.PutChecklist(ctx(t), changed, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutChecklist with a new owner: %v", err)
	}
	if dns := found.Item("dns"); dns.Status != raci.Done || dns.Owner != "vendor" || dns.Title != "DNS records created" {
		t.Errorf("item dns = %+v; want done, owned by vendor, titled anew", dns)
	}
}

func testChecklistStatusOverwrittenWhenSet(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "customer")))
	mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("ticket 42")})

	// Where the definition sets status, the definition wins.
	def := newChecklist("acme", "infrastructure", withStatus(newItem("dns", "customer"), raci.Failed), newItem("tls", "customer"))
	def.Items[0].Evidence = "dig shows no record"
	stored := mustPutChecklist(t, s, def)
	wantStatuses(t, "after a definition that sets status", stored, map[string]raci.ItemStatus{"dns": raci.Failed, "tls": raci.Pending})
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	if dns := found.Item("dns"); dns.Status != raci.Failed || dns.Evidence != "dig shows no record" {
		t.Errorf("item dns = %+v; want the definition's status and evidence", dns)
	}

	// A definition that sets status on a new item starts it there, not pending.
	def.Items = append(def.Items, withStatus(newItem("sso", "vendor"), raci.NotApplicable))
	stored = mustPutChecklist(t, s, def)
	wantStatuses(t, "after adding an item with a status", stored,
		map[string]raci.ItemStatus{"dns": raci.Failed, "tls": raci.Pending, "sso": raci.NotApplicable})
}

func testChecklistStatusMatchedByKey(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure",
		newItem("dns", "customer"), newItem("tls", "customer"), newItem("vpn", "customer")))
	mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("ticket 1")})
	mustUpdateItem(t, s, "acme", "infrastructure", "vpn", raci.ItemPatch{Status: ptr(raci.Failed)})

	// Reordered, with a new item where dns was and tls removed: every status stays
	// with its key, and the new item starts pending.
	def := newChecklist("acme", "infrastructure",
		newItem("backups", "customer"), newItem("vpn", "customer"), newItem("dns", "customer"))
	stored := mustPutChecklist(t, s, def)
	want := map[string]raci.ItemStatus{"backups": raci.Pending, "vpn": raci.Failed, "dns": raci.Done}
	wantStatuses(t, "after reordering", stored, want)
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	wantStatuses(t, "found after reordering", found, want)
	if got := found.Item("dns").Evidence; got != "ticket 1" {
		t.Errorf("dns evidence = %q, want it moved with its item", got)
	}
	if got := found.Item("backups").Evidence; got != "" {
		t.Errorf("new item backups has evidence %q from the item that held its place", got)
	}

	// A removed item that comes back is new: it does not remember its old status.
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("vpn", "customer")))
	back := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("vpn", "customer"), newItem("dns", "customer")))
	wantStatuses(t, "after removing and adding dns again", back, map[string]raci.ItemStatus{"vpn": raci.Failed, "dns": raci.Pending})
}

func testChecklistStatusWaiverKept(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	def := newChecklist("acme", "infrastructure", newItem("dns", "customer"))
	mustPutChecklist(t, s, def)
	w := waiver("vendor", farFuture)
	mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: w})

	// The definition leaves status and waiver out: both stay, and the item is still
	// validly waived.
	stored := mustPutChecklist(t, s, def)
	dns := stored.Item("dns")
	if dns.Status != raci.Waived || dns.Waiver == nil || dns.Waiver.ApprovedBy != "vendor" || !dns.Waiver.Expires.Equal(farFuture) {
		t.Errorf("item dns after a definition without status = %+v; want it still waived with its waiver", dns)
	}

	// Making the approver the owner breaks the kept waiver: refused, nothing changed.
	before := mustFindChecklist(t, s, "acme", "infrastructure")
	_, _, err := s.PutChecklist(ctx(t), newChecklist("acme", "infrastructure", newItem("dns", "vendor")), raci.Precondition{})
	wantProblem(t, err, "items[0].waiver.approved_by", `"dns"`, `"vendor"`)
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), before)

	// A definition that sets waived on an item that has no waiver is refused.
	mustPutChecklist(t, s, newChecklist("acme", "other", newItem("dns", "customer")))
	_, _, err = s.PutChecklist(ctx(t), newChecklist("acme", "other", withStatus(newItem("dns", "customer"), raci.Waived)), raci.Precondition{})
	wantProblem(t, err, "items[0].waiver", `"dns"`)
}

// Item updates.

func testItemStatus(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	stored := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "customer")))

	want := stored
	for i, status := range []raci.ItemStatus{raci.Done, raci.Failed, raci.NotApplicable, raci.Pending} {
		time.Sleep(time.Millisecond)
		got := mustUpdateItem(t, s, "acme", "infrastructure", "tls", raci.ItemPatch{Status: &status})
		if got.Version != stored.Version+int64(i)+1 {
			t.Errorf("version after patch %d = %d, want %d: every patch counts", i+1, got.Version, stored.Version+int64(i)+1)
		}
		if !got.CreatedAt.Equal(stored.CreatedAt) || !got.UpdatedAt.After(want.UpdatedAt) {
			t.Errorf("patch %d: created_at %v updated_at %v; want created_at kept and updated_at after %v", i+1, got.CreatedAt, got.UpdatedAt, want.UpdatedAt)
		}
		wantStatuses(t, fmt.Sprintf("after setting %s", status), got, map[string]raci.ItemStatus{"dns": raci.Pending, "tls": status})
		// What the patch returns is the whole checklist as stored now.
		sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), got)
		want = got
	}

	// A patch without status keeps it.
	mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)})
	got := mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Evidence: ptr("ticket 7")})
	if dns := got.Item("dns"); dns.Status != raci.Done || dns.Evidence != "ticket 7" {
		t.Errorf("item dns = %+v; want done with evidence", dns)
	}
	// Nothing but the people-owned fields of the one item changes.
	if got.Title != stored.Title || got.Gate != stored.Gate || !reflect.DeepEqual(itemKeys(got), itemKeys(stored)) ||
		got.Item("dns").Owner != "customer" || got.Item("dns").Title != "Item dns" || !got.Item("dns").Required {
		t.Errorf("a patch changed the definition: %+v", got)
	}
}

func testItemEvidence(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer")))
	expires := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)

	got := mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{
		Status: ptr(raci.Done), Evidence: ptr("https://tickets.example.com/42"), EvidenceExpires: &expires,
	})
	dns := got.Item("dns")
	if dns.Evidence != "https://tickets.example.com/42" || dns.EvidenceExpires == nil || !dns.EvidenceExpires.Equal(expires) {
		t.Errorf("item dns = %+v; want the evidence with its expiry", dns)
	}

	// New evidence replaces the old one's expiry: evidence without one never
	// expires.
	got = mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Evidence: ptr("https://tickets.example.com/43")})
	dns = mustFindChecklist(t, s, "acme", "infrastructure").Item("dns")
	if dns.Evidence != "https://tickets.example.com/43" || dns.EvidenceExpires != nil {
		t.Errorf("item dns = %+v; want the new evidence and no expiry", dns)
	}
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), got)

	// An expiry alone extends the evidence held.
	later := expires.AddDate(1, 0, 0)
	mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{EvidenceExpires: &later})
	dns = mustFindChecklist(t, s, "acme", "infrastructure").Item("dns")
	if dns.Evidence != "https://tickets.example.com/43" || dns.EvidenceExpires == nil || !dns.EvidenceExpires.Equal(later) {
		t.Errorf("item dns = %+v; want the evidence kept with the expiry %v", dns, later)
	}

	// Evidence longer than allowed is refused.
	_, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "dns",
		raci.ItemPatch{Evidence: ptr(strings.Repeat("x", raci.MaxEvidenceLength+1))}, raci.Precondition{})
	wantProblem(t, err, "items[0].evidence")
}

func testItemWaiver(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("tls", "customer"), newItem("dns", "customer")))

	w := waiver("vendor", farFuture)
	got := mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: w})
	dns := got.Item("dns")
	if dns.Status != raci.Waived || dns.Waiver == nil || dns.Waiver.Reason != w.Reason || dns.Waiver.ApprovedBy != "vendor" || !dns.Waiver.Expires.Equal(farFuture) {
		t.Errorf("item dns = %+v; want waived with the waiver %+v", dns, w)
	}
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), got)

	// A new waiver replaces the old one.
	renewed := &raci.Waiver{Reason: "Renewed for another year.", ApprovedBy: "vendor", Expires: farFuture.AddDate(1, 0, 0)}
	got = mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Waiver: renewed})
	if dns := got.Item("dns"); dns.Status != raci.Waived || dns.Waiver.Reason != renewed.Reason || !dns.Waiver.Expires.Equal(renewed.Expires) {
		t.Errorf("item dns = %+v; want waived with the renewed waiver", dns)
	}

	// Moving off waived ends the waiver, so that a later change to waived cannot
	// rely on it.
	got = mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Pending)})
	if dns := got.Item("dns"); dns.Status != raci.Pending || dns.Waiver != nil {
		t.Errorf("item dns after pending = %+v; want pending without a waiver", dns)
	}
	_, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Waived)}, raci.Precondition{})
	wantProblem(t, err, "items[1].waiver")
}

func testItemInvalid(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("tls", "customer"), newItem("dns", "customer")))
	before := mustFindChecklist(t, s, "acme", "infrastructure")

	cases := []struct {
		name    string
		patch   raci.ItemPatch
		field   string
		details []string
	}{
		{"unknown status", raci.ItemPatch{Status: ptr(raci.ItemStatus("ready"))}, "items[1].status", []string{`"dns"`, `"ready"`}},
		{"waived without waiver", raci.ItemPatch{Status: ptr(raci.Waived)}, "items[1].waiver", []string{`"dns"`}},
		{"waiver without expiry", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: &raci.Waiver{Reason: "why", ApprovedBy: "vendor"}},
			"items[1].waiver.expires", []string{`"dns"`}},
		{"waiver approved by the owner", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: waiver("customer", farFuture)},
			"items[1].waiver.approved_by", []string{`"dns"`, `"customer"`}},
		{"approver not a party", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: waiver("zeta-networks", farFuture)},
			"items[1].waiver.approved_by", []string{`"dns"`, `"zeta-networks"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "dns", c.patch, raci.Precondition{})
			wantProblem(t, err, c.field, c.details...)
			sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), before)
		})
	}
}

func testItemPreconditions(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	read := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer")))

	got, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{IfMatch: read.Version})
	if err != nil {
		t.Fatalf("UpdateChecklistItem with the current IfMatch: %v", err)
	}
	if got.Version != read.Version+1 {
		t.Errorf("version = %d, want %d", got.Version, read.Version+1)
	}
	// The version read before that patch is stale now.
	_, err = s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Failed)}, raci.Precondition{IfMatch: read.Version})
	wantCode(t, err, raci.EPRECONDITION)
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), got)

	// A patch moves the version a definition's If-Match must name.
	_, _, err = s.PutChecklist(ctx(t), newChecklist("acme", "infrastructure", newItem("dns", "customer")), raci.Precondition{IfMatch: read.Version})
	wantCode(t, err, raci.EPRECONDITION)
}

func testItemMissing(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	stored := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "customer")))
	_, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", "vpn", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	sameChecklist(t, mustFindChecklist(t, s, "acme", "infrastructure"), stored)
}

// Readiness.

func testReadiness(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	optional := newItem("monitoring", "vendor")
	optional.Required = false
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure",
		newItem("dns", "customer"), newItem("tls", "customer"), newItem("firewall", "customer"),
		newItem("backups", "customer"), newItem("vpn", "customer"), newItem("sso", "vendor"),
		optional, newItem("logging", "customer")))
	update := func(item string, p raci.ItemPatch) { mustUpdateItem(t, s, "acme", "infrastructure", item, p) }
	update("tls", raci.ItemPatch{Status: ptr(raci.Failed)})
	update("firewall", raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("scan report"), EvidenceExpires: ptr(longAgo)})
	update("backups", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: waiver("vendor", longAgo)})
	update("vpn", raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("tunnel up"), EvidenceExpires: ptr(farFuture)})
	update("sso", raci.ItemPatch{Status: ptr(raci.NotApplicable)})
	update("logging", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: waiver("vendor", farFuture)})

	before := time.Now()
	r, err := s.ChecklistReadiness(ctx(t), "acme", "infrastructure")
	if err != nil {
		t.Fatalf("ChecklistReadiness: %v", err)
	}
	// Judged at the store's current time: clocks on one machine, within a minute.
	if r.At.Before(before.Add(-time.Minute)) || r.At.After(time.Now().Add(time.Minute)) {
		t.Errorf("readiness judged at %v, want about now (%v)", r.At, before)
	}
	if r.Tenant != "acme" || r.Checklist != "infrastructure" || r.Gate != "deploy:production" || r.Ready {
		t.Errorf("readiness %+v; want acme/infrastructure, gate deploy:production, not ready", r)
	}
	// The optional item is not counted; of the seven required, three are fine.
	if r.Total != 7 || r.Done != 3 {
		t.Errorf("total %d done %d, want 7 and 3", r.Total, r.Done)
	}
	want := []raci.Blocker{
		{Item: "dns", Title: "Item dns", Owner: "customer", Reason: raci.BlockPending},
		{Item: "tls", Title: "Item tls", Owner: "customer", Reason: raci.BlockFailed},
		{Item: "firewall", Title: "Item firewall", Owner: "customer", Reason: raci.BlockEvidenceExpired},
		{Item: "backups", Title: "Item backups", Owner: "customer", Reason: raci.BlockWaiverExpired},
	}
	if !reflect.DeepEqual(r.Blocking, want) {
		t.Errorf("blocking = %+v, want %+v", r.Blocking, want)
	}
	// The store's judgement is the domain's, of the checklist it holds.
	if domain := mustFindChecklist(t, s, "acme", "infrastructure").Readiness(r.At); r.Summary != domain.Summary {
		t.Errorf("summary = %q, want %q", r.Summary, domain.Summary)
	}

	// Everything ticked: ready, no blockers.
	update("dns", raci.ItemPatch{Status: ptr(raci.Done)})
	update("tls", raci.ItemPatch{Status: ptr(raci.Done)})
	update("firewall", raci.ItemPatch{Evidence: ptr("new scan report")})
	update("backups", raci.ItemPatch{Waiver: waiver("vendor", farFuture)})
	r, err = s.ChecklistReadiness(ctx(t), "acme", "infrastructure")
	if err != nil {
		t.Fatalf("ChecklistReadiness: %v", err)
	}
	if !r.Ready || r.Total != 7 || r.Done != 7 || r.Blocking == nil || len(r.Blocking) != 0 {
		t.Errorf("readiness after ticking every item = %+v; want ready, 7 of 7, no blockers (empty, not nil)", r)
	}
}

// References to parties and tenants.

func testChecklistPartyInUse(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	msp := mustPutParty(t, s, newParty("acme", "msp", raci.ThirdParty))
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("network", "msp")))

	// An owner cannot go.
	wantCode(t, s.DeleteParty(ctx(t), "acme", "msp", raci.Precondition{}), raci.ECONFLICT)
	sameParty(t, mustFindParty(t, s, "acme", "msp"), msp)

	// Nor an approver.
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("network", "customer")))
	mustUpdateItem(t, s, "acme", "infrastructure", "network", raci.ItemPatch{Status: ptr(raci.Waived), Waiver: waiver("msp", farFuture)})
	wantCode(t, s.DeleteParty(ctx(t), "acme", "msp", raci.Precondition{}), raci.ECONFLICT)
	mustFindParty(t, s, "acme", "msp")

	// Once no item names it, it goes.
	mustUpdateItem(t, s, "acme", "infrastructure", "network", raci.ItemPatch{Waiver: waiver("vendor", farFuture)})
	if err := s.DeleteParty(ctx(t), "acme", "msp", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteParty of a party no item names: %v", err)
	}
}

func testChecklistTenantInUse(t *testing.T, s ChecklistStore) {
	mustPutTenant(t, s, newTenant("acme"))
	// A checklist without items names no party: only the checklist holds the tenant.
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure"))
	wantCode(t, s.DeleteTenant(ctx(t), "acme", raci.Precondition{}), raci.ECONFLICT)
	mustFindTenant(t, s, "acme")
	mustFindChecklist(t, s, "acme", "infrastructure")

	if err := s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteChecklist: %v", err)
	}
	if err := s.DeleteTenant(ctx(t), "acme", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteTenant once its checklist is gone: %v", err)
	}
}

func testChecklistSnapshot(t *testing.T, s ChecklistStore) {
	mustPutTenant(t, s, newTenant("empty"))
	empty, err := raci.ReadSnapshot(ctx(t), s, "empty")
	if err != nil {
		t.Fatalf("ReadSnapshot of an empty tenant: %v", err)
	}
	if empty.Checklists == nil || len(empty.Checklists) != 0 {
		t.Errorf("snapshot of an empty tenant: checklists %#v; want empty, non-nil", empty.Checklists)
	}

	setupTenant(t, s, "acme", raci.RACI)
	for _, k := range []string{"security", "infrastructure", "network"} {
		mustPutChecklist(t, s, newChecklist("acme", k, newItem("vpn", "customer"), newItem("dns", "vendor")))
	}
	mustUpdateItem(t, s, "acme", "network", "dns", raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("ticket 9")})
	setupTenant(t, s, "other", raci.RACI)
	mustPutChecklist(t, s, newChecklist("other", "billing", newItem("invoice", "customer")))

	snap, err := raci.ReadSnapshot(ctx(t), s, "acme")
	if err != nil {
		t.Fatalf("ReadSnapshot: %v", err)
	}
	var keys []string
	for _, c := range snap.Checklists {
		keys = append(keys, c.Key)
		sameChecklist(t, c, mustFindChecklist(t, s, "acme", c.Key))
	}
	if want := []string{"infrastructure", "network", "security"}; !slices.Equal(keys, want) {
		t.Errorf("snapshot checklists = %q, want %q", keys, want)
	}
}

// Concurrency.

// testConcurrentItemUpdates has people tick different items at once: no tick is
// lost, and each counts once.
func testConcurrentItemUpdates(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	const people = 8
	var items []raci.ChecklistItem
	for i := range people {
		items = append(items, newItem(fmt.Sprintf("item-%d", i), "customer"))
	}
	read := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", items...))

	errs := make(chan error, people)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("item-%d", i)
			if _, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", key,
				raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("by " + key)}, raci.Precondition{}); err != nil {
				errs <- fmt.Errorf("tick %s: %w", key, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a tick without precondition failed under concurrency: %v", err)
	}
	found := mustFindChecklist(t, s, "acme", "infrastructure")
	for _, it := range found.Items {
		if it.Status != raci.Done || it.Evidence != "by "+it.Key {
			t.Errorf("item %s = %q with evidence %q: a concurrent tick was lost", it.Key, it.Status, it.Evidence)
		}
	}
	if found.Version != read.Version+people {
		t.Errorf("version after %d ticks = %d, want %d", people, found.Version, read.Version+people)
	}
}

// testConcurrentDefinitionAndTicks applies the definition again and again while
// people tick items: whatever the order, no tick is reverted.
func testConcurrentDefinitionAndTicks(t *testing.T, s ChecklistStore) {
	setupTenant(t, s, "acme", raci.RACI)
	const people = 6
	var items []raci.ChecklistItem
	for i := range people {
		items = append(items, newItem(fmt.Sprintf("item-%d", i), "customer"))
	}
	def := newChecklist("acme", "infrastructure", items...)
	mustPutChecklist(t, s, def)

	errs := make(chan error, 2*people)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(2)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("item-%d", i)
			if _, err := s.UpdateChecklistItem(ctx(t), "acme", "infrastructure", key, raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{}); err != nil {
				errs <- fmt.Errorf("tick %s: %w", key, err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, _, err := s.PutChecklist(ctx(t), def, raci.Precondition{}); err != nil {
				errs <- fmt.Errorf("definition: %w", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a write failed under concurrency: %v", err)
	}
	for _, it := range mustFindChecklist(t, s, "acme", "infrastructure").Items {
		if it.Status != raci.Done {
			t.Errorf("item %s = %q: a definition without status reverted a tick", it.Key, it.Status)
		}
	}
}
