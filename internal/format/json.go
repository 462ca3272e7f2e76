package format

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// JSONVersion is the "format_version" of the JSON document. It changes
// only when a key is removed or changes meaning; new keys may appear without it.
const JSONVersion = 1

// JSONDocument is the document JSON writes: the tenant's matrix for
// programs (jq, scripts, other tools). Every key is always present; text a row or
// party does not have is "". Parties are ordered by name, rows as raci.SortRows
// orders them (the Markdown's order), assignments by party, then unconditional before
// conditional, then condition and holder; letters in the scheme's order (R, A, C, I).
type JSONDocument struct {
	FormatVersion int          `json:"format_version"`
	Tenant        JSONTenant   `json:"tenant"`
	Scheme        raci.Scheme  `json:"scheme"`
	Parties       []JSONParty  `json:"parties"`
	Rows          []JSONRow    `json:"rows"`
	Legend        []JSONLetter `json:"legend"`
}

// JSONTenant describes the tenant in a JSONDocument.
type JSONTenant struct {
	Name            string               `json:"name"`
	DisplayName     string               `json:"display_name"`
	Customer        string               `json:"customer"`
	DeploymentModel raci.DeploymentModel `json:"deployment_model"`
	Environments    []string             `json:"environments"`
	Labels          map[string]string    `json:"labels"`
	Description     string               `json:"description"`
	// Source is the document the matrix comes from, its fields "" when it names none.
	Source JSONSource `json:"source"`
}

// JSONSource names the document a JSONDocument's matrix comes from.
type JSONSource struct {
	Title    string `json:"title"`
	URL      string `json:"url"`
	Revision string `json:"revision"`
}

// JSONParty is a column of a JSONDocument.
type JSONParty struct {
	Name        string         `json:"name"`
	DisplayName string         `json:"display_name"`
	Kind        raci.PartyKind `json:"kind"`
	Contacts    []string       `json:"contacts"`
}

// JSONRow is a row of a JSONDocument. Cells maps each party's name to its cell
// as the Markdown spells it ("" for a party that holds nothing in the row).
type JSONRow struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Notes       string `json:"notes"`
	// Accountability is "single", "shared" or "unassigned"; the last two are open
	// points for the parties to settle.
	Accountability raci.Accountability `json:"accountability"`
	// Optional, When and Position are as on the row: false, "" and 0 when unset.
	Optional    bool              `json:"optional"`
	When        string            `json:"when"`
	Position    int               `json:"position"`
	Assignments []JSONAssignment  `json:"assignments"`
	Cells       map[string]string `json:"cells"`
}

// JSONAssignment is one assignment of a JSONRow.
type JSONAssignment struct {
	Party  string      `json:"party"`
	Roles  []raci.Role `json:"roles"`
	Holder string      `json:"holder"`
	When   string      `json:"when"`
}

// JSONLetter spells out one letter of the scheme.
type JSONLetter struct {
	Letter raci.Role `json:"letter"`
	Name   string    `json:"name"`
}

// JSON returns the tenant's matrix as a JSONDocument, indented by two spaces
// and ending in a newline. The same snapshot always renders the same bytes: map keys
// are sorted by encoding/json and every list has a defined order.
func JSON(s *raci.Snapshot) string {
	if s == nil {
		return ""
	}
	scheme := snapshotScheme(s)
	doc := JSONDocument{
		FormatVersion: JSONVersion,
		Scheme:        scheme,
		Parties:       []JSONParty{},
		Rows:          []JSONRow{},
		Legend:        []JSONLetter{},
	}
	if t := s.Tenant; t != nil {
		doc.Tenant = JSONTenant{
			Name:            t.Name,
			DisplayName:     t.DisplayName,
			Customer:        t.Customer,
			DeploymentModel: t.DeploymentModel,
			Environments:    raci.SortedSet(t.Environments),
			Labels:          map[string]string{},
			Description:     t.Description,
		}
		if src := t.Source; src != nil {
			doc.Tenant.Source = JSONSource{Title: src.Title, URL: src.URL, Revision: src.Revision}
		}
		for k, v := range t.Labels {
			doc.Tenant.Labels[k] = v
		}
	} else {
		doc.Tenant = JSONTenant{Environments: []string{}, Labels: map[string]string{}}
	}
	for _, l := range scheme.Letters() {
		doc.Legend = append(doc.Legend, JSONLetter{Letter: l, Name: l.Name()})
	}
	parties := matrixParties(s)
	for _, p := range parties {
		doc.Parties = append(doc.Parties, JSONParty{
			Name: p.Name, DisplayName: p.DisplayName, Kind: p.Kind, Contacts: raci.SortedSet(p.Contacts),
		})
	}
	for _, r := range matrixRows(s) {
		row := JSONRow{
			Key: r.Key, Title: r.Title, Category: r.Category, Description: r.Description, Notes: r.Notes,
			Accountability: rowAccountability(r), Optional: r.Optional, When: r.When, Position: r.Position,
			Assignments: []JSONAssignment{},
			Cells:       map[string]string{},
		}
		for _, a := range sortedAssignments(r.Assignments) {
			row.Assignments = append(row.Assignments, JSONAssignment{
				Party: a.Party, Roles: schemeOrder(scheme, a.Roles), Holder: a.Holder, When: a.When,
			})
		}
		for _, p := range parties {
			row.Cells[p.Name] = matrixCell(scheme, r.Assignments, p.Name)
		}
		doc.Rows = append(doc.Rows, row)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		// Only strings, ints, slices and maps of strings: nothing that cannot encode.
		panic(fmt.Sprintf("format: encoding the matrix: %v", err))
	}
	return string(out) + "\n"
}

// sortedAssignments returns a copy of the assignments ordered by party, then
// unconditional first, then by condition and holder.
func sortedAssignments(in []raci.Assignment) []raci.Assignment {
	out := append([]raci.Assignment(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Party != b.Party:
			return a.Party < b.Party
		case a.When != b.When:
			return a.When < b.When // "" sorts first: unconditional before conditional
		default:
			return a.Holder < b.Holder
		}
	})
	return out
}

// schemeOrder returns the letters in the order people read them in the scheme, as
// the Markdown writes them.
func schemeOrder(scheme raci.Scheme, roles []raci.Role) []raci.Role {
	joined := joinLetters(scheme, roles)
	if joined == "" {
		return []raci.Role{}
	}
	parts := strings.Split(joined, ", ")
	out := make([]raci.Role, len(parts))
	for i, p := range parts {
		out[i] = raci.Role(p)
	}
	return out
}
