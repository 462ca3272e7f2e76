package raci

import (
	"fmt"
	"sort"
	"strings"
)

// Violation is a rule a tenant's matrix breaks as a whole. Stores refuse rows that
// break the per-row rules, so on a stored tenant only the rules that span rows
// (a party that holds nothing) and checklists find anything; a snapshot put together
// elsewhere (a parsed Markdown table) may break any of them.
type Violation struct {
	// Kind is KindViolation for a rule broken, KindOpenPoint for a point the
	// document leaves for the parties to settle.
	Kind string `json:"kind"`
	// Rule is one of the Rule constants: stable, for programs to match.
	Rule string `json:"rule"`
	// Row is the key of the row concerned, "" when the rule is not about one row.
	Row string `json:"row"`
	// Party is the name of the party concerned, "" when the rule is not about one.
	Party string `json:"party"`
	// Detail says what is wrong and what to do, for people.
	Detail string `json:"detail"`
}

// The kinds of what Violations finds.
const (
	// KindViolation: a rule is broken; fix the matrix.
	KindViolation = "violation"
	// KindOpenPoint: the matrix is recorded as its document has it, but leaves a
	// point for the parties to settle (who answers for a shared or unassigned row).
	KindOpenPoint = "open_point"
)

// The rules Violations checks.
const (
	// RuleOneAccountable: the parties holding A fit the row's accountability "single":
	// exactly one without a condition, at most one per condition.
	RuleOneAccountable = "one_accountable"
	// RuleAccountability: the row's accountability "shared" or "unassigned" fits its
	// letters (two or more unconditional A; no A).
	RuleAccountability = "accountability"
	// RuleSharedAccountability (an open point): the row's parties answer together.
	RuleSharedAccountability = "shared_accountability"
	// RuleUnassignedAccountability (an open point): nobody answers for the row.
	RuleUnassignedAccountability = "unassigned_accountability"
	// RuleDoer: every row has at least one party doing the work (R, or D in DACI).
	RuleDoer = "doer"
	// RuleUnknownParty: every assignment names a party of the tenant.
	RuleUnknownParty = "unknown_party"
	// RuleIdleParty: every party holds a letter in at least one row.
	RuleIdleParty = "idle_party"
	// RuleChecklistOwner: every checklist item is owned by a party of the tenant.
	RuleChecklistOwner = "checklist_owner"
)

// Violations returns every rule the snapshot breaks: rows whose Accountable parties
// do not fit their accountability or without a party doing the work, assignments of
// parties the tenant does not have, parties that hold nothing in any row, and
// checklist items whose owner is not a party. It also returns, as open points (Kind
// KindOpenPoint), every row recorded with accountability "shared" or "unassigned":
// the document leaves who answers for it to the parties. Row rules come first, rows
// ordered by key, then party rules, parties ordered by name, then checklist rules,
// checklists ordered by key and items in their order. Never nil.
func Violations(s *Snapshot) []Violation {
	out := []Violation{}
	if s == nil {
		return out
	}
	var scheme Scheme
	if s.Tenant != nil {
		scheme = s.Tenant.Scheme
	}
	doer := scheme.Doer()
	doerName := doer.Name()
	if scheme == "" {
		doerName = "Responsible (or Driver)"
	}

	parties := nonNil(s.Parties)
	sort.SliceStable(parties, func(i, j int) bool { return parties[i].Name < parties[j].Name })
	known := map[string]bool{}
	for _, p := range parties {
		known[p.Name] = true
	}
	holds := map[string]bool{}

	rows := nonNil(s.Responsibilities)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Key != rows[j].Key {
			return rows[i].Key < rows[j].Key
		}
		return rows[i].Category < rows[j].Category
	})
	for _, r := range rows {
		doers := 0
		unknown := map[string]bool{}
		for _, a := range r.Assignments {
			if len(a.Roles) > 0 {
				holds[a.Party] = true
			}
			if a.doesWork(scheme) {
				doers++
			}
			if !known[a.Party] {
				unknown[a.Party] = true
			}
		}
		title := rowName(r)
		accountabilityProblems := r.checkAccountable(fmt.Sprintf("%q (%s)", r.Key, title))
		for _, p := range accountabilityProblems {
			rule := RuleOneAccountable
			if p.Field == "accountability" {
				rule = RuleAccountability
			}
			out = append(out, Violation{Kind: KindViolation, Rule: rule, Row: r.Key, Detail: p.Detail})
		}
		if len(accountabilityProblems) == 0 {
			if v, ok := openPoint(r, title); ok {
				out = append(out, v)
			}
		}
		if doers == 0 {
			out = append(out, Violation{Kind: KindViolation, Rule: RuleDoer, Row: r.Key,
				Detail: fmt.Sprintf("Row %q (%s) has no %s party: give %q to the party that does the work.", r.Key, title, doerName, string(doer))})
		}
		for _, p := range sortedKeysOf(unknown) {
			out = append(out, Violation{Kind: KindViolation, Rule: RuleUnknownParty, Row: r.Key, Party: p,
				Detail: fmt.Sprintf("Row %q (%s) assigns %q, which is not a party of the tenant: create the party, or correct the name.", r.Key, title, p)})
		}
	}
	for _, p := range parties {
		if !holds[p.Name] {
			out = append(out, Violation{Kind: KindViolation, Rule: RuleIdleParty, Party: p.Name,
				Detail: fmt.Sprintf("Party %q holds no letter in any row: assign it where it takes part, or delete it.", p.Name)})
		}
	}
	checklists := nonNil(s.Checklists)
	sort.SliceStable(checklists, func(i, j int) bool { return checklists[i].Key < checklists[j].Key })
	for _, c := range checklists {
		for _, it := range c.Items {
			if !known[it.Owner] {
				out = append(out, Violation{Kind: KindViolation, Rule: RuleChecklistOwner, Party: it.Owner,
					Detail: fmt.Sprintf("Item %q of checklist %q is owned by %q, which is not a party of the tenant: create the party, or correct the owner.", it.Key, c.Key, it.Owner)})
			}
		}
	}
	return out
}

// openPoint returns the open point a shared or unassigned row leaves, if it leaves one.
func openPoint(r *Responsibility, title string) (Violation, bool) {
	switch r.Accountability {
	case AccountabilityShared:
		var parties []string
		for _, a := range r.Assignments {
			if a.When == "" && a.Has(Accountable) {
				parties = append(parties, a.Party)
			}
		}
		return Violation{Kind: KindOpenPoint, Rule: RuleSharedAccountability, Row: r.Key,
			Detail: fmt.Sprintf("Row %q (%s) is Accountable to %s together, as the document says: an open point for the parties "+
				"to settle who answers for what; once agreed, keep \"A\" on one party and set accountability = \"single\".",
				r.Key, title, strings.Join(parties, " and "))}, true
	case AccountabilityUnassigned:
		return Violation{Kind: KindOpenPoint, Rule: RuleUnassignedAccountability, Row: r.Key,
			Detail: fmt.Sprintf("Row %q (%s) names no Accountable party, as the document has it: an open point for the parties "+
				"to settle; once agreed, give \"A\" to the party that answers and set accountability = \"single\".",
				r.Key, title)}, true
	}
	return Violation{}, false
}

func sortedKeysOf(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rowName names a row for people: its title, or its key without one.
func rowName(r *Responsibility) string {
	if strings.TrimSpace(r.Title) == "" {
		return r.Key
	}
	return r.Title
}

// nonNil returns a copy of list without its nil entries, to sort without touching
// the snapshot.
func nonNil[T any](list []*T) []*T {
	out := make([]*T, 0, len(list))
	for _, v := range list {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}
