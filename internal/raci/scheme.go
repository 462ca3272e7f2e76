package raci

import (
	"sort"
	"strings"
)

// Role is one letter of a responsibility scheme.
type Role string

// The letters of the supported schemes.
const (
	Responsible Role = "R"
	Accountable Role = "A"
	Supportive  Role = "S"
	Consulted   Role = "C"
	Informed    Role = "I"
	Driver      Role = "D"
)

// roleNames spells each letter out for error messages and rendered legends.
var roleNames = map[Role]string{
	Responsible: "Responsible",
	Accountable: "Accountable",
	Supportive:  "Supportive",
	Consulted:   "Consulted",
	Informed:    "Informed",
	Driver:      "Driver",
}

// Name returns the word a letter stands for, or the letter itself if unknown.
func (r Role) Name() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return string(r)
}

// Scheme names a set of letters and the rules every row must follow.
type Scheme string

// The supported schemes.
const (
	RACI  Scheme = "RACI"
	RASCI Scheme = "RASCI"
	DACI  Scheme = "DACI"
)

// DefaultScheme is the scheme of a tenant that names none.
const DefaultScheme = RACI

// Schemes lists every supported scheme, for validators and documentation.
var Schemes = []Scheme{RACI, RASCI, DACI}

// Letters returns the scheme's letters in the order the scheme's name spells them,
// or nil for an unknown scheme.
func (s Scheme) Letters() []Role {
	switch s {
	case RACI:
		return []Role{Responsible, Accountable, Consulted, Informed}
	case RASCI:
		return []Role{Responsible, Accountable, Supportive, Consulted, Informed}
	case DACI:
		return []Role{Driver, Accountable, Consulted, Informed}
	}
	return nil
}

// Valid reports whether s is a supported scheme.
func (s Scheme) Valid() bool { return s.Letters() != nil }

// Has reports whether the letter belongs to the scheme.
func (s Scheme) Has(r Role) bool {
	for _, l := range s.Letters() {
		if l == r {
			return true
		}
	}
	return false
}

// Doer is the letter of whoever does the work: Driver in DACI, Responsible otherwise.
func (s Scheme) Doer() Role {
	if s == DACI {
		return Driver
	}
	return Responsible
}

func (s Scheme) lettersList() string {
	letters := s.Letters()
	out := make([]string, len(letters))
	for i, l := range letters {
		out[i] = string(l)
	}
	return strings.Join(out, ", ")
}

// AllLetters is every letter of every supported scheme, in a stable order. It bounds
// what a row may hold when its tenant's scheme is not known yet.
var AllLetters = []Role{Responsible, Accountable, Supportive, Consulted, Informed, Driver}

// SortRoles puts letters in the canonical order R, A, S, C, I, D and drops duplicates.
func SortRoles(roles []Role) []Role {
	rank := func(r Role) int {
		for i, l := range AllLetters {
			if l == r {
				return i
			}
		}
		return len(AllLetters)
	}
	out := append([]Role(nil), roles...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	uniq := out[:0]
	for i, r := range out {
		if i == 0 || r != out[i-1] {
			uniq = append(uniq, r)
		}
	}
	return uniq
}
