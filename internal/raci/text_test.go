package raci_test

import (
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// textField is one free-text field of the domain: how to set it on a valid object,
// and whether it is a field of several lines (tab and line feed allowed).
type textField struct {
	field    string
	lines    bool
	validate func(value string) error
}

func everyTextField() []textField {
	tenant := func(set func(*raci.Tenant, string)) func(string) error {
		return func(v string) error {
			tn := validTenant()
			tn.Source = &raci.Source{Title: "Seed", URL: "https://example.com/raci", Revision: "1"}
			set(tn, v)
			return tn.Validate()
		}
	}
	party := func(set func(*raci.Party, string)) func(string) error {
		return func(v string) error {
			p := validParty()
			set(p, v)
			return p.Validate()
		}
	}
	row := func(set func(*raci.Responsibility, string)) func(string) error {
		return func(v string) error {
			r := rowWith(as("vendor", "R"), as("customer", "A"))
			set(r, v)
			return r.Validate(raci.RACI)
		}
	}
	checklist := func(set func(*raci.Checklist, string)) func(string) error {
		return func(v string) error {
			it := item("dns", "initech", raci.Waived)
			it.Waiver = waiverUntil("vendor", later)
			c := infrastructure(it)
			set(c, v)
			return c.Validate()
		}
	}
	return []textField{
		{"display_name", false, tenant(func(t *raci.Tenant, v string) { t.DisplayName = v })},
		{"customer", false, tenant(func(t *raci.Tenant, v string) { t.Customer = v })},
		{"description", true, tenant(func(t *raci.Tenant, v string) { t.Description = v })},
		{"source.title", false, tenant(func(t *raci.Tenant, v string) { t.Source.Title = v })},
		{"source.revision", false, tenant(func(t *raci.Tenant, v string) { t.Source.Revision = v })},
		{"labels.tier", false, tenant(func(t *raci.Tenant, v string) { t.Labels["tier"] = v })},
		{"labels", false, tenant(func(t *raci.Tenant, v string) { t.Labels[v] = "x" })},
		{"display_name", false, party(func(p *raci.Party, v string) { p.DisplayName = v })},
		{"contacts[0]", false, party(func(p *raci.Party, v string) { p.Contacts = []string{v} })},
		{"title", false, row(func(r *raci.Responsibility, v string) { r.Title = v })},
		{"category", false, row(func(r *raci.Responsibility, v string) { r.Category = v })},
		{"description", true, row(func(r *raci.Responsibility, v string) { r.Description = v })},
		{"notes", true, row(func(r *raci.Responsibility, v string) { r.Notes = v })},
		{"assignments[0].holder", false, row(func(r *raci.Responsibility, v string) { r.Assignments[0].Holder = v })},
		// assignments[1] is the vendor's R (customer sorts first): a condition there
		// leaves the row's one unconditional A alone.
		{"assignments[1].when", false, row(func(r *raci.Responsibility, v string) { r.Assignments[1].When = v })},
		{"when", false, row(func(r *raci.Responsibility, v string) { r.When = v })},
		{"title", false, checklist(func(c *raci.Checklist, v string) { c.Title = v })},
		{"description", true, checklist(func(c *raci.Checklist, v string) { c.Description = v })},
		{"gate", false, checklist(func(c *raci.Checklist, v string) { c.Gate = v })},
		{"items[0].title", false, checklist(func(c *raci.Checklist, v string) { c.Items[0].Title = v })},
		{"items[0].evidence", true, checklist(func(c *raci.Checklist, v string) { c.Items[0].Evidence = v })},
		{"items[0].waiver.reason", true, checklist(func(c *raci.Checklist, v string) { c.Items[0].Waiver.Reason = v })},
	}
}

// TestTextRefusesControlCharacters puts each control character the probe found
// (NUL, ESC and BEL, a carriage return) and an invalid UTF-8 byte into every
// free-text field: each is refused with a problem naming the field and the fix.
// Tab and line feed pass in fields of several lines and are refused in the others;
// other text, U+FFFD and non-ASCII letters included, passes everywhere.
func TestTextRefusesControlCharacters(t *testing.T) {
	bad := []struct {
		name, value, want string
	}{
		{"NUL", "a\x00b", "U+0000 (NUL) at byte 1"},
		{"ESC and BEL", "\x1b]0;owned\x07", "U+001B (ESC) at byte 0"},
		{"DEL", "a\x7f", "U+007F (DEL)"},
		{"C1", "a\u009bb", "U+009B"},
		{"carriage return", "a\r\nb", "U+000D (carriage return)"},
		{"invalid UTF-8", "caf\xe9", "not valid UTF-8 (byte 3 is 0xe9)"},
		{"truncated sequence", "a\xe2\x82", "not valid UTF-8 (byte 1 is 0xe2)"},
	}
	for _, f := range everyTextField() {
		if err := f.validate("Fine text: café, 東京, \uFFFD"); err != nil {
			t.Errorf("%s: ordinary text refused: %v", f.field, err)
		}
		for _, b := range bad {
			wantProblem(t, f.field+" with "+b.name, f.validate(b.value), f.field, b.want)
		}
		for _, layout := range []string{"one\ttwo", "one\ntwo"} {
			err := f.validate(layout)
			switch {
			case f.lines && err != nil:
				t.Errorf("%s: %q refused in a field of several lines: %v", f.field, layout, err)
			case !f.lines:
				wantProblem(t, f.field+" with "+strings.ReplaceAll(layout, "\n", `\n`), err, f.field, "one line of text")
			}
		}
	}
}

// wantProblem asserts that err is EINVALID with a problem on field whose detail
// holds want.
func wantProblem(t *testing.T, what string, err error, field, want string) {
	t.Helper()
	if code := raci.ErrorCode(err); code != raci.EINVALID {
		t.Errorf("%s: error %v (code %q), want %q", what, err, code, raci.EINVALID)
		return
	}
	for _, p := range raci.ErrorProblems(err) {
		if p.Field == field && strings.Contains(p.Detail, want) {
			return
		}
	}
	t.Errorf("%s: problems %+v, want one on %q saying %q", what, raci.ErrorProblems(err), field, want)
}
