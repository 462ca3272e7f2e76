package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The times a store can keep: unix nanoseconds in an int64, from 1677 to 2262.
var (
	earliestTime = time.Unix(0, math.MinInt64).UTC()
	latestTime   = time.Unix(0, math.MaxInt64).UTC()
)

// Writes are the write methods of raci.Service and raci.ChecklistService, made
// through a store's transactions. A store embeds them.
type Writes struct {
	update func(ctx context.Context, tenant string, fn func(Tx) error) error
	clock  func() time.Time
}

// NewWrites returns the writes that run through update and stamp the time clock
// returns.
//
// update runs fn in a write transaction that no other write to the tenant
// interleaves with, and commits if fn returns nil; an error of fn comes back as it
// is, or wrapped with %w. fn may run more than once (a store may retry a
// transaction the database aborted), so it sets everything it reports back on each
// run.
func NewWrites(update func(ctx context.Context, tenant string, fn func(Tx) error) error, clock func() time.Time) Writes {
	return Writes{update: update, clock: clock}
}

// now returns the time to stamp on a write.
func (w *Writes) now() time.Time { return stamp(w.clock()) }

// stamp returns t as a store keeps it, in UTC and cut to nanoseconds, so that what
// a write returns equals what a later read returns.
func stamp(t time.Time) time.Time { return time.Unix(0, t.UnixNano()).UTC() }

// PutTenant creates or replaces the tenant. A change of scheme is refused while a
// row of the tenant would break the new scheme's rules.
func (w *Writes) PutTenant(ctx context.Context, in *raci.Tenant, pre raci.Precondition) (*raci.Tenant, bool, error) {
	t := in.Clone()
	// The object's own rules need nothing stored: check them before the
	// transaction.
	t.Normalize()
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("tenant %q", t.Name)
	created := false
	err := w.update(ctx, t.Name, func(tx Tx) error {
		old, err := tx.FindTenant(ctx, t.Name)
		if err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		if old != nil && old.Scheme != t.Scheme {
			if err := checkRowsFitScheme(ctx, tx, old, t.Scheme); err != nil {
				return err
			}
		}
		now := w.now()
		t.Version, t.CreatedAt, t.UpdatedAt = version+1, now, now
		if old != nil {
			t.CreatedAt = old.CreatedAt
		}
		created = old == nil
		if err := tx.WriteTenant(ctx, t, created); err != nil {
			return fmt.Errorf("put %s: %w", what, err)
		}
		stored, err := tx.FindTenant(ctx, t.Name)
		if err != nil {
			return err
		}
		return appendEvent(ctx, w, tx, t.Name, raci.TenantObject(), old, stored)
	})
	if err != nil {
		return nil, false, err
	}
	return t, created, nil
}

// DeleteTenant deletes the tenant once it has no parties, responsibilities or
// checklists.
func (w *Writes) DeleteTenant(ctx context.Context, name string, pre raci.Precondition) error {
	what := fmt.Sprintf("tenant %q", name)
	return w.update(ctx, name, func(tx Tx) error {
		t, err := tx.FindTenant(ctx, name)
		if err != nil {
			return err
		}
		if t == nil {
			return raci.TenantNotFound(name)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, t.Version); err != nil {
			return err
		}
		parties, rows, checklists, err := tx.CountTenantContent(ctx, name)
		if err != nil {
			return fmt.Errorf("delete %s: count content: %w", what, err)
		}
		if parties > 0 || rows > 0 || checklists > 0 {
			return raci.TenantInUse(name, parties, rows, checklists)
		}
		if err := tx.DeleteTenant(ctx, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, w, tx, name, raci.TenantObject(), t, nil)
	})
}

// checkRowsFitScheme returns an EINVALID error naming every row of the tenant that
// the scheme would make invalid, or nil.
func checkRowsFitScheme(ctx context.Context, tx Tx, old *raci.Tenant, scheme raci.Scheme) error {
	rows, err := tx.ListResponsibilities(ctx, old.Name, "", -1)
	if err != nil {
		return err
	}
	var ps []raci.Problem
	for _, r := range rows {
		for _, p := range raci.ErrorProblems(r.Validate(scheme)) {
			ps = append(ps, raci.Problem{
				Field: "scheme",
				Detail: fmt.Sprintf("Changing the scheme from %s to %s would break row %q: %s Change the row first, or keep the scheme %s.",
					old.Scheme, scheme, r.Key, p.Detail, old.Scheme),
			})
		}
	}
	if len(ps) > 0 {
		return raci.Invalid(ps...)
	}
	return nil
}

