package format

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// matrixBytes builds a matrix the domain accepts from fuzz bytes: every byte read
// picks a choice, and a run out of bytes reads as zeros.
type matrixBytes struct{ data []byte }

func (m *matrixBytes) pick(n int) int {
	if len(m.data) == 0 || n <= 1 {
		return 0
	}
	b := m.data[0]
	m.data = m.data[1:]
	return int(b) % n
}

// textPieces are what titles, headings, holders, conditions and notes are made of:
// words, the condition words the parser looks for, the labels, and every character
// that Markdown or a cell treats as syntax.
var textPieces = []string{
	"backups", "Auth0", "on_call", "engineer", "if", "when", "when:", "holder:", "only", "in the event",
	"notes", "Category", " ", "  ", "\n", "\\", "|", "(", ")", "[", "]", "*", "_", "`", "~", "<", ">",
	"#", "!", ":", "-", ",", "&amp;", "<br>", "[x](/y)", "<https://x.example>", "\\|", "é", "n/a", "R",
	"\t", "\r\n", "\u00a0", "Noteſ", "(if x)", "**", "__", "![i](/j)", "[r][1]", "```",
}

// text returns one line of text: the domain refuses tabs and line breaks there, so
// those pieces become spaces.
func (m *matrixBytes) text(maxPieces int) string {
	return oneLine.Replace(m.lines(maxPieces))
}

var oneLine = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ")

// lines returns text for a field of several lines (notes), where the domain allows
// tabs and line feeds but no carriage return.
func (m *matrixBytes) lines(maxPieces int) string {
	var b strings.Builder
	for range m.pick(maxPieces + 1) {
		b.WriteString(textPieces[m.pick(len(textPieces))])
	}
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

// snapshot returns a valid tenant and the rows' keys, or nil when the bytes make a
// matrix that Markdown cannot carry (see FuzzMarkdownRoundTrip).
func (m *matrixBytes) snapshot() *raci.Snapshot {
	scheme := raci.Schemes[m.pick(len(raci.Schemes))]
	letters := scheme.Letters()
	s := &raci.Snapshot{Tenant: &raci.Tenant{Name: "acme", Scheme: scheme}}
	partyNames := []string{"auth0", "subscriber", "notes", "ops", "category", "x"}
	for i := range 1 + m.pick(4) {
		name := partyNames[(i+m.pick(len(partyNames)))%len(partyNames)]
		if slices.ContainsFunc(s.Parties, func(p *raci.Party) bool { return p.Name == name }) {
			continue
		}
		s.Parties = append(s.Parties, &raci.Party{Tenant: "acme", Name: name, DisplayName: m.text(3), Kind: raci.Vendor})
	}
	for i := range 1 + m.pick(4) {
		r := &raci.Responsibility{
			Tenant: "acme", Key: fmt.Sprintf("row-%d", i), Title: m.text(4) + fmt.Sprintf("t%d", i),
			Category: m.text(2), Notes: m.lines(5), Optional: m.pick(2) == 1, Position: m.pick(4),
		}
		if m.pick(2) == 1 {
			r.When = m.text(3) + "w"
		}
		for _, p := range s.Parties {
			used := map[string]bool{}
			for range m.pick(3) {
				a := raci.Assignment{Party: p.Name, Holder: m.text(2)}
				if m.pick(2) == 1 {
					a.When = m.text(3) + "c"
				}
				if used[a.When] {
					continue
				}
				used[a.When] = true
				for range 1 + m.pick(2) {
					if l := letters[m.pick(len(letters))]; l != raci.Accountable {
						a.Roles = append(a.Roles, l)
					}
				}
				if len(a.Roles) > 0 {
					r.Assignments = append(r.Assignments, a)
				}
			}
		}
		// Accountable parties as the row's accountability records them, and someone
		// doing the work, as Validate demands.
		if len(r.Assignments) == 0 {
			r.Assignments = append(r.Assignments, raci.Assignment{Party: s.Parties[0].Name})
		}
		var plain, conditional []int // indexes of the assignments without and with a condition
		for i, a := range r.Assignments {
			if a.When == "" {
				plain = append(plain, i)
			} else {
				conditional = append(conditional, i)
			}
		}
		switch m.pick(3) {
		case 1:
			if len(plain) >= 2 {
				// Shared: A on two or more parties without a condition.
				r.Accountability = raci.AccountabilityShared
				for _, i := range plain[:2+m.pick(len(plain)-1)] {
					r.Assignments[i].Roles = append(r.Assignments[i].Roles, raci.Accountable)
				}
				break
			}
			fallthrough
		case 0:
			// Single: one party without a condition, and maybe one under a condition,
			// who answers instead when it holds.
			if len(plain) == 0 {
				r.Assignments = append(r.Assignments, raci.Assignment{Party: s.Parties[m.pick(len(s.Parties))].Name})
				plain = append(plain, len(r.Assignments)-1)
			}
			i := plain[m.pick(len(plain))]
			r.Assignments[i].Roles = append(r.Assignments[i].Roles, raci.Accountable)
			if len(conditional) > 0 && m.pick(2) == 1 {
				i := conditional[m.pick(len(conditional))]
				r.Assignments[i].Roles = append(r.Assignments[i].Roles, raci.Accountable)
			}
		default:
			// Unassigned: the document names nobody.
			r.Accountability = raci.AccountabilityUnassigned
		}
		doer := &r.Assignments[m.pick(len(r.Assignments))]
		doer.Roles = append(doer.Roles, scheme.Doer())
		s.Responsibilities = append(s.Responsibilities, r)
	}
	return s
}

// comparableRow is what a row's Markdown carries, as ParseMarkdown gives it back:
// text on one line with its spaces collapsed; the key made from the title by the
// parser's rule; parties named by their column's heading.
type comparableRow struct {
	Key, Title, Category, Notes string
	Accountability              raci.Accountability
	Optional                    bool
	When                        string
	Position                    int
	Assignments                 []raci.Assignment
}

// expectedRow is what row r, rendered at place position of the table, parses back as.
func expectedRow(r *raci.Responsibility, position int, partyColumn map[string]string) comparableRow {
	title := cleanText(rowTitle(r))
	row := comparableRow{
		Key: rowKey(title), Title: title, Category: cleanText(r.Category),
		Notes:          strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(r.Notes)),
		Accountability: rowAccountability(r),
		Optional:       r.Optional,
		When:           cleanText(r.When),
		Position:       position,
	}
	for _, a := range r.Assignments {
		row.Assignments = append(row.Assignments, raci.Assignment{
			Party: partyColumn[a.Party], Roles: a.Roles, Holder: cleanText(a.Holder), When: cleanText(a.When),
		})
	}
	return row.normalized()
}

