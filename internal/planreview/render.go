package planreview

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// FormatVersion is the version of the JSON form; a new field keeps it, a field
// removed or changed in meaning changes it.
const FormatVersion = "1"

// JSON returns the review as indented JSON, ending in a newline.
func (rv *Review) JSON() []byte {
	out := struct {
		FormatVersion string `json:"format_version"`
		*Review
	}{FormatVersion, rv}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		// Only strings, ints and slices of them: marshalling cannot fail.
		panic(err)
	}
	return append(b, '\n')
}

// The kinds -fail-on accepts.
const (
	FailAccountability = "accountability"
	FailRemoval        = "removal"
	FailViolation      = "violation"
	FailUnassigned     = "unassigned"
)

// FailKinds lists the kinds -fail-on accepts, for usage and errors.
var FailKinds = []string{FailAccountability, FailRemoval, FailViolation, FailUnassigned}

// Occurs reports whether something of the kind occurs in the review:
// accountability, an accountability move; removal, a row deleted (not re-keyed), a
// party deleted (not renamed), a checklist deleted or an item removed; violation, a
// rule the planned matrix breaks; unassigned, a row ending with no Accountable party.
// An unknown kind never occurs.
func (rv *Review) Occurs(kind string) bool {
	switch kind {
	case FailAccountability:
		return len(rv.Accountability) > 0
	case FailRemoval:
		for _, r := range rv.Rows {
			if r.Action == ActionDelete {
				return true
			}
		}
		for _, p := range rv.Parties {
			if p.Action == ActionDelete {
				return true
			}
		}
		for _, c := range rv.Checklists {
			if c.Change == "deleted" || c.Change == "item_removed" {
				return true
			}
		}
	case FailViolation:
		return len(rv.Violations) > 0
	case FailUnassigned:
		for _, e := range rv.Effects {
			if e.Kind == EffectEndsUnassigned {
				return true
			}
		}
	}
	return false
}

