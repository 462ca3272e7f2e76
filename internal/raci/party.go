package raci

import "time"

// PartyKind says which side of the contract a party is on.
type PartyKind string

// The supported party kinds.
const (
	Vendor     PartyKind = "vendor"
	Customer   PartyKind = "customer"
	ThirdParty PartyKind = "third_party"
)

// PartyKinds lists every supported party kind.
var PartyKinds = []PartyKind{Vendor, Customer, ThirdParty}

// Valid reports whether k is a supported party kind.
func (k PartyKind) Valid() bool {
	for _, v := range PartyKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Party is a column of a tenant's matrix: the vendor, the customer, a third party.
type Party struct {
	Tenant      string    `json:"tenant"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Kind        PartyKind `json:"kind"`
	// Contacts are e-mail addresses or channels ("#ops-acme"), a set.
	Contacts []string `json:"contacts"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Normalize puts the contacts in canonical order.
func (p *Party) Normalize() {
	p.Contacts = SortedSet(p.Contacts)
}

// Validate checks the party's own fields and returns an EINVALID error that lists
// every problem, or nil. That the tenant exists is the store's to check.
func (p *Party) Validate() error {
	var ps problems
	ps.checkSlug("tenant", "Tenant name", p.Tenant)
	ps.checkSlug("name", "Party name", p.Name)
	ps.checkText("display_name", "Display name", p.DisplayName, MaxNameLength)
	if !p.Kind.Valid() {
		if p.Kind == "" {
			ps.add("kind", "Party kind is required: use one of %s.", quotedList(PartyKinds))
		} else {
			ps.add("kind", "Party kind %q is not supported: use one of %s.", p.Kind, quotedList(PartyKinds))
		}
	}
	if len(p.Contacts) > MaxContacts {
		ps.add("contacts", "A party may have at most %d contacts; it has %d.", MaxContacts, len(p.Contacts))
	}
	for i, c := range p.Contacts {
		if c == "" {
			ps.add(fieldIndex("contacts", i), "A contact must not be empty: remove it or give an e-mail address or channel.")
		}
		ps.checkText(fieldIndex("contacts", i), "Contact", c, MaxContactLength)
	}
	return ps.err()
}
