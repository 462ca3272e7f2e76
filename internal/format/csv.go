package format

import (
	"bytes"
	"encoding/csv"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// CSV returns the tenant's matrix as CSV (RFC 4180) for spreadsheets: a header
// Task,Key,Category, one column per party headed as in the Markdown table, then
// Notes; one record per row in the table's order, the cells spelled as in the
// Markdown ("C, I (in the event that there are issues)") but unescaped, since CSV
// quotes what needs quoting. The Notes column is always there, so the columns of a tenant do not
// depend on whether some row has notes.
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
	_ = w.Write(append(header, "Notes"))
	for _, r := range matrixRows(s) {
		record := []string{rowTitle(r), r.Key, r.Category}
		for _, p := range parties {
			record = append(record, matrixCell(scheme, r.Assignments, p.Name))
		}
		_ = w.Write(append(record, r.Notes))
	}
	w.Flush()
	return b.String()
}
