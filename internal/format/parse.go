package format

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// ParsedRow is one row of a matrix read from Markdown: the task as titled in the
// table, a key made from that title, its category, the row's notes as written, its
// accountability as its letters show it (raci.AccountabilityOf: unassigned without an
// A, shared with A on two or more parties without a condition), and what each party
// column holds, in column order.
//
// The task cell may also say that the duty is optional, with "[Optional]" first,
// and that it exists only under a condition, with a trailing parenthesis that reads
// as one (see readTaskCell): "[Optional] User Migration (if required)". Position is
// the row's place in the table, from 1.
type ParsedRow struct {
	Key            string
	Title          string
	Category       string
	Notes          string
	Accountability raci.Accountability
	Optional       bool
	When           string
	Position       int
	Assignments    []raci.Assignment
}

// maxParseProblems bounds the problems reported for one table: past a few, people fix
// the table's shape rather than read every cell.
const maxParseProblems = 20

// ParseMarkdown reads the first Markdown table whose header has a party column,
// the way vendors publish their matrices (seed 003), and returns its rows in table
// order. Prose, headings and other tables around it are ignored; so are tables inside
// fenced code blocks.
//
// The first column is the task: its text, with Markdown formatting removed, is the
// row's Title and Slugify of it the Key, cut at a word boundary to fit a slug. A
// column headed "Notes" holds the row's notes, kept as written but for the table's
// escapes ("\\" is a backslash, "\|" a pipe). A column headed "Category" holds the
// row's category, read as plain text like the title. Every other column is a party,
// named by Slugify of its heading ("Auth0" is party "auth0"); a heading is a party,
// not notes or category, when it escapes a character: "Notes\:".
//
// A cell lists letters (R, A, S, C, I, D, in any case) separated by commas. A
// parenthesis after a letter is a condition when it reads as one ("in the event that
// there are issues", "if ...", "only ...") and otherwise names the holder inside the
// party; so does text after a dash ("R, A - Auth0 Customer Success Engineer"). A
// condition applies to the letter it follows: "C, I (in the event that there are
// issues)" is C always and I under the condition, two assignments. A holder written
// on a letter without a condition applies to all such letters of the cell, since a
// party holds those as one assignment: "R, A (infrastructure engineer)". A letter
// with a condition carries its own holder, which is how Markdown (the writer) spells
// it: "I (on-call) (outside business hours)". A parenthesis that starts with
// "when:" is a condition and one that starts with "holder:" a holder, whatever its
// words: the writer labels those its words would misfile. A backslash escapes a
// parenthesis or any other punctuation in a holder or condition. An empty cell, or
// "-" or "n/a", holds nothing.
//
// The error is EINVALID, with one problem per broken cell or row, each naming the row
// and column ("row 6, column Auth0"): a row with more or fewer cells than the header,
// a word that is not a letter, a key two rows share, a table with no party column, no
// table at all.
func ParseMarkdown(markdown string) ([]ParsedRow, error) {
	tables := findMarkdownTables(markdown)
	if len(tables) == 0 {
		return nil, raci.Invalid(raci.Problem{Detail: "Found no Markdown table: write a header row, then a row of dashes with one cell " +
			"per column such as |---|---|---|, then one row per task, e.g. |Task|Vendor|Customer|."})
	}
	for _, t := range tables {
		if cols := t.columns(); cols.hasParty() {
			return t.parse(cols)
		}
	}
	t := tables[0]
	return nil, raci.Invalid(raci.Problem{
		Field: "header",
		Detail: fmt.Sprintf("The table on line %d has no party column: after the task column, give each party a "+
			"column headed by its name, e.g. |Task|Vendor|Customer|Notes|.", t.line),
	})
}

// markdownTable is a table as found in the text: cells still as written.
type markdownTable struct {
	line   int // of the header
	header []string
	rows   []markdownRow
}

type markdownRow struct {
	line  int
	cells []string
}

