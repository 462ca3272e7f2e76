package raci_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func as(party string, roles ...raci.Role) raci.Assignment {
	return raci.Assignment{Party: party, Roles: roles}
}

func rowWith(assignments ...raci.Assignment) *raci.Responsibility {
	r := &raci.Responsibility{Tenant: "acme", Key: "backups", Title: "Backing Up", Assignments: assignments}
	r.Normalize()
	return r
}

func withAccountability(a raci.Accountability, assignments ...raci.Assignment) *raci.Responsibility {
	r := rowWith(assignments...)
	r.Accountability = a
	return r
}

func TestResponsibilityValidRows(t *testing.T) {
	cases := []struct {
		name   string
		scheme raci.Scheme
		row    *raci.Responsibility
	}{
		{"RACI: R and A on different parties", raci.RACI, rowWith(as("vendor", "R"), as("customer", "A", "C"))},
		{"RACI: R and A on one party", raci.RACI, rowWith(as("customer", "R", "A"), as("vendor", "I"))},
		{"RACI: two Responsible", raci.RACI, rowWith(as("vendor", "R"), as("customer", "R", "A"))},
		{"RASCI: Supportive", raci.RASCI, rowWith(as("vendor", "R", "A"), as("customer", "S"), as("msp", "C", "I"))},
		{"DACI: Driver", raci.DACI, rowWith(as("vendor", "D"), as("customer", "A", "I"))},
		{"unknown scheme: R", "", rowWith(as("vendor", "R"), as("customer", "A"))},
		{"unknown scheme: D", "", rowWith(as("vendor", "D"), as("customer", "A"))},
		{"unknown scheme: S", "", rowWith(as("vendor", "R", "S"), as("customer", "A"))},
		// Seed 000: "if clients store backups locally, they become entirely responsible".
		{"single with a conditional A", raci.RACI, rowWith(as("vendor", "R", "A"),
			raci.Assignment{Party: "customer", Roles: []raci.Role{"R", "A"}, When: "if clients store backups locally"})},
		{"single with A under two conditions", raci.RACI, rowWith(as("vendor", "R", "A"),
			raci.Assignment{Party: "customer", Roles: []raci.Role{"A"}, When: "if clients store backups locally"},
			raci.Assignment{Party: "msp", Roles: []raci.Role{"A"}, When: "outside business hours"})},
		// Seed 004: the security and data management duty is shared.
		{"shared", raci.RACI, withAccountability(raci.AccountabilityShared, as("vendor", "R", "A"), as("customer", "R", "A"))},
		{"shared by three, one conditional A too", raci.RASCI, withAccountability(raci.AccountabilityShared, as("vendor", "R", "A"),
			as("customer", "A"), as("msp", "A", "S"), raci.Assignment{Party: "auditor", Roles: []raci.Role{"A"}, When: "during an audit"})},
		{"DACI shared Approvers", raci.DACI, withAccountability(raci.AccountabilityShared, as("vendor", "D", "A"), as("customer", "A"))},
		// Seed 003: Configuration names no Accountable party.
		{"unassigned", raci.RACI, withAccountability(raci.AccountabilityUnassigned, as("auth0", "C"), as("subscriber", "R"))},
		{"unassigned, scheme unknown", "", withAccountability(raci.AccountabilityUnassigned, as("auth0", "D"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.row.Validate(c.scheme); err != nil {
				t.Errorf("Validate(%q) = %v, want nil", c.scheme, err)
			}
		})
	}
}

func TestResponsibilityRules(t *testing.T) {
	cases := []struct {
		name    string
		scheme  raci.Scheme
		row     *raci.Responsibility
		field   string
		details []string // the row, the rule, the fix
	}{
		{"no Accountable", raci.RACI, rowWith(as("vendor", "R"), as("customer", "C")),
			"assignments", []string{`Row "backups"`, "no Accountable party", `add "A"`, `set accountability = "unassigned" if the document names none`}},
		{"two Accountable", raci.RACI, rowWith(as("vendor", "R", "A"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "2 Accountable parties without a condition (customer, vendor)", `keep "A" on one party`,
				`set accountability = "shared" if the contract makes them answer together`}},
		{"two Approvers in DACI", raci.DACI, rowWith(as("vendor", "D", "A"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "2 Accountable parties", `set accountability = "shared"`}},
		{"only A is conditional", raci.RACI, rowWith(as("vendor", "R"),
			raci.Assignment{Party: "customer", Roles: []raci.Role{"A"}, When: "if clients store backups locally"}),
			"assignments", []string{`Row "backups"`, `"customer" only "if clients store backups locally"`, "who answers otherwise?",
				`Give "A" without a "when"`}},
		{"two A under one condition", raci.RACI, rowWith(as("vendor", "R", "A"),
			raci.Assignment{Party: "customer", Roles: []raci.Role{"A"}, When: "if clients store backups locally"},
			raci.Assignment{Party: "msp", Roles: []raci.Role{"A"}, When: "if clients store backups locally"}),
			"assignments", []string{`Row "backups"`, `2 parties under the condition "if clients store backups locally" (customer, msp)`,
				`keep "A" on one of them`}},
		{"shared with one A", raci.RACI, withAccountability(raci.AccountabilityShared, as("vendor", "R", "A"), as("customer", "C")),
			"accountability", []string{`Row "backups" has accountability = "shared"`, `only "vendor" holds "A"`, `Add "A" to each party`,
				`set accountability = "single"`}},
		{"shared with no A", raci.RACI, withAccountability(raci.AccountabilityShared, as("vendor", "R"), as("customer", "C")),
			"accountability", []string{`accountability = "shared"`, `no party holds "A"`, `set accountability = "unassigned"`}},
		{"shared with one A and one conditional", raci.RACI, withAccountability(raci.AccountabilityShared, as("vendor", "R", "A"),
			raci.Assignment{Party: "customer", Roles: []raci.Role{"A"}, When: "if clients store backups locally"}),
			"accountability", []string{`accountability = "shared"`, `only "vendor" holds "A" without a condition`}},
		{"unassigned with an A", raci.RACI, withAccountability(raci.AccountabilityUnassigned, as("vendor", "R", "A"), as("customer", "C")),
			"accountability", []string{`Row "backups" has accountability = "unassigned" but gives "A" to vendor`, `remove "A"`,
				`set accountability = "single"`}},
		{"unassigned with two A", raci.RACI, withAccountability(raci.AccountabilityUnassigned, as("vendor", "R", "A"), as("customer", "A")),
			"accountability", []string{`gives "A" to customer, vendor`, `set accountability = "shared"`}},
		{"unassigned with a conditional A", raci.RACI, withAccountability(raci.AccountabilityUnassigned, as("vendor", "R"),
			raci.Assignment{Party: "customer", Roles: []raci.Role{"A"}, When: "if clients store backups locally"}),
			"accountability", []string{`gives "A" to customer (if clients store backups locally)`}},
		{"unknown accountability", raci.RACI, withAccountability("joint", as("vendor", "R", "A")),
			"accountability", []string{`Row "backups" has the accountability "joint"`, `"single"`, `"shared"`, `"unassigned"`}},
		{"no Responsible", raci.RACI, rowWith(as("vendor", "C"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "no Responsible party", "at least one", `add "R"`}},
		{"no Responsible in RASCI, S does not count", raci.RASCI, rowWith(as("vendor", "S"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "no Responsible party", `add "R"`}},
		{"no Driver in DACI", raci.DACI, rowWith(as("vendor", "C"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "no Driver party", `add "D"`}},
		{"R does not count in DACI", raci.DACI, rowWith(as("vendor", "R"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "no Driver party", `add "D"`}},
		{"R is not a DACI letter", raci.DACI, rowWith(as("vendor", "R", "D"), as("customer", "A")),
			"assignments[1].roles", []string{`Row "backups"`, `party "vendor"`, `letter "R"`, "DACI scheme (D, A, C, I)", "set the tenant's scheme to RACI"}},
		{"S in RACI suggests RASCI", raci.RACI, rowWith(as("vendor", "R"), as("customer", "A", "S")),
			"assignments[0].roles", []string{`Row "backups"`, `party "customer"`, `letter "S"`, "RACI scheme (R, A, C, I)", "set the tenant's scheme to RASCI"}},
		{"D in RACI suggests DACI", raci.RACI, rowWith(as("vendor", "R", "D"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "D"`, "set the tenant's scheme to DACI"}},
		{"D in RASCI suggests DACI", raci.RASCI, rowWith(as("vendor", "R", "D"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "D"`, "set the tenant's scheme to DACI"}},
		{"S in DACI suggests RASCI", raci.DACI, rowWith(as("vendor", "D", "S"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "S"`, "set the tenant's scheme to RASCI"}},
		{"X in RACI", raci.RACI, rowWith(as("vendor", "R", "X"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "X"`, "use one of R, A, C, I"}},
		{"X in RASCI", raci.RASCI, rowWith(as("vendor", "R", "X"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "X"`, "use one of R, A, S, C, I"}},
		{"X in DACI", raci.DACI, rowWith(as("vendor", "D", "X"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "X"`, "use one of D, A, C, I"}},
		{"X with the scheme unknown", "", rowWith(as("vendor", "R", "X"), as("customer", "A")),
			"assignments[1].roles", []string{`letter "X"`, "any supported scheme", "use one of R, A, S, C, I, D"}},
		{"lowercase letter", raci.RACI, rowWith(as("vendor", "r"), as("customer", "A", "R")),
			"assignments[1].roles", []string{`letter "r"`, "use one of R, A, C, I"}},
		{"no Accountable with the scheme unknown", "", rowWith(as("vendor", "R"), as("customer", "C")),
			"assignments", []string{"no Accountable party"}},
		{"no doer with the scheme unknown", "", rowWith(as("vendor", "C"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, "no Responsible party", `add "R" ("D" in a DACI tenant)`}},
		{"no letters", raci.RACI, rowWith(as("vendor"), as("customer", "R", "A")),
			"assignments[1].roles", []string{`Row "backups"`, `party "vendor" no letters`, "R, A, C, I", "or remove the assignment"}},
		{"party twice without a condition", raci.RACI, rowWith(as("vendor", "R"), as("vendor", "I"), as("customer", "A")),
			"assignments", []string{`Row "backups"`, `party "vendor" twice without a condition`, "merge the letters", `give one of them a "when"`}},
		{"party twice under the same condition", raci.RACI, rowWith(
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"C"}, When: "if there are issues"},
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"I"}, When: "if there are issues"},
			as("customer", "R", "A")),
			"assignments", []string{`Row "backups"`, `party "vendor" twice under the condition "if there are issues"`, "merge the letters"}},
		{"no assignments at all", raci.RACI, rowWith(),
			"assignments", []string{"no Accountable party"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantInvalid(t, c.row.Validate(c.scheme), c.field, c.details...)
		})
	}
}

func TestResponsibilityOnlyNamedRuleBreaks(t *testing.T) {
	// Two Accountable is one problem, not also "no Responsible" or a letter problem.
	err := rowWith(as("vendor", "R", "A"), as("customer", "A")).Validate(raci.RACI)
	if ps := raci.ErrorProblems(err); len(ps) != 1 {
		t.Errorf("problems = %+v, want exactly one", ps)
	}
}

func TestResponsibilityConditions(t *testing.T) {
	cases := []struct {
		name  string
		row   *raci.Responsibility
		valid bool
	}{
		{"same party under two different conditions", rowWith(
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"C"}, When: "if there are questions"},
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"I"}, When: "if there are issues"},
			as("customer", "R", "A")), true},
		{"same party with and without a condition", rowWith(
			as("vendor", "C"),
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"I"}, When: "if there are issues"},
			as("customer", "R", "A")), true},
		{"same party without conditions, different holders", rowWith(
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"C"}, Holder: "support engineer"},
			raci.Assignment{Party: "vendor", Roles: []raci.Role{"I"}, Holder: "account manager"},
			as("customer", "R", "A")), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.row.Validate(raci.RACI)
			if c.valid && err != nil {
				t.Errorf("Validate = %v, want nil", err)
			}
			if !c.valid {
				wantInvalid(t, err, "assignments", `party "vendor" twice`)
			}
		})
	}
}

