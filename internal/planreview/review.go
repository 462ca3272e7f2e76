package planreview

import (
	"fmt"
	"sort"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Review is what a plan does to the RACI matrices it touches. Every list is sorted
// (tenant, then row or party, then the rest) and never nil, so that the same plan
// gives the same output.
type Review struct {
	// Tenants are the tenants the plan creates, deletes or whose scheme it changes.
	Tenants []TenantChange `json:"tenants"`
	// Rows are the rows the plan creates, updates, deletes, replaces or re-keys.
	Rows []RowChange `json:"rows"`
	// Changes are the letters each party gains or loses in those rows, and holders
	// that change.
	Changes []LetterChange `json:"changes"`
	// Renames are parties renamed: their letters stay where they were.
	Renames []Rename `json:"renames"`
	// Parties are the parties created or deleted (not renamed).
	Parties []PartyChange `json:"parties"`
	// Accountability lists the rows whose Accountable party changes.
	Accountability []AccountabilityMove `json:"accountability"`
	// Effects are what the plan does across a tenant.
	Effects []Effect `json:"effects"`
	// Violations are the rules the planned matrix breaks, for known values.
	Violations []Violation `json:"violations"`
	// Checklists are the checklist changes.
	Checklists []ChecklistChange `json:"checklists"`
	// Unknown names the values the review needs that are known only after apply.
	Unknown []Unknown `json:"unknown"`

	// schemes is each tenant's planned scheme, for rendering.
	schemes map[string]raci.Scheme
	// rowChanges holds the rows' before and after values, for the matrix view.
	rowChanges []*rowChange
}

// The actions of a row.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionReplace = "replace"
	ActionRekey   = "rekey"
)

// TenantChange is a tenant created, deleted, or whose scheme changes.
type TenantChange struct {
	Tenant     string `json:"tenant"`
	Action     string `json:"action"`
	SchemeFrom string `json:"scheme_from,omitempty"`
	SchemeTo   string `json:"scheme_to,omitempty"`
}

// RowChange is one row of a matrix the plan changes. FromRow is the key it had
// before a rekey.
type RowChange struct {
	Tenant  string `json:"tenant"`
	Row     string `json:"row"`
	Title   string `json:"title"`
	Action  string `json:"action"`
	FromRow string `json:"from_row,omitempty"`
	// FromTitle is the title before, when the plan changes it.
	FromTitle string `json:"from_title,omitempty"`
	Address   string `json:"address"`
}

// The kinds of LetterChange.
const (
	Gained        = "gained"
	Lost          = "lost"
	HolderChanged = "holder"
)

// LetterChange is one letter a party gains or loses in a row, with the holder and
// the condition of the assignment; Change "holder" keeps the letter and changes who
// holds it inside the party, from PreviousHolder to Holder.
type LetterChange struct {
	Tenant         string `json:"tenant"`
	Row            string `json:"row"`
	Title          string `json:"title"`
	Party          string `json:"party"`
	Letter         string `json:"letter"`
	When           string `json:"when"`
	Holder         string `json:"holder"`
	PreviousHolder string `json:"previous_holder,omitempty"`
	Change         string `json:"change"`
}

// Rename is a party that changes its name, and with it no one's duties.
type Rename struct {
	Tenant string `json:"tenant"`
	From   string `json:"from"`
	To     string `json:"to"`
	// Rows counts the rows that name the party.
	Rows int `json:"rows"`
}

// PartyChange is a party created or deleted.
type PartyChange struct {
	Tenant string `json:"tenant"`
	Party  string `json:"party"`
	Action string `json:"action"`
}

