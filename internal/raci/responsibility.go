package raci

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Responsibility is a row of a tenant's matrix: one task or deliverable and who is
// Responsible, Accountable, Consulted and Informed for it.
type Responsibility struct {
	Tenant      string       `json:"tenant"`
	Key         string       `json:"key"`
	Title       string       `json:"title"`
	Category    string       `json:"category"`
	Description string       `json:"description"`
	Notes       string       `json:"notes"`
	Assignments []Assignment `json:"assignments"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Assignment gives one party letters in a row. Holder names the role inside the
// party ("infrastructure engineer"); When is a condition under which the letters
// apply ("in the event that there are issues"). A party appears in two assignments of
// one row only with different conditions.
type Assignment struct {
	Party  string `json:"party"`
	Roles  []Role `json:"roles"`
	Holder string `json:"holder"`
	When   string `json:"when"`
}

// Has reports whether the assignment holds the letter.
func (a Assignment) Has(r Role) bool {
	for _, l := range a.Roles {
		if l == r {
			return true
		}
	}
	return false
}

// Normalize puts letters and assignments in canonical order, so that equal rows
// compare and serialize equal whatever order they were written in.
func (r *Responsibility) Normalize() {
	if r.Assignments == nil {
		r.Assignments = []Assignment{}
	}
	for i := range r.Assignments {
		r.Assignments[i].Roles = SortRoles(r.Assignments[i].Roles)
	}
	sort.SliceStable(r.Assignments, func(i, j int) bool {
		a, b := r.Assignments[i], r.Assignments[j]
		if a.Party != b.Party {
			return a.Party < b.Party
		}
		if a.When != b.When {
			return a.When < b.When
		}
		return a.Holder < b.Holder
	})
}

// Validate checks the row's fields and the scheme's rules: only the scheme's letters,
// exactly one Accountable, at least one Responsible (Driver in DACI), no party twice
// under the same condition. scheme is the tenant's; "" means it is not known yet
// (planning before the tenant exists), and then only what holds in every scheme is
// checked. Whether the parties exist is CheckParties's job. The error is EINVALID
// and names the row, the rule broken and the fix.
func (r *Responsibility) Validate(scheme Scheme) error {
	var ps problems
	ps.checkSlug("tenant", "Tenant name", r.Tenant)
	ps.checkSlug("key", "Responsibility key", r.Key)
	row := r.rowName()
	if strings.TrimSpace(r.Title) == "" {
		ps.add("title", "Row %s has no title: give it the task or deliverable as people say it, e.g. \"Backing Up\".", row)
	}
	ps.checkText("title", "Title", r.Title, MaxNameLength)
	ps.checkText("category", "Category", r.Category, MaxNameLength)
	ps.checkLines("description", "Description", r.Description, MaxTextLength)
	ps.checkLines("notes", "Notes", r.Notes, MaxTextLength)
	if len(r.Assignments) > MaxAssignments {
		ps.add("assignments", "Row %s has %d assignments; at most %d are allowed.", row, len(r.Assignments), MaxAssignments)
	}
	ps = append(ps, r.checkAssignments(scheme)...)
	return ps.err()
}

func (r *Responsibility) rowName() string {
	if r.Key != "" {
		return fmt.Sprintf("%q", r.Key)
	}
	return fmt.Sprintf("%q", r.Title)
}

func (r *Responsibility) checkAssignments(scheme Scheme) problems {
	var ps problems
	row := r.rowName()
	type partyWhen struct{ party, when string }
	seen := map[partyWhen]bool{}
	var accountable []string
	doers := 0
	for i, a := range r.Assignments {
		field := fieldIndex("assignments", i)
		ps.checkSlug(field+".party", "Party name", a.Party)
		ps.checkText(field+".holder", "Holder", a.Holder, MaxHolderLength)
		ps.checkText(field+".when", "Condition", a.When, MaxConditionLength)
		pw := partyWhen{a.Party, a.When}
		if seen[pw] {
			if a.When == "" {
				ps.add("assignments", "Row %s assigns party %q twice without a condition: merge the letters into one assignment, or give one of them a \"when\".", row, a.Party)
			} else {
				ps.add("assignments", "Row %s assigns party %q twice under the condition %q: merge the letters into one assignment.", row, a.Party, a.When)
			}
		}
		seen[pw] = true
		if len(a.Roles) == 0 {
			ps.add(field+".roles", "Row %s gives party %q no letters: give it at least one of %s, or remove the assignment.", row, a.Party, schemeLetters(scheme))
		}
		for _, l := range a.Roles {
			if !letterAllowed(scheme, l) {
				ps.add(field+".roles", "Row %s gives party %q the letter %q, which is not in %s: %s.", row, a.Party, l, schemeWords(scheme), letterFix(scheme, l))
			}
		}
		if a.Has(Accountable) {
			accountable = append(accountable, a.Party)
		}
		if a.doesWork(scheme) {
			doers++
		}
	}
	switch {
	case len(accountable) == 0:
		ps.add("assignments", "Row %s has no Accountable party; every row needs exactly one: add \"A\" to the roles of the party that answers for the outcome.", row)
	case len(accountable) > 1:
		ps.add("assignments", "Row %s has %d Accountable assignments (%s); every row needs exactly one: keep \"A\" on one party and give the others R, C or I.", row, len(accountable), strings.Join(accountable, ", "))
	}
	if doers == 0 {
		doer := scheme.Doer()
		if scheme == "" {
			ps.add("assignments", "Row %s has no Responsible party; every row needs at least one: add \"R\" (\"D\" in a DACI tenant) to the roles of the party that does the work.", row)
		} else {
			ps.add("assignments", "Row %s has no %s party; every row needs at least one: add %q to the roles of the party that does the work.", row, doer.Name(), string(doer))
		}
	}
	return ps
}

// doesWork reports whether the assignment holds the scheme's doer letter; with the
// scheme unknown, either doer letter counts.
func (a Assignment) doesWork(scheme Scheme) bool {
	if scheme == "" {
		return a.Has(Responsible) || a.Has(Driver)
	}
	return a.Has(scheme.Doer())
}

// CheckParties returns an EINVALID error naming every assignment whose party is not a
// party of the row's tenant, or nil. exists answers for one party name.
func (r *Responsibility) CheckParties(exists func(party string) bool) error {
	var ps problems
	reported := map[string]bool{}
	for i, a := range r.Assignments {
		if a.Party == "" || reported[a.Party] || exists(a.Party) {
			continue
		}
		reported[a.Party] = true
		ps.add(fieldIndex("assignments", i)+".party", "Row %s assigns party %q, which is not a party of tenant %q: create the party in that tenant first, or correct the name.", r.rowName(), a.Party, r.Tenant)
	}
	return ps.err()
}

func letterAllowed(scheme Scheme, l Role) bool {
	if scheme == "" {
		for _, k := range AllLetters {
			if k == l {
				return true
			}
		}
		return false
	}
	return scheme.Has(l)
}

func schemeLetters(scheme Scheme) string {
	if scheme == "" {
		return "R, A, S, C, I, D"
	}
	return scheme.lettersList()
}

func schemeWords(scheme Scheme) string {
	if scheme == "" {
		return "any supported scheme (R, A, S, C, I, D)"
	}
	return fmt.Sprintf("the tenant's %s scheme (%s)", scheme, scheme.lettersList())
}

// letterFix says what to do about a letter outside the scheme: name the scheme that
// has it, or list the letters that may be used.
func letterFix(scheme Scheme, l Role) string {
	if scheme != "" {
		for _, s := range Schemes {
			if s != scheme && s.Has(l) {
				return fmt.Sprintf("use one of %s, or set the tenant's scheme to %s", scheme.lettersList(), s)
			}
		}
	}
	return fmt.Sprintf("use one of %s", schemeLetters(scheme))
}
