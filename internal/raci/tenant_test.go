package raci_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func validTenant() *raci.Tenant {
	t := &raci.Tenant{
		Name:            "acme",
		DisplayName:     "Acme Corp production",
		Customer:        "Acme Corp",
		DeploymentModel: raci.PrivateSaaS,
		Environments:    []string{"production", "development"},
		Labels:          map[string]string{"tier": "gold"},
	}
	t.Normalize()
	return t
}

func TestTenantNormalize(t *testing.T) {
	tn := &raci.Tenant{Name: "acme", Environments: []string{"staging", "production", "development", "staging"}}
	tn.Normalize()
	if tn.Scheme != raci.RACI {
		t.Errorf("scheme = %q, want the default %q", tn.Scheme, raci.RACI)
	}
	if want := []string{"development", "production", "staging"}; !reflect.DeepEqual(tn.Environments, want) {
		t.Errorf("environments = %q, want %q", tn.Environments, want)
	}
	if tn.Labels == nil {
		t.Error("labels = nil, want an empty map")
	}

	bare := &raci.Tenant{Scheme: raci.DACI}
	bare.Normalize()
	if bare.Environments == nil || len(bare.Environments) != 0 {
		t.Errorf("environments = %#v, want an empty, non-nil slice", bare.Environments)
	}
	if bare.Scheme != raci.DACI {
		t.Errorf("Normalize replaced the scheme %q with %q", raci.DACI, bare.Scheme)
	}
}

func TestTenantValidate(t *testing.T) {
	if err := validTenant().Validate(); err != nil {
		t.Fatalf("valid tenant: %v", err)
	}
	for _, m := range raci.DeploymentModels {
		tn := validTenant()
		tn.DeploymentModel = m
		if err := tn.Validate(); err != nil {
			t.Errorf("deployment model %q: %v", m, err)
		}
	}
	for _, s := range raci.Schemes {
		tn := validTenant()
		tn.Scheme = s
		if err := tn.Validate(); err != nil {
			t.Errorf("scheme %q: %v", s, err)
		}
	}

	manyEnvs := make([]string, raci.MaxEnvironments+1)
	for i := range manyEnvs {
		manyEnvs[i] = fmt.Sprintf("env-%02d", i)
	}
	manyLabels := map[string]string{}
	for i := range raci.MaxLabels + 1 {
		manyLabels[fmt.Sprintf("k%d", i)] = "v"
	}
	cases := []struct {
		name    string
		change  func(*raci.Tenant)
		field   string
		details []string
	}{
		{"no name", func(tn *raci.Tenant) { tn.Name = "" }, "name", []string{"Tenant name is required", raci.SlugRule}},
		{"name not a slug", func(tn *raci.Tenant) { tn.Name = "Acme Corp" }, "name", []string{`"Acme Corp" is not a valid slug`, `e.g. "acme-corp"`}},
		{"display name too long", func(tn *raci.Tenant) { tn.DisplayName = strings.Repeat("x", raci.MaxNameLength+1) }, "display_name", []string{"at most 200"}},
		{"customer too long", func(tn *raci.Tenant) { tn.Customer = strings.Repeat("x", raci.MaxNameLength+1) }, "customer", []string{"Customer", "at most 200"}},
		{"no deployment model", func(tn *raci.Tenant) { tn.DeploymentModel = "" }, "deployment_model", []string{"required", `"private_saas"`, `"self_managed"`}},
		{"unknown deployment model", func(tn *raci.Tenant) { tn.DeploymentModel = "on_prem" }, "deployment_model", []string{`"on_prem" is not supported`, `"dedicated_saas"`}},
		{"unknown scheme", func(tn *raci.Tenant) { tn.Scheme = "RAPID" }, "scheme", []string{`"RAPID"`, `"RACI", "RASCI", "DACI"`}},
		{"lowercase scheme", func(tn *raci.Tenant) { tn.Scheme = "raci" }, "scheme", []string{`"raci"`}},
		{"too many environments", func(tn *raci.Tenant) { tn.Environments = manyEnvs }, "environments", []string{"at most 32", "it has 33"}},
		{"environment not a slug", func(tn *raci.Tenant) { tn.Environments = []string{"dev", "Prod EU"} }, "environments[1]", []string{`"Prod EU"`, `"prod-eu"`}},
		{"too many labels", func(tn *raci.Tenant) { tn.Labels = manyLabels }, "labels", []string{"at most 64", "it has 65"}},
		{"empty label key", func(tn *raci.Tenant) { tn.Labels = map[string]string{"": "x"} }, "labels", []string{"Label key"}},
		{"label key too long", func(tn *raci.Tenant) { tn.Labels = map[string]string{strings.Repeat("k", 64): "x"} }, "labels", []string{"1 to 63 bytes"}},
		{"label value too long", func(tn *raci.Tenant) { tn.Labels = map[string]string{"tier": strings.Repeat("v", 256)} }, "labels.tier", []string{"at most 255"}},
		{"description too long", func(tn *raci.Tenant) { tn.Description = strings.Repeat("d", raci.MaxTextLength+1) }, "description", []string{"Description", "at most 4000"}},
		{"source title too long", func(tn *raci.Tenant) { tn.Source = &raci.Source{Title: strings.Repeat("t", raci.MaxNameLength+1)} }, "source.title", []string{"at most 200"}},
		{"source revision too long", func(tn *raci.Tenant) { tn.Source = &raci.Source{Revision: strings.Repeat("r", raci.MaxNameLength+1)} }, "source.revision", []string{"at most 200"}},
		{"source url relative", func(tn *raci.Tenant) { tn.Source = &raci.Source{URL: "docs/matrix.pdf"} }, "source.url", []string{`"docs/matrix.pdf"`, "absolute http or https URL", "write it in full"}},
		{"source url not http", func(tn *raci.Tenant) { tn.Source = &raci.Source{URL: "ftp://example.com/matrix.pdf"} }, "source.url", []string{"absolute http or https URL"}},
		{"source url without host", func(tn *raci.Tenant) { tn.Source = &raci.Source{URL: "https:///matrix.pdf"} }, "source.url", []string{"absolute http or https URL"}},
		{"source url with a space", func(tn *raci.Tenant) { tn.Source = &raci.Source{URL: "https://example.com/a matrix.pdf"} }, "source.url", []string{"absolute http or https URL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := validTenant()
			c.change(tn)
			wantInvalid(t, tn.Validate(), c.field, c.details...)
		})
	}
}

