package raci

import (
	"fmt"
	"strings"
)

// The errors below are the ones every store returns when what it holds refuses a
// request. They are written once here so that the SQLite and PostgreSQL stores, and
// the server speaking for a tenant a token may not see, say the same words.

// TenantNotFound is the error for a tenant that does not exist. The server answers a
// token that may not see a tenant with this very error, so the two cannot be told
// apart.
func TenantNotFound(name string) error {
	return Errorf(ENOTFOUND, "Tenant %q does not exist: create it first, or check the name.", name)
}

// PartyNotFound is the error for a party its tenant does not have.
func PartyNotFound(tenant, name string) error {
	return Errorf(ENOTFOUND, "Party %q does not exist in tenant %q: create it first, or check the name.", name, tenant)
}

// ResponsibilityNotFound is the error for a row its tenant does not have.
func ResponsibilityNotFound(tenant, key string) error {
	return Errorf(ENOTFOUND, "Responsibility %q does not exist in tenant %q: create it first, or check the key.", key, tenant)
}

// ChecklistNotFound is the error for a checklist its tenant does not have.
func ChecklistNotFound(tenant, key string) error {
	return Errorf(ENOTFOUND, "Checklist %q does not exist in tenant %q: create it first, or check the key.", key, tenant)
}

// TenantInUse is the error for deleting a tenant that still holds objects.
func TenantInUse(name string, parties, rows, checklists int) error {
	var held []string
	if parties > 0 {
		held = append(held, plural(parties, "party", "parties"))
	}
	if rows > 0 {
		held = append(held, plural(rows, "responsibility", "responsibilities"))
	}
	if checklists > 0 {
		held = append(held, plural(checklists, "checklist", "checklists"))
	}
	return Errorf(ECONFLICT, "Tenant %q still has %s: delete them first, then the tenant.", name, joinAnd(held))
}

// ChecklistItems are the items of one checklist that name a party.
type ChecklistItems struct {
	Checklist string
	Items     []string
}

// PartyInUse is the error for deleting a party that rows assign, or that checklist
// items name as owner or waiver approver; it says where, and what to change first.
func PartyInUse(tenant, name string, rows []string, owned, approved []ChecklistItems) error {
	var held, fixes []string
	if len(rows) > 0 {
		rowWord := "rows"
		if len(rows) == 1 {
			rowWord = "row"
		}
		held = append(held, fmt.Sprintf("is still assigned in %s %s", rowWord, quoteList(rows, 5)))
		fixes = append(fixes, "remove those assignments")
	}
	if len(owned) > 0 {
		held = append(held, "owns "+describeItems(owned))
		fixes = append(fixes, "give those items another owner")
	}
	if len(approved) > 0 {
		held = append(held, "approves the waivers of "+describeItems(approved))
		fixes = append(fixes, "have another party approve those waivers")
	}
	return Errorf(ECONFLICT, "Party %q of tenant %q %s: %s first, then delete the party.",
		name, tenant, strings.Join(held, "; "), joinAnd(fixes))
}

// PartyNameTaken is the error for renaming a party onto a name the tenant already
// gives another party.
func PartyNameTaken(tenant, from, to string) error {
	return Errorf(ECONFLICT, "Cannot rename party %q of tenant %q to %q: the tenant already has a party named %q. "+
		"Choose another name, or move that party's assignments and delete it first.", from, tenant, to, to)
}

// ItemNotFound is the error for patching an item a checklist does not have; keys
// are the checklist's items, listed so the caller can correct the name.
func ItemNotFound(tenant, checklist, item string, keys []string) error {
	if len(keys) == 0 {
		return Errorf(ENOTFOUND, "Checklist %q of tenant %q has no items, so none called %q: add the item to the checklist first.", checklist, tenant, item)
	}
	return Errorf(ENOTFOUND, "Checklist %q of tenant %q has no item %q: its items are %s.", checklist, tenant, item, quoteList(keys, 20))
}

// describeItems returns `item "dns" of checklist "infra" and items "a", "b" of
// checklist "network"`, naming at most five checklists.
func describeItems(held []ChecklistItems) string {
	const shown = 5
	var parts []string
	for i, h := range held {
		if i == shown {
			parts = append(parts, plural(len(held)-shown, "more checklist", "more checklists"))
			break
		}
		word := "items"
		if len(h.Items) == 1 {
			word = "item"
		}
		parts = append(parts, fmt.Sprintf("%s %s of checklist %q", word, quoteList(h.Items, shown), h.Checklist))
	}
	return joinAnd(parts)
}

// plural returns "1 party" or "2 parties".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// quoteList returns up to limit values, quoted, and says how many more there are.
func quoteList(values []string, limit int) string {
	shown := values
	if len(shown) > limit {
		shown = shown[:limit]
	}
	quoted := make([]string, len(shown))
	for i, v := range shown {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	out := strings.Join(quoted, ", ")
	if rest := len(values) - len(shown); rest > 0 {
		out += fmt.Sprintf(" and %d more", rest)
	}
	return out
}

// joinAnd returns "a", "a and b", or "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
