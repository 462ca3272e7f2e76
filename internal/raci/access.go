package raci

import (
	"context"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"
)

// Access grants people from the identity provider a scope on one tenant: those
// whose ID token lists one of Groups in its groups claim, and those whose verified
// email is one of Emails. A person's scopes are worked out on every request from
// the grants that hold then, so removing a grant takes effect at once.
type Access struct {
	Tenant string `json:"tenant"`
	Name   string `json:"name"`
	// Scope is one of AccessRead, AccessChecklist and AccessWrite.
	Scope     string    `json:"scope"`
	Groups    []string  `json:"groups"`
	Emails    []string  `json:"emails"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Bounds of a grant.
const (
	MaxAccessMembers = 1000
	MaxGroupLength   = 256
	MaxEmailLength   = 254
)

// AccessScopeRule describes valid grant scopes for error messages.
const AccessScopeRule = `"read", "checklist" or "write"`

// Normalize sorts and de-duplicates the groups and lower-cases, sorts and
// de-duplicates the emails, so that a grant compares equal however it was written.
func (a *Access) Normalize() {
	a.Groups = sortedSet(a.Groups, func(s string) string { return strings.TrimSpace(s) })
	a.Emails = sortedSet(a.Emails, NormalizeEmail)
}

// NormalizeEmail is how grants and sessions compare emails: trimmed, in lower case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func sortedSet(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, norm(s))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Validate checks the grant's tenant, name, scope and members.
func (a *Access) Validate() error {
	var ps problems
	ps.checkSlug("tenant", "Tenant name", a.Tenant)
	ps.checkSlug("name", "Access name", a.Name)
	switch a.Scope {
	case AccessRead, AccessChecklist, AccessWrite:
	case "":
		ps.add("scope", "Access %q has no scope: set scope to %s.", a.Name, AccessScopeRule)
	default:
		ps.add("scope", "Scope %q is not one a grant may give: use %s. Administrators sign in with a token.", a.Scope, AccessScopeRule)
	}
	if len(a.Groups) == 0 && len(a.Emails) == 0 {
		ps.add("groups", "Access %q grants nobody: list at least one group in groups or one address in emails.", a.Name)
	}
	if n := len(a.Groups) + len(a.Emails); n > MaxAccessMembers {
		ps.add("groups", "Access %q lists %d groups and emails; at most %d are allowed: grant to a group instead.", a.Name, n, MaxAccessMembers)
	}
	for i, g := range a.Groups {
		field := fieldIndex("groups", i)
		if strings.TrimSpace(g) == "" {
			ps.add(field, "Group %d of access %q is empty: name the group as the identity provider's groups claim does.", i, a.Name)
			continue
		}
		ps.checkText(field, "Group", g, MaxGroupLength)
	}
	for i, e := range a.Emails {
		field := fieldIndex("emails", i)
		addr, err := mail.ParseAddress(e)
		if err != nil || addr.Address != strings.TrimSpace(e) || addr.Name != "" {
			ps.add(field, "Email %q is not an address: write it as name@example.com, without a display name.", e)
			continue
		}
		ps.checkText(field, "Email", e, MaxEmailLength)
	}
	return ps.err()
}

// Person is someone signed in with the identity provider: their verified email
// and the groups their ID token named.
type Person struct {
	Email  string   `json:"email"`
	Groups []string `json:"groups"`
}

// Grants reports whether the grant covers the person, and why: "group X" or
// "email X".
func (a *Access) Grants(p Person) (reason string, ok bool) {
	email := NormalizeEmail(p.Email)
	for _, e := range a.Emails {
		if NormalizeEmail(e) == email && email != "" {
			return "email " + e, true
		}
	}
	for _, g := range a.Groups {
		if slices.Contains(p.Groups, g) {
			return "group " + g, true
		}
	}
	return "", false
}

// PersonGrant is a scope a person holds, and the grant and membership it comes from.
type PersonGrant struct {
	Scope  Scope
	Access *Access
	Reason string
}

// PersonScopes returns the scopes the grants give the person, each with its reason.
func PersonScopes(p Person, grants []*Access) []PersonGrant {
	var out []PersonGrant
	for _, a := range grants {
		if reason, ok := a.Grants(p); ok {
			out = append(out, PersonGrant{Scope: TenantScope(a.Tenant, a.Scope), Access: a, Reason: reason})
		}
	}
	return out
}

// AccessNotFound is the error for a grant that does not exist.
func AccessNotFound(tenant, name string) error {
	return Errorf(ENOTFOUND, "Access %q of tenant %q does not exist: list the tenant's access to see the grants.", name, tenant)
}

// AccessService stores the grants of tenants to people.
type AccessService interface {
	// PutAccess creates the grant or replaces the one with its name. created is
	// true when it did not exist. ENOTFOUND when the tenant does not exist.
	PutAccess(ctx context.Context, a *Access) (stored *Access, created bool, err error)

	// FindAccess returns the grant, or ENOTFOUND.
	FindAccess(ctx context.Context, tenant, name string) (*Access, error)

	// ListAccess returns the tenant's grants ordered by name; ENOTFOUND when the
	// tenant does not exist.
	ListAccess(ctx context.Context, tenant string) ([]*Access, error)

	// DeleteAccess removes the grant; ENOTFOUND if there is none.
	DeleteAccess(ctx context.Context, tenant, name string) error

	// AccessFor returns every grant, of any tenant, that names the email or one
	// of the groups.
	AccessFor(ctx context.Context, p Person) ([]*Access, error)
}