func TestResponsibilityFields(t *testing.T) {
	valid := func() *raci.Responsibility { return rowWith(as("vendor", "R"), as("customer", "A")) }
	if err := valid().Validate(raci.RACI); err != nil {
		t.Fatalf("valid row: %v", err)
	}
	tooMany := make([]raci.Assignment, raci.MaxAssignments+1)
	for i := range tooMany {
		tooMany[i] = raci.Assignment{Party: fmt.Sprintf("p%02d", i), Roles: []raci.Role{"I"}}
	}
	tooMany[0].Roles = []raci.Role{"R", "A"}
	cases := []struct {
		name    string
		change  func(*raci.Responsibility)
		field   string
		details []string
	}{
		{"no tenant", func(r *raci.Responsibility) { r.Tenant = "" }, "tenant", []string{"Tenant name is required"}},
		{"no key", func(r *raci.Responsibility) { r.Key = "" }, "key", []string{"Responsibility key is required"}},
		{"key not a slug", func(r *raci.Responsibility) { r.Key = "Backing Up" }, "key", []string{`"Backing Up"`, `e.g. "backing-up"`}},
		{"no title", func(r *raci.Responsibility) { r.Title = "" }, "title", []string{`Row "backups" has no title`, `e.g. "Backing Up"`}},
		{"blank title", func(r *raci.Responsibility) { r.Title = " \t" }, "title", []string{"has no title"}},
		{"title too long", func(r *raci.Responsibility) { r.Title = strings.Repeat("t", raci.MaxNameLength+1) }, "title", []string{"at most 200"}},
		{"category too long", func(r *raci.Responsibility) { r.Category = strings.Repeat("c", raci.MaxNameLength+1) }, "category", []string{"at most 200"}},
		{"description too long", func(r *raci.Responsibility) { r.Description = strings.Repeat("d", raci.MaxTextLength+1) }, "description", []string{"at most 4000"}},
		{"notes too long", func(r *raci.Responsibility) { r.Notes = strings.Repeat("n", raci.MaxTextLength+1) }, "notes", []string{"at most 4000"}},
		{"too many assignments", func(r *raci.Responsibility) { r.Assignments = tooMany }, "assignments", []string{`Row "backups" has 33 assignments`, "at most 32"}},
		{"party not a slug", func(r *raci.Responsibility) { r.Assignments[1].Party = "Vendor Inc" }, "assignments[1].party", []string{`"Vendor Inc"`, `"vendor-inc"`}},
		{"no party", func(r *raci.Responsibility) { r.Assignments[1].Party = "" }, "assignments[1].party", []string{"Party name is required"}},
		{"holder too long", func(r *raci.Responsibility) { r.Assignments[0].Holder = strings.Repeat("h", raci.MaxHolderLength+1) }, "assignments[0].holder", []string{"at most 200"}},
		{"condition too long", func(r *raci.Responsibility) { r.Assignments[0].When = strings.Repeat("w", raci.MaxConditionLength+1) }, "assignments[0].when", []string{"at most 500"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := valid()
			c.change(r)
			wantInvalid(t, r.Validate(raci.RACI), c.field, c.details...)
		})
	}
}