// findMarkdownTables returns the tables of a GitHub Flavored Markdown document: a row
// of cells, a delimiter row with as many cells, then every following line that has a
// pipe. A table ends at a blank line or a line without a pipe.
func findMarkdownTables(markdown string) []markdownTable {
	lines := strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n")
	var tables []markdownTable
	fence := ""
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if f := fenceOf(line); f != "" {
			switch {
			case fence == "":
				fence = f
			case strings.HasPrefix(f, fence) && strings.TrimLeft(line, f[:1]) == "":
				fence = ""
			}
			continue
		}
		if fence != "" || i+1 >= len(lines) || !hasPipe(line) {
			continue
		}
		header := splitMarkdownRow(line)
		if !isDelimiterRow(strings.TrimSpace(lines[i+1]), len(header)) {
			continue
		}
		t := markdownTable{line: i + 1, header: header}
		i += 2
		for ; i < len(lines); i++ {
			body := strings.TrimSpace(lines[i])
			if body == "" || !hasPipe(body) || fenceOf(body) != "" {
				break
			}
			t.rows = append(t.rows, markdownRow{line: i + 1, cells: splitMarkdownRow(body)})
		}
		i-- // the line that ended the table may start the next one
		tables = append(tables, t)
	}
	return tables
}

// fenceOf returns the fence that opens or closes a fenced code block on this line
// ("```", "~~~~"), or "".
func fenceOf(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}

// hasPipe reports whether the line has a pipe that is not escaped.
func hasPipe(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++ // a backslash escapes the next character: "\\|" is a backslash, then a pipe
		case '|':
			return true
		}
	}
	return false
}