// PutParty creates or replaces the party.
func (w *Writes) PutParty(ctx context.Context, in *raci.Party, pre raci.Precondition) (*raci.Party, bool, error) {
	p := in.Clone()
	// The object's own rules need nothing stored: check them before the
	// transaction.
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("party %q", p.Tenant+"/"+p.Name)
	created := false
	err := w.update(ctx, p.Tenant, func(tx Tx) error {
		if err := requireTenant(ctx, tx, p.Tenant); err != nil {
			return err
		}
		old, err := tx.FindParty(ctx, p.Tenant, p.Name)
		if err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		now := w.now()
		p.Version, p.CreatedAt, p.UpdatedAt = version+1, now, now
		if old != nil {
			p.CreatedAt = old.CreatedAt
		}
		created = old == nil
		if err := tx.WriteParty(ctx, p, created); err != nil {
			return fmt.Errorf("put %s: %w", what, err)
		}
		stored, err := tx.FindParty(ctx, p.Tenant, p.Name)
		if err != nil {
			return err
		}
		return appendEvent(ctx, w, tx, p.Tenant, raci.PartyObject(p.Name), old, stored)
	})
	if err != nil {
		return nil, false, err
	}
	return p, created, nil
}

// DeleteParty deletes the party once no row assigns it and no checklist item names
// it as owner or waiver approver.
func (w *Writes) DeleteParty(ctx context.Context, tenant, name string, pre raci.Precondition) error {
	what := fmt.Sprintf("party %q", tenant+"/"+name)
	return w.update(ctx, tenant, func(tx Tx) error {
		p, err := tx.FindParty(ctx, tenant, name)
		if err != nil {
			return err
		}
		if p == nil {
			return partyMissing(ctx, tx, tenant, name)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, p.Version); err != nil {
			return err
		}
		keys, err := tx.RowsAssigning(ctx, tenant, name)
		if err != nil {
			return err
		}
		naming, err := tx.ItemsNaming(ctx, tenant, name)
		if err != nil {
			return err
		}
		owned, approved := groupItems(naming)
		if len(keys) > 0 || len(owned) > 0 || len(approved) > 0 {
			return raci.PartyInUse(tenant, name, keys, owned, approved)
		}
		if err := tx.DeleteParty(ctx, tenant, name); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, w, tx, tenant, raci.PartyObject(name), p, nil)
	})
}

// RenameParty gives the party a new name and rewrites, in the same transaction,
// every row that assigns it and every checklist item that names it. Each object
// rewritten gets its next version and an "update" event, so its history and the
// out-of-band checks that compare versions stay truthful; the party gets one
// "rename" event, under its new name, that holds it as it was and as it is.
func (w *Writes) RenameParty(ctx context.Context, tenant, from, to string, pre raci.Precondition) (*raci.Party, error) {
	what := fmt.Sprintf("party %q", tenant+"/"+from)
	var renamed *raci.Party
	err := w.update(ctx, tenant, func(tx Tx) error {
		old, err := tx.FindParty(ctx, tenant, from)
		if err != nil {
			return err
		}
		if old == nil {
			return partyMissing(ctx, tx, tenant, from)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, old.Version); err != nil {
			return err
		}
		p := old.Clone()
		p.Name = to
		if err := p.Validate(); err != nil {
			return err
		}
		if from == to {
			renamed = old
			return nil
		}
		taken, err := tx.FindParty(ctx, tenant, to)
		if err != nil {
			return err
		}
		if taken != nil {
			return raci.PartyNameTaken(tenant, from, to)
		}
		now := w.now()
		p.Version, p.UpdatedAt = old.Version+1, now
		// The new name first, so that the rewritten rows and items can refer to it;
		// the old one last, once nothing refers to it any more.
		if err := tx.WriteParty(ctx, p, true); err != nil {
			return fmt.Errorf("rename %s: %w", what, err)
		}
		if err := w.renameInRows(ctx, tx, tenant, from, to); err != nil {
			return err
		}
		if err := w.renameInChecklists(ctx, tx, tenant, from, to); err != nil {
			return err
		}
		if err := tx.DeleteParty(ctx, tenant, from); err != nil {
			return fmt.Errorf("rename %s: %w", what, err)
		}
		stored, err := tx.FindParty(ctx, tenant, to)
		if err != nil {
			return err
		}
		renamed = stored
		return recordEvent(ctx, w, tx, tenant, raci.PartyObject(to), raci.ActionRename, old, stored)
	})
	if err != nil {
		return nil, err
	}
	return renamed, nil
}