// TestResponsibilityRowNamedByTitle: without a key the row is named by its title, so
// problems still say which row.
func TestResponsibilityRowNamedByTitle(t *testing.T) {
	r := &raci.Responsibility{Tenant: "acme", Title: "Backing Up", Assignments: []raci.Assignment{as("vendor", "R")}}
	r.Normalize()
	wantInvalid(t, r.Validate(raci.RACI), "assignments", `Row "Backing Up" has no Accountable party`)
}

func TestResponsibilityCheckParties(t *testing.T) {
	r := rowWith(as("vendor", "R"), as("customer", "A"),
		raci.Assignment{Party: "msp", Roles: []raci.Role{"C"}},
		raci.Assignment{Party: "msp", Roles: []raci.Role{"I"}, When: "if there are issues"})
	known := map[string]bool{"vendor": true, "customer": true}
	calls := 0
	exists := func(p string) bool { calls++; return known[p] }

	err := r.CheckParties(exists)
	wantInvalid(t, err, "assignments[1].party", `Row "backups"`, `party "msp"`, `not a party of tenant "acme"`, "create the party in that tenant first, or correct the name")
	if ps := raci.ErrorProblems(err); len(ps) != 1 {
		t.Errorf("problems = %+v, want one per missing party, not per assignment", ps)
	}

	known["msp"] = true
	if err := r.CheckParties(exists); err != nil {
		t.Errorf("CheckParties with every party known = %v", err)
	}
	if calls == 0 {
		t.Error("CheckParties never asked whether a party exists")
	}
	// An empty party name is Validate's to report, not a missing party.
	empty := rowWith(as("", "R", "A"))
	if err := empty.CheckParties(func(string) bool { return false }); err != nil {
		t.Errorf("CheckParties on an assignment without a party = %v, want nil", err)
	}
}

