package racitest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// EventStore is a store with an event log and the tenant revisions read from it:
// what RunEvents tests.
type EventStore interface {
	raci.Service
	raci.EventService
	raci.RevisionService
}

// RunEvents runs the suite of raci.EventService: every write appends one event, a
// refused write none, and concurrent writers lose no update. open returns a store
// with no data; it is called once per subtest, and may register cleanups on the t it
// is given.
func RunEvents(t *testing.T, open func(t *testing.T) EventStore) {
	run := func(name string, fn func(t *testing.T, s EventStore)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}

	run("Event/Tenant", testEventsTenant)
	run("Event/Party", testEventsParty)
	run("Event/Responsibility", testEventsResponsibility)
	run("Event/Checklist", testEventsChecklist)
	run("Event/ChecklistItem", testEventsChecklistItem)
	run("Event/Actor", testEventsActor)
	run("Event/RefusedWritesAppendNothing", testEventsRefusedWrites)
	run("Event/Order", testEventsOrder)
	run("Event/Paging", testEventsPaging)
	run("Event/DefaultPageSize", testEventsDefaultPageSize)
	run("Event/Object", testEventsObject)
	run("Event/Newest", testEventsNewest)
	run("Event/TenantsAreSeparate", testEventsTenantsAreSeparate)
	run("Event/OutliveTenant", testEventsOutliveTenant)
	run("Event/NextHolderOfName", testEventsNextHolderOfName)
	run("Event/Revision", testEventsRevision)

	run("Event/NoLostUpdate/WritersWithoutPrecondition", testNoLostUpdateWithoutPrecondition)
	run("Event/NoLostUpdate/WritersWithIfMatch", testNoLostUpdateIfMatch)
	run("Event/NoLostUpdate/ItemTicks", testNoLostUpdateItemTicks)
}

// Fixtures.

// actor returns the test's context naming who acts.
func actor(t *testing.T, name string) context.Context {
	return raci.WithActor(ctx(t), name)
}

func mustListEvents(t *testing.T, s EventStore, tenant string, f raci.EventFilter) []*raci.Event {
	t.Helper()
	events, err := s.ListEvents(ctx(t), tenant, f)
	if err != nil {
		t.Fatalf("ListEvents(%q, %+v): %v", tenant, f, err)
	}
	return events
}

// allEvents returns the tenant's whole log (of one object, when object is not
// empty), page by page in sequence order.
func allEvents(t *testing.T, s EventStore, tenant, object string) []*raci.Event {
	t.Helper()
	var all []*raci.Event
	var after int64
	for {
		page := mustListEvents(t, s, tenant, raci.EventFilter{After: after, Object: object})
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

// newestSeq returns the sequence number of the tenant's newest event, 0 when it
// has none.
func newestSeq(t *testing.T, s EventStore, tenant string) int64 {
	t.Helper()
	events := lastLog(t, s, tenant, raci.EventFilter{Newest: true, Limit: 1})
	if len(events) == 0 {
		return 0
	}
	return events[0].Seq
}

func mustRevision(t *testing.T, s EventStore, tenant string) int64 {
	t.Helper()
	rev, err := s.TenantRevision(ctx(t), tenant)
	if err != nil {
		t.Fatalf("TenantRevision(%q): %v", tenant, err)
	}
	return rev
}

// eventsSince returns the tenant's events after seq, in order.
func eventsSince(t *testing.T, s EventStore, tenant string, seq int64) []*raci.Event {
	t.Helper()
	return lastLog(t, s, tenant, raci.EventFilter{After: seq, Limit: raci.MaxPageSize})
}

// lastLog lists the events f asks for of the tenant that has the name now, or
// when none has, of the deleted ones: the log a tenant's last write went to.
func lastLog(t *testing.T, s EventStore, tenant string, f raci.EventFilter) []*raci.Event {
	t.Helper()
	events, err := s.ListEvents(ctx(t), tenant, f)
	if raci.ErrorCode(err) == raci.ENOTFOUND {
		f.Deleted = true
		return mustListEvents(t, s, tenant, f)
	}
	if err != nil {
		t.Fatalf("ListEvents(%q, %+v): %v", tenant, f, err)
	}
	return events
}

// decodeJSON returns JSON as generic values, nil for absent or null, so that two
// encodings of one object compare equal whatever their spacing or key order.
func decodeJSON(t *testing.T, what string, raw []byte) any {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s is not JSON: %v: %s", what, err, raw)
	}
	return v
}

// objectJSON returns the object as the log must hold it, nil when there is none.
func objectJSON(t *testing.T, obj any) any {
	t.Helper()
	if obj == nil || reflect.ValueOf(obj).IsNil() {
		return nil
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, "object", b)
}

// sameJSON fails unless got holds the same JSON as want.
func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if g, w := decodeJSON(t, what, got), decodeJSON(t, what, want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s differ:\n got %s\nwant %s", what, got, want)
	}
}

// expected is what one event must say; Before and After are the objects as Find
// returned them, nil (untyped) when absent.
type expected struct {
	Object, Action, Actor string
	Before, After         any
}