// AccountabilityMove is a row whose Accountable party changes: From and To are the
// parties holding A before and after, comma-separated when the row is shared, ""
// when none does.
type AccountabilityMove struct {
	Tenant string `json:"tenant"`
	Row    string `json:"row"`
	Title  string `json:"title"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// The kinds of Effect.
const (
	EffectGainsFirst     = "gains_first"
	EffectLosesLast      = "loses_last"
	EffectEndsShared     = "ends_shared"
	EffectEndsUnassigned = "ends_unassigned"
)

// Effect is what the plan does across a tenant: a party gaining its first or losing
// its last doer letter (R, D in DACI) or A, or a row ending with its accountability
// shared or unassigned. Uncertain names the rows whose assignments are known only
// after apply and could change the answer.
type Effect struct {
	Tenant    string   `json:"tenant"`
	Kind      string   `json:"kind"`
	Party     string   `json:"party,omitempty"`
	Letter    string   `json:"letter,omitempty"`
	Row       string   `json:"row,omitempty"`
	Detail    string   `json:"detail"`
	Uncertain []string `json:"uncertain,omitempty"`
}

// RuleSchemeLetter is a row holding a letter its tenant's scheme does not have (the
// other rules are raci's).
const RuleSchemeLetter = "scheme_letter"

// Violation is a rule the planned matrix breaks.
type Violation struct {
	Tenant string `json:"tenant"`
	Rule   string `json:"rule"`
	Row    string `json:"row,omitempty"`
	Party  string `json:"party,omitempty"`
	Detail string `json:"detail"`
}

// ChecklistChange is a checklist created or deleted, an item added or removed or
// changed, a gate or a managed status changed.
type ChecklistChange struct {
	Tenant    string `json:"tenant"`
	Checklist string `json:"checklist"`
	Item      string `json:"item,omitempty"`
	Change    string `json:"change"`
	From      string `json:"from,omitempty"`
	To        string `json:"to,omitempty"`
}

// Unknown is a resource whose attributes the review needs are known only after apply.
type Unknown struct {
	Address    string   `json:"address"`
	Tenant     string   `json:"tenant,omitempty"`
	Row        string   `json:"row,omitempty"`
	Attributes []string `json:"attributes"`
}

// rowChange is a row's before and after value; nil on create or delete.
type rowChange struct {
	action        string
	before, after *row
}

func (c *rowChange) tenant() string {
	if c.after != nil && c.after.tenant != "" {
		return c.after.tenant
	}
	if c.before != nil {
		return c.before.tenant
	}
	return ""
}

func (c *rowChange) key() string {
	if c.after != nil {
		if c.after.key != "" {
			return c.after.key
		}
		return "(" + c.after.address + ")"
	}
	return c.before.key
}

func (c *rowChange) title() string {
	if c.after != nil && c.after.title != "" {
		return c.after.title
	}
	if c.before != nil {
		return c.before.title
	}
	return ""
}

func (c *rowChange) address() string {
	if c.after != nil {
		return c.after.address
	}
	return c.before.address
}

func actionOf(actions []string) string {
	switch strings.Join(actions, ",") {
	case "create":
		return ActionCreate
	case "delete":
		return ActionDelete
	case "update":
		return ActionUpdate
	case "delete,create", "create,delete":
		return ActionReplace
	}
	return ""
}

// review works the plan out.
func review(p *plan) *Review {
	rv := &Review{
		Tenants: []TenantChange{}, Rows: []RowChange{}, Changes: []LetterChange{}, Renames: []Rename{},
		Parties: []PartyChange{}, Accountability: []AccountabilityMove{}, Effects: []Effect{},
		Violations: []Violation{}, Checklists: []ChecklistChange{}, Unknown: []Unknown{},
		schemes: map[string]raci.Scheme{},
	}
	prior := p.prior()

	// What the plan does, resource by resource. Planned values start from the prior
	// state; a change replaces or removes its resource's value.
	priorRows, plannedRows := map[string]*row{}, map[string]*row{}
	priorParties, plannedParties := map[string]*party{}, map[string]*party{}
	priorSchemes, plannedSchemes := map[string]string{}, map[string]string{}
	schemeUnknown, deletedTenants := map[string]bool{}, map[string]bool{}
	plannedChecklists := map[string]value{}
	touched := map[string]bool{}
	for addr, r := range prior {
		v := value{v: r.Values}
		switch r.Type {
		case "raci_responsibility":
			priorRows[addr], plannedRows[addr] = readRow(addr, v), readRow(addr, v)
		case "raci_party":
			priorParties[addr], plannedParties[addr] = readParty(v), readParty(v)
		case "raci_tenant":
			t := readTenant(v)
			priorSchemes[t.name], plannedSchemes[t.name] = t.scheme, t.scheme
		case "raci_checklist":
			plannedChecklists[addr] = v
		}
	}

	var creates, deletes []*rowChange
	var changes []*rowChange
	var partyCreates, partyDeletes []*party
	type partyRename struct{ tenant, from, to string }
	var renames []partyRename
	changesSorted := append([]resourceChange(nil), p.ResourceChanges...)
	sort.SliceStable(changesSorted, func(i, j int) bool { return changesSorted[i].Address < changesSorted[j].Address })
	for _, rc := range changesSorted {
		if rc.Mode != "managed" || !strings.HasPrefix(rc.Type, "raci_") {
			continue
		}
		action := actionOf(rc.Change.Actions)
		if action == "" {
			continue
		}
		before := value{v: rc.Change.Before}
		after := value{v: rc.Change.After, unknown: rc.Change.AfterUnknown}
		switch rc.Type {
		case "raci_tenant":
			var b, a *tenant
			if action != ActionCreate {
				b = readTenant(before)
			}
			if action != ActionDelete {
				a = readTenant(after)
				plannedSchemes[a.name] = a.scheme
				if a.schemeUnknown {
					schemeUnknown[a.name] = true
					rv.Unknown = append(rv.Unknown, Unknown{Address: rc.Address, Tenant: a.name, Attributes: []string{"scheme"}})
				}
			} else {
				delete(plannedSchemes, b.name)
				deletedTenants[b.name] = true
			}
			switch {
			case action == ActionCreate:
				rv.Tenants = append(rv.Tenants, TenantChange{Tenant: a.name, Action: action, SchemeTo: a.scheme})
				touched[a.name] = true
			case action == ActionDelete:
				rv.Tenants = append(rv.Tenants, TenantChange{Tenant: b.name, Action: action, SchemeFrom: b.scheme})
			case b.scheme != a.scheme && !a.schemeUnknown || action == ActionReplace:
				rv.Tenants = append(rv.Tenants, TenantChange{Tenant: a.name, Action: action, SchemeFrom: b.scheme, SchemeTo: a.scheme})
				touched[a.name] = true
			}
		case "raci_party":
			var b, a *party
			if action != ActionCreate {
				b = readParty(before)
			}
			if action != ActionDelete {
				a = readParty(after)
				plannedParties[rc.Address] = a
				if a.unknown {
					rv.Unknown = append(rv.Unknown, Unknown{Address: rc.Address, Tenant: a.tenant, Attributes: []string{"name"}})
				}
			} else {
				delete(plannedParties, rc.Address)
			}
			switch {
			case b != nil && a != nil && !a.unknown && b.tenant == a.tenant && b.name != a.name:
				renames = append(renames, partyRename{a.tenant, b.name, a.name})
				touched[a.tenant] = true
			case action == ActionCreate:
				partyCreates = append(partyCreates, a)
				touched[a.tenant] = true
			case action == ActionDelete:
				partyDeletes = append(partyDeletes, b)
				touched[b.tenant] = true
			case action == ActionReplace:
				partyDeletes, partyCreates = append(partyDeletes, b), append(partyCreates, a)
				touched[a.tenant], touched[b.tenant] = true, true
			}
		case "raci_responsibility":
			c := &rowChange{action: action}
			if action != ActionCreate {
				c.before = readRow(rc.Address, before)
				touched[c.before.tenant] = true
			}
			if action != ActionDelete {
				c.after = readRow(rc.Address, after)
				plannedRows[rc.Address] = c.after
				touched[c.after.tenant] = true
				if !c.after.known() {
					rv.Unknown = append(rv.Unknown, Unknown{Address: rc.Address, Tenant: c.after.tenant, Row: c.after.key, Attributes: c.after.unknown})
				}
			} else {
				delete(plannedRows, rc.Address)
			}
			if action == ActionReplace && c.before.tenant == c.after.tenant && c.before.key != c.after.key && c.after.key != "" {
				c.action = ActionRekey
			}
			switch action {
			case ActionCreate:
				creates = append(creates, c)
			case ActionDelete:
				deletes = append(deletes, c)
			default:
				changes = append(changes, c)
			}
		case "raci_checklist":
			if action == ActionDelete {
				delete(plannedChecklists, rc.Address)
			} else {
				plannedChecklists[rc.Address] = after
			}
			rv.reviewChecklist(rc.Address, action, before, after)
			if t := after.get("tenant").str(); t != "" {
				touched[t] = true
			} else if t := before.get("tenant").str(); t != "" {
				touched[t] = true
			}
		}
	}

	// A delete and a create in one tenant with the same title, or else the same
	// assignments, are one row re-keyed.
	changes = append(changes, pairRekeys(&creates, &deletes)...)
	changes = append(changes, creates...)
	changes = append(changes, deletes...)

	// A party deleted and one created in the same tenant, of the same kind and
	// display name, is a rename when the first one's letters all move to the second.
	renameOf := map[string]map[string]string{}
	addRename := func(tenant, from, to string) {
		if renameOf[tenant] == nil {
			renameOf[tenant] = map[string]string{}
		}
		renameOf[tenant][from] = to
	}
	for _, r := range renames {
		addRename(r.tenant, r.from, r.to)
	}
	createdUsed := map[*party]bool{}
	var keptDeletes []*party
	for _, d := range partyDeletes {
		var match *party
		for _, c := range partyCreates {
			if !createdUsed[c] && !c.unknown && c.tenant == d.tenant && c.kind == d.kind && c.displayName == d.displayName &&
				c.name != d.name && lettersMoveTo(priorRows, plannedRows, d.tenant, d.name, c.name) {
				match = c
				break
			}
		}
		if match == nil {
			keptDeletes = append(keptDeletes, d)
			continue
		}
		createdUsed[match] = true
		renames = append(renames, partyRename{d.tenant, d.name, match.name})
		addRename(d.tenant, d.name, match.name)
	}
	for _, r := range renames {
		n := 0
		for _, pr := range plannedRows {
			if pr.tenant == r.tenant && holdsAny(pr, r.to) {
				n++
			}
		}
		rv.Renames = append(rv.Renames, Rename{Tenant: r.tenant, From: r.from, To: r.to, Rows: n})
	}
	for _, c := range partyCreates {
		if !createdUsed[c] {
			rv.Parties = append(rv.Parties, PartyChange{Tenant: c.tenant, Party: c.name, Action: ActionCreate})
		}
	}
	for _, d := range keptDeletes {
		rv.Parties = append(rv.Parties, PartyChange{Tenant: d.tenant, Party: d.name, Action: ActionDelete})
	}

	// Rows before the plan, under the parties' new names: a rename moves nothing.
	rename := func(r *row) *row {
		if r == nil || renameOf[r.tenant] == nil {
			return r
		}
		out := *r
		out.assignments = make([]raci.Assignment, len(r.assignments))
		for i, a := range r.assignments {
			if to, ok := renameOf[r.tenant][a.Party]; ok {
				a.Party = to
			}
			out.assignments[i] = a
		}
		return &out
	}
	for _, c := range changes {
		c.before = rename(c.before)
	}
	for addr, r := range priorRows {
		priorRows[addr] = rename(r)
	}

	for t, s := range plannedSchemes {
		rv.schemes[t] = raci.Scheme(s)
	}
	for _, c := range changes {
		rv.reviewRow(c)
	}
	rv.rowChanges = changes
	for t := range touched {
		if t == "" {
			continue
		}
		if deletedTenants[t] {
			// The tenant goes, and every row with it: the rows' deletes say it all.
			continue
		}
		rv.effects(t, priorRows, plannedRows, priorSchemes[t], plannedSchemes[t])
		scheme := raci.Scheme(plannedSchemes[t])
		if schemeUnknown[t] {
			scheme = ""
		}
		rv.violations(t, scheme, plannedRows, plannedParties, plannedChecklists)
	}
	rv.sort()
	return rv
}

// pairRekeys takes out of creates and deletes the pairs that are one row re-keyed.
func pairRekeys(creates, deletes *[]*rowChange) []*rowChange {
	var out []*rowChange
	used := map[*rowChange]bool{}
	for _, same := range []func(a, b *row) bool{
		func(a, b *row) bool { return !a.known() || !b.known() || a.title != "" && a.title == b.title },
		func(a, b *row) bool { return sameAssignments(a.assignments, b.assignments) && len(a.assignments) > 0 },
	} {
		for _, d := range *deletes {
			if used[d] || !d.before.known() {
				continue
			}
			for _, c := range *creates {
				if used[c] || !c.after.known() || c.after.tenant != d.before.tenant {
					continue
				}
				if same(d.before, c.after) {
					used[c], used[d] = true, true
					out = append(out, &rowChange{action: ActionRekey, before: d.before, after: c.after})
					break
				}
			}
		}
	}
	keep := func(list []*rowChange) []*rowChange {
		var kept []*rowChange
		for _, c := range list {
			if !used[c] {
				kept = append(kept, c)
			}
		}
		return kept
	}
	*creates, *deletes = keep(*creates), keep(*deletes)
	return out
}

func sameAssignments(a, b []raci.Assignment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Party != b[i].Party || a[i].When != b[i].When || a[i].Holder != b[i].Holder || !sameRoles(a[i].Roles, b[i].Roles) {
			return false
		}
	}
	return true
}

func sameRoles(a, b []raci.Role) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func holdsAny(r *row, party string) bool {
	for _, a := range r.assignments {
		if a.Party == party && len(a.Roles) > 0 {
			return true
		}
	}
	return false
}

// lettersMoveTo reports whether every letter from holds in the tenant's rows before
// the plan is held by to in the same row after it, and from holds nothing after.
func lettersMoveTo(priorRows, plannedRows map[string]*row, tenant, from, to string) bool {
	for addr, r := range plannedRows {
		if r.tenant != tenant {
			continue
		}
		if !r.knownAssignments() || holdsAny(r, from) {
			return false
		}
		b, ok := priorRows[addr]
		if !ok {
			continue
		}
		for _, a := range b.assignments {
			if a.Party != from {
				continue
			}
			moved := false
			for _, n := range r.assignments {
				if n.Party == to && n.When == a.When && sameRoles(n.Roles, a.Roles) {
					moved = true
				}
			}
			if !moved {
				return false
			}
		}
	}
	return true
}

// letterKey is one letter of one party under one condition.
type letterKey struct {
	party, when string
	letter      raci.Role
}

func letters(r *row) map[letterKey]string {
	out := map[letterKey]string{}
	if r == nil {
		return out
	}
	for _, a := range r.assignments {
		for _, l := range a.Roles {
			out[letterKey{a.Party, a.When, l}] = a.Holder
		}
	}
	return out
}

// reviewRow lists a row change, its letters and its accountability move.
func (rv *Review) reviewRow(c *rowChange) {
	rc := RowChange{Tenant: c.tenant(), Row: c.key(), Title: c.title(), Action: c.action, Address: c.address()}
	if c.before != nil && c.after != nil && c.before.key != c.after.key {
		rc.FromRow = c.before.key
	}
	if c.before != nil && c.after != nil && !c.after.titleUnknown() && c.before.title != c.after.title {
		rc.FromTitle = c.before.title
	}
	if c.action == ActionUpdate && c.before != nil && c.after != nil && c.after.knownAssignments() &&
		sameAssignments(c.before.assignments, c.after.assignments) && c.before.title == c.after.title &&
		c.before.accountability == c.after.accountability {
		// Only a rename of a party, or an attribute the matrix does not show.
		if c.before.tenant == c.after.tenant {
			return
		}
	}
	rv.Rows = append(rv.Rows, rc)
	if c.after != nil && !c.after.knownAssignments() {
		return
	}
	before, after := letters(c.before), letters(c.after)
	if c.before != nil && c.after != nil && c.before.tenant != c.after.tenant {
		// A row moving to another tenant: its letters there are new.
		before = map[letterKey]string{}
	}
	for k, h := range after {
		prev, had := before[k]
		switch {
		case !had:
			rv.Changes = append(rv.Changes, LetterChange{Tenant: rc.Tenant, Row: rc.Row, Title: rc.Title, Party: k.party, Letter: string(k.letter), When: k.when, Holder: h, Change: Gained})
		case prev != h:
			rv.Changes = append(rv.Changes, LetterChange{Tenant: rc.Tenant, Row: rc.Row, Title: rc.Title, Party: k.party, Letter: string(k.letter), When: k.when, Holder: h, PreviousHolder: prev, Change: HolderChanged})
		}
	}
	for k, h := range before {
		if _, kept := after[k]; !kept {
			rv.Changes = append(rv.Changes, LetterChange{Tenant: rc.Tenant, Row: rc.Row, Title: rc.Title, Party: k.party, Letter: string(k.letter), When: k.when, Holder: h, Change: Lost})
		}
	}
	if c.before != nil && c.after != nil && c.before.tenant == c.after.tenant {
		from, to := accountable(c.before), accountable(c.after)
		if from != to {
			rv.Accountability = append(rv.Accountability, AccountabilityMove{Tenant: rc.Tenant, Row: rc.Row, Title: rc.Title, From: from, To: to})
		}
	}
	if c.after != nil {
		as := accountableParties(c.after)
		switch raci.Accountability(c.after.accountability) {
		case raci.AccountabilityShared:
			rv.Effects = append(rv.Effects, Effect{Tenant: rc.Tenant, Kind: EffectEndsShared, Row: rc.Row,
				Detail: fmt.Sprintf("Row %q (%s) ends with its accountability shared by %s.", rc.Row, rc.Title, orNone(as))})
		case raci.AccountabilityUnassigned:
			rv.Effects = append(rv.Effects, Effect{Tenant: rc.Tenant, Kind: EffectEndsUnassigned, Row: rc.Row,
				Detail: fmt.Sprintf("Row %q (%s) ends with no Accountable party.", rc.Row, rc.Title)})
		}
	}
}

func orNone(parties []string) string {
	if len(parties) == 0 {
		return "no party"
	}
	return strings.Join(parties, ", ")
}

// accountableParties returns, sorted, the parties that answer for the row: those
// holding A without a condition (a party holding A under a condition answers
// instead of them only when it holds).
func accountableParties(r *row) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range r.assignments {
		if a.When == "" && a.Has(raci.Accountable) && !seen[a.Party] {
			seen[a.Party] = true
			out = append(out, a.Party)
		}
	}
	sort.Strings(out)
	return out
}

func accountable(r *row) string { return strings.Join(accountableParties(r), ", ") }

// effects finds the parties of a tenant that gain their first or lose their last
// doer letter or A, comparing every row of the tenant before and after the plan.
func (rv *Review) effects(tenant string, priorRows, plannedRows map[string]*row, priorScheme, plannedScheme string) {
	holders := func(rows map[string]*row, scheme raci.Scheme, letter raci.Role) map[string]bool {
		out := map[string]bool{}
		for _, r := range rows {
			if r.tenant != tenant {
				continue
			}
			for _, a := range r.assignments {
				if a.Has(letter) || letter == raci.Responsible && scheme == "" && a.Has(raci.Driver) {
					out[a.Party] = true
				}
			}
		}
		return out
	}
	var uncertain []string
	for _, r := range plannedRows {
		if r.tenant == tenant && !r.knownAssignments() {
			uncertain = append(uncertain, rowLabel(r))
		}
	}
	sort.Strings(uncertain)
	for _, l := range []raci.Role{raci.Responsible, raci.Accountable} {
		priorLetter, plannedLetter := l, l
		if l == raci.Responsible {
			priorLetter, plannedLetter = raci.Scheme(priorScheme).Doer(), raci.Scheme(plannedScheme).Doer()
		}
		before := holders(priorRows, raci.Scheme(priorScheme), priorLetter)
		after := holders(plannedRows, raci.Scheme(plannedScheme), plannedLetter)
		for p := range after {
			if !before[p] {
				rv.Effects = append(rv.Effects, Effect{Tenant: tenant, Kind: EffectGainsFirst, Party: p, Letter: string(plannedLetter),
					Detail: fmt.Sprintf("Party %q gains its first %s row in tenant %q.", p, plannedLetter.Name(), tenant)})
			}
		}
		for p := range before {
			if !after[p] {
				detail := fmt.Sprintf("Party %q loses its last %s row in tenant %q.", p, priorLetter.Name(), tenant)
				if len(uncertain) > 0 {
					detail = fmt.Sprintf("Party %q may lose its last %s row in tenant %q: it depends on %s, known only after apply.",
						p, priorLetter.Name(), tenant, strings.Join(uncertain, ", "))
				}
				rv.Effects = append(rv.Effects, Effect{Tenant: tenant, Kind: EffectLosesLast, Party: p, Letter: string(priorLetter),
					Detail: detail, Uncertain: uncertain})
			}
		}
	}
}

func rowLabel(r *row) string {
	if r.key != "" {
		return r.key
	}
	return r.address
}

// violations checks the tenant's planned matrix: rows with known values, its
// planned parties and checklists, against its planned scheme ("" when unknown).
func (rv *Review) violations(tenant string, scheme raci.Scheme, plannedRows map[string]*row, plannedParties map[string]*party, checklists map[string]value) {
	snap := &raci.Snapshot{Tenant: &raci.Tenant{Name: tenant, Scheme: scheme}}
	uncertainRows, uncertainParties := false, false
	for _, r := range plannedRows {
		if r.tenant != tenant {
			continue
		}
		if !r.known() {
			uncertainRows = true
			continue
		}
		d := r.domain()
		snap.Responsibilities = append(snap.Responsibilities, d)
		for _, a := range d.Assignments {
			for _, l := range a.Roles {
				if scheme != "" && !scheme.Has(l) {
					rv.Violations = append(rv.Violations, Violation{Tenant: tenant, Rule: RuleSchemeLetter, Row: r.key, Party: a.Party,
						Detail: fmt.Sprintf("Row %q gives party %q the letter %q, which the tenant's %s scheme does not have.", r.key, a.Party, l, scheme)})
				}
			}
		}
	}
	for _, p := range plannedParties {
		if p.tenant != tenant {
			continue
		}
		if p.unknown {
			uncertainParties = true
			continue
		}
		snap.Parties = append(snap.Parties, &raci.Party{Tenant: tenant, Name: p.name})
	}
	for _, v := range checklists {
		if v.get("tenant").str() != tenant {
			continue
		}
		c := &raci.Checklist{Tenant: tenant, Key: v.get("key").str()}
		keys, items := v.get("items").entries()
		for _, k := range keys {
			if owner := items[k].get("owner"); !owner.isUnknown() {
				c.Items = append(c.Items, raci.ChecklistItem{Key: k, Owner: owner.str()})
			}
		}
		snap.Checklists = append(snap.Checklists, c)
	}
	// A configuration that manages none of the tenant's parties says nothing about
	// which parties it has.
	partiesUnknown := uncertainParties || len(snap.Parties) == 0
	for _, v := range raci.Violations(snap) {
		switch {
		case (v.Rule == raci.RuleUnknownParty || v.Rule == raci.RuleChecklistOwner) && partiesUnknown:
			continue
		case v.Rule == raci.RuleIdleParty && uncertainRows:
			continue
		case v.Kind == raci.KindOpenPoint:
			// A row recorded shared or unassigned as its document has it: an
			// effect (ends_shared, ends_unassigned), not a broken rule.
			continue
		}
		rv.Violations = append(rv.Violations, Violation{Tenant: tenant, Rule: v.Rule, Row: v.Row, Party: v.Party, Detail: v.Detail})
	}
}

// reviewChecklist lists what a checklist change does: the checklist created or
// deleted, items added, removed or changed, its gate, the statuses it manages.
func (rv *Review) reviewChecklist(address, action string, before, after value) {
	tenant, key := after.get("tenant").str(), after.get("key").str()
	if action == ActionDelete {
		tenant, key = before.get("tenant").str(), before.get("key").str()
	}
	add := func(item, change, from, to string) {
		rv.Checklists = append(rv.Checklists, ChecklistChange{Tenant: tenant, Checklist: key, Item: item, Change: change, From: from, To: to})
	}
	switch action {
	case ActionCreate:
		add("", "created", "", after.get("gate").str())
	case ActionDelete:
		add("", "deleted", before.get("gate").str(), "")
		return
	case ActionReplace:
		add("", "replaced", "", "")
	}
	if after.get("items").isUnknown() {
		var attrs []string
		_, items := after.get("items").entries()
		if len(items) == 0 {
			attrs = []string{"items"}
		}
		for _, k := range sortedKeys(items) {
			for _, name := range []string{"title", "owner", "required", "status"} {
				if items[k].get(name).isUnknown() {
					attrs = append(attrs, "items."+k+"."+name)
				}
			}
		}
		if len(attrs) > 0 {
			rv.Unknown = append(rv.Unknown, Unknown{Address: address, Tenant: tenant, Attributes: attrs})
		}
	}
	if g := after.get("gate"); g.isUnknown() {
		rv.Unknown = append(rv.Unknown, Unknown{Address: address, Tenant: tenant, Attributes: []string{"gate"}})
	} else if action == ActionUpdate && g.str() != before.get("gate").str() {
		add("", "gate", before.get("gate").str(), g.str())
	}
	if action == ActionCreate {
		keys, _ := after.get("items").entries()
		for _, k := range keys {
			add(k, "item_added", "", "")
		}
		return
	}
	_, was := before.get("items").entries()
	_, is := after.get("items").entries()
	for _, k := range sortedKeys(is) {
		b, had := was[k]
		a := is[k]
		if !had {
			add(k, "item_added", "", "")
			continue
		}
		var changed []string
		for _, name := range []string{"title", "owner", "required", "due", "position"} {
			if !a.get(name).isUnknown() && fieldText(a.get(name)) != fieldText(b.get(name)) {
				changed = append(changed, name)
			}
		}
		if len(changed) > 0 {
			add(k, "item_changed", "", strings.Join(changed, ", "))
		}
		if st := a.get("status"); !st.isNull() && !st.isUnknown() && st.str() != b.get("status").str() {
			add(k, "status", b.get("status").str(), st.str())
		}
	}
	for _, k := range sortedKeys(was) {
		if _, kept := is[k]; !kept {
			add(k, "item_removed", "", "")
		}
	}
}

func fieldText(v value) string {
	if b, ok := v.boolean(); ok {
		return fmt.Sprint(b)
	}
	if n := v.number(); n != "" {
		return n
	}
	return v.str()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var letterRank = map[string]int{"R": 0, "A": 1, "S": 2, "C": 3, "I": 4, "D": 5}

func (rv *Review) sort() {
	sort.SliceStable(rv.Tenants, func(i, j int) bool { return rv.Tenants[i].Tenant < rv.Tenants[j].Tenant })
	sort.SliceStable(rv.Rows, func(i, j int) bool {
		a, b := rv.Rows[i], rv.Rows[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Row, b.Row, a.Action, b.Action, a.Address, b.Address) < 0
	})
	sort.SliceStable(rv.Changes, func(i, j int) bool {
		a, b := rv.Changes[i], rv.Changes[j]
		if c := cmpStrings(a.Tenant, b.Tenant, a.Row, b.Row, a.Party, b.Party, a.When, b.When); c != 0 {
			return c < 0
		}
		if letterRank[a.Letter] != letterRank[b.Letter] {
			return letterRank[a.Letter] < letterRank[b.Letter]
		}
		return a.Change < b.Change
	})
	sort.SliceStable(rv.Renames, func(i, j int) bool {
		a, b := rv.Renames[i], rv.Renames[j]
		return cmpStrings(a.Tenant, b.Tenant, a.From, b.From) < 0
	})
	sort.SliceStable(rv.Parties, func(i, j int) bool {
		a, b := rv.Parties[i], rv.Parties[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Party, b.Party, a.Action, b.Action) < 0
	})
	sort.SliceStable(rv.Accountability, func(i, j int) bool {
		a, b := rv.Accountability[i], rv.Accountability[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Row, b.Row) < 0
	})
	sort.SliceStable(rv.Effects, func(i, j int) bool {
		a, b := rv.Effects[i], rv.Effects[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Kind, b.Kind, a.Party, b.Party, a.Letter, b.Letter, a.Row, b.Row) < 0
	})
	sort.SliceStable(rv.Violations, func(i, j int) bool {
		a, b := rv.Violations[i], rv.Violations[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Row, b.Row, a.Rule, b.Rule, a.Party, b.Party, a.Detail, b.Detail) < 0
	})
	sort.SliceStable(rv.Unknown, func(i, j int) bool {
		a, b := rv.Unknown[i], rv.Unknown[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Address, b.Address, strings.Join(a.Attributes, ","), strings.Join(b.Attributes, ",")) < 0
	})
	// Checklist changes keep their order within a checklist (created, gate, items).
	sort.SliceStable(rv.Checklists, func(i, j int) bool {
		a, b := rv.Checklists[i], rv.Checklists[j]
		return cmpStrings(a.Tenant, b.Tenant, a.Checklist, b.Checklist) < 0
	})
	sort.SliceStable(rv.rowChanges, func(i, j int) bool {
		a, b := rv.rowChanges[i], rv.rowChanges[j]
		return cmpStrings(a.tenant(), b.tenant(), a.key(), b.key(), a.address(), b.address()) < 0
	})
}

// cmpStrings compares pairs in turn: a1 with b1, then a2 with b2, ...
func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}
