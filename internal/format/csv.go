package format

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// CSV returns the tenant's matrix as CSV (RFC 4180) for spreadsheets: a header
// Task,Key,Category, one column per party headed as in the Markdown table, then
// Notes; one record per row in the table's order, the cells spelled as in the
// Markdown ("C, I (in the event that there are issues)") but unescaped, since CSV
// quotes what needs quoting. The Notes column is always there, so the columns of a tenant do not
// depend on whether some row has notes. A cell that a spreadsheet would read as a
// formula is guarded (see guardFormula).
func CSV(s *raci.Snapshot) string {
	if s == nil {
		return ""
	}
	scheme := snapshotScheme(s)
	parties := matrixParties(s)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{"Task", "Key", "Category"}
	for _, p := range parties {
		header = append(header, partyColumn(p))
	}
	// csv.Writer only fails when the underlying writer does, and a bytes.Buffer does
	// not, so its errors are not checked record by record.
	_ = w.Write(guardFormulas(append(header, "Notes")))
	for _, r := range matrixRows(s) {
		record := []string{rowTitle(r), r.Key, r.Category}
		for _, p := range parties {
			record = append(record, matrixCell(scheme, r.Assignments, p.Name))
		}
		_ = w.Write(guardFormulas(append(record, r.Notes)))
	}
	w.Flush()
	return b.String()
}

// formulaStarts are the first characters that make a spreadsheet read a cell as a
// formula, or that some spreadsheets skip before looking for one (tab, carriage
// return): OWASP's list for CSV injection.
const formulaStarts = "=+-@\t\r"

// guardFormula returns the cell with a single quote in front when it starts like a
// formula, as OWASP recommends, so that a title or note someone typed as
// "=HYPERLINK(...)" opens in a spreadsheet as the text it is, never as a formula
// that runs. A program reading the CSV sees the quote.
func guardFormula(cell string) string {
	if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func guardFormulas(record []string) []string {
	for i, cell := range record {
		record[i] = guardFormula(cell)
	}
	return record
}