// wantEvent fails unless e records the write described by want in the tenant.
func wantEvent(t *testing.T, e *raci.Event, tenant string, want expected) {
	t.Helper()
	what := fmt.Sprintf("event %d (%s %s)", e.Seq, e.Action, e.Object)
	if e.Tenant != tenant || e.Object != want.Object || e.Action != want.Action || e.Actor != want.Actor {
		t.Errorf("%s: tenant %q object %q action %q actor %q, want %q %q %q %q",
			what, e.Tenant, e.Object, e.Action, e.Actor, tenant, want.Object, want.Action, want.Actor)
	}
	if e.Seq <= 0 {
		t.Errorf("%s: seq = %d, want a positive number", what, e.Seq)
	}
	if d := time.Since(e.At); e.At.IsZero() || d < -time.Hour || d > time.Hour {
		t.Errorf("%s: at = %v, want the time of the write", what, e.At)
	}
	if got, w := decodeJSON(t, what+" before", e.Before), objectJSON(t, want.Before); !reflect.DeepEqual(got, w) {
		t.Errorf("%s: before =\n %s\nwant\n %v", what, e.Before, w)
	}
	if got, w := decodeJSON(t, what+" after", e.After), objectJSON(t, want.After); !reflect.DeepEqual(got, w) {
		t.Errorf("%s: after =\n %s\nwant\n %v", what, e.After, w)
	}
}

// wantOneEvent fails unless the tenant's log holds exactly one event after seq, the
// one described, and returns it.
func wantOneEvent(t *testing.T, s EventStore, tenant string, seq int64, want expected) *raci.Event {
	t.Helper()
	events := eventsSince(t, s, tenant, seq)
	if len(events) != 1 {
		t.Fatalf("%s of %s appended %d events, want 1: %s", want.Action, want.Object, len(events), describeEvents(events))
	}
	wantEvent(t, events[0], tenant, want)
	return events[0]
}

func describeEvents(events []*raci.Event) string {
	out := "["
	for i, e := range events {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%d %s %s by %s", e.Seq, e.Action, e.Object, e.Actor)
	}
	return out + "]"
}

// wantChain fails unless each event's before is the previous event's after: the log
// of one object tells its whole history, no write missing.
func wantChain(t *testing.T, events []*raci.Event) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		if events[i].Seq <= events[i-1].Seq {
			t.Errorf("event %d follows event %d: sequence numbers must increase", events[i].Seq, events[i-1].Seq)
		}
		prev, cur := decodeJSON(t, "after", events[i-1].After), decodeJSON(t, "before", events[i].Before)
		if !reflect.DeepEqual(prev, cur) {
			t.Errorf("event %d's before is not event %d's after: a write is missing from the log between them\n before %s\n  after %s",
				events[i].Seq, events[i-1].Seq, events[i].Before, events[i-1].After)
		}
	}
}

// Writes, kind by kind.

func testEventsTenant(t *testing.T, s EventStore) {
	who := actor(t, "alice@example.com")
	if _, _, err := s.PutTenant(who, newTenant("acme"), raci.Precondition{}); err != nil {
		t.Fatalf("PutTenant: %v", err)
	}
	e := wantOneEvent(t, s, "acme", 0, expected{raci.TenantObject(), raci.ActionCreate, "alice@example.com", nil, mustFindTenant(t, s, "acme")})

	before := mustFindTenant(t, s, "acme")
	change := newTenant("acme")
	change.DisplayName = "Acme Corp (EU)"
	if _, _, err := s.PutTenant(actor(t, "bob@example.com"), change, raci.Precondition{IfMatch: before.Version}); err != nil {
		t.Fatalf("PutTenant (replace): %v", err)
	}
	after := mustFindTenant(t, s, "acme")
	wantOneEvent(t, s, "acme", e.Seq, expected{raci.TenantObject(), raci.ActionUpdate, "bob@example.com", before, after})

	seq := newestSeq(t, s, "acme")
	if err := s.DeleteTenant(actor(t, "carol@example.com"), "acme", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	wantOneEvent(t, s, "acme", seq, expected{raci.TenantObject(), raci.ActionDelete, "carol@example.com", after, nil})
}

func testEventsParty(t *testing.T, s EventStore) {
	mustPutTenant(t, s, newTenant("acme"))
	seq := newestSeq(t, s, "acme")

	who := actor(t, "terraform")
	if _, _, err := s.PutParty(who, newParty("acme", "vendor", raci.Vendor), raci.Precondition{}); err != nil {
		t.Fatalf("PutParty: %v", err)
	}
	created := mustFindParty(t, s, "acme", "vendor")
	e := wantOneEvent(t, s, "acme", seq, expected{raci.PartyObject("vendor"), raci.ActionCreate, "terraform", nil, created})

	change := newParty("acme", "vendor", raci.Vendor)
	change.Contacts = []string{"oncall@vendor.example"}
	if _, _, err := s.PutParty(who, change, raci.Precondition{}); err != nil {
		t.Fatalf("PutParty (replace): %v", err)
	}
	replaced := mustFindParty(t, s, "acme", "vendor")
	e = wantOneEvent(t, s, "acme", e.Seq, expected{raci.PartyObject("vendor"), raci.ActionUpdate, "terraform", created, replaced})

	if err := s.DeleteParty(who, "acme", "vendor", raci.Precondition{IfMatch: replaced.Version}); err != nil {
		t.Fatalf("DeleteParty: %v", err)
	}
	wantOneEvent(t, s, "acme", e.Seq, expected{raci.PartyObject("vendor"), raci.ActionDelete, "terraform", replaced, nil})
}

func testEventsResponsibility(t *testing.T, s EventStore) {
	setupTenant(t, s, "acme", raci.RACI)
	seq := newestSeq(t, s, "acme")

	who := actor(t, "terraform")
	if _, _, err := s.PutResponsibility(who, standardRow("acme", "backups"), raci.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatalf("PutResponsibility: %v", err)
	}
	created := mustFindRow(t, s, "acme", "backups")
	e := wantOneEvent(t, s, "acme", seq, expected{raci.ResponsibilityObject("backups"), raci.ActionCreate, "terraform", nil, created})

	// Accountability moves to the vendor: the event holds both assignments.
	change := newRow("acme", "backups",
		assign("vendor", raci.Responsible, raci.Accountable),
		assign("customer", raci.Informed),
	)
	if _, _, err := s.PutResponsibility(who, change, raci.Precondition{}); err != nil {
		t.Fatalf("PutResponsibility (replace): %v", err)
	}
	replaced := mustFindRow(t, s, "acme", "backups")
	e = wantOneEvent(t, s, "acme", e.Seq, expected{raci.ResponsibilityObject("backups"), raci.ActionUpdate, "terraform", created, replaced})

	if err := s.DeleteResponsibility(who, "acme", "backups", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteResponsibility: %v", err)
	}
	wantOneEvent(t, s, "acme", e.Seq, expected{raci.ResponsibilityObject("backups"), raci.ActionDelete, "terraform", replaced, nil})
}

func testEventsChecklist(t *testing.T, s EventStore) {
	setupTenant(t, s, "acme", raci.RACI)
	seq := newestSeq(t, s, "acme")

	who := actor(t, "terraform")
	def := newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "vendor"))
	if _, _, err := s.PutChecklist(who, def, raci.Precondition{}); err != nil {
		t.Fatalf("PutChecklist: %v", err)
	}
	created := mustFindChecklist(t, s, "acme", "infrastructure")
	e := wantOneEvent(t, s, "acme", seq, expected{raci.ChecklistObject("infrastructure"), raci.ActionCreate, "terraform", nil, created})

	def.Items = append(def.Items, newItem("firewall", "customer"))
	if _, _, err := s.PutChecklist(who, def, raci.Precondition{IfMatch: created.Version}); err != nil {
		t.Fatalf("PutChecklist (replace): %v", err)
	}
	replaced := mustFindChecklist(t, s, "acme", "infrastructure")
	e = wantOneEvent(t, s, "acme", e.Seq, expected{raci.ChecklistObject("infrastructure"), raci.ActionUpdate, "terraform", created, replaced})

	if err := s.DeleteChecklist(who, "acme", "infrastructure", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteChecklist: %v", err)
	}
	wantOneEvent(t, s, "acme", e.Seq, expected{raci.ChecklistObject("infrastructure"), raci.ActionDelete, "terraform", replaced, nil})
}

