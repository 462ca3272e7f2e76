package format

import (
	"sort"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Markdown returns the tenant's matrix as a Markdown table in the shape vendors
// publish theirs (seed 003): a Task column, a Category column when any row has a
// category, one column per party headed by its display name (or name), the letters
// in the cells, and a Notes column when any row has notes. Rows are in the order of
// raci.SortRows (categories as they first appear, then position, then key) and
// parties by name, so the same snapshot always renders the same text and a diff of
// two renderings shows only what changed.
//
// Before the table come the tenant's description and a line naming the document the
// matrix comes from (its source), when the tenant has them.
//
// A cell holds the party's unconditional letters, followed by " (holder)" when the
// assignment names a holder, then each letter of each conditional assignment with
// its holder and " (when)": "C, I (in the event that there are issues)". Assignments
// of parties the snapshot does not list are left out.
//
// After the table, a list of open points names every row recorded with
// accountability shared (its Accountable parties) or unassigned, for the parties to
// settle; ParseMarkdown reads the table alone, and gives each row its accountability
// back from its letters.
//
// ParseMarkdown reads the table back into the same rows (see FuzzMarkdownRoundTrip):
// every cell escapes backslashes and pipes; titles, categories, headings, holders and
// conditions also escape what Markdown or a cell would read as syntax; a holder that
// reads as a condition, or a condition that does not, is labelled "(holder: ...)" or
// "(when: ...)". A cell is one line: line breaks become spaces, and the plain-text
// fields (all but notes) collapse runs of spaces, as Markdown shows them. Keys are
// not written: ParseMarkdown makes them from titles, so two rows whose titles make
// one key, or a title without letters or digits, do not read back.
func Markdown(s *raci.Snapshot) string {
	if s == nil {
		return ""
	}
	scheme := snapshotScheme(s)
	parties := matrixParties(s)
	rows := matrixRows(s)
	withNotes, withCategory := false, false
	for _, r := range rows {
		if strings.TrimSpace(r.Notes) != "" {
			withNotes = true
		}
		if cleanText(r.Category) != "" {
			withCategory = true
		}
	}

	var b strings.Builder
	writeMarkdownIntro(&b, s.Tenant)
	header := []string{"Task"}
	if withCategory {
		header = append(header, "Category")
	}
	header = append(header, markdownHeadings(parties)...)
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
		cells := []string{markdownTask(r)}
		if withCategory {
			cells = append(cells, markdownText(r.Category, false))
		}
		for _, p := range parties {
			cells = append(cells, markdownAssignments(scheme, r.Assignments, p.Name))
		}
		if withNotes {
			cells = append(cells, markdownCell(r.Notes))
		}
		writeMarkdownRow(&b, cells)
	}
	writeOpenPoints(&b, rows, parties)
	return b.String()
}