func parsedComparable(p ParsedRow) comparableRow {
	return comparableRow(p).normalized()
}

func (c comparableRow) normalized() comparableRow {
	r := raci.Responsibility{Assignments: slices.Clone(c.Assignments)}
	r.Normalize()
	c.Assignments = r.Assignments
	return c
}

// carriedByMarkdown reports whether a valid matrix is one a Markdown table can
// carry, and why not. Keys come from titles, so two titles must not make one key
// and a title needs a letter or digit; a cell collapses spaces, so one party's
// conditions must differ in more than spaces (a condition of spaces alone is none).
func carriedByMarkdown(s *raci.Snapshot) (string, bool) {
	keys := map[string]bool{}
	for _, r := range s.Responsibilities {
		key := rowKey(cleanText(rowTitle(r)))
		if key == "" || keys[key] {
			return fmt.Sprintf("title %q makes no key of its own", r.Title), false
		}
		keys[key] = true
		seen := map[[2]string]bool{}
		for _, a := range r.Assignments {
			pw := [2]string{a.Party, cleanText(a.When)}
			if seen[pw] {
				return fmt.Sprintf("row %q gives party %q conditions that differ only in spaces", r.Key, a.Party), false
			}
			seen[pw] = true
		}
	}
	return "", true
}

// FuzzMarkdownRoundTrip renders matrices the domain accepts and parses them back:
// every row returns with its title, category, notes and each assignment's party,
// letters, holder and condition, whatever characters they hold.
func FuzzMarkdownRoundTrip(f *testing.F) {
	// A cell with a holder and a condition that reads as a holder; a value ending in a
	// backslash; Markdown and cell syntax in every field.
	f.Add([]byte("\x00\x00\x01\x01\x00\x01\x00\x03\x1a\x09\x03\x1b\x00\x01\x01\x01\x02\x03\x04\x05\x06\x00\x00"))
	f.Add([]byte("\x01\x01\x00\x00\x01\x00\x01\x00\x0f\x00\x02\x10\x11\x12\x13\x01\x00\x00\x00\x00\x00"))
	f.Add([]byte("\x02\x03\x00\x02\x15\x16\x17\x01\x18\x02\x01\x1d\x1e\x02\x02\x1f\x20\x01\x03\x21\x22\x23\x02\x01\x01\x24\x25\x00\x01"))
	f.Add([]byte("seed 003: R, A (subscriber's infrastructure engineer) | C, I (in the event that there are issues) \\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		gen := &matrixBytes{data: data}
		s := gen.snapshot()
		for _, r := range s.Responsibilities {
			if err := r.Validate(s.Tenant.Scheme); err != nil {
				t.Fatalf("the generator made a row the domain refuses: %v", err)
			}
		}
		if why, ok := carriedByMarkdown(s); !ok {
			t.Skip(why)
		}
		assertRoundTrip(t, s)
	})
}

// assertRoundTrip renders the matrix, parses it back and compares row by row.
func assertRoundTrip(t *testing.T, s *raci.Snapshot) {
	t.Helper()
	markdown := Markdown(s)
	parsed, err := ParseMarkdown(markdown)
	if err != nil {
		t.Fatalf("parsing the rendered matrix: %v\n%s", err, markdown)
	}

	partyColumn := map[string]string{}
	headings := markdownHeadings(matrixParties(s))
	for i, p := range matrixParties(s) {
		partyColumn[p.Name] = raci.Slugify(plainText(headings[i]))
	}
	rows := matrixRows(s)
	if len(parsed) != len(rows) {
		t.Fatalf("%d rows came back, want %d:\n%s", len(parsed), len(rows), markdown)
	}
	for i, r := range rows {
		got, want := parsedComparable(parsed[i]), expectedRow(r, i+1, partyColumn)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("row %d came back as\n%#v\nwant\n%#v\nfrom\n%s", i+1, got, want, markdown)
		}
	}
}

