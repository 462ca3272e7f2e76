package raci

import (
	"maps"
	"slices"
	"time"
)

// Clone returns a copy of the tenant that shares nothing with it, so that a store
// can normalize or merge what it was given without changing the caller's object.
func (t *Tenant) Clone() *Tenant {
	c := *t
	c.Environments = slices.Clone(t.Environments)
	c.Labels = maps.Clone(t.Labels)
	if t.Source != nil {
		src := *t.Source
		c.Source = &src
	}
	return &c
}

// Clone returns a copy of the party that shares nothing with it.
func (p *Party) Clone() *Party {
	c := *p
	c.Contacts = slices.Clone(p.Contacts)
	return &c
}

// Clone returns a copy of the row that shares nothing with it, letters included.
func (r *Responsibility) Clone() *Responsibility {
	c := *r
	c.Assignments = slices.Clone(r.Assignments)
	for i := range c.Assignments {
		c.Assignments[i].Roles = slices.Clone(c.Assignments[i].Roles)
	}
	return &c
}

// Clone returns a copy of the checklist that shares nothing with it: items, times
// and waivers included.
func (c *Checklist) Clone() *Checklist {
	out := *c
	if c.Items != nil {
		out.Items = make([]ChecklistItem, len(c.Items))
	}
	for i, it := range c.Items {
		it.Due = cloneTime(it.Due)
		it.EvidenceExpires = cloneTime(it.EvidenceExpires)
		it.UpdatedAt = cloneTime(it.UpdatedAt)
		if it.Waiver != nil {
			w := *it.Waiver
			it.Waiver = &w
		}
		out.Items[i] = it
	}
	return &out
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := *t
	return &u
}