func TestResponsibilityNormalize(t *testing.T) {
	r := &raci.Responsibility{Assignments: []raci.Assignment{
		{Party: "vendor", Roles: []raci.Role{"I", "R", "I"}, When: "if there are issues"},
		{Party: "vendor", Roles: []raci.Role{"C"}},
		{Party: "customer", Roles: []raci.Role{"A", "R"}, Holder: "infrastructure engineer"},
	}}
	r.Normalize()
	want := []raci.Assignment{
		{Party: "customer", Roles: []raci.Role{"R", "A"}, Holder: "infrastructure engineer"},
		{Party: "vendor", Roles: []raci.Role{"C"}},
		{Party: "vendor", Roles: []raci.Role{"R", "I"}, When: "if there are issues"},
	}
	if !reflect.DeepEqual(r.Assignments, want) {
		t.Errorf("normalized assignments = %+v, want %+v", r.Assignments, want)
	}

	// Written in another order, the same row normalizes to the same value.
	again := &raci.Responsibility{Assignments: []raci.Assignment{want[2], want[0], want[1]}}
	again.Normalize()
	if !reflect.DeepEqual(again.Assignments, r.Assignments) {
		t.Errorf("order of writing changed the normalized row: %+v", again.Assignments)
	}

	bare := &raci.Responsibility{}
	bare.Normalize()
	if bare.Assignments == nil {
		t.Error("assignments = nil after Normalize, want an empty slice")
	}
}

