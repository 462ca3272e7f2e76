package raci_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func validParty() *raci.Party {
	p := &raci.Party{Tenant: "acme", Name: "auth0", DisplayName: "Auth0", Kind: raci.Vendor, Contacts: []string{"ops@auth0.example", "#ops-acme"}}
	p.Normalize()
	return p
}

func TestPartyNormalize(t *testing.T) {
	p := &raci.Party{Contacts: []string{"b@example.com", "#ops", "b@example.com", "a@example.com"}}
	p.Normalize()
	if want := []string{"#ops", "a@example.com", "b@example.com"}; !reflect.DeepEqual(p.Contacts, want) {
		t.Errorf("contacts = %q, want %q (sorted, distinct)", p.Contacts, want)
	}
	bare := &raci.Party{}
	bare.Normalize()
	if bare.Contacts == nil {
		t.Error("contacts = nil after Normalize, want an empty slice")
	}
}

func TestPartyValidate(t *testing.T) {
	if err := validParty().Validate(); err != nil {
		t.Fatalf("valid party: %v", err)
	}
	for _, k := range raci.PartyKinds {
		p := validParty()
		p.Kind = k
		if err := p.Validate(); err != nil {
			t.Errorf("kind %q: %v", k, err)
		}
	}

	many := make([]string, raci.MaxContacts+1)
	for i := range many {
		many[i] = fmt.Sprintf("c%d@example.com", i)
	}
	cases := []struct {
		name    string
		change  func(*raci.Party)
		field   string
		details []string
	}{
		{"no tenant", func(p *raci.Party) { p.Tenant = "" }, "tenant", []string{"Tenant name is required"}},
		{"tenant not a slug", func(p *raci.Party) { p.Tenant = "ACME" }, "tenant", []string{`"ACME"`, `"acme"`}},
		{"no name", func(p *raci.Party) { p.Name = "" }, "name", []string{"Party name is required"}},
		{"name not a slug", func(p *raci.Party) { p.Name = "Auth0 Inc." }, "name", []string{`"Auth0 Inc."`, `e.g. "auth0-inc"`}},
		{"display name too long", func(p *raci.Party) { p.DisplayName = strings.Repeat("x", 201) }, "display_name", []string{"at most 200"}},
		{"no kind", func(p *raci.Party) { p.Kind = "" }, "kind", []string{"required", `"vendor", "customer", "third_party"`}},
		{"unknown kind", func(p *raci.Party) { p.Kind = "partner" }, "kind", []string{`"partner" is not supported`}},
		{"too many contacts", func(p *raci.Party) { p.Contacts = many }, "contacts", []string{"at most 32", "it has 33"}},
		{"empty contact", func(p *raci.Party) { p.Contacts = []string{"", "#ops"} }, "contacts[0]", []string{"must not be empty"}},
		{"contact too long", func(p *raci.Party) { p.Contacts = []string{strings.Repeat("x", raci.MaxContactLength+1)} }, "contacts[0]", []string{"at most 320"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validParty()
			c.change(p)
			wantInvalid(t, p.Validate(), c.field, c.details...)
		})
	}
}

func TestPartyKindValid(t *testing.T) {
	for _, k := range []raci.PartyKind{"vendor", "customer", "third_party"} {
		if !k.Valid() {
			t.Errorf("%q.Valid() = false", k)
		}
	}
	for _, k := range []raci.PartyKind{"", "Vendor", "third-party"} {
		if k.Valid() {
			t.Errorf("%q.Valid() = true", k)
		}
	}
}
