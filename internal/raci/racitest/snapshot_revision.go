package racitest

import (
	"regexp"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// installationID is the form of the id the stores create with the database.
var installationID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// testSnapshotRevision checks what a snapshot says of where it comes from: the
// tenant's revision, which moves on with every write, a deletion included (the
// OSCAL document's uuid and last-modified derive from it), and the installation
// id, the same for every tenant and every read.
func testSnapshotRevision(t *testing.T, s raci.Service) {
	if _, ok := s.(raci.SnapshotService); !ok {
		t.Skip("the service assembles snapshots from lists, without a revision")
	}
	read := func() *raci.Snapshot {
		t.Helper()
		snap, err := raci.ReadSnapshot(ctx(t), s, "acme")
		if err != nil {
			t.Fatalf("ReadSnapshot: %v", err)
		}
		return snap
	}
	setupTenant(t, s, "acme", raci.RACI)
	mustPutRow(t, s, standardRow("acme", "backups"))
	first := read()
	if first.Revision <= 0 || first.RevisedAt == nil || first.RevisedAt.IsZero() {
		t.Fatalf("snapshot revision %d at %v; want a revision and its time", first.Revision, first.RevisedAt)
	}
	if !installationID.MatchString(first.Installation) {
		t.Errorf("snapshot installation = %q, want 32 lower-case hex digits", first.Installation)
	}

	// Reads change nothing, and nor do writes to another tenant.
	setupTenant(t, s, "other", raci.RACI)
	mustPutRow(t, s, standardRow("other", "billing"))
	again := read()
	if again.Revision != first.Revision || !again.RevisedAt.Equal(*first.RevisedAt) || again.Installation != first.Installation {
		t.Errorf("a second read, with only another tenant written, says revision %d at %v of %q; the first said %d at %v of %q",
			again.Revision, again.RevisedAt, again.Installation, first.Revision, first.RevisedAt, first.Installation)
	}
	other, err := raci.ReadSnapshot(ctx(t), s, "other")
	if err != nil {
		t.Fatal(err)
	}
	if other.Installation != first.Installation {
		t.Errorf("tenants of one store have installations %q and %q; want one", first.Installation, other.Installation)
	}

	// A new row, then its deletion: each a later revision, and the deletion's
	// time is not before the row's.
	mustPutRow(t, s, standardRow("acme", "updates"))
	added := read()
	if err := s.DeleteResponsibility(ctx(t), "acme", "updates", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	deleted := read()
	if first.Revision >= added.Revision || added.Revision >= deleted.Revision {
		t.Errorf("revisions %d, %d (a row added), %d (the row deleted); want each greater than the one before",
			first.Revision, added.Revision, deleted.Revision)
	}
	if deleted.RevisedAt.Before(*added.RevisedAt) {
		t.Errorf("the deletion is dated %v, before the write it undid (%v)", deleted.RevisedAt, added.RevisedAt)
	}
	if len(deleted.Responsibilities) != len(first.Responsibilities) {
		t.Fatalf("after the deletion the snapshot has %d rows, want %d as at first", len(deleted.Responsibilities), len(first.Responsibilities))
	}
}