func testEventsChecklistItem(t *testing.T, s EventStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer"), newItem("tls", "vendor")))
	before := mustFindChecklist(t, s, "acme", "infrastructure")
	seq := newestSeq(t, s, "acme")

	// A person ticks an item: the event is an update of the whole checklist, by them.
	patch := raci.ItemPatch{Status: ptr(raci.Done), Evidence: ptr("https://tickets.example/1234")}
	if _, err := s.UpdateChecklistItem(actor(t, "dana@customer.example"), "acme", "infrastructure", "dns", patch, raci.Precondition{}); err != nil {
		t.Fatalf("UpdateChecklistItem: %v", err)
	}
	after := mustFindChecklist(t, s, "acme", "infrastructure")
	e := wantOneEvent(t, s, "acme", seq, expected{raci.ChecklistObject("infrastructure"), raci.ActionUpdate, "dana@customer.example", before, after})

	var was, is raci.Checklist
	if err := json.Unmarshal(e.Before, &was); err != nil {
		t.Fatalf("event before: %v", err)
	}
	if err := json.Unmarshal(e.After, &is); err != nil {
		t.Fatalf("event after: %v", err)
	}
	if was.Item("dns").Status != raci.Pending || is.Item("dns").Status != raci.Done || is.Item("dns").Evidence != *patch.Evidence {
		t.Errorf("the tick's event shows item dns going from %q to %q with evidence %q; want pending to done with the evidence",
			was.Item("dns").Status, is.Item("dns").Status, is.Item("dns").Evidence)
	}
}

func testEventsActor(t *testing.T, s EventStore) {
	// No actor in the context: the event still names one.
	mustPutTenant(t, s, newTenant("acme"))
	e := wantOneEvent(t, s, "acme", 0, expected{raci.TenantObject(), raci.ActionCreate, raci.ActorFrom(ctx(t)), nil, mustFindTenant(t, s, "acme")})
	if e.Actor != "unknown" {
		t.Errorf("actor of a write without one = %q, want %q", e.Actor, "unknown")
	}

	// Two people writing one after the other are told apart.
	for _, who := range []string{"alice@example.com", "token:ci"} {
		seq := newestSeq(t, s, "acme")
		before := mustFindTenant(t, s, "acme")
		tn := newTenant("acme")
		tn.Customer = "changed by " + who
		if _, _, err := s.PutTenant(actor(t, who), tn, raci.Precondition{}); err != nil {
			t.Fatalf("PutTenant as %s: %v", who, err)
		}
		wantOneEvent(t, s, "acme", seq, expected{raci.TenantObject(), raci.ActionUpdate, who, before, mustFindTenant(t, s, "acme")})
	}
}