// renameInRows rewrites the rows that assign the party from to assign to instead.
func (w *Writes) renameInRows(ctx context.Context, tx Tx, tenant, from, to string) error {
	keys, err := tx.RowsAssigning(ctx, tenant, from)
	if err != nil {
		return err
	}
	for _, key := range keys {
		old, err := tx.FindResponsibility(ctx, tenant, key)
		if err != nil {
			return err
		}
		if old == nil {
			continue
		}
		r := old.Clone()
		r.RenameParty(from, to)
		r.Version, r.UpdatedAt = old.Version+1, w.now()
		if err := tx.WriteResponsibility(ctx, r, false); err != nil {
			return fmt.Errorf("rename party %q in responsibility %q: %w", tenant+"/"+from, tenant+"/"+key, err)
		}
		stored, err := tx.FindResponsibility(ctx, tenant, key)
		if err != nil {
			return err
		}
		if err := appendEvent(ctx, w, tx, tenant, raci.ResponsibilityObject(key), old, stored); err != nil {
			return err
		}
	}
	return nil
}

// renameInChecklists rewrites the checklist items owned, or whose waivers are
// approved, by the party from to name to instead.
func (w *Writes) renameInChecklists(ctx context.Context, tx Tx, tenant, from, to string) error {
	naming, err := tx.ItemsNaming(ctx, tenant, from)
	if err != nil {
		return err
	}
	owned, approved := groupItems(naming)
	seen := map[string]bool{}
	for _, held := range append(owned, approved...) {
		if seen[held.Checklist] {
			continue
		}
		seen[held.Checklist] = true
		old, err := tx.FindChecklist(ctx, tenant, held.Checklist)
		if err != nil {
			return err
		}
		if old == nil {
			continue
		}
		// Written as it is, not through writeChecklist: a renamed waiver approver is
		// no new report, so each item keeps who last reported on it, and when.
		c := old.Clone()
		c.RenameParty(from, to)
		c.Version, c.UpdatedAt = old.Version+1, w.now()
		if err := tx.WriteChecklist(ctx, c, false); err != nil {
			return fmt.Errorf("rename party %q in checklist %q: %w", tenant+"/"+from, tenant+"/"+c.Key, err)
		}
		stored, err := tx.FindChecklist(ctx, tenant, c.Key)
		if err != nil {
			return err
		}
		if err := appendEvent(ctx, w, tx, tenant, raci.ChecklistObject(c.Key), old, stored); err != nil {
			return err
		}
	}
	return nil
}

// PutResponsibility creates or replaces the row after checking it against the
// tenant's scheme and parties, in the transaction that writes it, so that neither
// can change between the check and the commit.
func (w *Writes) PutResponsibility(ctx context.Context, in *raci.Responsibility, pre raci.Precondition) (*raci.Responsibility, bool, error) {
	r := in.Clone()
	r.Normalize()
	what := fmt.Sprintf("responsibility %q", r.Tenant+"/"+r.Key)
	created := false
	err := w.update(ctx, r.Tenant, func(tx Tx) error {
		t, err := tx.FindTenant(ctx, r.Tenant)
		if err != nil {
			return err
		}
		if t == nil {
			return raci.TenantNotFound(r.Tenant)
		}
		if err := r.Validate(t.Scheme); err != nil {
			return err
		}
		parties, err := partySet(ctx, tx, r.Tenant)
		if err != nil {
			return err
		}
		if err := r.CheckParties(parties); err != nil {
			return err
		}
		old, err := tx.FindResponsibility(ctx, r.Tenant, r.Key)
		if err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		now := w.now()
		r.Version, r.CreatedAt, r.UpdatedAt = version+1, now, now
		if old != nil {
			r.CreatedAt = old.CreatedAt
		}
		created = old == nil
		if err := tx.WriteResponsibility(ctx, r, created); err != nil {
			return fmt.Errorf("put %s: %w", what, err)
		}
		stored, err := tx.FindResponsibility(ctx, r.Tenant, r.Key)
		if err != nil {
			return err
		}
		return appendEvent(ctx, w, tx, r.Tenant, raci.ResponsibilityObject(r.Key), old, stored)
	})
	if err != nil {
		return nil, false, err
	}
	return r, created, nil
}

