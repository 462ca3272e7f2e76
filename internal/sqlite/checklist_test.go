package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

func checklist(tenant, key string, items ...raci.ChecklistItem) *raci.Checklist {
	return &raci.Checklist{Tenant: tenant, Key: key, Title: key, Gate: "deploy:production", Items: items}
}

func item(key, owner string) raci.ChecklistItem {
	return raci.ChecklistItem{Key: key, Title: key, Owner: owner, Required: true}
}

func putChecklist(t *testing.T, db *sqlite.DB, c *raci.Checklist) *raci.Checklist {
	t.Helper()
	stored, _, err := db.PutChecklist(context.Background(), c, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutChecklist(%q): %v", c.Key, err)
	}
	return stored
}

func wantMessage(t *testing.T, what string, err error, code string, parts ...string) {
	t.Helper()
	if raci.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
	msg := raci.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("%s: message %q does not say %q", what, msg, p)
		}
	}
}

func TestChecklistConflictMessages(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx := context.Background()
	seed(t, db, "acme", "r1")
	for _, p := range []string{"msp", "auditor"} {
		if _, _, err := db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: p, Kind: raci.ThirdParty}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	putChecklist(t, db, checklist("acme", "infrastructure", item("dns", "customer"), item("vpn", "msp"), item("tls", "msp")))
	putChecklist(t, db, checklist("acme", "security", item("pentest", "msp")))
	if _, err := db.UpdateChecklistItem(ctx, "acme", "infrastructure", "dns", raci.ItemPatch{
		Status: ptr(raci.Waived), Waiver: &raci.Waiver{Reason: "own DNS", ApprovedBy: "auditor", Expires: time.Now().AddDate(1, 0, 0)},
	}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}

	wantMessage(t, "DeleteParty of an owner", db.DeleteParty(ctx, "acme", "msp", raci.Precondition{}), raci.ECONFLICT,
		`Party "msp" of tenant "acme"`, `owns items "vpn", "tls" of checklist "infrastructure" and item "pentest" of checklist "security"`,
		"give those items another owner first")
	wantMessage(t, "DeleteParty of an approver", db.DeleteParty(ctx, "acme", "auditor", raci.Precondition{}), raci.ECONFLICT,
		`Party "auditor"`, `approves the waivers of item "dns" of checklist "infrastructure"`, "have another party approve those waivers first")
	// A party held by rows and items is told about both, and both fixes.
	wantMessage(t, "DeleteParty of an assigned owner", db.DeleteParty(ctx, "acme", "customer", raci.Precondition{}), raci.ECONFLICT,
		`is still assigned in row "r1"; owns item "dns" of checklist "infrastructure"`,
		"remove those assignments and give those items another owner first")

	wantMessage(t, "DeleteTenant", db.DeleteTenant(ctx, "acme", raci.Precondition{}), raci.ECONFLICT,
		"4 parties, 1 responsibility and 2 checklists", "delete them first")
}

