package raci

import (
	"testing"
	"time"
)

func TestResponsibilityRenameParty(t *testing.T) {
	r := &Responsibility{Assignments: []Assignment{
		{Party: "alpha", Roles: []Role{Accountable}},
		{Party: "osirium", Roles: []Role{Responsible}},
		{Party: "osirium", Roles: []Role{Informed}, When: "in the event that there are issues"},
	}}
	if !r.RenameParty("osirium", "aaa") {
		t.Fatal("RenameParty reported no change")
	}
	// Canonical order again: the new name sorts first.
	want := []string{"aaa", "aaa", "alpha"}
	for i, a := range r.Assignments {
		if a.Party != want[i] {
			t.Fatalf("assignments after the rename = %+v, want parties %v", r.Assignments, want)
		}
	}
	if r.Assignments[1].When != "in the event that there are issues" || r.Assignments[0].When != "" {
		t.Errorf("conditions moved: %+v", r.Assignments)
	}
	if r.RenameParty("osirium", "aaa") {
		t.Error("a second rename of a name no longer there reported a change")
	}
}

func TestChecklistRenameParty(t *testing.T) {
	c := &Checklist{Items: []ChecklistItem{
		{Key: "dns", Owner: "osirium"},
		{Key: "tls", Owner: "customer", Status: Waived, Waiver: &Waiver{Reason: "r", ApprovedBy: "osirium", Expires: time.Unix(0, 0)}},
		{Key: "vms", Owner: "customer"},
	}}
	if !c.RenameParty("osirium", "segura") {
		t.Fatal("RenameParty reported no change")
	}
	if c.Items[0].Owner != "segura" || c.Items[1].Owner != "customer" || c.Items[1].Waiver.ApprovedBy != "segura" || c.Items[2].Owner != "customer" {
		t.Errorf("items after the rename = %+v", c.Items)
	}
	if c.RenameParty("nobody", "x") {
		t.Error("renaming a party no item names reported a change")
	}
}
