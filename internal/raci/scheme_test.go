package raci_test

import (
	"reflect"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestSchemeLetters(t *testing.T) {
	cases := map[raci.Scheme][]raci.Role{
		raci.RACI:  {"R", "A", "C", "I"},
		raci.RASCI: {"R", "A", "S", "C", "I"},
		raci.DACI:  {"D", "A", "C", "I"},
	}
	for s, want := range cases {
		if got := s.Letters(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s.Letters() = %q, want %q", s, got, want)
		}
		if !s.Valid() {
			t.Errorf("%s.Valid() = false", s)
		}
		for _, l := range want {
			if !s.Has(l) {
				t.Errorf("%s.Has(%q) = false", s, l)
			}
		}
	}
	for _, s := range []raci.Scheme{"", "raci", "RAPID"} {
		if s.Valid() || s.Letters() != nil || s.Has(raci.Accountable) {
			t.Errorf("unknown scheme %q is treated as known", s)
		}
	}
	if raci.RACI.Has(raci.Supportive) || raci.RACI.Has(raci.Driver) || raci.DACI.Has(raci.Responsible) || raci.RASCI.Has(raci.Driver) {
		t.Error("a scheme claims a letter it does not have")
	}
}

func TestSchemeDoer(t *testing.T) {
	cases := map[raci.Scheme]raci.Role{raci.RACI: raci.Responsible, raci.RASCI: raci.Responsible, raci.DACI: raci.Driver}
	for s, want := range cases {
		if got := s.Doer(); got != want {
			t.Errorf("%s.Doer() = %q, want %q", s, got, want)
		}
	}
}

func TestRoleName(t *testing.T) {
	cases := map[raci.Role]string{"R": "Responsible", "A": "Accountable", "S": "Supportive", "C": "Consulted", "I": "Informed", "D": "Driver", "X": "X"}
	for r, want := range cases {
		if got := r.Name(); got != want {
			t.Errorf("Role(%q).Name() = %q, want %q", r, got, want)
		}
	}
}

func TestSortRoles(t *testing.T) {
	cases := []struct{ in, want []raci.Role }{
		{nil, nil},
		{[]raci.Role{"A", "R"}, []raci.Role{"R", "A"}},
		{[]raci.Role{"I", "C", "S", "A", "R", "D"}, []raci.Role{"R", "A", "S", "C", "I", "D"}},
		{[]raci.Role{"I", "R", "I", "R"}, []raci.Role{"R", "I"}},
		// Unknown letters go last, in a stable order, so validation can name them.
		{[]raci.Role{"Y", "X", "A", "X"}, []raci.Role{"A", "X", "Y"}},
	}
	for _, c := range cases {
		in := append([]raci.Role(nil), c.in...)
		got := raci.SortRoles(c.in)
		if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("SortRoles(%q) = %q, want %q", in, got, c.want)
		}
		if !reflect.DeepEqual(c.in, in) {
			t.Errorf("SortRoles changed its argument: %q, was %q", c.in, in)
		}
	}
}
