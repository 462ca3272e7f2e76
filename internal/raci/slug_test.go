package raci_test

import (
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestValidSlug(t *testing.T) {
	valid := []string{"a", "7", "acme", "acme-prod", "acme_prod", "a1-b2_c3", "code-integration", strings.Repeat("a", raci.MaxSlugLength)}
	for _, s := range valid {
		if !raci.ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = false, want true", s)
		}
	}
	invalid := []string{"", "-acme", "acme-", "_acme", "acme_", "Acme", "acme prod", "acme.prod", "acme/prod", "acmé", "ac\nme", strings.Repeat("a", raci.MaxSlugLength+1)}
	for _, s := range invalid {
		if raci.ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = true, want false", s)
		}
	}
}

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"Backing Up":                                         "backing-up",
		"Code Integration into Applications":                 "code-integration-into-applications",
		"User Migration (if required)":                       "user-migration-if-required",
		"Issue Identification and Support Ticket Submission": "issue-identification-and-support-ticket-submission",
		"  --Monitoring--  ":                                 "monitoring",
		"acme_prod":                                          "acme_prod",
		"_internal":                                          "internal",
		"__a":                                                "a",
		"Preparing VM Infrastructure, including: memory": "preparing-vm-infrastructure-including-memory",
		"already-a-slug": "already-a-slug",
		"!!!":            "",
		"":               "",
	}
	for in, want := range cases {
		if got := raci.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSlugifySuggestsValidSlugs: the suggestion in an error message must itself be
// accepted, or be empty when there is nothing to suggest.
func TestSlugifySuggestsValidSlugs(t *testing.T) {
	inputs := []string{
		"Backing Up", "_x", "x_", "-_-a-_-", "A  B", "Ünïcode Straße", "a_-b", "a -_ b",
		strings.Repeat("Long Title ", 20), strings.Repeat("a", 62) + " b", strings.Repeat("a", 63) + "_b",
	}
	for _, in := range inputs {
		got := raci.Slugify(in)
		if got != "" && !raci.ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, which is not a valid slug", in, got)
		}
		if len(got) > raci.MaxSlugLength {
			t.Errorf("Slugify(%q) is %d bytes long, more than %d", in, len(got), raci.MaxSlugLength)
		}
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Backing Up", "_x", "Ünïcode", "a--b__c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := raci.Slugify(in)
		if got != "" && !raci.ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, not a valid slug", in, got)
		}
		if raci.Slugify(got) != got {
			t.Errorf("Slugify is not idempotent on %q: %q then %q", in, got, raci.Slugify(got))
		}
	})
}
