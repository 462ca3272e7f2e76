package racitest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// A rename gives the party its new name with everything else it had, rewrites
// every row and checklist item that named it (and nothing else), and records one
// rename event plus one update per object rewritten, all in the same transaction.
func testPartyRename(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutParty(t, s, newParty("acme", "auditor", raci.ThirdParty))
	backups := mustPutRow(t, s, standardRow("acme", "backups"))
	// The vendor twice, under two conditions, beside the customer's A.
	network := mustPutRow(t, s, newRow("acme", "network",
		assign("customer", raci.Accountable, raci.Responsible),
		assign("vendor", raci.Consulted),
		raci.Assignment{Party: "vendor", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
	))
	untouched := mustPutRow(t, s, newRow("acme", "audit",
		assign("auditor", raci.Responsible),
		assign("customer", raci.Accountable),
	))
	infra := newChecklist("acme", "infra", newItem("dns", "vendor"), newItem("tls", "customer"))
	infra.Items[1].Status = raci.Waived
	infra.Items[1].Waiver = waiver("vendor", farFuture)
	if _, _, err := s.PutChecklist(ctx(t), infra, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	infraBefore, err := s.FindChecklist(ctx(t), "acme", "infra")
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := s.PutChecklist(ctx(t), newChecklist("acme", "other", newItem("a", "customer")), raci.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	old := mustFindParty(t, s, "acme", "vendor")
	last := lastSeq(t, s, "acme")

	renamed, err := s.RenameParty(ctx(t), "acme", "vendor", "vendor-new", raci.Precondition{IfMatch: old.Version})
	if err != nil {
		t.Fatalf("RenameParty: %v", err)
	}
	if renamed.Name != "vendor-new" || renamed.Version != old.Version+1 || renamed.DisplayName != old.DisplayName ||
		renamed.Kind != old.Kind || !slices.Equal(renamed.Contacts, old.Contacts) || !renamed.CreatedAt.Equal(old.CreatedAt) {
		t.Errorf("RenameParty returned %+v; want %+v under the name vendor-new at version %d", renamed, old, old.Version+1)
	}
	if got := mustFindParty(t, s, "acme", "vendor-new"); got.Version != renamed.Version || got.Name != "vendor-new" {
		t.Errorf("FindParty(vendor-new) = %+v, want what RenameParty returned, %+v", got, renamed)
	}
	if _, err := s.FindParty(ctx(t), "acme", "vendor"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("FindParty(vendor) after the rename: %v, want ENOTFOUND", err)
	}

	gotBackups := mustFindRow(t, s, "acme", "backups")
	wantBackups := backups.Clone()
	wantBackups.RenameParty("vendor", "vendor-new")
	if !sameAssignments(gotBackups, wantBackups) || gotBackups.Version != backups.Version+1 || gotBackups.Title != backups.Title {
		t.Errorf("row backups after the rename = %+v at version %d, want %+v at version %d", gotBackups.Assignments, gotBackups.Version, wantBackups.Assignments, backups.Version+1)
	}
	gotNetwork := mustFindRow(t, s, "acme", "network")
	if n := countParty(gotNetwork, "vendor-new"); n != 2 || countParty(gotNetwork, "vendor") != 0 || gotNetwork.Version != network.Version+1 {
		t.Errorf("row network after the rename = %+v (version %d): want both vendor assignments, conditions kept, under vendor-new at version %d",
			gotNetwork.Assignments, gotNetwork.Version, network.Version+1)
	}
	if got := mustFindRow(t, s, "acme", "audit"); got.Version != untouched.Version {
		t.Errorf("row audit, which does not assign the vendor, went from version %d to %d", untouched.Version, got.Version)
	}
	gotInfra, err := s.FindChecklist(ctx(t), "acme", "infra")
	if err != nil {
		t.Fatal(err)
	}
	if it := gotInfra.Item("dns"); it == nil || it.Owner != "vendor-new" {
		t.Errorf("item dns after the rename = %+v, want owner vendor-new", it)
	}
	if it := gotInfra.Item("tls"); it == nil || it.Owner != "customer" || it.Waiver == nil || it.Waiver.ApprovedBy != "vendor-new" || it.Status != raci.Waived {
		t.Errorf("item tls after the rename = %+v, want owner customer, still waived, approved by vendor-new", it)
	}
	// A renamed approver is no new report: who reported on the item, and when,
	// stay as they were.
	if got, was := gotInfra.Item("tls"), infraBefore.Item("tls"); got != nil && was != nil &&
		(got.UpdatedBy != was.UpdatedBy || !sameTimePtr(got.UpdatedAt, was.UpdatedAt)) {
		t.Errorf("item tls reported by %q at %v after the rename, want %q at %v as before", got.UpdatedBy, got.UpdatedAt, was.UpdatedBy, was.UpdatedAt)
	}
	if gotInfra.Version != infraBefore.Version+1 {
		t.Errorf("checklist infra version %d after the rename, want %d", gotInfra.Version, infraBefore.Version+1)
	}
	if got, err := s.FindChecklist(ctx(t), "acme", "other"); err != nil || got.Version != other.Version {
		t.Errorf("checklist other, which does not name the vendor: %v, version %d, want %d", err, got.Version, other.Version)
	}

	// The log: one update per object rewritten, then the rename.
	events, err := s.ListEvents(ctx(t), "acme", raci.EventFilter{After: last})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action+" "+e.Object)
	}
	want := []string{"update responsibility/backups", "update responsibility/network", "update checklist/infra", "rename party/vendor-new"}
	if !slices.Equal(got, want) {
		t.Fatalf("events of the rename = %q, want %q", got, want)
	}
	rename := events[len(events)-1]
	wantEvent(t, rename, "acme", expected{raci.PartyObject("vendor-new"), raci.ActionRename, rename.Actor, old, renamed})
	wantEvent(t, events[0], "acme", expected{raci.ResponsibilityObject("backups"), raci.ActionUpdate, rename.Actor, backups, gotBackups})
	for _, e := range events {
		if e.Actor != rename.Actor {
			t.Errorf("event %d names actor %q, the rename %q: one write, one actor", e.Seq, e.Actor, rename.Actor)
		}
	}

	// The old name is free again, and the new one holds what the old one did: it
	// cannot be deleted while the rows assign it.
	mustPutParty(t, s, newParty("acme", "vendor", raci.Vendor))
	if err := s.DeleteParty(ctx(t), "acme", "vendor-new", raci.Precondition{}); raci.ErrorCode(err) != raci.ECONFLICT {
		t.Errorf("DeleteParty(vendor-new) while rows assign it: %v, want ECONFLICT", err)
	}
}

// A rename is refused, and changes nothing, onto a name the tenant already has,
// onto a name that is not a slug, from a party that does not exist, and at a
// version the party no longer has.
func testPartyRenameRefused(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutRow(t, s, standardRow("acme", "backups"))
	vendor := mustFindParty(t, s, "acme", "vendor")
	last := lastSeq(t, s, "acme")

	_, err := s.RenameParty(ctx(t), "acme", "vendor", "customer", raci.Precondition{})
	if raci.ErrorCode(err) != raci.ECONFLICT {
		t.Errorf("rename onto an existing party: %v, want ECONFLICT", err)
	} else if msg := raci.ErrorMessage(err); !containsAll(msg, `"vendor"`, `"customer"`, "already has a party", "Choose another name") {
		t.Errorf("rename onto an existing party: message %q should name both parties and the fix", msg)
	}
	_, err = s.RenameParty(ctx(t), "acme", "vendor", "Not A Slug", raci.Precondition{})
	if raci.ErrorCode(err) != raci.EINVALID || len(raci.ErrorProblems(err)) == 0 || raci.ErrorProblems(err)[0].Field != "name" {
		t.Errorf("rename onto an invalid name: %v (problems %v), want EINVALID on field name", err, raci.ErrorProblems(err))
	}
	if _, err = s.RenameParty(ctx(t), "acme", "nobody", "somebody", raci.Precondition{}); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("rename of a missing party: %v, want ENOTFOUND", err)
	}
	if _, err = s.RenameParty(ctx(t), "ghost", "vendor", "somebody", raci.Precondition{}); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("rename in a missing tenant: %v, want ENOTFOUND", err)
	}
	if _, err = s.RenameParty(ctx(t), "acme", "vendor", "somebody", raci.Precondition{IfMatch: vendor.Version + 1}); raci.ErrorCode(err) != raci.EPRECONDITION {
		t.Errorf("rename at a stale version: %v, want EPRECONDITION", err)
	}
	if got := lastSeq(t, s, "acme"); got != last {
		t.Errorf("refused renames appended events: newest seq %d, was %d", got, last)
	}
	if got := mustFindRow(t, s, "acme", "backups"); countParty(got, "vendor") != 1 {
		t.Errorf("row backups after refused renames = %+v, want it to assign vendor still", got.Assignments)
	}
	if got := mustFindParty(t, s, "acme", "vendor"); got.Version != vendor.Version {
		t.Errorf("party vendor at version %d after refused renames, want %d", got.Version, vendor.Version)
	}
}

func lastSeq(t *testing.T, s raci.Service, tenant string) int64 {
	t.Helper()
	events, err := s.ListEvents(ctx(t), tenant, raci.EventFilter{Newest: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		return 0
	}
	return events[0].Seq
}

func countParty(r *raci.Responsibility, party string) int {
	n := 0
	for _, a := range r.Assignments {
		if a.Party == party {
			n++
		}
	}
	return n
}

func sameAssignments(a, b *raci.Responsibility) bool {
	if len(a.Assignments) != len(b.Assignments) {
		return false
	}
	for i := range a.Assignments {
		x, y := a.Assignments[i], b.Assignments[i]
		if x.Party != y.Party || x.Holder != y.Holder || x.When != y.When || !slices.Equal(x.Roles, y.Roles) {
			return false
		}
	}
	return true
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func sameTimePtr(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
