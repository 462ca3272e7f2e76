package raci

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ItemStatus is where a checklist item stands.
type ItemStatus string

// The statuses of a checklist item.
const (
	Pending       ItemStatus = "pending"
	Done          ItemStatus = "done"
	Failed        ItemStatus = "failed"
	Waived        ItemStatus = "waived"
	NotApplicable ItemStatus = "not_applicable"
)

// ItemStatuses lists every status.
var ItemStatuses = []ItemStatus{Pending, Done, Failed, Waived, NotApplicable}

// Valid reports whether s is a known status.
func (s ItemStatus) Valid() bool {
	for _, v := range ItemStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// Limits on checklists.
const (
	MaxChecklistItems = 200
	MaxGateLength     = 200
	MaxEvidenceLength = 2000
	// MaxItemPosition bounds an item's position, so that any numbering a document
	// uses (1, 2, 3; 10, 20, 30; 1.10 written as 110) fits every store.
	MaxItemPosition = 1_000_000_000
)

// Checklist is the readiness one party must reach before something happens, such as
// the subscriber's infrastructure checklist before the vendor deploys. Gate names
// what it gates ("deploy:production"). Items are kept in Position order; items with
// the same position keep the order they were written in (SortItems).
type Checklist struct {
	Tenant      string          `json:"tenant"`
	Key         string          `json:"key"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Gate        string          `json:"gate"`
	Items       []ChecklistItem `json:"items"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ChecklistItem is one thing to have ready. Owner is the party that must do it.
//
// Position is the item's place in its document; items with the same position keep
// the order they were written in (the provider writes them by key).
//
// Status, Evidence, EvidenceExpires and Waiver (the item's progress) belong to
// whoever sets them: in a PutChecklist, an item that leaves one of them empty keeps
// the value stored for the item with the same key (pending for a new item), so that
// a definition written by Terraform never reverts what people ticked through the API.
//
// UpdatedBy and UpdatedAt say who last changed the progress and when; stores set
// them (StampProgress) and ignore what a writer sends. Both are empty for an item
// nobody has reported on.
type ChecklistItem struct {
	Key             string     `json:"key"`
	Title           string     `json:"title"`
	Owner           string     `json:"owner"`
	Required        bool       `json:"required"`
	Due             *time.Time `json:"due,omitempty"`
	Position        int64      `json:"position"`
	Status          ItemStatus `json:"status,omitempty"`
	Evidence        string     `json:"evidence,omitempty"`
	EvidenceExpires *time.Time `json:"evidence_expires,omitempty"`
	Waiver          *Waiver    `json:"waiver,omitempty"`
	UpdatedBy       string     `json:"updated_by,omitempty"`
	UpdatedAt       *time.Time `json:"updated_at,omitempty"`
}

// Waiver lets a required item count as ready without being done, until it expires.
// ApprovedBy is a party of the tenant other than the item's owner.
type Waiver struct {
	Reason     string    `json:"reason"`
	ApprovedBy string    `json:"approved_by"`
	Expires    time.Time `json:"expires"`
}

// ItemPatch changes the people-owned fields of one item; nil fields stay as they are.
// Setting Evidence replaces EvidenceExpires too (nil clears it), since an expiry
// belongs to the evidence it came with; changing Status to anything but waived ends
// the item's waiver, unless the patch gives one.
type ItemPatch struct {
	Status          *ItemStatus `json:"status,omitempty"`
	Evidence        *string     `json:"evidence,omitempty"`
	EvidenceExpires *time.Time  `json:"evidence_expires,omitempty"`
	Waiver          *Waiver     `json:"waiver,omitempty"`
}

// Item returns the item with this key, or nil.
func (c *Checklist) Item(key string) *ChecklistItem {
	for i := range c.Items {
		if c.Items[i].Key == key {
			return &c.Items[i]
		}
	}
	return nil
}

// Normalize makes nil slices empty and times UTC, so equal checklists compare and
// serialize equal. It leaves the items in the order given, so that a problem's
// field ("items[2].owner") names the item as the writer sent it; stores sort them
// (SortItems) once they are valid.
func (c *Checklist) Normalize() {
	if c.Items == nil {
		c.Items = []ChecklistItem{}
	}
	for i := range c.Items {
		it := &c.Items[i]
		it.Due = utc(it.Due)
		it.EvidenceExpires = utc(it.EvidenceExpires)
		it.UpdatedAt = utc(it.UpdatedAt)
		if it.Waiver != nil {
			it.Waiver.Expires = it.Waiver.Expires.UTC()
		}
	}
}

// SortItems puts the items in the order they are kept and shown in: by position;
// items with the same position keep their order, so a writer that sends no
// positions keeps the order it wrote.
func (c *Checklist) SortItems() {
	sort.SliceStable(c.Items, func(i, j int) bool { return c.Items[i].Position < c.Items[j].Position })
}

// SameProgress reports whether two items report the same progress: status,
// evidence with its expiry, and waiver.
func (it ChecklistItem) SameProgress(other ChecklistItem) bool {
	return it.Status == other.Status && it.Evidence == other.Evidence &&
		sameTime(it.EvidenceExpires, other.EvidenceExpires) && sameWaiver(it.Waiver, other.Waiver)
}

// SameDefinition reports whether two items define the same thing to do: everything
// but their progress.
func (it ChecklistItem) SameDefinition(other ChecklistItem) bool {
	return it.Key == other.Key && it.Title == other.Title && it.Owner == other.Owner && it.Required == other.Required &&
		sameTime(it.Due, other.Due) && it.Position == other.Position
}

// SameDefinition reports whether two checklists define the same items in the same
// way, whatever people have reported on them.
func (c *Checklist) SameDefinition(other *Checklist) bool {
	if c.Tenant != other.Tenant || c.Key != other.Key || c.Title != other.Title || c.Description != other.Description ||
		c.Gate != other.Gate || len(c.Items) != len(other.Items) {
		return false
	}
	for i := range c.Items {
		if !c.Items[i].SameDefinition(other.Items[i]) {
			return false
		}
	}
	return true
}

// StampProgress records who changed each item's progress and when: an item whose
// progress differs from the stored item with the same key (or, for a new item,
// from a plain pending item) gets actor and now; any other keeps the stamp stored
// for it, or none. Stores call it in the transaction that writes c.
func (c *Checklist) StampProgress(stored *Checklist, actor string, now time.Time) {
	for i := range c.Items {
		it := &c.Items[i]
		before := ChecklistItem{Status: Pending}
		if stored != nil {
			if old := stored.Item(it.Key); old != nil {
				before = *old
			}
		}
		if it.SameProgress(before) {
			it.UpdatedBy, it.UpdatedAt = before.UpdatedBy, cloneTime(before.UpdatedAt)
			continue
		}
		at := now.UTC()
		it.UpdatedBy, it.UpdatedAt = actor, &at
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func sameWaiver(a, b *Waiver) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Reason == b.Reason && a.ApprovedBy == b.ApprovedBy && a.Expires.Equal(b.Expires)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// MergeStatus fills the people-owned fields that c leaves empty from stored, the
// version of the checklist held now, matching items by key; a new item starts
// pending. Stores call it inside the transaction that writes c.
func (c *Checklist) MergeStatus(stored *Checklist) {
	for i := range c.Items {
		it := &c.Items[i]
		var old *ChecklistItem
		if stored != nil {
			old = stored.Item(it.Key)
		}
		if old == nil {
			if it.Status == "" {
				it.Status = Pending
			}
			continue
		}
		if it.Status == "" {
			it.Status = old.Status
		}
		if it.Evidence == "" && it.EvidenceExpires == nil {
			it.Evidence, it.EvidenceExpires = old.Evidence, old.EvidenceExpires
		}
		if it.Waiver == nil {
			it.Waiver = old.Waiver
		}
	}
}

// Apply changes one item as the patch says, in place. A change of status to
// anything but waived ends the item's waiver, unless the patch gives one: a waiver
// is the approval of one waived state, not something to keep for the next.
func (it *ChecklistItem) Apply(p ItemPatch) {
	if p.Status != nil {
		if *p.Status != it.Status && *p.Status != Waived && p.Waiver == nil {
			it.Waiver = nil
		}
		it.Status = *p.Status
	}
	if p.Evidence != nil {
		it.Evidence = *p.Evidence
		it.EvidenceExpires = p.EvidenceExpires
	} else if p.EvidenceExpires != nil {
		it.EvidenceExpires = p.EvidenceExpires
	}
	if p.Waiver != nil {
		w := *p.Waiver
		it.Waiver = &w
	}
}

// NeedsWrite returns what applying p to the item does that takes write access to
// the tenant rather than checklist access, or "" when checklist access is enough.
// Waived and not_applicable both make an item count as ready without it being done,
// so setting either status, or a waiver, takes write: a change to waived relies on
// a waiver, given now or kept from before. Setting the status an item has already is
// no change. Moving an item off waived needs no more than checklist: Apply ends its
// waiver then, so that none is kept for a later change to rely on.
func (it ChecklistItem) NeedsWrite(p ItemPatch) string {
	changes := p.Status != nil && *p.Status != it.Status
	switch {
	case p.Waiver != nil:
		return "give it a waiver"
	case changes && *p.Status == Waived:
		return "mark it waived"
	case changes && *p.Status == NotApplicable:
		return "mark it not applicable, which lets its gate open without it"
	}
	return ""
}

// Validate checks the checklist's fields and items: slugs, a title, unique item keys,
// known statuses, and for a waived item a complete waiver. A status left empty is
// allowed here (MergeStatus fills it). That owners and approvers are parties of the
// tenant, and not the same party, is CheckParties's job.
func (c *Checklist) Validate() error {
	var ps problems
	ps.checkSlug("tenant", "Tenant name", c.Tenant)
	ps.checkSlug("key", "Checklist key", c.Key)
	if strings.TrimSpace(c.Title) == "" {
		ps.add("title", "Checklist %q has no title: give it one, e.g. \"Infrastructure Checklist\".", c.Key)
	}
	ps.checkText("title", "Title", c.Title, MaxNameLength)
	ps.checkText("description", "Description", c.Description, MaxTextLength)
	ps.checkText("gate", "Gate", c.Gate, MaxGateLength)
	if len(c.Items) > MaxChecklistItems {
		ps.add("items", "Checklist %q has %d items; at most %d are allowed.", c.Key, len(c.Items), MaxChecklistItems)
	}
	for i, it := range c.Items {
		field := fieldIndex("items", i)
		ps.checkSlug(field+".key", "Item key", it.Key)
		if strings.TrimSpace(it.Title) == "" {
			ps.add(field+".title", "Item %q of checklist %q has no title: say what must be ready, e.g. \"DNS records created\".", it.Key, c.Key)
		}
		ps.checkText(field+".title", "Title", it.Title, MaxNameLength)
		ps.checkSlug(field+".owner", "Item owner", it.Owner)
		if it.Position < 0 || it.Position > MaxItemPosition {
			ps.add(field+".position", "Item %q of checklist %q has the position %d: give a whole number from 0 to %d.", it.Key, c.Key, it.Position, MaxItemPosition)
		}
		ps.checkText(field+".evidence", "Evidence", it.Evidence, MaxEvidenceLength)
		if w := it.Waiver; w != nil {
			ps.checkText(field+".waiver.reason", "Waiver reason", w.Reason, MaxTextLength)
			ps.checkSlug(field+".waiver.approved_by", "Waiver approver", w.ApprovedBy)
		}
	}
	ps = append(ps, c.RuleProblems()...)
	return ps.err()
}

// RuleProblems returns the breaches of the rules that tie fields together: unique
// item keys, a known status, a waived item with a complete waiver approved by
// another party than the owner. Field-level checks (slugs, lengths) are Validate's.
// The provider reports these at plan time, where attribute validators already cover
// the field-level ones.
func (c *Checklist) RuleProblems() []Problem {
	var ps problems
	seen := map[string]bool{}
	for i, it := range c.Items {
		field := fieldIndex("items", i)
		if it.Key != "" && seen[it.Key] {
			ps.add(field+".key", "Checklist %q has two items with the key %q: item keys must be unique, so rename one of them.", c.Key, it.Key)
		}
		seen[it.Key] = true
		ps = append(ps, it.checkStatus(c.Key, field)...)
	}
	return ps
}

func (it ChecklistItem) checkStatus(checklist, field string) problems {
	var ps problems
	if it.Status != "" && !it.Status.Valid() {
		ps.add(field+".status", "Item %q of checklist %q has the status %q: use one of %s.", it.Key, checklist, it.Status, quotedList(ItemStatuses))
	}
	if it.Status == Waived && it.Waiver == nil {
		ps.add(field+".waiver", "Item %q of checklist %q is waived without a waiver: give a waiver with a reason, the approving party and an expiry.", it.Key, checklist)
	}
	if w := it.Waiver; w != nil {
		if strings.TrimSpace(w.Reason) == "" {
			ps.add(field+".waiver.reason", "The waiver of item %q of checklist %q has no reason: say why the item may be skipped.", it.Key, checklist)
		}
		if w.ApprovedBy != "" && w.ApprovedBy == it.Owner {
			ps.add(field+".waiver.approved_by", "Item %q of checklist %q is waived by its own owner %q: a waiver must be approved by another party of the tenant.", it.Key, checklist, it.Owner)
		}
		if w.Expires.IsZero() {
			ps.add(field+".waiver.expires", "The waiver of item %q of checklist %q has no expiry: give an RFC 3339 time, e.g. \"2027-01-31T00:00:00Z\"; waivers never last for ever.", it.Key, checklist)
		}
	}
	return ps
}

// CheckParties returns an EINVALID error naming every item owner and waiver
// approver that is not a party of the checklist's tenant, or nil.
func (c *Checklist) CheckParties(exists func(party string) bool) error {
	var ps problems
	for i, it := range c.Items {
		field := fieldIndex("items", i)
		if it.Owner != "" && !exists(it.Owner) {
			ps.add(field+".owner", "Item %q of checklist %q is owned by %q, which is not a party of tenant %q: create the party first, or correct the name.", it.Key, c.Key, it.Owner, c.Tenant)
		}
		if it.Waiver != nil && it.Waiver.ApprovedBy != "" && !exists(it.Waiver.ApprovedBy) {
			ps.add(field+".waiver.approved_by", "The waiver of item %q of checklist %q is approved by %q, which is not a party of tenant %q.", it.Key, c.Key, it.Waiver.ApprovedBy, c.Tenant)
		}
	}
	return ps.err()
}

// Reasons an item blocks readiness.
const (
	BlockPending         = "pending"
	BlockFailed          = "failed"
	BlockEvidenceExpired = "evidence expired"
	BlockWaiverExpired   = "waiver expired"
)

// Readiness says whether a checklist's gate may open, and if not, what blocks it.
type Readiness struct {
	Tenant    string    `json:"tenant"`
	Checklist string    `json:"checklist"`
	Gate      string    `json:"gate"`
	Ready     bool      `json:"ready"`
	Total     int       `json:"total"` // required items
	Done      int       `json:"done"`  // required items that do not block
	Blocking  []Blocker `json:"blocking"`
	Summary   string    `json:"summary"`
	At        time.Time `json:"at"` // the time expiries were judged against
}

// Blocker is a required item that keeps a checklist from being ready.
type Blocker struct {
	Item   string `json:"item"`
	Title  string `json:"title"`
	Owner  string `json:"owner"`
	Reason string `json:"reason"`
}

// Readiness judges the checklist at now: it is ready when every required item is
// done (with its evidence unexpired, when the evidence has an expiry), waived with an
// unexpired waiver, or not applicable. Something expires at its expiry time exactly.
// Optional items never block.
func (c *Checklist) Readiness(now time.Time) *Readiness {
	r := &Readiness{Tenant: c.Tenant, Checklist: c.Key, Gate: c.Gate, Blocking: []Blocker{}, At: now.UTC()}
	for _, it := range c.Items {
		if !it.Required {
			continue
		}
		r.Total++
		reason := it.blockReason(now)
		if reason == "" {
			r.Done++
			continue
		}
		r.Blocking = append(r.Blocking, Blocker{Item: it.Key, Title: it.Title, Owner: it.Owner, Reason: reason})
	}
	r.Ready = len(r.Blocking) == 0
	r.Summary = r.summary(c.Key)
	return r
}

func (it ChecklistItem) blockReason(now time.Time) string {
	switch it.Status {
	case Done:
		if it.EvidenceExpires != nil && !now.Before(*it.EvidenceExpires) {
			return BlockEvidenceExpired
		}
		return ""
	case Waived:
		if it.Waiver == nil || !now.Before(it.Waiver.Expires) {
			return BlockWaiverExpired
		}
		return ""
	case NotApplicable:
		return ""
	case Failed:
		return BlockFailed
	}
	return BlockPending
}

// summary is one line fit for a Terraform error_message.
func (r *Readiness) summary(key string) string {
	gate := r.Gate
	if gate == "" {
		gate = "checklist " + key
	}
	if r.Ready {
		if r.Total == 1 {
			return fmt.Sprintf("The 1 required item of checklist %s is ready: %s may proceed.", key, gate)
		}
		return fmt.Sprintf("All %d required items of checklist %s are ready: %s may proceed.", r.Total, key, gate)
	}
	parts := make([]string, len(r.Blocking))
	for i, b := range r.Blocking {
		parts[i] = fmt.Sprintf("%s (owner %s, %s)", b.Item, b.Owner, b.Reason)
	}
	verb := "block"
	if len(r.Blocking) == 1 {
		verb = "blocks"
	}
	noun := "items"
	if r.Total == 1 {
		noun = "item"
	}
	return fmt.Sprintf("%d of %d required %s %s %s: %s", len(r.Blocking), r.Total, noun, verb, gate, strings.Join(parts, ", "))
}

// ChecklistService stores the checklists of tenants.
type ChecklistService interface {
	// FindChecklist returns the checklist, or ENOTFOUND when the tenant or the
	// checklist does not exist.
	FindChecklist(ctx context.Context, tenant, key string) (*Checklist, error)

	// ListChecklists returns a page of the tenant's checklists ordered by key;
	// ENOTFOUND if the tenant does not exist.
	ListChecklists(ctx context.Context, tenant string, opts ListOptions) (*Page[*Checklist], error)

	// PutChecklist creates or replaces the checklist and returns what is stored now.
	// Items whose status, evidence or waiver are empty keep the stored values of the
	// item with the same key (MergeStatus). ENOTFOUND when the tenant does not exist;
	// EINVALID when the checklist breaks a rule or names an owner or approver that is
	// not a party of the tenant; EPRECONDITION when pre is not met.
	PutChecklist(ctx context.Context, c *Checklist, pre Precondition) (stored *Checklist, created bool, err error)

	// DeleteChecklist deletes the checklist. ENOTFOUND if it does not exist;
	// EPRECONDITION when pre.IfMatch names another version.
	DeleteChecklist(ctx context.Context, tenant, key string, pre Precondition) error

	// UpdateChecklistItem applies the patch to one item and returns the whole
	// checklist as stored now, with its new version. ENOTFOUND when the tenant, the
	// checklist or the item does not exist; EINVALID when the result breaks a rule
	// (an unknown status, a waived item without a complete waiver, an approver that
	// is not a party or is the owner); EPRECONDITION when pre is not met.
	UpdateChecklistItem(ctx context.Context, tenant, checklist, item string, patch ItemPatch, pre Precondition) (*Checklist, error)

	// ChecklistReadiness judges the checklist at the store's current time.
	// ENOTFOUND when the tenant or the checklist does not exist.
	ChecklistReadiness(ctx context.Context, tenant, key string) (*Readiness, error)
}

// CheckTimesBetween returns an EINVALID error naming every time of the checklist
// outside [earliest, latest], or nil. Stores call it with the times they can keep
// exactly: without it a far-off expiry such as the year 9999 could wrap around to
// some time in the past and silently expire a waiver.
func (c *Checklist) CheckTimesBetween(earliest, latest time.Time) error {
	var ps problems
	check := func(field, what, item string, t time.Time) {
		if t.Before(earliest) || t.After(latest) {
			ps.add(field, "The %s of item %q of checklist %q, %s, is outside the times this store keeps: give a time between %s and %s.",
				what, item, c.Key, t.Format(time.RFC3339), earliest.Format(time.DateOnly), latest.Format(time.DateOnly))
		}
	}
	for i, it := range c.Items {
		field := fieldIndex("items", i)
		if it.Due != nil {
			check(field+".due", "due time", it.Key, *it.Due)
		}
		if it.EvidenceExpires != nil {
			check(field+".evidence_expires", "evidence expiry", it.Key, *it.EvidenceExpires)
		}
		if it.Waiver != nil {
			check(field+".waiver.expires", "waiver expiry", it.Key, it.Waiver.Expires)
		}
	}
	return ps.err()
}
