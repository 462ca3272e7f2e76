package raci_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestViolationsSeed003(t *testing.T) {
	got := raci.Violations(&raci.Snapshot{
		Tenant:           &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties:          []*raci.Party{{Tenant: "acme", Name: "subscriber"}, {Tenant: "acme", Name: "auth0"}},
		Responsibilities: seed003(),
	})
	var rows []string
	for _, v := range got {
		if v.Rule != raci.RuleOneAccountable {
			t.Errorf("unexpected violation %+v", v)
		}
		rows = append(rows, v.Row)
	}
	// The three rows the published matrix leaves without an Accountable party.
	if want := []string{"configuration", "issue-resolution", "operations-handover"}; !slices.Equal(rows, want) {
		t.Errorf("rows breaking one_accountable = %q, want %q", rows, want)
	}
	if len(got) > 0 && !strings.Contains(got[0].Detail, `Row "configuration" (Configuration of Development and Production environments) has no Accountable party`) {
		t.Errorf("detail = %q", got[0].Detail)
	}
	for _, v := range got {
		if v.Kind != raci.KindViolation {
			t.Errorf("%s: kind %q, want %q", v.Row, v.Kind, raci.KindViolation)
		}
	}
}

// Recorded as published (accountability unassigned), seed 003's three rows are open
// points for the parties to settle, not violations.
func TestViolationsSeed003AsPublished(t *testing.T) {
	rows := seed003()
	for _, r := range rows {
		r.Accountability = raci.AccountabilityOf(r.Assignments)
	}
	got := raci.Violations(&raci.Snapshot{
		Tenant:           &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties:          []*raci.Party{{Tenant: "acme", Name: "subscriber"}, {Tenant: "acme", Name: "auth0"}},
		Responsibilities: rows,
	})
	var open []string
	for _, v := range got {
		if v.Kind != raci.KindOpenPoint || v.Rule != raci.RuleUnassignedAccountability {
			t.Errorf("unexpected %+v", v)
			continue
		}
		open = append(open, v.Row)
	}
	if want := []string{"configuration", "issue-resolution", "operations-handover"}; !slices.Equal(open, want) {
		t.Errorf("open points = %q, want %q", open, want)
	}
	if len(got) > 0 && !strings.Contains(got[0].Detail, `names no Accountable party, as the document has it: an open point for the parties to settle`) {
		t.Errorf("detail = %q", got[0].Detail)
	}
}

func TestViolationsAccountability(t *testing.T) {
	a := func(party, when string, roles ...raci.Role) raci.Assignment {
		return raci.Assignment{Party: party, Roles: roles, When: when}
	}
	s := &raci.Snapshot{
		Tenant:  &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties: []*raci.Party{{Name: "vendor"}, {Name: "customer"}},
		Responsibilities: []*raci.Responsibility{
			// Seed 004: shared, as written: an open point.
			{Key: "security", Title: "Security and data management", Accountability: raci.AccountabilityShared,
				Assignments: []raci.Assignment{a("vendor", "", "R", "A"), a("customer", "", "R", "A")}},
			// Seed 000: the customer answers instead under a condition: nothing to report.
			{Key: "backup", Title: "Backup", Assignments: []raci.Assignment{
				a("vendor", "", "R", "A"), a("customer", "if clients store backups locally", "R", "A")}},
			// Only a conditional A: who answers otherwise? A violation.
			{Key: "monitoring", Title: "Monitoring", Assignments: []raci.Assignment{
				a("vendor", "", "R"), a("customer", "if clients monitor", "A")}},
			// Shared, but one A: the accountability contradicts the letters.
			{Key: "updates", Title: "Updates", Accountability: raci.AccountabilityShared,
				Assignments: []raci.Assignment{a("vendor", "", "R", "A"), a("customer", "", "C")}},
		},
	}
	var got []string
	details := map[string]string{}
	for _, v := range raci.Violations(s) {
		got = append(got, v.Kind+" "+v.Rule+" "+v.Row)
		details[v.Row] = v.Detail
	}
	want := []string{
		"violation one_accountable monitoring",
		"open_point shared_accountability security",
		"violation accountability updates",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Violations = %q, want %q", got, want)
	}
	for row, part := range map[string]string{
		"monitoring": "who answers otherwise?",
		"security":   "Accountable to vendor and customer together, as the document says: an open point",
		"updates":    `has accountability = "shared" but only "vendor" holds "A"`,
	} {
		if !strings.Contains(details[row], part) {
			t.Errorf("%s: detail %q, want it to contain %q", row, details[row], part)
		}
	}
}

func TestViolations(t *testing.T) {
	s := &raci.Snapshot{
		Tenant: &raci.Tenant{Name: "acme", Scheme: raci.DACI},
		Parties: []*raci.Party{
			{Name: "vendor"}, {Name: "customer"}, {Name: "auditor"},
		},
		Responsibilities: []*raci.Responsibility{
			{Key: "updates", Title: "Updates", Assignments: []raci.Assignment{
				{Party: "vendor", Roles: []raci.Role{raci.Driver, raci.Accountable}},
				{Party: "customer", Roles: []raci.Role{raci.Accountable}},
			}},
			{Key: "backups", Title: "Backups", Assignments: []raci.Assignment{
				// R is no doer in DACI.
				{Party: "customer", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
				{Party: "msp", Roles: []raci.Role{raci.Informed}},
			}},
			{Key: "network", Title: "Network", Assignments: []raci.Assignment{
				{Party: "vendor", Roles: []raci.Role{raci.Driver, raci.Accountable}},
			}},
		},
		Checklists: []*raci.Checklist{
			{Key: "infrastructure", Items: []raci.ChecklistItem{
				{Key: "dns", Owner: "customer"},
				{Key: "vpn", Owner: "subscriber"}, // not a party of this tenant
			}},
		},
	}
	var got []string
	for _, v := range raci.Violations(s) {
		got = append(got, v.Rule+" "+v.Row+" "+v.Party)
	}
	want := []string{
		"doer backups ",
		"unknown_party backups msp",
		"one_accountable updates ",
		"idle_party  auditor",
		"checklist_owner  subscriber",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Violations = %q, want %q", got, want)
	}
	details := raci.Violations(s)
	if d := details[0].Detail; !strings.Contains(d, `no Driver party: give "D"`) {
		t.Errorf("doer detail = %q", d)
	}
	if d := details[2].Detail; !strings.Contains(d, "2 Accountable parties without a condition (vendor, customer)") ||
		!strings.Contains(d, `set accountability = "shared"`) {
		t.Errorf("one_accountable detail = %q", d)
	}
	if d := details[4].Detail; !strings.Contains(d, `Item "vpn" of checklist "infrastructure" is owned by "subscriber", which is not a party`) {
		t.Errorf("checklist_owner detail = %q", d)
	}

	if v := raci.Violations(&raci.Snapshot{Tenant: &raci.Tenant{Name: "empty"}}); v == nil || len(v) != 0 {
		t.Errorf("Violations of an empty tenant = %#v, want an empty list", v)
	}
}