// sourceLine names the document a matrix comes from, for people: "Source: title,
// revision (url)"; "" when there is none.
func sourceLine(src *raci.Source) string {
	if src.IsZero() {
		return ""
	}
	var parts []string
	for _, p := range []string{cleanText(src.Title), cleanText(src.Revision)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	line := strings.Join(parts, ", ")
	if u := strings.TrimSpace(src.URL); u != "" {
		if line == "" {
			line = u
		} else {
			line += " (" + u + ")"
		}
	}
	return "Source: " + line
}

// writeMarkdownIntro writes, before the table, the tenant's description and the
// document its matrix comes from, when it has them. ParseMarkdown skips the text
// before a table.
func writeMarkdownIntro(b *strings.Builder, t *raci.Tenant) {
	if t == nil {
		return
	}
	if d := strings.TrimSpace(t.Description); d != "" {
		// A description is Markdown, but it must not start a table, nor open a code
		// block, which would make ParseMarkdown miss the matrix.
		lines := strings.Split(strings.ReplaceAll(d, "\r\n", "\n"), "\n")
		for i, l := range lines {
			l = strings.ReplaceAll(l, "|", `\|`)
			if fenceOf(strings.TrimSpace(l)) != "" {
				l = `\` + strings.TrimSpace(l)
			}
			lines[i] = l
		}
		b.WriteString(strings.Join(lines, "\n") + "\n\n")
	}
	if src := t.Source; !src.IsZero() {
		text := "Source: "
		var parts []string
		for _, p := range []string{cleanText(src.Title), cleanText(src.Revision)} {
			if p != "" {
				parts = append(parts, markdownText(p, false))
			}
		}
		title := strings.Join(parts, ", ")
		switch u := strings.TrimSpace(src.URL); {
		case u != "" && title != "":
			text += "[" + title + "](<" + u + ">)"
		case u != "":
			text += "<" + u + ">"
		default:
			text += title
		}
		b.WriteString(text + "\n\n")
	}
}

// rowAccountability is the row's accountability, single when it records none.
func rowAccountability(r *raci.Responsibility) raci.Accountability {
	if r.Accountability == "" {
		return raci.DefaultAccountability
	}
	return r.Accountability
}

// openPointText says, for people, what a shared or unassigned row leaves open, naming
// its Accountable parties by column; "" for a row that leaves nothing open.
func openPointText(r *raci.Responsibility, parties []*raci.Party) string {
	switch rowAccountability(r) {
	case raci.AccountabilityShared:
		var names []string
		for _, p := range parties {
			for _, a := range r.Assignments {
				if a.Party == p.Name && a.When == "" && a.Has(raci.Accountable) {
					names = append(names, cleanText(partyColumn(p)))
					break
				}
			}
		}
		return "Accountable together: " + strings.Join(names, ", ") + "; who answers for what is for the parties to settle."
	case raci.AccountabilityUnassigned:
		return "no party is Accountable; who answers is for the parties to settle."
	}
	return ""
}

// writeOpenPoints writes the list of open points after the table, if any row has one.
func writeOpenPoints(b *strings.Builder, rows []*raci.Responsibility, parties []*raci.Party) {
	first := true
	for _, r := range rows {
		text := openPointText(r, parties)
		if text == "" {
			continue
		}
		if first {
			b.WriteString("\nOpen points:\n\n")
			first = false
		}
		b.WriteString("- **" + markdownText(rowTitle(r), false) + "**: " + markdownText(text, false) + "\n")
	}
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

// matrixRows returns the snapshot's rows in the order of raci.SortRows (categories
// in order of first appearance, then position, then key): the matrix's rows in
// every rendering.
func matrixRows(s *raci.Snapshot) []*raci.Responsibility {
	return raci.SortRows(s.Responsibilities)
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

// markdownHeadings heads the party columns: a party's display name, or its name when
// the display name would not be read back as a party of its own (no letters or
// digits, or the slug of another party's name or display name). A heading that reads
// as the Notes or Category column is kept a party by an escaped colon.
func markdownHeadings(parties []*raci.Party) []string {
	names := map[string]bool{}
	displaySlugs := map[string]int{}
	for _, p := range parties {
		names[p.Name] = true
		displaySlugs[raci.Slugify(cleanText(p.DisplayName))]++
	}
	headings := make([]string, len(parties))
	for i, p := range parties {
		heading := cleanText(p.DisplayName)
		slug := raci.Slugify(heading)
		if slug == "" || displaySlugs[slug] > 1 || slug != p.Name && names[slug] {
			heading = p.Name
		}
		text := markdownText(heading, false)
		if h := strings.TrimSuffix(heading, ":"); strings.EqualFold(h, "notes") || strings.EqualFold(h, "category") {
			text += `\:`
		}
		headings[i] = text
	}
	return headings
}

// markdownAssignments writes what one party holds in one row as a cell that
// ParseMarkdown reads back: a condition applies to the letter it follows, so each
// letter of a conditional assignment carries its holder and condition.
func markdownAssignments(scheme raci.Scheme, assignments []raci.Assignment, party string) string {
	var plain, conditional []raci.Assignment
	for _, a := range assignments {
		switch {
		case a.Party != party:
		case cleanText(a.When) == "":
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
	for _, a := range plain {
		part := joinLetters(scheme, a.Roles)
		if holder := cleanText(a.Holder); holder != "" {
			part += " (" + markdownParenthesis(holder, false) + ")"
		}
		parts = append(parts, part)
	}
	for _, a := range conditional {
		suffix := ""
		if holder := cleanText(a.Holder); holder != "" {
			suffix += " (" + markdownParenthesis(holder, false) + ")"
		}
		suffix += " (" + markdownParenthesis(cleanText(a.When), true) + ")"
		for _, l := range strings.Split(joinLetters(scheme, a.Roles), ", ") {
			parts = append(parts, l+suffix)
		}
	}
	return strings.Join(parts, ", ")
}

// markdownTask writes a row's task cell so that readTaskCell reads it back:
// "[Optional] " for an optional duty, the title, and the row's condition in a
// trailing parenthesis, labelled "when:" where its words would not read as one. A
// title whose own trailing parenthesis would read as a condition has its
// parentheses escaped.
func markdownTask(r *raci.Responsibility) string {
	title, when := cleanText(rowTitle(r)), cleanText(r.When)
	write := func(parens bool) string {
		cell := markdownText(title, parens)
		if r.Optional {
			cell = "[Optional] " + cell
		}
		if when != "" {
			w := when
			if read, ok := taskCondition(w); !ok || read != w {
				w = conditionLabel + " " + w
			}
			cell += " (" + markdownText(w, true) + ")"
		}
		return cell
	}
	// Parentheses in the title are written as they are, unless they would be read
	// as the row's condition or upset the reading of it: then they are escaped.
	cell := write(false)
	if gotTitle, gotWhen, _ := readTaskCell(cell); gotTitle != title || gotWhen != when {
		cell = write(true)
	}
	return cell
}

// markdownParenthesis writes a holder or condition so that ParseMarkdown files it
// as one: with a label when its words alone would be read the other way.
func markdownParenthesis(text string, condition bool) string {
	if read, isCond := readParenthesis(text); read != text || isCond != condition {
		if condition {
			text = conditionLabel + " " + text
		} else {
			text = holderLabel + " " + text
		}
	}
	return markdownText(text, true)
}

// markdownText writes plain text (a title, category, heading, holder or condition)
// so that ParseMarkdown reads it back as it is: on one line, with a backslash before
// every character Markdown would read as formatting, a link or HTML, and before a
// pipe, which would end the cell. parens also escapes parentheses, which are syntax
// in a party's cell. "#" and "!" need no escape: a cell never starts a line, and "!"
// means an image only before an (escaped) "[".
func markdownText(s string, parens bool) string {
	s = cleanText(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '|', '*', '`', '~', '[', ']', '<', '>':
			b.WriteByte('\\')
		case '(', ')':
			if parens {
				b.WriteByte('\\')
			}
		case '_':
			if !insideWord(s, i) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// markdownCell makes notes safe inside a table cell: a pipe would end the cell and a
// newline the row; a backslash is doubled so that one at the end cannot escape the
// pipe after it. Notes are Markdown, so nothing else is escaped.
func markdownCell(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", `\`, `\\`, "|", `\|`).Replace(s)
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