func TestChecklistMissingItemNamesTheItems(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx := context.Background()
	seed(t, db, "acme")
	putChecklist(t, db, checklist("acme", "infrastructure", item("vpn", "customer"), item("dns", "customer")))
	_, err := db.UpdateChecklistItem(ctx, "acme", "infrastructure", "tls", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
	// In the checklist's order, so people see the list they wrote.
	wantMessage(t, "UpdateChecklistItem of a missing item", err, raci.ENOTFOUND, `"infrastructure"`, `no item "tls"`, `"vpn", "dns"`)

	putChecklist(t, db, checklist("acme", "empty"))
	_, err = db.UpdateChecklistItem(ctx, "acme", "empty", "tls", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
	wantMessage(t, "UpdateChecklistItem on a checklist without items", err, raci.ENOTFOUND, `"empty"`, "has no items", `"tls"`)

	_, err = db.UpdateChecklistItem(ctx, "acme", "ghost", "tls", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
	wantMessage(t, "UpdateChecklistItem on a missing checklist", err, raci.ENOTFOUND, `Checklist "ghost" does not exist in tenant "acme"`)
}

// TestChecklistTimesOutsideTheStore refuses times that unix nanoseconds cannot hold
// instead of storing them wrapped around into another century.
func TestChecklistTimesOutsideTheStore(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx := context.Background()
	seed(t, db, "acme")
	forever := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	waived := item("dns", "customer")
	waived.Status = raci.Waived
	waived.Waiver = &raci.Waiver{Reason: "own DNS", ApprovedBy: "vendor", Expires: forever}
	_, _, err := db.PutChecklist(ctx, checklist("acme", "infrastructure", waived), raci.Precondition{})
	wantMessage(t, "a waiver expiring in 9999", err, raci.EINVALID, `"dns"`, "9999-12-31", "2262-04-11")
	if ps := raci.ErrorProblems(err); len(ps) != 1 || ps[0].Field != "items[0].waiver.expires" {
		t.Errorf("problems = %+v, want one on items[0].waiver.expires", ps)
	}
	if _, err := db.FindChecklist(ctx, "acme", "infrastructure"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("a checklist with a time the store cannot keep was stored: %v", err)
	}

	stored := putChecklist(t, db, checklist("acme", "infrastructure", item("dns", "customer")))
	_, err = db.UpdateChecklistItem(ctx, "acme", "infrastructure", "dns", raci.ItemPatch{
		Evidence: ptr("ticket"), EvidenceExpires: &time.Time{},
	}, raci.Precondition{})
	wantMessage(t, "evidence expiring in year 1", err, raci.EINVALID, "0001-01-01")
	if found, err := db.FindChecklist(ctx, "acme", "infrastructure"); err != nil || found.Version != stored.Version {
		t.Errorf("a refused patch changed the checklist: %+v, %v", found, err)
	}
}

// TestChecklistClock checks times to the nanosecond and readiness at the store's
// clock: expired at the expiry instant, ready one nanosecond before.
func TestChecklistClock(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx := context.Background()
	seed(t, db, "acme")
	zone := time.FixedZone("CEST", 2*60*60)
	now := time.Date(2026, 6, 1, 12, 0, 0, 123456789, zone)
	db.Now = func() time.Time { return now }

	expires := time.Date(2026, 7, 1, 0, 0, 0, 987654321, zone)
	due := time.Date(2026, 6, 15, 9, 30, 0, 1, zone)
	dns := item("dns", "customer")
	dns.Due = &due
	putChecklist(t, db, checklist("acme", "infrastructure", dns))
	c, err := db.UpdateChecklistItem(ctx, "acme", "infrastructure", "dns",
		raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("ticket 42"), EvidenceExpires: &expires}, raci.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	found, err := db.FindChecklist(ctx, "acme", "infrastructure")
	if err != nil {
		t.Fatal(err)
	}
	// == rather than Equal: what a write returns is what a read returns, to the bit,
	// in UTC.
	got, want := found.Items[0], c.Items[0]
	if *got.Due != *want.Due || *got.EvidenceExpires != *want.EvidenceExpires || found.CreatedAt != c.CreatedAt || found.UpdatedAt != c.UpdatedAt {
		t.Errorf("found times differ from written: %+v / %+v", found, c)
	}
	if !got.Due.Equal(due) || got.Due.Location() != time.UTC || !got.EvidenceExpires.Equal(expires) || !found.CreatedAt.Equal(now) {
		t.Errorf("times = due %v, evidence expiry %v, created %v; want %v, %v, %v in UTC", got.Due, got.EvidenceExpires, found.CreatedAt, due, expires, now)
	}

	for _, c := range []struct {
		at    time.Time
		ready bool
	}{
		{expires.Add(-time.Nanosecond), true},
		{expires, false},
	} {
		db.Now = func() time.Time { return c.at }
		r, err := db.ChecklistReadiness(ctx, "acme", "infrastructure")
		if err != nil {
			t.Fatal(err)
		}
		if r.Ready != c.ready || !r.At.Equal(c.at) {
			t.Errorf("readiness at %v = ready %v judged at %v; want ready %v", c.at, r.Ready, r.At, c.ready)
		}
	}
}

func TestPutChecklistDoesNotChangeCallersObject(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	seed(t, db, "acme")
	zone := time.FixedZone("CEST", 2*60*60)
	expires := time.Date(2027, 1, 31, 0, 0, 0, 0, zone)
	it := item("dns", "customer")
	it.Status = raci.Waived
	it.Waiver = &raci.Waiver{Reason: "own DNS", ApprovedBy: "vendor", Expires: expires}
	it.EvidenceExpires = &expires
	c := checklist("acme", "infrastructure", it, item("tls", "customer"))
	putChecklist(t, db, c)
	if c.Items[1].Status != "" || c.Version != 0 {
		t.Errorf("PutChecklist filled in the caller's checklist: %+v", c)
	}
	if c.Items[0].Waiver.Expires.Location() != zone || c.Items[0].EvidenceExpires.Location() != zone {
		t.Errorf("PutChecklist moved the caller's times to UTC: %+v", c.Items[0])
	}
}

func ptr[T any](v T) *T { return &v }
