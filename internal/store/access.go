package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// PrepareAccess returns the grant to store for in: normalized, validated, and
// stamped at now; created_at is kept from old when the grant exists.
func PrepareAccess(in *raci.Access, old *raci.Access, now time.Time) (*raci.Access, error) {
	a := &raci.Access{Tenant: in.Tenant, Name: in.Name, Scope: in.Scope,
		Groups: slices.Clone(in.Groups), Emails: slices.Clone(in.Emails)}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	a.Normalize()
	a.UpdatedAt = stamp(now)
	a.CreatedAt = a.UpdatedAt
	if old != nil {
		a.CreatedAt = old.CreatedAt
	}
	return a, nil
}

// AccessMember is one row of access_members.
type AccessMember struct{ Kind, Value string }

// Kinds of access members.
const (
	MemberGroup = "group"
	MemberEmail = "email"
)

// AccessMembers lists the members of a normalized grant.
func AccessMembers(a *raci.Access) []AccessMember {
	var ms []AccessMember
	for _, g := range a.Groups {
		ms = append(ms, AccessMember{MemberGroup, g})
	}
	for _, e := range a.Emails {
		ms = append(ms, AccessMember{MemberEmail, e})
	}
	return ms
}

// EncodeAccessSets returns the grant's groups and emails in JSON.
func EncodeAccessSets(a *raci.Access) (groups, emails []byte, err error) {
	if groups, err = json.Marshal(a.Groups); err != nil {
		return nil, nil, fmt.Errorf("encode groups of access %q: %w", a.Name, err)
	}
	if emails, err = json.Marshal(a.Emails); err != nil {
		return nil, nil, fmt.Errorf("encode emails of access %q: %w", a.Name, err)
	}
	return groups, emails, nil
}

// DecodeAccess completes a from its groups and emails as stored, in JSON.
func DecodeAccess(a *raci.Access, groups, emails []byte) (*raci.Access, error) {
	if err := json.Unmarshal(groups, &a.Groups); err != nil {
		return nil, fmt.Errorf("access %q: decode groups: %w", a.Name, err)
	}
	if err := json.Unmarshal(emails, &a.Emails); err != nil {
		return nil, fmt.Errorf("access %q: decode emails: %w", a.Name, err)
	}
	if a.Groups == nil {
		a.Groups = []string{}
	}
	if a.Emails == nil {
		a.Emails = []string{}
	}
	return a, nil
}

// PersonQuery returns the JSON arrays of a person's groups and lower-cased email
// that a store matches access_members against.
func PersonQuery(p raci.Person) (groups []byte, email string, err error) {
	gs := p.Groups
	if gs == nil {
		gs = []string{}
	}
	if groups, err = json.Marshal(gs); err != nil {
		return nil, "", fmt.Errorf("encode groups of a person: %w", err)
	}
	return groups, raci.NormalizeEmail(p.Email), nil
}