// testEventsRefusedWrites makes every kind of write fail, for every kind of reason:
// none appends an event.
func testEventsRefusedWrites(t *testing.T, s EventStore) {
	tn := setupTenant(t, s, "acme", raci.RACI)
	row := mustPutRow(t, s, standardRow("acme", "backups"))
	list := mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer")))
	seq := newestSeq(t, s, "acme")
	who := actor(t, "mallory")

	badTenant := newTenant("acme")
	badTenant.DeploymentModel = "on_prem"
	daci := newTenant("acme")
	daci.Scheme = raci.DACI // the row has no Driver
	badParty := newParty("acme", "auditor", raci.Vendor)
	badParty.Kind = "regulator"
	noAccountable := newRow("acme", "network", assign("vendor", raci.Responsible))
	unknownParty := newRow("acme", "network", assign("vendor", raci.Responsible), assign("nobody", raci.Accountable))
	unknownOwner := newChecklist("acme", "security", newItem("pentest", "nobody"))
	noItemKey := newChecklist("acme", "security", newItem("", "customer"))

	writes := []struct {
		name string
		code string
		err  func() error
	}{
		{"invalid tenant", raci.EINVALID, func() error { _, _, err := s.PutTenant(who, badTenant, raci.Precondition{}); return err }},
		{"scheme change breaking a row", raci.EINVALID, func() error { _, _, err := s.PutTenant(who, daci, raci.Precondition{}); return err }},
		{"stale tenant", raci.EPRECONDITION, func() error {
			_, _, err := s.PutTenant(who, newTenant("acme"), raci.Precondition{IfMatch: tn.Version + 7})
			return err
		}},
		{"tenant exists", raci.EPRECONDITION, func() error {
			_, _, err := s.PutTenant(who, newTenant("acme"), raci.Precondition{IfNoneMatch: true})
			return err
		}},
		{"tenant with content", raci.ECONFLICT, func() error { return s.DeleteTenant(who, "acme", raci.Precondition{}) }},
		{"stale tenant delete", raci.EPRECONDITION, func() error { return s.DeleteTenant(who, "acme", raci.Precondition{IfMatch: tn.Version + 7}) }},
		{"invalid party", raci.EINVALID, func() error { _, _, err := s.PutParty(who, badParty, raci.Precondition{}); return err }},
		{"party of a missing tenant", raci.ENOTFOUND, func() error {
			_, _, err := s.PutParty(who, newParty("ghost", "vendor", raci.Vendor), raci.Precondition{})
			return err
		}},
		{"stale party", raci.EPRECONDITION, func() error {
			_, _, err := s.PutParty(who, newParty("acme", "vendor", raci.Vendor), raci.Precondition{IfMatch: 99})
			return err
		}},
		{"assigned party", raci.ECONFLICT, func() error { return s.DeleteParty(who, "acme", "vendor", raci.Precondition{}) }},
		{"missing party", raci.ENOTFOUND, func() error { return s.DeleteParty(who, "acme", "nobody", raci.Precondition{}) }},
		{"row breaking the scheme", raci.EINVALID, func() error { _, _, err := s.PutResponsibility(who, noAccountable, raci.Precondition{}); return err }},
		{"row with an unknown party", raci.EINVALID, func() error { _, _, err := s.PutResponsibility(who, unknownParty, raci.Precondition{}); return err }},
		{"stale row", raci.EPRECONDITION, func() error {
			_, _, err := s.PutResponsibility(who, standardRow("acme", "backups"), raci.Precondition{IfMatch: row.Version + 1})
			return err
		}},
		{"stale row delete", raci.EPRECONDITION, func() error {
			return s.DeleteResponsibility(who, "acme", "backups", raci.Precondition{IfMatch: row.Version + 1})
		}},
		{"missing row", raci.ENOTFOUND, func() error { return s.DeleteResponsibility(who, "acme", "nothing", raci.Precondition{}) }},
		{"invalid checklist", raci.EINVALID, func() error { _, _, err := s.PutChecklist(who, noItemKey, raci.Precondition{}); return err }},
		{"checklist with an unknown owner", raci.EINVALID, func() error { _, _, err := s.PutChecklist(who, unknownOwner, raci.Precondition{}); return err }},
		{"stale checklist", raci.EPRECONDITION, func() error {
			_, _, err := s.PutChecklist(who, newChecklist("acme", "infrastructure", newItem("dns", "customer")), raci.Precondition{IfMatch: list.Version + 1})
			return err
		}},
		{"stale checklist delete", raci.EPRECONDITION, func() error {
			return s.DeleteChecklist(who, "acme", "infrastructure", raci.Precondition{IfMatch: list.Version + 1})
		}},
		{"missing checklist", raci.ENOTFOUND, func() error { return s.DeleteChecklist(who, "acme", "nothing", raci.Precondition{}) }},
		{"missing item", raci.ENOTFOUND, func() error {
			_, err := s.UpdateChecklistItem(who, "acme", "infrastructure", "nothing", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{})
			return err
		}},
		{"invalid item status", raci.EINVALID, func() error {
			_, err := s.UpdateChecklistItem(who, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.ItemStatus("finished"))}, raci.Precondition{})
			return err
		}},
		{"stale item", raci.EPRECONDITION, func() error {
			_, err := s.UpdateChecklistItem(who, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{IfMatch: list.Version + 1})
			return err
		}},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			wantCode(t, w.err(), w.code)
			if events := eventsSince(t, s, "acme", seq); len(events) != 0 {
				t.Fatalf("a refused write appended events: %s", describeEvents(events))
			}
			if rev := mustRevision(t, s, "acme"); rev != seq {
				t.Fatalf("after a refused write the tenant's revision is %d, want %d as before", rev, seq)
			}
		})
	}
	if events := mustListEvents(t, s, "ghost", raci.EventFilter{Deleted: true}); len(events) != 0 {
		t.Errorf("a write refused for a missing tenant left events in its log: %s", describeEvents(events))
	}
}

// Reading the log.

