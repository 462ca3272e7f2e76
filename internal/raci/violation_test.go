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
	if d := details[2].Detail; !strings.Contains(d, "2 Accountable assignments (vendor, customer)") {
		t.Errorf("one_accountable detail = %q", d)
	}
	if d := details[4].Detail; !strings.Contains(d, `Item "vpn" of checklist "infrastructure" is owned by "subscriber", which is not a party`) {
		t.Errorf("checklist_owner detail = %q", d)
	}

	if v := raci.Violations(&raci.Snapshot{Tenant: &raci.Tenant{Name: "empty"}}); v == nil || len(v) != 0 {
		t.Errorf("Violations of an empty tenant = %#v, want an empty list", v)
	}
}