func TestAssignmentHas(t *testing.T) {
	a := as("vendor", "R", "A")
	if !a.Has("R") || !a.Has("A") || a.Has("C") {
		t.Errorf("Has on %+v is wrong", a)
	}
}

// seed003 is the RACI matrix of seed 003 (an identity vendor's Private SaaS roles and
// responsibilities), as parse_matrix would read it: Auth0 and the subscriber, with
// the conditions and holders the cells carry.
func seed003() []*raci.Responsibility {
	const issues = "in the event that there are issues"
	row := func(key, title string, as ...raci.Assignment) *raci.Responsibility {
		r := &raci.Responsibility{Tenant: "acme", Key: key, Title: title, Assignments: as}
		r.Normalize()
		return r
	}
	a := func(party string, when, holder string, roles ...raci.Role) raci.Assignment {
		return raci.Assignment{Party: party, Roles: roles, When: when, Holder: holder}
	}
	return []*raci.Responsibility{
		row("preparing-vm-infrastructure", "Preparing VM Infrastructure",
			a("auth0", "", "", "C"), a("subscriber", "", "infrastructure engineer", "R", "A")),
		row("deployment", "Deployment to Development and Production environments",
			a("auth0", "", "Customer Success Engineer", "R", "A"), a("subscriber", "", "", "I")),
		row("configuration", "Configuration of Development and Production environments",
			a("auth0", "", "", "C"), a("subscriber", "", "", "R")),
		row("operations-handover", "Operations Handover",
			a("auth0", "", "", "R"), a("subscriber", "", "", "C")),
		row("monitoring", "Monitoring",
			a("auth0", "", "", "I"), a("subscriber", "", "", "R", "A")),
		row("backing-up", "Backing Up",
			a("auth0", issues, "", "I"), a("subscriber", "", "", "R", "A")),
		row("code-integration-into-applications", "Code Integration into Applications",
			a("auth0", "", "", "C"), a("auth0", issues, "", "I"), a("subscriber", "", "", "R", "A")),
		row("user-migration", "User Migration (if required)",
			a("auth0", "", "", "C"), a("auth0", issues, "", "I"), a("subscriber", "", "", "R", "A")),
		row("updates", "Updates",
			a("auth0", "", "", "R"), a("subscriber", "", "", "R", "A")),
		row("testing-updates", "Testing Updates",
			a("auth0", "", "", "C"), a("auth0", "in the event that there are questions/issues", "", "I"), a("subscriber", "", "", "R", "A")),
		row("issue-identification", "Issue Identification and Support Ticket Submission",
			a("auth0", "", "", "C"), a("subscriber", "", "", "R", "A")),
		row("issue-resolution", "Issue Resolution",
			a("auth0", "", "", "R"), a("subscriber", "", "", "C")),
	}
}