// writeHistory makes a tenant with a known log: the tenant, its two parties, rows
// "backups" and "network", and an update of "backups", all by one actor. It returns
// the objects in the order they were written.
func writeHistory(t *testing.T, s EventStore, tenant string) []string {
	t.Helper()
	who := actor(t, "terraform")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := s.PutTenant(who, newTenant(tenant), raci.Precondition{})
	must(err)
	_, _, err = s.PutParty(who, newParty(tenant, "vendor", raci.Vendor), raci.Precondition{})
	must(err)
	_, _, err = s.PutParty(who, newParty(tenant, "customer", raci.Customer), raci.Precondition{})
	must(err)
	_, _, err = s.PutResponsibility(who, standardRow(tenant, "backups"), raci.Precondition{})
	must(err)
	_, _, err = s.PutResponsibility(who, standardRow(tenant, "network"), raci.Precondition{})
	must(err)
	changed := standardRow(tenant, "backups")
	changed.Notes = "Daily, kept for 30 days."
	_, _, err = s.PutResponsibility(who, changed, raci.Precondition{})
	must(err)
	return []string{
		raci.TenantObject(), raci.PartyObject("vendor"), raci.PartyObject("customer"),
		raci.ResponsibilityObject("backups"), raci.ResponsibilityObject("network"), raci.ResponsibilityObject("backups"),
	}
}

func objects(events []*raci.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Object
	}
	return out
}

func seqs(events []*raci.Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.Seq
	}
	return out
}

func testEventsOrder(t *testing.T, s EventStore) {
	want := writeHistory(t, s, "acme")
	events := mustListEvents(t, s, "acme", raci.EventFilter{})
	if got := objects(events); !slices.Equal(got, want) {
		t.Fatalf("log = %q, want %q in the order written", got, want)
	}
	for i := 1; i < len(events); i++ {
		if events[i].Seq <= events[i-1].Seq {
			t.Errorf("sequence numbers %v do not increase", seqs(events))
			break
		}
	}
	if got, wantActions := events[3].Action, raci.ActionCreate; got != wantActions {
		t.Errorf("first write of row backups: action %q, want %q", got, wantActions)
	}
	if got := events[5].Action; got != raci.ActionUpdate {
		t.Errorf("second write of row backups: action %q, want %q", got, raci.ActionUpdate)
	}
}

