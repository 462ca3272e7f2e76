package raci

// Renaming a party rewrites what names it: the assignments of rows and the owners
// and waiver approvers of checklist items. These helpers do it to one object; the
// stores call them in the transaction that renames the party.

// RenameParty gives every assignment of the party from to the party to, keeps the
// assignments in canonical order, and reports whether any changed.
func (r *Responsibility) RenameParty(from, to string) bool {
	changed := false
	for i := range r.Assignments {
		if r.Assignments[i].Party == from {
			r.Assignments[i].Party = to
			changed = true
		}
	}
	if changed {
		r.Normalize()
	}
	return changed
}

// RenameParty makes every item owned, or whose waiver is approved, by the party from
// name the party to instead, and reports whether any changed.
func (c *Checklist) RenameParty(from, to string) bool {
	changed := false
	for i := range c.Items {
		it := &c.Items[i]
		if it.Owner == from {
			it.Owner = to
			changed = true
		}
		if it.Waiver != nil && it.Waiver.ApprovedBy == from {
			it.Waiver.ApprovedBy = to
			changed = true
		}
	}
	return changed
}