// Markdown returns the review for a pull-request comment: a summary line, then per
// tenant the changed rows in the shape of the matrix, lost letters struck through
// and gained ones in bold, then renames, accountability moves, effects, violations,
// checklist changes and what is known only after apply.
func (rv *Review) Markdown() string {
	var b strings.Builder
	b.WriteString("**RACI plan review:** " + rv.summary() + "\n")
	for _, t := range rv.tenants() {
		fmt.Fprintf(&b, "\n### Tenant `%s`\n", code(t))
		rv.tenantMarkdown(&b, t)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (rv *Review) summary() string {
	if len(rv.Rows)+len(rv.Renames)+len(rv.Parties)+len(rv.Checklists)+len(rv.Tenants)+len(rv.Violations)+len(rv.Unknown) == 0 {
		return "no change to any RACI matrix."
	}
	byAction := map[string]int{}
	for _, r := range rv.Rows {
		byAction[r.Action]++
	}
	var actions []string
	for _, a := range []string{ActionCreate, ActionUpdate, ActionDelete, ActionReplace, ActionRekey} {
		if byAction[a] > 0 {
			word := map[string]string{ActionCreate: "created", ActionUpdate: "updated", ActionDelete: "deleted", ActionReplace: "replaced", ActionRekey: "re-keyed"}[a]
			actions = append(actions, fmt.Sprintf("%d %s", byAction[a], word))
		}
	}
	parts := []string{plural(len(rv.Rows), "row", "rows")}
	if len(actions) > 0 {
		parts[0] += " (" + strings.Join(actions, ", ") + ")"
	}
	parts = append(parts,
		plural(len(rv.Renames), "party renamed", "parties renamed"),
		plural(len(rv.Accountability), "accountability move", "accountability moves"),
		plural(len(rv.Effects), "effect", "effects"),
		plural(len(rv.Violations), "violation", "violations"))
	if len(rv.Checklists) > 0 {
		parts = append(parts, plural(len(rv.Checklists), "checklist change", "checklist changes"))
	}
	if len(rv.Unknown) > 0 {
		parts = append(parts, plural(len(rv.Unknown), "resource known after apply", "resources known after apply"))
	}
	return strings.Join(parts, ", ") + " in " + plural(len(rv.tenants()), "tenant", "tenants") + "."
}

// tenants returns every tenant the review names, sorted.
func (rv *Review) tenants() []string {
	seen := map[string]bool{}
	for _, t := range rv.Tenants {
		seen[t.Tenant] = true
	}
	for _, r := range rv.Rows {
		seen[r.Tenant] = true
	}
	for _, r := range rv.Renames {
		seen[r.Tenant] = true
	}
	for _, p := range rv.Parties {
		seen[p.Tenant] = true
	}
	for _, e := range rv.Effects {
		seen[e.Tenant] = true
	}
	for _, v := range rv.Violations {
		seen[v.Tenant] = true
	}
	for _, c := range rv.Checklists {
		seen[c.Tenant] = true
	}
	for _, u := range rv.Unknown {
		seen[u.Tenant] = true
	}
	return sortedKeys(seen)
}

func (rv *Review) tenantMarkdown(b *strings.Builder, tenant string) {
	for _, t := range rv.Tenants {
		if t.Tenant != tenant {
			continue
		}
		switch t.Action {
		case ActionCreate:
			fmt.Fprintf(b, "\nThe tenant is created, scheme %s.\n", t.SchemeTo)
		case ActionDelete:
			b.WriteString("\nThe tenant is **deleted**.\n")
		default:
			fmt.Fprintf(b, "\nThe scheme changes from %s to **%s**.\n", t.SchemeFrom, t.SchemeTo)
		}
	}
	rv.matrixMarkdown(b, tenant)

	var lines []string
	for _, r := range rv.Renames {
		if r.Tenant == tenant {
			lines = append(lines, fmt.Sprintf("- `%s` is renamed `%s` (%s, no letter moves)", code(r.From), code(r.To), plural(r.Rows, "row", "rows")))
		}
	}
	for _, p := range rv.Parties {
		if p.Tenant == tenant {
			verb := map[string]string{ActionCreate: "created", ActionDelete: "**deleted**"}[p.Action]
			lines = append(lines, fmt.Sprintf("- party `%s` is %s", code(p.Party), verb))
		}
	}
	section(b, "Parties", lines)

	lines = nil
	for _, a := range rv.Accountability {
		if a.Tenant == tenant {
			lines = append(lines, fmt.Sprintf("- `%s` %s: %s → %s", code(a.Row), text(a.Title), partyOrNone(a.From), partyOrNone(a.To)))
		}
	}
	section(b, "Accountability moves", lines)

	lines = nil
	for _, e := range rv.Effects {
		if e.Tenant == tenant {
			lines = append(lines, "- "+text(e.Detail))
		}
	}
	section(b, "Effects", lines)

	lines = nil
	for _, v := range rv.Violations {
		if v.Tenant == tenant {
			lines = append(lines, fmt.Sprintf("- `%s`: %s", v.Rule, text(v.Detail)))
		}
	}
	section(b, "Violations", lines)

	lines = nil
	for _, c := range rv.Checklists {
		if c.Tenant != tenant {
			continue
		}
		var line string
		switch c.Change {
		case "created", "replaced":
			line = fmt.Sprintf("checklist `%s` is %s", code(c.Checklist), c.Change)
			if c.To != "" {
				line += fmt.Sprintf(", gate `%s`", code(c.To))
			}
		case "deleted":
			line = fmt.Sprintf("checklist `%s` is **deleted**", code(c.Checklist))
		case "gate":
			line = fmt.Sprintf("`%s`: gate `%s` → `%s`", code(c.Checklist), code(c.From), code(c.To))
		case "item_added":
			line = fmt.Sprintf("`%s`: item `%s` added", code(c.Checklist), code(c.Item))
		case "item_removed":
			line = fmt.Sprintf("`%s`: item `%s` **removed**", code(c.Checklist), code(c.Item))
		case "item_changed":
			line = fmt.Sprintf("`%s`: item `%s` changes %s", code(c.Checklist), code(c.Item), c.To)
		case "status":
			line = fmt.Sprintf("`%s`: item `%s` status %s → %s", code(c.Checklist), code(c.Item), orDash(c.From), c.To)
		}
		lines = append(lines, "- "+line)
	}
	section(b, "Checklists", lines)

	lines = nil
	for _, u := range rv.Unknown {
		if u.Tenant == tenant {
			what := "`" + code(u.Address) + "`"
			if u.Row != "" {
				what = fmt.Sprintf("row `%s` (%s)", code(u.Row), what)
			}
			lines = append(lines, fmt.Sprintf("- %s: %s known after apply", what, strings.Join(u.Attributes, ", ")))
		}
	}
	section(b, "Known after apply", lines)
}

func section(b *strings.Builder, heading string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s**\n\n%s\n", heading, strings.Join(lines, "\n"))
}

func partyOrNone(s string) string {
	if s == "" {
		return "*none*"
	}
	parts := strings.Split(s, ", ")
	for i, p := range parts {
		parts[i] = "`" + code(p) + "`"
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// matrixMarkdown writes the tenant's changed rows as a table: a column per party
// named in them, each cell the letters before and after.
func (rv *Review) matrixMarkdown(b *strings.Builder, tenant string) {
	var changes []*rowChange
	shown := map[string]bool{}
	for _, r := range rv.Rows {
		if r.Tenant == tenant {
			shown[r.Address+"\x00"+r.Row] = true
		}
	}
	partySet := map[string]bool{}
	for _, c := range rv.rowChanges {
		if c.tenant() != tenant || !shown[c.address()+"\x00"+c.key()] {
			continue
		}
		changes = append(changes, c)
		for _, r := range []*row{c.before, c.after} {
			if r != nil {
				for _, a := range r.assignments {
					partySet[a.Party] = true
				}
			}
		}
	}
	if len(changes) == 0 {
		return
	}
	parties := sortedKeys(partySet)
	scheme := rv.schemes[tenant]
	b.WriteString("\n| Row |")
	for _, p := range parties {
		fmt.Fprintf(b, " %s |", cell(p))
	}
	b.WriteString(" Change |\n|---|")
	for range parties {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, c := range changes {
		label := fmt.Sprintf("`%s` %s", code(c.key()), cell(c.title()))
		fmt.Fprintf(b, "| %s |", strings.TrimSpace(label))
		for _, p := range parties {
			if c.after != nil && !c.after.knownAssignments() {
				b.WriteString(" *known after apply* |")
				continue
			}
			fmt.Fprintf(b, " %s |", diffCell(scheme, c, p))
		}
		what := c.action
		switch {
		case c.action == ActionRekey && c.before.title != c.after.title && !c.after.titleUnknown():
			what = fmt.Sprintf("re-keyed from `%s` %s", code(c.before.key), cell(c.before.title))
		case c.action == ActionRekey:
			what = fmt.Sprintf("re-keyed from `%s`", code(c.before.key))
		case c.action == ActionDelete:
			what = "**deleted**"
		case c.action == ActionReplace && c.before != nil && c.after != nil && c.before.tenant != c.after.tenant:
			what = fmt.Sprintf("replaced (from tenant `%s`)", code(c.before.tenant))
		}
		fmt.Fprintf(b, " %s |\n", what)
	}
}

// diffCell renders what the party holds in the row before and after: kept letters
// as they are, lost ones struck through, gained ones in bold; a condition or holder
// follows its letters.
func diffCell(scheme raci.Scheme, c *rowChange, party string) string {
	before, after := letters(c.before), letters(c.after)
	if c.before != nil && c.after != nil && c.before.tenant != c.after.tenant {
		before = map[letterKey]string{}
	}
	whens := map[string]bool{}
	for k := range before {
		if k.party == party {
			whens[k.when] = true
		}
	}
	for k := range after {
		if k.party == party {
			whens[k.when] = true
		}
	}
	order := scheme.Letters()
	if order == nil {
		order = raci.AllLetters
	}
	order = append(append([]raci.Role(nil), order...), raci.AllLetters...)
	var parts []string
	for _, when := range sortedKeys(whens) {
		var ls []string
		holder, oldHolder := "", ""
		done := map[raci.Role]bool{}
		for _, l := range order {
			if done[l] {
				continue
			}
			done[l] = true
			k := letterKey{party, when, l}
			hb, had := before[k]
			ha, has := after[k]
			switch {
			case had && has:
				ls = append(ls, string(l))
			case had:
				ls = append(ls, "~~"+string(l)+"~~")
			case has:
				ls = append(ls, "**"+string(l)+"**")
			}
			if has && ha != "" {
				holder = ha
			}
			if had && hb != "" {
				oldHolder = hb
			}
		}
		part := strings.Join(ls, " ")
		switch {
		case holder != oldHolder && holder != "" && oldHolder != "":
			part += " (~~" + cell(oldHolder) + "~~ " + cell(holder) + ")"
		case holder != "":
			part += " (" + cell(holder) + ")"
		case oldHolder != "":
			part += " (~~" + cell(oldHolder) + "~~)"
		}
		if when != "" {
			part += " *when " + cell(when) + "*"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// cell escapes text for a table cell: a pipe would end the cell, a line break the
// row, and Markdown's own characters would change the text.
func cell(s string) string {
	return strings.ReplaceAll(text(s), "|", "\\|")
}

// text escapes text for Markdown outside code: emphasis, links, HTML and line
// breaks would change what a reader sees.
func text(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "~", "\\~", "\r", " ", "\n", " ")
	return r.Replace(s)
}

// code prepares text for inline code: a backtick would end it, a line break the
// line. Pipes are escaped too, for tables.
func code(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "\r", " ", "|", "\\|").Replace(s)
}