func testEventsPaging(t *testing.T, s EventStore) {
	writeHistory(t, s, "acme")
	all := mustListEvents(t, s, "acme", raci.EventFilter{})

	// Pages of two, each starting after the last one's end, read the same log.
	var paged []*raci.Event
	var after int64
	for range len(all) + 1 {
		page := mustListEvents(t, s, "acme", raci.EventFilter{After: after, Limit: 2})
		if len(page) > 2 {
			t.Fatalf("page after %d holds %d events, more than the limit 2", after, len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].Seq
	}
	if !slices.Equal(seqs(paged), seqs(all)) {
		t.Errorf("paged log = %v, want %v", seqs(paged), seqs(all))
	}

	// After is exclusive.
	from := mustListEvents(t, s, "acme", raci.EventFilter{After: all[2].Seq})
	if !slices.Equal(seqs(from), seqs(all[3:])) {
		t.Errorf("events after %d = %v, want %v", all[2].Seq, seqs(from), seqs(all[3:]))
	}
	// After the newest: nothing, not an error.
	if rest := mustListEvents(t, s, "acme", raci.EventFilter{After: all[len(all)-1].Seq}); len(rest) != 0 {
		t.Errorf("events after the newest = %v, want none", seqs(rest))
	}
}

func testEventsDefaultPageSize(t *testing.T, s EventStore) {
	mustPutTenant(t, s, newTenant("acme"))
	for i := range raci.DefaultPageSize {
		tn := newTenant("acme")
		tn.Customer = fmt.Sprintf("Acme Corp %d", i)
		mustPutTenant(t, s, tn)
	}
	const total = raci.DefaultPageSize + 1
	for _, limit := range []int{0, -1} {
		if got := mustListEvents(t, s, "acme", raci.EventFilter{Limit: limit}); len(got) != raci.DefaultPageSize {
			t.Errorf("Limit %d: %d events, want the default page size %d", limit, len(got), raci.DefaultPageSize)
		}
	}
	if got := mustListEvents(t, s, "acme", raci.EventFilter{Limit: raci.MaxPageSize + 1}); len(got) != total {
		t.Errorf("Limit %d: %d events, want all %d", raci.MaxPageSize+1, len(got), total)
	}
	if got := allEvents(t, s, "acme", ""); len(got) != total {
		t.Errorf("paging through the log read %d events, want %d", len(got), total)
	}
}

func testEventsObject(t *testing.T, s EventStore) {
	writeHistory(t, s, "acme")
	backups := mustListEvents(t, s, "acme", raci.EventFilter{Object: raci.ResponsibilityObject("backups")})
	if got := objects(backups); !slices.Equal(got, []string{raci.ResponsibilityObject("backups"), raci.ResponsibilityObject("backups")}) {
		t.Fatalf("events of row backups = %q, want its create and its update", got)
	}
	if backups[0].Action != raci.ActionCreate || backups[1].Action != raci.ActionUpdate {
		t.Errorf("events of row backups: %s, want create then update", describeEvents(backups))
	}
	wantChain(t, backups)

	after := mustListEvents(t, s, "acme", raci.EventFilter{Object: raci.ResponsibilityObject("backups"), After: backups[0].Seq})
	if !slices.Equal(seqs(after), seqs(backups[1:])) {
		t.Errorf("events of row backups after %d = %v, want %v", backups[0].Seq, seqs(after), seqs(backups[1:]))
	}
	if got := mustListEvents(t, s, "acme", raci.EventFilter{Object: raci.TenantObject()}); len(got) != 1 || got[0].Action != raci.ActionCreate {
		t.Errorf("events of the tenant = %s, want its create only", describeEvents(got))
	}
	if got := mustListEvents(t, s, "acme", raci.EventFilter{Object: raci.PartyObject("nobody")}); len(got) != 0 {
		t.Errorf("events of a party never written = %s, want none", describeEvents(got))
	}
}

func testEventsNewest(t *testing.T, s EventStore) {
	writeHistory(t, s, "acme")
	all := mustListEvents(t, s, "acme", raci.EventFilter{})

	newest := mustListEvents(t, s, "acme", raci.EventFilter{Newest: true})
	want := seqs(all)
	slices.Reverse(want)
	if !slices.Equal(seqs(newest), want) {
		t.Errorf("newest first = %v, want %v", seqs(newest), want)
	}
	if got := mustListEvents(t, s, "acme", raci.EventFilter{Newest: true, Limit: 2}); !slices.Equal(seqs(got), []int64{all[5].Seq, all[4].Seq}) {
		t.Errorf("two newest = %v, want %v", seqs(got), []int64{all[5].Seq, all[4].Seq})
	}
	// Newest ignores After, as the filter documents.
	if got := mustListEvents(t, s, "acme", raci.EventFilter{Newest: true, Limit: 1, After: all[5].Seq}); !slices.Equal(seqs(got), []int64{all[5].Seq}) {
		t.Errorf("newest with After = %v, want the newest event %d", seqs(got), all[5].Seq)
	}

	// Who last changed an object: the provider's drift warning. Someone edits the
	// row outside Terraform; the newest event of the row names them.
	before := mustFindRow(t, s, "acme", "network")
	edit := standardRow("acme", "network")
	edit.Notes = "Changed in the web page."
	if _, _, err := s.PutResponsibility(actor(t, "erin@customer.example"), edit, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	mustPutParty(t, s, newParty("acme", "auditor", raci.ThirdParty)) // a later write of another object
	last := mustListEvents(t, s, "acme", raci.EventFilter{Object: raci.ResponsibilityObject("network"), Newest: true, Limit: 1})
	if len(last) != 1 {
		t.Fatalf("newest event of row network: %d events, want 1", len(last))
	}
	wantEvent(t, last[0], "acme", expected{raci.ResponsibilityObject("network"), raci.ActionUpdate, "erin@customer.example", before, mustFindRow(t, s, "acme", "network")})
}

func testEventsTenantsAreSeparate(t *testing.T, s EventStore) {
	writeHistory(t, s, "acme")
	mustPutTenant(t, s, newTenant("globex"))
	for _, e := range allEvents(t, s, "acme", "") {
		if e.Tenant != "acme" {
			t.Errorf("acme's log holds event %d of tenant %q", e.Seq, e.Tenant)
		}
	}
	globex := mustListEvents(t, s, "globex", raci.EventFilter{})
	if len(globex) != 1 || globex[0].Tenant != "globex" || globex[0].Object != raci.TenantObject() {
		t.Errorf("globex's log = %s, want its own create only", describeEvents(globex))
	}
	// A tenant that never existed is not found, as by every other read; it has no
	// deleted history either.
	for _, f := range []raci.EventFilter{{}, {Newest: true, Limit: 1}, {Object: raci.TenantObject()}} {
		_, err := s.ListEvents(ctx(t), "never", f)
		wantCode(t, err, raci.ENOTFOUND)
	}
	if events := mustListEvents(t, s, "never", raci.EventFilter{Deleted: true}); len(events) != 0 {
		t.Errorf("deleted history of a tenant that never existed = %s, want none", describeEvents(events))
	}
}

func testEventsOutliveTenant(t *testing.T, s EventStore) {
	mustPutTenant(t, s, newTenant("acme"))
	mustPutParty(t, s, newParty("acme", "vendor", raci.Vendor))
	tn := mustFindTenant(t, s, "acme")
	if err := s.DeleteParty(ctx(t), "acme", "vendor", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTenant(actor(t, "admin"), "acme", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	_, err := s.FindTenant(ctx(t), "acme")
	wantCode(t, err, raci.ENOTFOUND)

	// The live log is gone with the tenant; the deleted history keeps it all.
	_, err = s.ListEvents(ctx(t), "acme", raci.EventFilter{})
	wantCode(t, err, raci.ENOTFOUND)
	events := mustListEvents(t, s, "acme", raci.EventFilter{Deleted: true})
	want := []string{raci.TenantObject(), raci.PartyObject("vendor"), raci.PartyObject("vendor"), raci.TenantObject()}
	if got := objects(events); !slices.Equal(got, want) {
		t.Fatalf("log of the deleted tenant = %s, want %q", describeEvents(events), want)
	}
	wantEvent(t, events[3], "acme", expected{raci.TenantObject(), raci.ActionDelete, "admin", tn, nil})
	if last := mustListEvents(t, s, "acme", raci.EventFilter{Newest: true, Limit: 1, Deleted: true}); len(last) != 1 || last[0].Seq != events[3].Seq {
		t.Errorf("newest event of the deleted tenant = %s, want its delete", describeEvents(last))
	}
}

// testEventsNextHolderOfName deletes a tenant and creates another of the same name
// (issue 19, item 5): the new tenant's log holds only its own events, whatever the
// filter; the deleted one's stay in the deleted history, which the new tenant's
// events never join.
func testEventsNextHolderOfName(t *testing.T, s EventStore) {
	writeHistory(t, s, "victim")
	old := allEvents(t, s, "victim", "")
	for _, key := range []string{"backups", "network"} {
		if err := s.DeleteResponsibility(ctx(t), "victim", key, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"vendor", "customer"} {
		if err := s.DeleteParty(ctx(t), "victim", name, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteTenant(actor(t, "admin"), "victim", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	deleted := mustListEvents(t, s, "victim", raci.EventFilter{Deleted: true, Limit: raci.MaxPageSize})
	if len(deleted) <= len(old) || deleted[len(deleted)-1].Action != raci.ActionDelete || deleted[len(deleted)-1].Object != raci.TenantObject() {
		t.Fatalf("deleted history = %s, want the %d events written and the deletes, ending with the tenant's", describeEvents(deleted), len(old))
	}

	next := newTenant("victim")
	next.DisplayName = "The next holder of the name"
	mustPutTenant(t, s, next)
	mustPutParty(t, s, newParty("victim", "newco", raci.Vendor))
	for _, f := range []raci.EventFilter{
		{}, {After: 1}, {Limit: 1}, {Newest: true}, {Newest: true, Limit: 1},
		{Object: raci.TenantObject()}, {Object: raci.TenantObject(), Newest: true},
		{Object: raci.PartyObject("vendor")}, {Object: raci.PartyObject("vendor"), Newest: true},
	} {
		for _, e := range mustListEvents(t, s, "victim", f) {
			if e.Seq <= deleted[len(deleted)-1].Seq {
				t.Errorf("ListEvents(%+v) of the new tenant holds event %d of the deleted one: %s", f, e.Seq, describeEvents([]*raci.Event{e}))
			}
		}
	}
	live := mustListEvents(t, s, "victim", raci.EventFilter{})
	if got, want := objects(live), []string{raci.TenantObject(), raci.PartyObject("newco")}; !slices.Equal(got, want) {
		t.Errorf("the new tenant's log = %s, want %q", describeEvents(live), want)
	}
	if again := mustListEvents(t, s, "victim", raci.EventFilter{Deleted: true, Limit: raci.MaxPageSize}); !slices.Equal(seqs(again), seqs(deleted)) {
		t.Errorf("deleted history after the name was taken again = %s, want %s", describeEvents(again), describeEvents(deleted))
	}
}

// No lost update.

// testNoLostUpdateWithoutPrecondition has writers replace one row at once, with no
// precondition: every write is acknowledged, the log holds each exactly once in an
// unbroken chain, and what is stored is the last write the log holds.
func testNoLostUpdateWithoutPrecondition(t *testing.T, s EventStore) {
	setupTenant(t, s, "acme", raci.RACI)
	seq := newestSeq(t, s, "acme")

	const writers, writes = 8, 5
	type ack struct {
		actor string
		row   *raci.Responsibility
	}
	acks := make(chan ack, writers*writes)
	errs := make(chan error, writers*writes)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := fmt.Sprintf("writer-%d", w)
			for i := range writes {
				r := standardRow("acme", "backups")
				r.Notes = fmt.Sprintf("%s write %d", who, i)
				stored, _, err := s.PutResponsibility(actor(t, who), r, raci.Precondition{})
				if err != nil {
					errs <- fmt.Errorf("%s write %d: %w", who, i, err)
					continue
				}
				acks <- ack{who, stored}
			}
		}()
	}
	wg.Wait()
	close(acks)
	close(errs)
	for err := range errs {
		t.Errorf("a write without precondition failed under concurrency: %v", err)
	}
	acked := map[string]ack{} // by notes, unique per write
	for a := range acks {
		acked[a.row.Notes] = a
	}
	if len(acked) != writers*writes {
		t.Fatalf("%d of %d writes acknowledged", len(acked), writers*writes)
	}

	events := eventsSince(t, s, "acme", seq)
	if len(events) != len(acked) {
		t.Fatalf("%d acknowledged writes left %d events, want one each: %s", len(acked), len(events), describeEvents(events))
	}
	wantChain(t, events)
	seen := map[string]bool{}
	for i, e := range events {
		wantAction := raci.ActionUpdate
		if i == 0 {
			wantAction = raci.ActionCreate
		}
		if e.Object != raci.ResponsibilityObject("backups") || e.Action != wantAction {
			t.Errorf("event %d: %s %s, want %s of row backups", e.Seq, e.Action, e.Object, wantAction)
		}
		var r raci.Responsibility
		if err := json.Unmarshal(e.After, &r); err != nil {
			t.Fatalf("event %d after: %v", e.Seq, err)
		}
		a, ok := acked[r.Notes]
		if !ok || seen[r.Notes] {
			t.Errorf("event %d records write %q: not acknowledged, or recorded twice", e.Seq, r.Notes)
			continue
		}
		seen[r.Notes] = true
		if e.Actor != a.actor {
			t.Errorf("event %d records %s's write %q as by %q", e.Seq, a.actor, r.Notes, e.Actor)
		}
		// The version each writer was told is the one the log records for its write.
		if r.Version != a.row.Version || r.Version != int64(i+1) {
			t.Errorf("event %d: version %d, acknowledged as %d, want %d (one per write, in log order)", e.Seq, r.Version, a.row.Version, i+1)
		}
	}

	found := mustFindRow(t, s, "acme", "backups")
	sameJSON(t, "the stored row and the log's last write", mustJSON(t, found), events[len(events)-1].After)
	if found.Version != writers*writes {
		t.Errorf("version = %d after %d writes, want %d", found.Version, writers*writes, writers*writes)
	}
}

// testNoLostUpdateIfMatch has writers replace one row at once, all with the version
// they read: one wins, the rest are told the row changed, and the log holds the
// winner's write only.
func testNoLostUpdateIfMatch(t *testing.T, s EventStore) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutRow(t, s, standardRow("acme", "backups"))
	read := mustFindRow(t, s, "acme", "backups")
	seq := newestSeq(t, s, "acme")

	const writers = 8
	type result struct {
		row  *raci.Responsibility
		code string
	}
	results := make(chan result, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := fmt.Sprintf("writer-%d", w)
			r := standardRow("acme", "backups")
			r.Notes = who
			stored, _, err := s.PutResponsibility(actor(t, who), r, raci.Precondition{IfMatch: read.Version})
			results <- result{stored, raci.ErrorCode(err)}
		}()
	}
	wg.Wait()
	close(results)
	var won []*raci.Responsibility
	lost := 0
	for r := range results {
		switch r.code {
		case "":
			won = append(won, r.row)
		case raci.EPRECONDITION:
			lost++
		default:
			t.Errorf("a write with a stale IfMatch failed with %q, want %q", r.code, raci.EPRECONDITION)
		}
	}
	if len(won) != 1 || lost != writers-1 {
		t.Fatalf("%d writers with the same IfMatch: %d succeeded and %d got %s; want exactly 1 to succeed", writers, len(won), lost, raci.EPRECONDITION)
	}

	found := mustFindRow(t, s, "acme", "backups")
	if found.Notes != won[0].Notes || found.Version != read.Version+1 {
		t.Errorf("stored row: notes %q version %d, want the winner's %q at version %d", found.Notes, found.Version, won[0].Notes, read.Version+1)
	}
	// Each writer acted under the name it wrote into the notes.
	wantOneEvent(t, s, "acme", seq, expected{raci.ResponsibilityObject("backups"), raci.ActionUpdate, won[0].Notes, read, found})
}

// testNoLostUpdateItemTicks has people tick different items of one checklist at once:
// one event per tick, in an unbroken chain, the last equal to what is stored.
func testNoLostUpdateItemTicks(t *testing.T, s EventStore) {
	setupTenant(t, s, "acme", raci.RACI)
	const people = 8
	var items []raci.ChecklistItem
	for i := range people {
		items = append(items, newItem(fmt.Sprintf("item-%d", i), "customer"))
	}
	mustPutChecklist(t, s, newChecklist("acme", "infrastructure", items...))
	seq := newestSeq(t, s, "acme")

	errs := make(chan error, people)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("item-%d", i)
			if _, err := s.UpdateChecklistItem(actor(t, "person-"+key), "acme", "infrastructure", key,
				raci.ItemPatch{Status: ptr(raci.Done)}, raci.Precondition{}); err != nil {
				errs <- fmt.Errorf("tick %s: %w", key, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a tick without precondition failed under concurrency: %v", err)
	}

	events := eventsSince(t, s, "acme", seq)
	if len(events) != people {
		t.Fatalf("%d ticks left %d events, want one each: %s", people, len(events), describeEvents(events))
	}
	wantChain(t, events)
	actors := map[string]bool{}
	for _, e := range events {
		actors[e.Actor] = true
		if e.Action != raci.ActionUpdate || e.Object != raci.ChecklistObject("infrastructure") {
			t.Errorf("event %d: %s %s, want an update of checklist infrastructure", e.Seq, e.Action, e.Object)
		}
	}
	if len(actors) != people {
		t.Errorf("the ticks' events name %d people, want %d", len(actors), people)
	}
	sameJSON(t, "the stored checklist and the log's last tick", mustJSON(t, mustFindChecklist(t, s, "acme", "infrastructure")), events[len(events)-1].After)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testEventsRevision checks that the revision moves with every kind of write to the
// tenant and with nothing else: readers cache what they read against it.
func testEventsRevision(t *testing.T, s EventStore) {
	if rev := mustRevision(t, s, "acme"); rev != 0 {
		t.Fatalf("a tenant that never existed has revision %d, want 0", rev)
	}
	rev := int64(0)
	step := func(what string, write func()) {
		t.Helper()
		write()
		got := mustRevision(t, s, "acme")
		if got <= rev {
			t.Fatalf("after %s the revision is %d, want more than %d", what, got, rev)
		}
		if seq := newestSeq(t, s, "acme"); got != seq {
			t.Fatalf("after %s the revision is %d, want the newest event's seq %d", what, got, seq)
		}
		rev = got
	}
	step("creating the tenant", func() { mustPutTenant(t, s, newTenant("acme")) })
	step("adding a party", func() { mustPutParty(t, s, newParty("acme", "vendor", raci.Vendor)) })
	step("adding another", func() { mustPutParty(t, s, newParty("acme", "customer", raci.Customer)) })
	step("adding a row", func() { mustPutRow(t, s, standardRow("acme", "backups")) })
	step("replacing the row with the same content", func() { mustPutRow(t, s, standardRow("acme", "backups")) })
	step("adding a checklist", func() {
		mustPutChecklist(t, s, newChecklist("acme", "infrastructure", newItem("dns", "customer")))
	})
	step("ticking an item", func() {
		mustUpdateItem(t, s, "acme", "infrastructure", "dns", raci.ItemPatch{Status: ptr(raci.Done)})
	})

	// Another tenant's writes leave this one's revision alone.
	setupTenant(t, s, "globex", raci.RACI)
	mustPutRow(t, s, standardRow("globex", "backups"))
	if got := mustRevision(t, s, "acme"); got != rev {
		t.Fatalf("writes to another tenant moved the revision from %d to %d", rev, got)
	}

	del := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	step("deleting the checklist", func() { del(s.DeleteChecklist(ctx(t), "acme", "infrastructure", raci.Precondition{})) })
	step("deleting the row", func() { del(s.DeleteResponsibility(ctx(t), "acme", "backups", raci.Precondition{})) })
	step("deleting a party", func() { del(s.DeleteParty(ctx(t), "acme", "vendor", raci.Precondition{})) })
	step("deleting the other", func() { del(s.DeleteParty(ctx(t), "acme", "customer", raci.Precondition{})) })
	step("deleting the tenant", func() { del(s.DeleteTenant(ctx(t), "acme", raci.Precondition{})) })
	// A tenant made again under the same name never goes back to an old revision.
	step("creating the tenant again", func() { mustPutTenant(t, s, newTenant("acme")) })
}