func TestTenantSource(t *testing.T) {
	for _, u := range []string{"https://example.com/matrix.pdf", "http://intranet.example:8080/docs?rev=3#page=2", "HTTPS://EXAMPLE.COM/m"} {
		tn := validTenant()
		tn.Source = &raci.Source{URL: u}
		if err := tn.Validate(); err != nil {
			t.Errorf("source url %q: %v", u, err)
		}
	}

	// A source that names nothing is no source: it reads back as none, as Terraform's null.
	tn := validTenant()
	tn.Source = &raci.Source{}
	tn.Normalize()
	if tn.Source != nil {
		t.Errorf("an empty source normalizes to %+v, want nil", tn.Source)
	}
	partial := validTenant()
	partial.Source = &raci.Source{Revision: "2024-03"}
	partial.Normalize()
	if partial.Source == nil || partial.Source.Revision != "2024-03" {
		t.Errorf("a source with only a revision normalizes to %+v, want it kept", partial.Source)
	}

	// Clone shares no source with the original.
	c := partial.Clone()
	c.Source.Revision = "2025-01"
	if partial.Source.Revision != "2024-03" {
		t.Errorf("changing a clone's source changed the original's: %+v", partial.Source)
	}
}

func TestTenantValidateListsEveryProblem(t *testing.T) {
	tn := &raci.Tenant{Name: "Bad Name", DeploymentModel: "cloud", Scheme: "XYZ"}
	err := tn.Validate()
	if got := len(raci.ErrorProblems(err)); got != 3 {
		t.Fatalf("problems = %+v, want 3: one per broken field", raci.ErrorProblems(err))
	}
	wantInvalid(t, err, "name")
	wantInvalid(t, err, "deployment_model")
	wantInvalid(t, err, "scheme")
}

func TestTenantLimitsAreInclusive(t *testing.T) {
	tn := validTenant()
	tn.DisplayName = strings.Repeat("x", raci.MaxNameLength)
	tn.Description = strings.Repeat("d", raci.MaxTextLength)
	tn.Source = &raci.Source{Title: strings.Repeat("t", raci.MaxNameLength), Revision: strings.Repeat("r", raci.MaxNameLength),
		URL: "https://example.com/" + strings.Repeat("u", raci.MaxURLLength-len("https://example.com/"))}
	tn.Labels = map[string]string{strings.Repeat("k", raci.MaxLabelKeyLength): strings.Repeat("v", raci.MaxLabelValueLength)}
	envs := make([]string, raci.MaxEnvironments)
	for i := range envs {
		envs[i] = fmt.Sprintf("env-%02d", i)
	}
	tn.Environments = envs
	if err := tn.Validate(); err != nil {
		t.Errorf("a tenant exactly at every limit: %v", err)
	}
}

func TestDeploymentModelValid(t *testing.T) {
	for _, m := range []raci.DeploymentModel{"private_saas", "dedicated_saas", "shared_saas", "self_managed"} {
		if !m.Valid() {
			t.Errorf("%q.Valid() = false", m)
		}
	}
	for _, m := range []raci.DeploymentModel{"", "Private_SaaS", "saas"} {
		if m.Valid() {
			t.Errorf("%q.Valid() = true", m)
		}
	}
}