// DeleteResponsibility deletes the row and its assignments.
func (w *Writes) DeleteResponsibility(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	what := fmt.Sprintf("responsibility %q", tenant+"/"+key)
	return w.update(ctx, tenant, func(tx Tx) error {
		r, err := tx.FindResponsibility(ctx, tenant, key)
		if err != nil {
			return err
		}
		if r == nil {
			return responsibilityMissing(ctx, tx, tenant, key)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, r.Version); err != nil {
			return err
		}
		if err := tx.DeleteResponsibility(ctx, tenant, key); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, w, tx, tenant, raci.ResponsibilityObject(key), r, nil)
	})
}

// PutChecklist creates or replaces the checklist. Items that leave their status,
// evidence or waiver empty keep what is stored for the item with the same key,
// merged in the transaction that writes so that a tick made meanwhile, by this
// process or another, is never lost.
func (w *Writes) PutChecklist(ctx context.Context, in *raci.Checklist, pre raci.Precondition) (*raci.Checklist, bool, error) {
	given := in.Clone()
	// The object's own rules need nothing stored: check them before the
	// transaction.
	given.Normalize()
	if err := given.Validate(); err != nil {
		return nil, false, err
	}
	what := fmt.Sprintf("checklist %q", given.Tenant+"/"+given.Key)
	var c *raci.Checklist
	created := false
	err := w.update(ctx, given.Tenant, func(tx Tx) error {
		// Merge into a fresh copy on every run: a retry merges what is stored then.
		c = given.Clone()
		if err := requireTenant(ctx, tx, c.Tenant); err != nil {
			return err
		}
		old, err := tx.FindChecklist(ctx, c.Tenant, c.Key)
		if err != nil {
			return err
		}
		c.MergeStatus(old)
		// What was merged in must hold together with what was written: a status
		// of waived kept from before still needs its waiver, an owner changed to
		// the kept waiver's approver is refused.
		if err := checkChecklist(ctx, tx, c); err != nil {
			return err
		}
		var version int64
		if old != nil {
			version = old.Version
		}
		if err := raci.CheckPrecondition(pre, what, old != nil, version); err != nil {
			return err
		}
		created = old == nil
		return w.writeChecklist(ctx, tx, c, old)
	})
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// DeleteChecklist deletes the checklist and its items.
func (w *Writes) DeleteChecklist(ctx context.Context, tenant, key string, pre raci.Precondition) error {
	what := fmt.Sprintf("checklist %q", tenant+"/"+key)
	return w.update(ctx, tenant, func(tx Tx) error {
		c, err := tx.FindChecklist(ctx, tenant, key)
		if err != nil {
			return err
		}
		if c == nil {
			return checklistMissing(ctx, tx, tenant, key)
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, c.Version); err != nil {
			return err
		}
		if err := tx.DeleteChecklist(ctx, tenant, key); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		return appendEvent(ctx, w, tx, tenant, raci.ChecklistObject(key), c, nil)
	})
}

// UpdateChecklistItem applies the patch to one item and stores the whole checklist
// as a new version, so that an If-Match on the checklist sees every tick.
func (w *Writes) UpdateChecklistItem(ctx context.Context, tenant, checklist, item string, patch raci.ItemPatch, pre raci.Precondition) (*raci.Checklist, error) {
	what := fmt.Sprintf("checklist %q", tenant+"/"+checklist)
	var c *raci.Checklist
	err := w.update(ctx, tenant, func(tx Tx) error {
		old, err := tx.FindChecklist(ctx, tenant, checklist)
		if err != nil {
			return err
		}
		if old == nil {
			return checklistMissing(ctx, tx, tenant, checklist)
		}
		c = old.Clone()
		it := c.Item(item)
		if it == nil {
			keys := make([]string, len(c.Items))
			for i, it := range c.Items {
				keys[i] = it.Key
			}
			return raci.ItemNotFound(tenant, checklist, item, keys)
		}
		it.Apply(patch)
		c.Normalize()
		if err := checkChecklist(ctx, tx, c); err != nil {
			return err
		}
		if err := raci.CheckPrecondition(raci.Precondition{IfMatch: pre.IfMatch}, what, true, old.Version); err != nil {
			return err
		}
		return w.writeChecklist(ctx, tx, c, old)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkChecklist checks the checklist as it is about to be stored: its own rules,
// its times against what a store keeps, and its parties against the tenant's.
func checkChecklist(ctx context.Context, tx Tx, c *raci.Checklist) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := c.CheckTimesBetween(earliestTime, latestTime); err != nil {
		return err
	}
	parties, err := partySet(ctx, tx, c.Tenant)
	if err != nil {
		return err
	}
	return c.CheckParties(parties)
}

// partySet returns whether a party of the tenant exists, answered from one query.
func partySet(ctx context.Context, tx Tx, tenant string) (func(party string) bool, error) {
	names, err := tx.PartyNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return func(p string) bool { return set[p] }, nil
}

// groupItems returns, checklist by checklist, the items a party owns and the items
// whose waiver it approves, in the order given.
func groupItems(naming []ItemNaming) (owned, approved []raci.ChecklistItems) {
	add := func(held []raci.ChecklistItems, checklist, item string) []raci.ChecklistItems {
		if n := len(held); n > 0 && held[n-1].Checklist == checklist {
			held[n-1].Items = append(held[n-1].Items, item)
			return held
		}
		return append(held, raci.ChecklistItems{Checklist: checklist, Items: []string{item}})
	}
	for _, it := range naming {
		if it.Owns {
			owned = add(owned, it.Checklist, it.Item)
		}
		if it.Approves {
			approved = add(approved, it.Checklist, it.Item)
		}
	}
	return owned, approved
}

// writeChecklist stores c as the next version after old (nil: a new checklist),
// replacing all its items, sets c's version and times to what was stored, and
// appends the write to the event log.
func (w *Writes) writeChecklist(ctx context.Context, tx Tx, c, old *raci.Checklist) error {
	now := w.now()
	c.Version, c.CreatedAt, c.UpdatedAt = 1, now, now
	if old != nil {
		c.Version, c.CreatedAt = old.Version+1, old.CreatedAt
	}
	c.SortItems()
	c.StampProgress(old, raci.ActorFrom(ctx), now)
	if err := tx.WriteChecklist(ctx, c, old == nil); err != nil {
		return fmt.Errorf("put checklist %q: %w", c.Tenant+"/"+c.Key, err)
	}
	stored, err := tx.FindChecklist(ctx, c.Tenant, c.Key)
	if err != nil {
		return err
	}
	return appendEvent(ctx, w, tx, c.Tenant, raci.ChecklistObject(c.Key), old, stored)
}

// requireTenant returns the ENOTFOUND error of a tenant that does not exist, and
// nil for one that does.
func requireTenant(ctx context.Context, tx Tx, tenant string) error {
	ok, err := tx.TenantExists(ctx, tenant)
	if err != nil {
		return err
	}
	if !ok {
		return raci.TenantNotFound(tenant)
	}
	return nil
}

// appendEvent records a write in the transaction that makes it: before is the
// object as it was (nil when the write creates it), after as it is now (nil when
// the write deletes it). The action follows from which of the two exist. It comes
// last in the transaction, so that the event's seq orders the write after every
// earlier one to the tenant.
func appendEvent[T any](ctx context.Context, w *Writes, tx Tx, tenant, object string, before, after *T) error {
	action := raci.ActionUpdate
	switch {
	case before == nil && after == nil:
		return fmt.Errorf("event for %s of tenant %q: neither before nor after", object, tenant)
	case before == nil:
		action = raci.ActionCreate
	case after == nil:
		action = raci.ActionDelete
	}
	return recordEvent(ctx, w, tx, tenant, object, action, before, after)
}

// recordEvent appends an event with the action given.
func recordEvent[T any](ctx context.Context, w *Writes, tx Tx, tenant, object, action string, before, after *T) error {
	e := &raci.Event{At: w.now(), Actor: raci.ActorFrom(ctx), Tenant: tenant, Object: object, Action: action}
	var err error
	if e.Before, err = eventJSON(before); err != nil {
		return fmt.Errorf("event for %s of tenant %q: encode before: %w", object, tenant, err)
	}
	if e.After, err = eventJSON(after); err != nil {
		return fmt.Errorf("event for %s of tenant %q: encode after: %w", object, tenant, err)
	}
	if err := tx.AppendEvent(ctx, e); err != nil {
		return fmt.Errorf("event for %s of tenant %q: %w", object, tenant, err)
	}
	// The outbox is written in the same transaction as the change: a crash
	// between the commit and the delivery loses nothing.
	return enqueueDeliveries(ctx, tx, e, before, after)
}

// eventJSON is an object as the log keeps it: its JSON, or nil when there is none.
func eventJSON[T any](v *T) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}