// TestMarkdownRoundTripCases pins the matrices that did not come back before the
// writer escaped and labelled its text.
func TestMarkdownRoundTripCases(t *testing.T) {
	parties := func(names ...string) []*raci.Party {
		var out []*raci.Party
		for _, n := range names {
			out = append(out, &raci.Party{Tenant: "acme", Name: n, DisplayName: strings.ToUpper(n[:1]) + n[1:], Kind: raci.Vendor})
		}
		return out
	}
	row := func(title string, assignments ...raci.Assignment) *raci.Responsibility {
		return &raci.Responsibility{Tenant: "acme", Key: raci.Slugify(title), Title: title, Assignments: assignments}
	}
	cases := map[string]*raci.Snapshot{
		"a holder and a condition that reads as a holder": {Parties: parties("vendor", "customer"), Responsibilities: []*raci.Responsibility{
			row("Updates",
				holds("vendor", "R, A", "", ""),
				holds("customer", "C, I", "infrastructure engineer", "on-call weekends")),
		}},
		"a holder that reads as a condition": {Parties: parties("vendor"), Responsibilities: []*raci.Responsibility{
			row("Audit", holds("vendor", "R, A", "outside counsel", "")),
		}},
		"accountability shared, unassigned and conditional": {Parties: parties("vendor", "customer"), Responsibilities: []*raci.Responsibility{
			{Tenant: "acme", Key: "security", Title: "Security", Accountability: raci.AccountabilityShared, Assignments: []raci.Assignment{
				holds("vendor", "R, A", "", ""), holds("customer", "R, A", "security officer", ""),
			}},
			{Tenant: "acme", Key: "configuration", Title: "Configuration", Accountability: raci.AccountabilityUnassigned, Assignments: []raci.Assignment{
				holds("vendor", "C", "", ""), holds("customer", "R", "", ""),
			}},
			{Tenant: "acme", Key: "backup", Title: "Backup", Assignments: []raci.Assignment{
				holds("vendor", "R, A", "", ""), holds("customer", "R, A", "", "if clients store backups locally"),
			}},
		}},
		"optional, a condition on the row, and titles ending in parentheses": {Parties: parties("vendor"), Responsibilities: []*raci.Responsibility{
			{Tenant: "acme", Key: "user-migration", Title: "User Migration", When: "if required", Optional: true, Position: 1,
				Assignments: []raci.Assignment{holds("vendor", "R, A", "", "")}},
			{Tenant: "acme", Key: "cli", Title: "Command-Line Interface (CLI)", Position: 2,
				Assignments: []raci.Assignment{holds("vendor", "R, A", "", "")}},
			{Tenant: "acme", Key: "backups", Title: "Backups (if the disk fills)", Position: 3,
				Assignments: []raci.Assignment{holds("vendor", "R, A", "", "")}},
			{Tenant: "acme", Key: "restores", Title: "[Optional] restores", When: "quarterly (on request)", Position: 4,
				Assignments: []raci.Assignment{holds("vendor", "R, A", "", "")}},
			{Tenant: "acme", Key: "label", Title: "Audit", When: "when: x", Position: 5,
				Assignments: []raci.Assignment{holds("vendor", "R, A", "", "")}},
		}},
		"values ending in a backslash": {Parties: parties("vendor", "customer"), Responsibilities: []*raci.Responsibility{
			{Tenant: "acme", Key: "paths", Title: `C:\`, Category: `ops\`, Notes: `see C:\`, Assignments: []raci.Assignment{
				holds("vendor", "R, A", `admin\`, ""), holds("customer", "I", "", `if C:\ fills up\`),
			}},
		}},
		"Markdown and cell syntax in every field": {Parties: parties("vendor", "notes"), Responsibilities: []*raci.Responsibility{
			{Tenant: "acme", Key: "syntax", Title: "*Backups* | [restores](/r) <b>#1</b> _x_ `y` (z)", Category: "ops | <i>",
				Notes: `a | b \| c [d](/e)`, Assignments: []raci.Assignment{
					holds("vendor", "R, A", "team (a) [b] *c*", ""),
					holds("notes", "I", "when: ", "if (x) | y \\"),
				}},
		}},
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			s.Tenant = &raci.Tenant{Name: "acme", Scheme: raci.RACI}
			for _, r := range s.Responsibilities {
				if err := r.Validate(raci.RACI); err != nil {
					t.Fatal(err)
				}
			}
			assertRoundTrip(t, s)
		})
	}
}

func holds(party, roles, holder, when string) raci.Assignment {
	a := raci.Assignment{Party: party, Holder: holder, When: when}
	for _, l := range strings.Split(roles, ", ") {
		a.Roles = append(a.Roles, raci.Role(l))
	}
	return a
}