// TestSeedCodeIntegration: the row "Code Integration into Applications" of seed 003,
// where Auth0 is Consulted, and Informed "in the event that there are issues", and
// the subscriber is Responsible and Accountable, is a valid RACI row.
func TestSeedCodeIntegration(t *testing.T) {
	r := &raci.Responsibility{
		Tenant: "acme",
		Key:    "code-integration-into-applications",
		Title:  "Code Integration into Applications",
		Notes:  "The subscriber is responsible for Auth0 code integration.",
		Assignments: []raci.Assignment{
			{Party: "subscriber", Roles: []raci.Role{"A", "R"}},
			{Party: "auth0", Roles: []raci.Role{"I"}, When: "in the event that there are issues"},
			{Party: "auth0", Roles: []raci.Role{"C"}},
		},
	}
	if raci.Slugify(r.Title) != r.Key {
		t.Errorf("Slugify(%q) = %q, want the key %q", r.Title, raci.Slugify(r.Title), r.Key)
	}
	r.Normalize()
	if err := r.Validate(raci.RACI); err != nil {
		t.Fatalf("Validate(RACI): %v", err)
	}
	if err := r.Validate(""); err != nil {
		t.Fatalf("Validate with the scheme unknown: %v", err)
	}
	parties := map[string]bool{"auth0": true, "subscriber": true}
	if err := r.CheckParties(func(p string) bool { return parties[p] }); err != nil {
		t.Fatalf("CheckParties: %v", err)
	}
	want := []raci.Assignment{
		{Party: "auth0", Roles: []raci.Role{"C"}},
		{Party: "auth0", Roles: []raci.Role{"I"}, When: "in the event that there are issues"},
		{Party: "subscriber", Roles: []raci.Role{"R", "A"}},
	}
	if !reflect.DeepEqual(r.Assignments, want) {
		t.Errorf("normalized = %+v, want %+v", r.Assignments, want)
	}
}

// TestSeed003 checks the whole published matrix: three of its twelve rows name no
// Accountable party, and the rules say so for exactly those rows, with the fix.
func TestSeed003(t *testing.T) {
	noAccountable := map[string]bool{"configuration": true, "operations-handover": true, "issue-resolution": true}
	for _, r := range seed003() {
		err := r.Validate(raci.RACI)
		if !noAccountable[r.Key] {
			if err != nil {
				t.Errorf("row %q: %v", r.Key, err)
			}
			continue
		}
		wantInvalid(t, err, "assignments", fmt.Sprintf("Row %q has no Accountable party", r.Key), `add "A"`,
			`set accountability = "unassigned"`)
		if ps := raci.ErrorProblems(err); len(ps) != 1 {
			t.Errorf("row %q: problems %+v, want only the missing Accountable", r.Key, ps)
		}
		// Recorded as written, the row is valid.
		r.Accountability = raci.AccountabilityOf(r.Assignments)
		if r.Accountability != raci.AccountabilityUnassigned {
			t.Errorf("row %q: AccountabilityOf = %q, want unassigned", r.Key, r.Accountability)
		}
		if err := r.Validate(raci.RACI); err != nil {
			t.Errorf("row %q with accountability unassigned: %v", r.Key, err)
		}
	}
}

