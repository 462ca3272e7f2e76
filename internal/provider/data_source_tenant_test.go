package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// sameAsResource checks that every attribute of a data source holds what the
// resource it read holds.
func sameAsResource(resourceAddr, dataAddr string, attributes ...string) []statecheck.StateCheck {
	checks := make([]statecheck.StateCheck, len(attributes))
	for i, a := range attributes {
		checks[i] = statecheck.CompareValuePairs(resourceAddr, tfjsonpath.New(a), dataAddr, tfjsonpath.New(a), compare.ValuesSame())
	}
	return checks
}

// diagnosticLike matches a diagnostic in Terraform's output by its summary and
// detail, which Terraform prints on lines of their own.
func diagnosticLike(summary, detail string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta("Error: "+summary) + `(?s:.*)` + errorLike(detail).String())
}

var tenantAttributes = []string{"id", "name", "display_name", "customer", "deployment_model", "environments", "labels", "scheme", "description", "source", "version"}

func TestAccTenantDataSource(t *testing.T) {
	srv := startServer(t)
	config := srv.providerBlock() + `
resource "raci_tenant" "initech" {
  name             = "initech"
  display_name     = "Initech production"
  customer         = "Initech"
  deployment_model = "private_saas"
  environments     = ["production", "development"]
  labels           = { region = "eu-west-1" }
  scheme           = "RASCI"
  description      = "Contract 2024-17."
  source           = { title = "Private SaaS Responsibilities Matrix", revision = "2024-03" }
}

resource "raci_tenant" "bare" {
  name             = "initrode"
  deployment_model = "dedicated_saas"
}

data "raci_tenant" "initech" {
  name = raci_tenant.initech.name
}

data "raci_tenant" "bare" {
  name = raci_tenant.bare.name
}

# Tenants made from the data sources' values, as they are: the plan after the
# apply, which the test runs, must be empty.
resource "raci_tenant" "copy" {
  name             = "initech-copy"
  display_name     = data.raci_tenant.initech.display_name
  customer         = data.raci_tenant.initech.customer
  deployment_model = data.raci_tenant.initech.deployment_model
  environments     = data.raci_tenant.initech.environments
  labels           = data.raci_tenant.initech.labels
  scheme           = data.raci_tenant.initech.scheme
  description      = data.raci_tenant.initech.description
  source           = data.raci_tenant.initech.source
}

resource "raci_tenant" "bare_copy" {
  name             = "initrode-copy"
  display_name     = data.raci_tenant.bare.display_name
  customer         = data.raci_tenant.bare.customer
  deployment_model = data.raci_tenant.bare.deployment_model
  environments     = data.raci_tenant.bare.environments
  labels           = data.raci_tenant.bare.labels
  scheme           = data.raci_tenant.bare.scheme
  description      = data.raci_tenant.bare.description
  source           = data.raci_tenant.bare.source
}
`
	const full, bare = "data.raci_tenant.initech", "data.raci_tenant.bare"
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(full, tfjsonpath.New("id"), knownvalue.StringExact("initech")),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("display_name"), knownvalue.StringExact("Initech production")),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("customer"), knownvalue.StringExact("Initech")),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("deployment_model"), knownvalue.StringExact("private_saas")),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("environments"), knownvalue.SetExact([]knownvalue.Check{
			knownvalue.StringExact("development"), knownvalue.StringExact("production"),
		})),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
			"region": knownvalue.StringExact("eu-west-1"),
		})),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("scheme"), knownvalue.StringExact("RASCI")),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("description"), knownvalue.StringExact("Contract 2024-17.")),
		statecheck.ExpectKnownValue(full, tfjsonpath.New("source"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"title":    knownvalue.StringExact("Private SaaS Responsibilities Matrix"),
			"url":      knownvalue.Null(),
			"revision": knownvalue.StringExact("2024-03"),
		})),
		// What the tenant leaves out reads as the resource holds it: null text, empty
		// collections and the default scheme.
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("display_name"), knownvalue.Null()),
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("customer"), knownvalue.Null()),
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("description"), knownvalue.Null()),
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("source"), knownvalue.Null()),
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("environments"), knownvalue.SetExact([]knownvalue.Check{})),
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
		statecheck.ExpectKnownValue(bare, tfjsonpath.New("scheme"), knownvalue.StringExact("RACI")),
	}
	checks = append(checks, sameAsResource("raci_tenant.initech", full, tenantAttributes...)...)
	checks = append(checks, sameAsResource("raci_tenant.bare", bare, tenantAttributes...)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccTenantDataSource_notFound(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: srv.providerBlock() + `
data "raci_tenant" "test" {
  name = "initrode"
}
`,
			ExpectError: diagnosticLike("Tenant Not Found",
				`Cannot read tenant "initrode": it does not exist on the RACI server, or the token cannot see it.`),
		}},
	})
}
