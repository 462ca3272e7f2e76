package format

import (
	"sort"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Markdown returns the tenant's matrix as a Markdown table in the shape vendors
// publish theirs (seed 003): a Task column, one column per party headed by its
// display name (or name), the letters in the cells, and a Notes column when any row
// has notes. Rows are ordered by category then key and parties by name, so the same
// snapshot always renders the same text and a diff of two renderings shows only
// what changed.
//
// A cell holds the party's unconditional letters, followed by " (holder)" when the
// assignment names a holder, then each conditional assignment's letters followed by
// " (when)": "C, I (in the event that there are issues)". Assignments of parties the
// snapshot does not list are left out.
func Markdown(s *raci.Snapshot) string {
	if s == nil {
		return ""
	}
	scheme := snapshotScheme(s)
	parties := matrixParties(s)
	rows := matrixRows(s)
	withNotes := false
	for _, r := range rows {
		if strings.TrimSpace(r.Notes) != "" {
			withNotes = true
		}
	}

	var b strings.Builder
	header := []string{"Task"}
	for _, p := range parties {
		header = append(header, markdownCell(partyColumn(p)))
	}
	if withNotes {
		header = append(header, "Notes")
	}
	writeMarkdownRow(&b, header)
	rule := make([]string, len(header))
	for i := range rule {
		rule[i] = "---"
	}
	writeMarkdownRow(&b, rule)

	for _, r := range rows {
		cells := []string{markdownCell(rowTitle(r))}
		for _, p := range parties {
			cells = append(cells, markdownCell(matrixCell(scheme, r.Assignments, p.Name)))
		}
		if withNotes {
			cells = append(cells, markdownCell(r.Notes))
		}
		writeMarkdownRow(&b, cells)
	}
	return b.String()
}

// snapshotScheme is the tenant's scheme, or "" when the snapshot has no tenant.
func snapshotScheme(s *raci.Snapshot) raci.Scheme {
	if s.Tenant == nil {
		return ""
	}
	return s.Tenant.Scheme
}

// matrixParties returns the snapshot's parties ordered by name: the matrix's columns
// in every rendering.
func matrixParties(s *raci.Snapshot) []*raci.Party {
	parties := make([]*raci.Party, 0, len(s.Parties))
	for _, p := range s.Parties {
		if p != nil {
			parties = append(parties, p)
		}
	}
	sort.SliceStable(parties, func(i, j int) bool { return parties[i].Name < parties[j].Name })
	return parties
}

// matrixRows returns the snapshot's rows ordered by category then key: the matrix's
// rows in every rendering.
func matrixRows(s *raci.Snapshot) []*raci.Responsibility {
	rows := make([]*raci.Responsibility, 0, len(s.Responsibilities))
	for _, r := range s.Responsibilities {
		if r != nil {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Category != rows[j].Category {
			return rows[i].Category < rows[j].Category
		}
		return rows[i].Key < rows[j].Key
	})
	return rows
}

// partyColumn heads a party's column: its display name, or its name without one.
func partyColumn(p *raci.Party) string {
	if strings.TrimSpace(p.DisplayName) == "" {
		return p.Name
	}
	return p.DisplayName
}

// rowTitle names a row in the Task column: its title, or its key without one.
func rowTitle(r *raci.Responsibility) string {
	if strings.TrimSpace(r.Title) == "" {
		return r.Key
	}
	return r.Title
}

// matrixCell renders what one party holds in one row, unescaped; each format
// escapes it its own way.
func matrixCell(scheme raci.Scheme, assignments []raci.Assignment, party string) string {
	var plain, conditional []raci.Assignment
	for _, a := range assignments {
		switch {
		case a.Party != party:
		case a.When == "":
			plain = append(plain, a)
		default:
			conditional = append(conditional, a)
		}
	}
	sort.SliceStable(conditional, func(i, j int) bool {
		if conditional[i].When != conditional[j].When {
			return conditional[i].When < conditional[j].When
		}
		return conditional[i].Holder < conditional[j].Holder
	})

	var parts []string
	for _, a := range append(plain, conditional...) {
		part := joinLetters(scheme, a.Roles)
		if a.Holder != "" {
			part += " (" + a.Holder + ")"
		}
		if a.When != "" {
			part += " (" + a.When + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}

// joinLetters lists letters in the order the scheme's name spells them (D, A, C, I
// in DACI), which is how people read them, and any other letter after those.
func joinLetters(scheme raci.Scheme, roles []raci.Role) string {
	letters := scheme.Letters()
	rank := func(r raci.Role) int {
		for i, l := range letters {
			if l == r {
				return i
			}
		}
		for i, l := range raci.AllLetters {
			if l == r {
				return len(letters) + i
			}
		}
		return len(letters) + len(raci.AllLetters)
	}
	sorted := raci.SortRoles(roles)
	sort.SliceStable(sorted, func(i, j int) bool { return rank(sorted[i]) < rank(sorted[j]) })
	out := make([]string, len(sorted))
	for i, r := range sorted {
		out[i] = string(r)
	}
	return strings.Join(out, ", ")
}

// markdownCell makes text safe inside a table cell: a pipe would end the cell and a
// newline the row.
func markdownCell(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`).Replace(s)
	return strings.TrimSpace(s)
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(c)
		b.WriteString("|")
	}
	b.WriteString("\n")
}
