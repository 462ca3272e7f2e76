package format_test

import (
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// revisionOf returns seed 003's snapshot as a store reads it: at revision rev,
// made at hour h of 5 March 2026 (after every update time in the seed), from
// installation inst, with only the rows whose keys are given (all when none).
func revisionOf(inst string, rev int64, hour int, keep ...string) *raci.Snapshot {
	s := seed003Snapshot()
	at := time.Date(2026, time.March, 5, hour, 0, 0, 0, time.UTC)
	s.Revision, s.RevisedAt, s.Installation = rev, &at, inst
	if len(keep) > 0 {
		var rows []*raci.Responsibility
		for _, r := range s.Responsibilities {
			for _, k := range keep {
				if r.Key == k {
					rows = append(rows, r)
				}
			}
		}
		s.Responsibilities = rows
	}
	return s
}

const (
	installA = "0123456789abcdef0123456789abcdef"
	installB = "fedcba9876543210fedcba9876543210"
)

// After a row is deleted, the document's last-modified moves on, not back to the
// newest update among the rows left; and its uuid is new, even when the rows left
// are exactly those of an earlier revision.
func TestOSCALRevisionAfterADeletion(t *testing.T) {
	// Revision 7 holds two rows; revision 8 adds a third; revision 9 deletes it,
	// which leaves the rows of revision 7.
	r7 := validateOSCAL(t, format.OSCAL(revisionOf(installA, 7, 10, "deployment", "monitoring")))
	r8 := validateOSCAL(t, format.OSCAL(revisionOf(installA, 8, 11, "deployment", "monitoring", "configuration")))
	r9 := validateOSCAL(t, format.OSCAL(revisionOf(installA, 9, 12, "deployment", "monitoring")))

	modified := func(doc map[string]any) string {
		return as[string](t, as[map[string]any](t, doc["metadata"])["last-modified"])
	}
	if m8, m9 := modified(r8), modified(r9); m9 <= m8 {
		t.Errorf("last-modified after the deletion = %s, want later than %s before it", m9, m8)
	}
	if got, want := modified(r9), "2026-03-05T12:00:00Z"; got != want {
		t.Errorf("last-modified after the deletion = %s, want the deletion's time %s", got, want)
	}
	uuids := map[string]string{}
	for name, doc := range map[string]map[string]any{"7": r7, "8": r8, "9": r9} {
		u := as[string](t, doc["uuid"])
		if other, ok := uuids[u]; ok {
			t.Errorf("revisions %s and %s share the document uuid %s", other, name, u)
		}
		uuids[u] = name
	}
	// One revision rendered twice is one document.
	if again := validateOSCAL(t, format.OSCAL(revisionOf(installA, 9, 12, "deployment", "monitoring"))); again["uuid"] != r9["uuid"] {
		t.Errorf("revision 9 rendered twice has uuids %v and %v", r9["uuid"], again["uuid"])
	}
}

// Two installations holding the same tenant, parties and rows give them different
// uuids; one installation gives them the same uuids in every revision.
func TestOSCALUUIDsDependOnTheInstallation(t *testing.T) {
	a := validateOSCAL(t, format.OSCAL(revisionOf(installA, 7, 10)))
	b := validateOSCAL(t, format.OSCAL(revisionOf(installB, 7, 10)))
	a2 := validateOSCAL(t, format.OSCAL(revisionOf(installA, 12, 15)))
	components := func(doc map[string]any) []string {
		var ids []string
		for _, c := range as[[]any](t, doc["components"]) {
			ids = append(ids, as[string](t, as[map[string]any](t, c)["uuid"]))
		}
		return ids
	}
	ids := func(doc map[string]any) []string {
		var out []string
		for _, u := range partyUUIDs(t, doc) {
			out = append(out, as[string](t, u))
		}
		return append(out, components(doc)...)
	}
	idsA, idsB, idsA2 := ids(a), ids(b), ids(a2)
	if len(idsA) != 2+len(seed003Snapshot().Responsibilities) {
		t.Fatalf("%d uuids of parties and components, want %d", len(idsA), 2+len(seed003Snapshot().Responsibilities))
	}
	inB := map[string]bool{}
	for _, u := range idsB {
		inB[u] = true
	}
	for i, u := range idsA {
		if inB[u] {
			t.Errorf("uuid %s is in the documents of both installations", u)
		}
		if idsA2[i] != u {
			t.Errorf("uuid %d is %s at revision 7 and %s at revision 12 of one installation", i, u, idsA2[i])
		}
	}
	if a["uuid"] == b["uuid"] {
		t.Errorf("both installations' documents have uuid %v", a["uuid"])
	}
	// The installation id itself is not in the document.
	if out := format.OSCAL(revisionOf(installA, 7, 10)); strings.Contains(out, installA) {
		t.Error("the document shows the installation id")
	}
}