// splitMarkdownRow splits a table row into its cells, trimmed, with the outer pipes
// optional. As in GitHub Flavored Markdown, a backslash escapes the character after
// it, so "\\|" is a backslash that ends its cell; the row's escapes are undone
// where they are the table's: "\|" is a pipe inside a cell. Every other escape,
// "\\" included, is left for the field to read (see cellNotes and plainText).
func splitMarkdownRow(line string) []string {
	line = strings.TrimPrefix(strings.TrimSpace(line), "|")
	var cells []string
	var cell strings.Builder
	closed := false // the last character was a pipe ending a cell
	for i := 0; i < len(line); i++ {
		closed = false
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cell.WriteByte('|')
			i++
		case line[i] == '\\' && i+1 < len(line):
			cell.WriteString(line[i : i+2])
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
			closed = true
		default:
			cell.WriteByte(line[i])
		}
	}
	if closed && len(cells) > 0 {
		return cells // the closing pipe, not an empty last cell
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

var delimiterCell = regexp.MustCompile(`^:?-+:?$`)

// isDelimiterRow reports whether the line is the row of dashes under a header of n
// cells, alignment colons allowed.
func isDelimiterRow(line string, n int) bool {
	if !hasPipe(line) && n > 1 {
		return false
	}
	cells := splitMarkdownRow(line)
	if len(cells) != n {
		return false
	}
	for _, c := range cells {
		if !delimiterCell.MatchString(strings.ReplaceAll(c, " ", "")) {
			return false
		}
	}
	return true
}

// matrixColumns says what each column of a table holds.
type matrixColumns struct {
	names    []string // headings without formatting, for messages
	parties  []string // party name per column; "" for the task, notes and category columns
	notes    int      // index of the notes column, or -1
	category int      // index of the category column, or -1
}

func (c matrixColumns) hasParty() bool {
	for _, p := range c.parties {
		if p != "" {
			return true
		}
	}
	return false
}

func (t markdownTable) columns() matrixColumns {
	c := matrixColumns{names: make([]string, len(t.header)), parties: make([]string, len(t.header)), notes: -1, category: -1}
	for i, h := range t.header {
		c.names[i] = plainText(h)
		if i == 0 {
			continue
		}
		// Read with its escapes kept, so that a party the writer heads "Notes\:" stays
		// a party.
		heading := strings.TrimSuffix(cleanText(stripMarkdown(h)), ":")
		switch {
		case strings.EqualFold(heading, "notes") && c.notes < 0:
			c.notes = i
		case strings.EqualFold(heading, "category") && c.category < 0:
			c.category = i
		default:
			c.parties[i] = raci.Slugify(c.names[i])
		}
	}
	return c
}

// column names a column for messages: its heading, or its position when it has none.
func (c matrixColumns) column(i int) string {
	if i < len(c.names) && c.names[i] != "" {
		return "column " + c.names[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

func (t markdownTable) parse(cols matrixColumns) ([]ParsedRow, error) {
	var ps problems
	seenParty := map[string]int{}
	for i, party := range cols.parties {
		if i == 0 || i == cols.notes || i == cols.category {
			continue
		}
		switch first, dup := seenParty[party]; {
		case party == "":
			ps.add("header, "+cols.column(i), "Column %d of the table on line %d is not a party name: head it with the party's name, e.g. \"Vendor\" or \"Customer\".", i+1, t.line)
		case dup:
			ps.add("header, "+cols.column(i), "Columns %d and %d are both party %q: give each party one column.", first+1, i+1, party)
		default:
			seenParty[party] = i
		}
	}
	if len(ps) > 0 {
		return nil, ps.err()
	}

	rows := []ParsedRow{}
	keyRow := map[string]int{} // key -> index into rows
	rowNumbers := []int{}
	for n, mr := range t.rows {
		number := n + 1
		if len(ps) >= maxParseProblems {
			ps.add("", "Stopped after %d problems: fix these and parse again.", maxParseProblems)
			break
		}
		if allBlank(mr.cells) {
			continue
		}
		if len(mr.cells) != len(t.header) {
			ps.add(raggedField(number, cols, len(mr.cells)),
				"Row %d (line %d) has %s but the header has %d columns: give every row one cell per column, "+
					"leave a cell empty rather than out, and write a pipe inside a cell as \\|.",
				number, mr.line, cellCount(len(mr.cells)), len(t.header))
			continue
		}
		row, rowProblems := parseMatrixRow(number, mr, cols)
		ps = append(ps, rowProblems...)
		if row.Key != "" {
			if first, dup := keyRow[row.Key]; dup {
				ps.add(fmt.Sprintf("row %d, %s", number, cols.column(0)),
					"Row %d (%q, line %d) has the key %q, as row %d (%q) does: keys come from titles, so make one of the titles different.",
					number, row.Title, mr.line, row.Key, rowNumbers[first], rows[first].Title)
				continue
			}
			keyRow[row.Key] = len(rows)
		}
		row.Position = len(rows) + 1
		rows = append(rows, row)
		rowNumbers = append(rowNumbers, number)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// raggedField names the first column a short row leaves out, or the first cell past
// the header of a long row.
func raggedField(number int, cols matrixColumns, cells int) string {
	if cells < len(cols.names) {
		return fmt.Sprintf("row %d, %s", number, cols.column(cells))
	}
	return fmt.Sprintf("row %d, column %d", number, len(cols.names)+1)
}

func cellCount(n int) string {
	if n == 1 {
		return "1 cell"
	}
	return fmt.Sprintf("%d cells", n)
}

func allBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

func parseMatrixRow(number int, mr markdownRow, cols matrixColumns) (ParsedRow, problems) {
	var ps problems
	title, when, optional := readTaskCell(mr.cells[0])
	row := ParsedRow{Title: title, When: when, Optional: optional, Assignments: []raci.Assignment{}}
	field := func(i int) string { return fmt.Sprintf("row %d, %s", number, cols.column(i)) }
	if row.Title == "" {
		ps.add(field(0), "Row %d (line %d) has no task: write the task or deliverable in the first column.", number, mr.line)
	} else if row.Key = rowKey(row.Title); row.Key == "" {
		ps.add(field(0), "Row %d (line %d) has the task %q, which has no letters or digits to make a key from: give it a title in words.", number, mr.line, row.Title)
	}
	for i, cell := range mr.cells {
		switch i {
		case 0:
		case cols.notes:
			row.Notes = cellNotes(cell)
		case cols.category:
			row.Category = plainText(cell)
		default:
			assignments, detail := parseMatrixCell(cols.parties[i], cell)
			if detail != "" {
				ps.add(field(i), "Row %d (%q, line %d): %s", number, row.Title, mr.line, detail)
				continue
			}
			row.Assignments = append(row.Assignments, assignments...)
		}
	}
	row.Accountability = raci.AccountabilityOf(row.Assignments)
	return row, ps
}

// optionalMark starts the task cell of an optional duty, as seed 004 marks them.
const optionalMark = "[optional]"

// taskConditionWords start a trailing parenthesis of a task that is a condition on
// the whole duty: "User Migration (if required)". Fewer than a cell's, since a
// title's parenthesis is more often part of its name: "Command-Line Interface (CLI)",
// "Backups (daily)".
var (
	taskConditionWords   = map[string]bool{"if": true, "when": true, "whenever": true, "unless": true, "where": true, "wherever": true}
	taskConditionPhrases = []string{"in the event", "in case", "in the case", "only if", "only when", "only where"}
)

// readTaskCell reads a task cell: its title, the condition of a trailing
// parenthesis that reads as one (taskConditionWords, or labelled "when:"), and
// whether it starts with "[Optional]" (an unescaped bracket: "\[Optional]" is
// part of the title). A parenthesis that is all the title has stays the title.
func readTaskCell(cell string) (title, when string, optional bool) {
	s := cleanText(stripMarkdown(cell))
	if len(s) >= len(optionalMark) && strings.EqualFold(s[:len(optionalMark)], optionalMark) {
		optional = true
		s = strings.TrimSpace(s[len(optionalMark):])
	}
	if open := trailingParenthesis(s); open > 0 {
		text := cleanText(unescape(s[open+1 : len(s)-1]))
		if before := cleanText(unescape(s[:open])); before != "" {
			if cond, ok := taskCondition(text); ok {
				return before, cond, optional
			}
		}
	}
	return cleanText(unescape(s)), "", optional
}

// trailingParenthesis returns the index of the parenthesis that opens the group
// closing at the end of s, or -1 when s does not end in an unescaped ")".
func trailingParenthesis(s string) int {
	depth, open, last := 0, -1, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			if depth == 0 {
				open = i
			}
			depth++
		case ')':
			if depth > 0 {
				depth--
				if depth == 0 {
					last = i
				}
			}
		}
	}
	if depth != 0 || last != len(s)-1 {
		return -1
	}
	return open
}

// taskCondition returns the condition a task's trailing parenthesis states, without
// its label, and whether it states one.
func taskCondition(text string) (string, bool) {
	if len(text) >= len(conditionLabel) && strings.EqualFold(text[:len(conditionLabel)], conditionLabel) {
		rest := strings.TrimSpace(text[len(conditionLabel):])
		return rest, rest != ""
	}
	lower := strings.ToLower(text)
	for _, p := range taskConditionPhrases {
		if lower == p || strings.HasPrefix(lower, p+" ") {
			return text, true
		}
	}
	first, _, _ := strings.Cut(lower, " ")
	return text, taskConditionWords[strings.TrimRight(first, ",:;")]
}

// rowKey makes a row's key from its title. A title too long for a slug is cut after
// the last whole word that fits, so the key still reads as the title's beginning.
func rowKey(title string) string {
	key := raci.Slugify(title)
	if len(key) < raci.MaxSlugLength {
		return key
	}
	words := strings.FieldsFunc(title, func(r rune) bool { return !isSlugWordRune(r) })
	cut := ""
	for _, w := range words {
		w = raci.Slugify(w)
		if w == "" {
			continue
		}
		next := w
		if cut != "" {
			next = cut + "-" + w
		}
		if len(next) > raci.MaxSlugLength {
			break
		}
		cut = next
	}
	if cut == "" {
		return key // a first word longer than a slug: Slugify's plain cut will do
	}
	return cut
}

func isSlugWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
}

// cellLetter is one letter of a cell with what its parentheses and dash said.
type cellLetter struct {
	role   raci.Role
	holder string
	when   string
}

// parseMatrixCell returns the assignments one cell gives its party: one for the
// letters without a condition, one per condition. detail is "" or what is wrong.
func parseMatrixCell(party, cell string) ([]raci.Assignment, string) {
	letters, detail := scanCell(cleanText(stripMarkdown(cell)))
	if detail != "" {
		return nil, detail
	}
	var out []raci.Assignment
	index := map[string]int{} // condition -> index into out; "" for no condition
	for _, l := range letters {
		i, ok := index[l.when]
		if !ok {
			i = len(out)
			index[l.when] = i
			out = append(out, raci.Assignment{Party: party, When: l.when})
		}
		a := &out[i]
		a.Roles = append(a.Roles, l.role)
		if l.holder == "" || l.holder == a.Holder {
			continue
		}
		if a.Holder != "" {
			if l.when == "" {
				return nil, fmt.Sprintf("two holders, %q and %q, for letters without a condition: a party holds those as one "+
					"assignment, so name one holder, or give one of the letters a condition.", a.Holder, l.holder)
			}
			return nil, fmt.Sprintf("two holders, %q and %q, under the condition %q: name one holder per condition.", a.Holder, l.holder, l.when)
		}
		a.Holder = l.holder
	}
	// The letters without a condition come first, as Markdown (the writer) writes them.
	if i, ok := index[""]; ok && i > 0 {
		plain := out[i]
		copy(out[1:i+1], out[:i])
		out[0] = plain
	}
	for i := range out {
		out[i].Roles = raci.SortRoles(out[i].Roles)
	}
	return out, ""
}

// emptyCells are what people write in a cell to say "nothing here".
var emptyCells = map[string]bool{"": true, "-": true, "–": true, "—": true, "n/a": true}

// scanCell reads a cell's letters, each with its parentheses and a trailing dash.
// The cell has its formatting removed but its escapes kept, so that an escaped
// parenthesis is text inside a holder or condition rather than syntax.
func scanCell(cell string) ([]cellLetter, string) {
	if emptyCells[strings.ToLower(unescape(cell))] {
		return nil, ""
	}
	rs := []rune(cell)
	var letters []cellLetter
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || strings.ContainsRune(",;/&+.", r):
			i++
		case r == '-' || r == '–' || r == '—':
			if len(letters) == 0 {
				return nil, fmt.Sprintf("%q names a holder after a dash but no letter before it: write the letters first, e.g. \"R, A - engineer\".", cell)
			}
			if detail := letters[len(letters)-1].annotate(cleanText(unescape(string(rs[i+1:]))), false); detail != "" {
				return nil, detail
			}
			i = len(rs)
		case r == '(':
			end := closingParen(rs, i)
			if end < 0 {
				return nil, fmt.Sprintf("%q opens a parenthesis that it does not close: close it with \")\".", cell)
			}
			if len(letters) == 0 {
				return nil, fmt.Sprintf("%q has a parenthesis before any letter: write the letter first, e.g. \"I (in the event that there are issues)\".", cell)
			}
			text, condition := readParenthesis(cleanText(unescape(string(rs[i+1 : end]))))
			if detail := letters[len(letters)-1].annotate(text, condition); detail != "" {
				return nil, detail
			}
			i = end + 1
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			word := string(rs[i:j])
			role, detail := parseLetter(word)
			if detail != "" {
				return nil, detail
			}
			letters = append(letters, cellLetter{role: role})
			i = j
		default:
			return nil, fmt.Sprintf("%q has %q where a letter or a comma belongs: list letters separated by commas, "+
				"with a holder or condition in parentheses, e.g. \"C, I (in the event that there are issues)\".", cell, string(r))
		}
	}
	return letters, ""
}

// annotate records what a parenthesis or dash after the letter says.
func (l *cellLetter) annotate(text string, condition bool) string {
	switch {
	case text == "":
		return ""
	case condition && l.when != "":
		return fmt.Sprintf("the letter %s has two conditions, %q and %q: write one condition per letter.", l.role, l.when, text)
	case condition:
		l.when = text
	case l.holder != "":
		return fmt.Sprintf("the letter %s has two holders, %q and %q: name one holder per letter.", l.role, l.holder, text)
	default:
		l.holder = text
	}
	return ""
}

func parseLetter(word string) (raci.Role, string) {
	upper := raci.Role(strings.ToUpper(word))
	for _, l := range raci.AllLetters {
		if l == upper {
			return l, ""
		}
	}
	if utf8.RuneCountInString(word) > 1 {
		allLetters := true
		for _, r := range word {
			if _, detail := parseLetter(string(r)); detail != "" {
				allLetters = false
			}
		}
		if allLetters {
			return "", fmt.Sprintf("%q is not one letter: separate the letters with commas, e.g. %q.", word, spaced(word))
		}
	}
	return "", fmt.Sprintf("%q is not a letter of any supported scheme: use R, A, S, C, I or D, separated by commas, "+
		"with a holder or condition in parentheses.", word)
}

func spaced(word string) string {
	parts := make([]string, 0, len(word))
	for _, r := range strings.ToUpper(word) {
		parts = append(parts, string(r))
	}
	return strings.Join(parts, ", ")
}

// closingParen returns the index of the parenthesis that closes the one at open, or
// -1. Parentheses nest: "(if the update (or patch) fails)"; escaped ones are text.
func closingParen(rs []rune, open int) int {
	depth := 0
	for i := open; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// conditionWords start a parenthesis that is a condition rather than a holder:
// "(if required)", "(only for production)", "(in the event that there are issues)".
var (
	conditionWords = map[string]bool{
		"if": true, "when": true, "whenever": true, "unless": true, "only": true, "during": true,
		"after": true, "before": true, "upon": true, "where": true, "wherever": true, "while": true,
		"until": true, "once": true, "outside": true, "within": true, "except": true, "following": true,
		"prior": true,
	}
	conditionPhrases = []string{
		"in the event", "in case", "in the case", "in an emergency", "in emergencies", "on request",
		"on demand", "as needed", "as required", "as necessary", "at the request",
	}
)

// Labels that say what a parenthesis is when its words would say otherwise:
// "(holder: outside counsel)", "(when: on-call rotation)".
const (
	holderLabel    = "holder:"
	conditionLabel = "when:"
)

// readParenthesis returns a parenthesis's text without its label, and whether it is a
// condition.
func readParenthesis(text string) (string, bool) {
	for _, l := range []struct {
		label     string
		condition bool
	}{{holderLabel, false}, {conditionLabel, true}} {
		if len(text) >= len(l.label) && strings.EqualFold(text[:len(l.label)], l.label) {
			return strings.TrimSpace(text[len(l.label):]), l.condition
		}
	}
	return text, isCondition(text)
}

func isCondition(text string) bool {
	lower := strings.ToLower(text)
	for _, p := range conditionPhrases {
		if lower == p || strings.HasPrefix(lower, p+" ") {
			return true
		}
	}
	first, _, _ := strings.Cut(lower, " ")
	return conditionWords[strings.TrimRight(first, ",:;")]
}

// Markdown constructs that plainText reduces to their text, matched where they start.
var (
	linkAt     = regexp.MustCompile(`^!?\[([^\]]*)\]\([^)]*\)`)
	refLinkAt  = regexp.MustCompile(`^\[([^\]]*)\]\[[^\]]*\]`)
	autolinkAt = regexp.MustCompile(`^<((?:https?|mailto):[^>\s]*)>`)
	breakAt    = regexp.MustCompile(`(?i)^<br\s*/?>`)
	htmlTagAt  = regexp.MustCompile(`^</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>`)
)

// plainText is a cell's text as people read it: links reduced to their text,
// emphasis, code marks and HTML tags removed, escapes resolved, spaces collapsed.
func plainText(s string) string {
	return cleanText(unescape(stripMarkdown(s)))
}

// stripMarkdown removes formatting and keeps escapes ("\\*") as they are, so that
// escaped characters are never read as formatting, nor later as a cell's syntax.
func stripMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(rune(s[i+1])):
			b.WriteString(s[i : i+2])
			i += 2
			continue
		case c == '[' || c == '!':
			m := linkAt.FindStringSubmatch(s[i:])
			if m == nil && c == '[' {
				m = refLinkAt.FindStringSubmatch(s[i:])
			}
			if m != nil {
				b.WriteString(stripMarkdown(m[1]))
				i += len(m[0])
				continue
			}
		case c == '<':
			if m := autolinkAt.FindStringSubmatch(s[i:]); m != nil {
				b.WriteString(stripMarkdown(m[1]))
				i += len(m[0])
				continue
			}
			if m := breakAt.FindString(s[i:]); m != "" {
				b.WriteByte(' ')
				i += len(m)
				continue
			}
			if m := htmlTagAt.FindString(s[i:]); m != "" {
				i += len(m)
				continue
			}
		case c == '*' || c == '`' || c == '~':
			i++
			continue
		case c == '_' && !insideWord(s, i):
			// "_italic_" marks; an underscore inside a word ("on_call") is text.
			i++
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// insideWord reports whether the byte at i has a letter or digit on both sides.
func insideWord(s string, i int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i+1:])
	return i > 0 && i+1 < len(s) && isWordRune(before) && isWordRune(after)
}

// unescape resolves backslash escapes of ASCII punctuation, as CommonMark does.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(rune(s[i+1])) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cellNotes is a notes cell as written, but for the escape the table's writer adds
// to every backslash ("\\"), so that notes ending in a backslash keep their cells in
// place. Other escapes stay: notes are Markdown.
func cellNotes(cell string) string {
	return strings.ReplaceAll(cell, `\\`, `\`)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isASCIIPunct reports whether a backslash before r escapes it, as in CommonMark.
func isASCIIPunct(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsPunct(r) || unicode.IsSymbol(r))
}

// cleanText collapses runs of spaces, so that "in the  event" and "in the event" are
// one condition.
func cleanText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// problems collects what is wrong with a table, to report it all in one error.
type problems []raci.Problem

func (ps *problems) add(field, format string, args ...any) {
	*ps = append(*ps, raci.Problem{Field: field, Detail: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return raci.Invalid(ps...)
}