func TestAccountabilityOf(t *testing.T) {
	cond := func(party, when string) raci.Assignment {
		return raci.Assignment{Party: party, Roles: []raci.Role{"A"}, When: when}
	}
	for _, tc := range []struct {
		name string
		in   []raci.Assignment
		want raci.Accountability
	}{
		{"none", []raci.Assignment{as("vendor", "R")}, raci.AccountabilityUnassigned},
		{"one", []raci.Assignment{as("vendor", "R", "A"), as("customer", "C")}, raci.AccountabilitySingle},
		{"one and a conditional", []raci.Assignment{as("vendor", "R", "A"), cond("customer", "if local")}, raci.AccountabilitySingle},
		{"two", []raci.Assignment{as("vendor", "R", "A"), as("customer", "A")}, raci.AccountabilityShared},
		// Only a conditional A: single, which Validate refuses, asking who answers otherwise.
		{"only conditional", []raci.Assignment{as("vendor", "R"), cond("customer", "if local")}, raci.AccountabilitySingle},
	} {
		if got := raci.AccountabilityOf(tc.in); got != tc.want {
			t.Errorf("%s: AccountabilityOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Rows written before accountability existed read as single, and normalize to it.
func TestAccountabilityDefault(t *testing.T) {
	r := &raci.Responsibility{Tenant: "acme", Key: "backups", Title: "Backing Up", Assignments: []raci.Assignment{as("vendor", "R", "A")}}
	if err := r.Validate(raci.RACI); err != nil {
		t.Errorf("Validate with accountability unset: %v", err)
	}
	r.Normalize()
	if r.Accountability != raci.AccountabilitySingle {
		t.Errorf("Normalize: accountability = %q, want single", r.Accountability)
	}
}

func TestSortRows(t *testing.T) {
	row := func(key, category string, position int) *raci.Responsibility {
		return &raci.Responsibility{Key: key, Category: category, Position: position}
	}
	keys := func(rows []*raci.Responsibility) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Key)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []*raci.Responsibility
		want []string
	}{
		// Seed 003's order: Deployment rows first in the document, then Operations,
		// whatever the names of the categories or keys.
		{"document order", []*raci.Responsibility{
			row("monitoring", "Operations", 5), row("zeta-deploy", "Deployment", 1), row("handover", "Operations", 4),
			row("configuration", "Deployment", 3), nil, row("backing-up", "Operations", 6), row("deployment", "Deployment", 2),
		}, []string{"zeta-deploy", "deployment", "configuration", "handover", "monitoring", "backing-up"}},
		// A category appears where its first row does, even when its other rows
		// come later in the document.
		{"category by its first row", []*raci.Responsibility{
			row("b", "Support", 1), row("c", "Deployment", 2), row("d", "Support", 3),
		}, []string{"b", "d", "c"}},
		// Without positions: by key, categories by their smallest key.
		{"no positions", []*raci.Responsibility{
			row("updates", "Updates", 0), row("backing-up", "Operations", 0), row("monitoring", "Operations", 0), row("alpha", "Updates", 0),
		}, []string{"alpha", "updates", "backing-up", "monitoring"}},
		// Rows added without a position come after the document's, in their category.
		{"unpositioned after positioned", []*raci.Responsibility{
			row("added", "Operations", 0), row("second", "Operations", 2), row("first", "Operations", 1),
		}, []string{"first", "second", "added"}},
		{"same position, by key", []*raci.Responsibility{
			row("b", "", 1), row("a", "", 1),
		}, []string{"a", "b"}},
	} {
		if got := keys(raci.SortRows(tc.in)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: SortRows = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRowFieldRules(t *testing.T) {
	r := rowWith(as("vendor", "R", "A"))
	r.Position = -1
	wantInvalid(t, r.Validate(raci.RACI), "position", `Row "backups" has the position -1`, "from 1 to 100000")
	r.Position = raci.MaxPosition + 1
	wantInvalid(t, r.Validate(raci.RACI), "position", "from 1 to 100000")
	r.Position = 7
	r.When = strings.Repeat("w", raci.MaxConditionLength+1)
	wantInvalid(t, r.Validate(raci.RACI), "when", "at most 500")
	r.When, r.Optional = "if required", true
	if err := r.Validate(raci.RACI); err != nil {
		t.Errorf("an optional row with a condition and a position: %v", err)
	}
}
