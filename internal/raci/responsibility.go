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
	Tenant      string `json:"tenant"`
	Key         string `json:"key"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Notes       string `json:"notes"`
	// Accountability records how many parties the document makes Accountable (the
	// letter A of every scheme): see the Accountability constants. "" reads as
	// AccountabilitySingle, for rows written before the field existed.
	Accountability Accountability `json:"accountability"`
	// Optional marks a duty the document lists as "[Optional]": the parties take it
	// on only if they choose to.
	Optional bool `json:"optional"`
	// When is a condition under which the whole duty exists ("if required"); ""
	// when it always does. An assignment's When applies to its letters only.
	When string `json:"when"`
	// Position is the row's place in its document, from 1; 0 when unset. Renderings
	// order rows by category, then position, then key (see SortRows).
	Position    int          `json:"position"`
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

// Accountability says how a row's document assigns the letter A, so that a row can be
// recorded as written even where it departs from "exactly one Accountable".
type Accountability string

// The accountabilities a row may record.
const (
	// AccountabilitySingle: exactly one party holds A without a condition. Other
	// parties may hold A under a condition ("if clients store backups locally"), at
	// most one per condition: they answer instead of it when the condition holds.
	AccountabilitySingle Accountability = "single"
	// AccountabilityShared: two or more parties hold A without a condition and answer
	// together, as the document says ("shared" duties, seed 004).
	AccountabilityShared Accountability = "shared"
	// AccountabilityUnassigned: no party holds A; the document names none (seed 003's
	// Configuration, Operations Handover and Issue Resolution rows).
	AccountabilityUnassigned Accountability = "unassigned"
)

// DefaultAccountability is the accountability of a row that records none.
const DefaultAccountability = AccountabilitySingle

// Accountabilities lists every accountability, for validators and documentation.
var Accountabilities = []Accountability{AccountabilitySingle, AccountabilityShared, AccountabilityUnassigned}

// Valid reports whether a is one of Accountabilities.
func (a Accountability) Valid() bool {
	for _, v := range Accountabilities {
		if v == a {
			return true
		}
	}
	return false
}

// IsOpen reports whether a row with this accountability leaves a point for the
// parties to settle: accountability shared, or assigned to nobody.
func (a Accountability) IsOpen() bool {
	return a == AccountabilityShared || a == AccountabilityUnassigned
}

// AccountabilityOf returns the accountability a row's letters show: unassigned with
// no A, shared with two or more parties holding A without a condition, single
// otherwise. parse_matrix records a published table's rows with it.
func AccountabilityOf(assignments []Assignment) Accountability {
	unconditional, held := 0, false
	for _, a := range assignments {
		if !a.Has(Accountable) {
			continue
		}
		held = true
		if a.When == "" {
			unconditional++
		}
	}
	switch {
	case !held:
		return AccountabilityUnassigned
	case unconditional > 1:
		return AccountabilityShared
	}
	return AccountabilitySingle
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
	if r.Accountability == "" {
		r.Accountability = DefaultAccountability
	}
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
// Accountable parties as the row's accountability records them (see
// checkAccountable), at least one Responsible (Driver in DACI), no party twice under
// the same condition. scheme is the tenant's; "" means it is not known yet
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
	ps.checkText("when", "Condition", r.When, MaxConditionLength)
	if r.Position < 0 || r.Position > MaxPosition {
		ps.add("position", "Row %s has the position %d: give its place in the document as a number from 1 to %d, or leave it unset.", row, r.Position, MaxPosition)
	}
	if r.Accountability != "" && !r.Accountability.Valid() {
		ps.add("accountability", "Row %s has the accountability %q: use %s.", row, r.Accountability, AccountabilityRule)
	}
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
		if a.doesWork(scheme) {
			doers++
		}
	}
	ps = append(ps, r.checkAccountable(row)...)
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

// AccountabilityRule lists the accountabilities for messages.
const AccountabilityRule = `"single" (one party answers; the default), "shared" (two or more answer together) or "unassigned" (the document names nobody)`

// checkAccountable checks the parties holding A against the row's accountability
// ("" is single):
//   - single: exactly one party holds A without a condition; others may hold A under
//     a condition, at most one per condition, and answer instead when it holds. A
//     row whose only A has a condition leaves open who answers otherwise: refused.
//   - shared: two or more parties hold A without a condition.
//   - unassigned: no party holds A.
//
// The problems name the row (as row says it), the parties and the accountability
// that would record the row as written.
func (r *Responsibility) checkAccountable(row string) problems {
	var ps problems
	var unconditional []string
	byCondition := map[string][]string{}
	var conditions []string
	for _, a := range r.Assignments {
		if !a.Has(Accountable) {
			continue
		}
		if a.When == "" {
			unconditional = append(unconditional, a.Party)
			continue
		}
		if _, ok := byCondition[a.When]; !ok {
			conditions = append(conditions, a.When)
		}
		byCondition[a.When] = append(byCondition[a.When], a.Party)
	}
	sort.Strings(conditions)
	accountability := r.Accountability
	if accountability == "" {
		accountability = DefaultAccountability
	}
	if accountability != AccountabilityUnassigned {
		for _, w := range conditions {
			if parties := byCondition[w]; len(parties) > 1 {
				ps.add("assignments", "Row %s gives \"A\" to %d parties under the condition %q (%s); at most one party answers "+
					"under one condition: keep \"A\" on one of them and give the others R, C or I.", row, len(parties), w, strings.Join(parties, ", "))
			}
		}
	}
	switch accountability {
	case AccountabilitySingle:
		switch {
		case len(unconditional) == 1:
		case len(unconditional) > 1:
			ps.add("assignments", "Row %s has %d Accountable parties without a condition (%s), and accountability is \"single\": "+
				"keep \"A\" on one party and give the others R, C or I (or a \"when\" under which they answer instead), "+
				"or set accountability = \"shared\" if the contract makes them answer together.",
				row, len(unconditional), strings.Join(unconditional, ", "))
		case len(conditions) > 0:
			var only []string
			for _, w := range conditions {
				for _, p := range byCondition[w] {
					only = append(only, fmt.Sprintf("%q only %q", p, w))
				}
			}
			ps.add("assignments", "Row %s has no Accountable party without a condition (%s): who answers otherwise? "+
				"Give \"A\" without a \"when\" to the party that answers when the condition does not hold, "+
				"or drop the condition if it always answers.", row, strings.Join(only, "; "))
		default:
			ps.add("assignments", "Row %s has no Accountable party, and accountability is \"single\": add \"A\" to the roles of "+
				"the party that answers for the outcome, or set accountability = \"unassigned\" if the document names none.", row)
		}
	case AccountabilityShared:
		if len(unconditional) < 2 {
			fix := "set accountability = \"unassigned\""
			if len(unconditional)+len(conditions) > 0 {
				fix = "set accountability = \"single\""
			}
			ps.add("accountability", "Row %s has accountability = \"shared\" but %s: shared needs two or more parties holding \"A\" "+
				"without a condition. Add \"A\" to each party that answers together, or %s.", row, accountableCount(unconditional), fix)
		}
	case AccountabilityUnassigned:
		if holders := append(append([]string(nil), unconditional...), conditionalHolders(conditions, byCondition)...); len(holders) > 0 {
			fix := "set accountability = \"single\""
			if len(unconditional) > 1 {
				fix = "set accountability = \"shared\""
			}
			ps.add("accountability", "Row %s has accountability = \"unassigned\" but gives \"A\" to %s: remove \"A\" if the document "+
				"names nobody, or %s.", row, strings.Join(holders, ", "), fix)
		}
	}
	return ps
}

func accountableCount(unconditional []string) string {
	switch len(unconditional) {
	case 0:
		return "no party holds \"A\" without a condition"
	default:
		return fmt.Sprintf("only %q holds \"A\" without a condition", unconditional[0])
	}
}

func conditionalHolders(conditions []string, byCondition map[string][]string) []string {
	var out []string
	for _, w := range conditions {
		for _, p := range byCondition[w] {
			out = append(out, fmt.Sprintf("%s (%s)", p, w))
		}
	}
	return out
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

// SortRows returns the rows, nil ones left out, in the order every rendering shows
// them: grouped by category, categories in the order they first appear in the
// document, and within a category by position, then key. A category first appears
// where its first row does, by that row's (position, key); rows without a position
// come after those with one, as they were added after the document.
func SortRows(rows []*Responsibility) []*Responsibility {
	out := make([]*Responsibility, 0, len(rows))
	for _, r := range rows {
		if r != nil {
			out = append(out, r)
		}
	}
	before := func(a, b *Responsibility) bool {
		if (a.Position > 0) != (b.Position > 0) {
			return a.Position > 0
		}
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return a.Key < b.Key
	}
	first := map[string]*Responsibility{} // category -> its first row
	for _, r := range out {
		if f, ok := first[r.Category]; !ok || before(r, f) {
			first[r.Category] = r
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Category != b.Category {
			fa, fb := first[a.Category], first[b.Category]
			if before(fa, fb) != before(fb, fa) {
				return before(fa, fb)
			}
			return a.Category < b.Category
		}
		if before(a, b) != before(b, a) {
			return before(a, b)
		}
		return a.Category < b.Category
	})
	return out
}
