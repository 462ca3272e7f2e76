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
	// Rule is one of the Rule constants: stable, for programs to match.
	Rule string `json:"rule"`
	// Row is the key of the row concerned, "" when the rule is not about one row.
	Row string `json:"row"`
	// Party is the name of the party concerned, "" when the rule is not about one.
	Party string `json:"party"`
	// Detail says what is wrong and what to do, for people.
	Detail string `json:"detail"`
}

// The rules Violations checks.
const (
	// RuleOneAccountable: every row has exactly one Accountable party.
	RuleOneAccountable = "one_accountable"
	// RuleDoer: every row has at least one party doing the work (R, or D in DACI).
	RuleDoer = "doer"
	// RuleUnknownParty: every assignment names a party of the tenant.
	RuleUnknownParty = "unknown_party"
	// RuleIdleParty: every party holds a letter in at least one row.
	RuleIdleParty = "idle_party"
	// RuleChecklistOwner: every checklist item is owned by a party of the tenant.
	RuleChecklistOwner = "checklist_owner"
)

// Violations returns every rule the snapshot breaks: rows without exactly one
// Accountable party or without a party doing the work, assignments of parties the
// tenant does not have, parties that hold nothing in any row, and checklist items
// whose owner is not a party. Row rules come first, rows ordered by key, then party
// rules, parties ordered by name, then checklist rules, checklists ordered by key and
// items in their order. Never nil.
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
		var accountable []string
		doers := 0
		unknown := map[string]bool{}
		for _, a := range r.Assignments {
			if len(a.Roles) > 0 {
				holds[a.Party] = true
			}
			if a.Has(Accountable) {
				accountable = append(accountable, a.Party)
			}
			if a.doesWork(scheme) {
				doers++
			}
			if !known[a.Party] {
				unknown[a.Party] = true
			}
		}
		title := rowName(r)
		switch len(accountable) {
		case 1:
		case 0:
			out = append(out, Violation{Rule: RuleOneAccountable, Row: r.Key,
				Detail: fmt.Sprintf("Row %q (%s) has no Accountable party: give \"A\" to the one party that answers for the outcome.", r.Key, title)})
		default:
			out = append(out, Violation{Rule: RuleOneAccountable, Row: r.Key,
				Detail: fmt.Sprintf("Row %q (%s) has %d Accountable assignments (%s): keep \"A\" on one party.", r.Key, title, len(accountable), strings.Join(accountable, ", "))})
		}
		if doers == 0 {
			out = append(out, Violation{Rule: RuleDoer, Row: r.Key,
				Detail: fmt.Sprintf("Row %q (%s) has no %s party: give %q to the party that does the work.", r.Key, title, doerName, string(doer))})
		}
		for _, p := range sortedKeysOf(unknown) {
			out = append(out, Violation{Rule: RuleUnknownParty, Row: r.Key, Party: p,
				Detail: fmt.Sprintf("Row %q (%s) assigns %q, which is not a party of the tenant: create the party, or correct the name.", r.Key, title, p)})
		}
	}
	for _, p := range parties {
		if !holds[p.Name] {
			out = append(out, Violation{Rule: RuleIdleParty, Party: p.Name,
				Detail: fmt.Sprintf("Party %q holds no letter in any row: assign it where it takes part, or delete it.", p.Name)})
		}
	}
	checklists := nonNil(s.Checklists)
	sort.SliceStable(checklists, func(i, j int) bool { return checklists[i].Key < checklists[j].Key })
	for _, c := range checklists {
		for _, it := range c.Items {
			if !known[it.Owner] {
				out = append(out, Violation{Rule: RuleChecklistOwner, Party: it.Owner,
					Detail: fmt.Sprintf("Item %q of checklist %q is owned by %q, which is not a party of the tenant: create the party, or correct the owner.", it.Key, c.Key, it.Owner)})
			}
		}
	}
	return out
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
