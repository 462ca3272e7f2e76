package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// entry checks one row of raci_responsibilities: the letters held in it, then its
// assignments (see assignment in resource_responsibility_test.go).
func entry(key, title, category string, roles []string, assignments ...knownvalue.Check) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"key":      knownvalue.StringExact(key),
		"title":    knownvalue.StringExact(title),
		"category": knownvalue.StringExact(category),
		// Every row of matrixRows has one Accountable party.
		"accountability": knownvalue.StringExact("single"),
		"optional":       knownvalue.Bool(false),
		"when":           knownvalue.Null(),
		"position":       knownvalue.Null(),
		"roles":          letters(roles...),
		"assignments":    knownvalue.SetExact(assignments),
	})
}

func letters(roles ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(roles))
	for i, r := range roles {
		checks[i] = knownvalue.StringExact(r)
	}
	return knownvalue.SetExact(checks)
}

func keys(keys ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(keys))
	for i, k := range keys {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.StringExact(k)})
	}
	return knownvalue.ListExact(checks)
}

// ifTrouble is the condition of matrixRows' conditional letters.
const ifTrouble = "in the event that there are issues"

func rs(roles ...string) []string { return roles }

func TestAccResponsibilitiesDataSource(t *testing.T) {
	srv := startServer(t)
	query := func(name, filter string) string {
		return `
data "raci_responsibilities" "` + name + `" {
  tenant     = raci_tenant.initech.name
  depends_on = ` + allRows + `
` + filter + `
}
`
	}
	config := matrixConfig(srv,
		query("vendor_accountable", `  party = raci_party.auth0.name
  roles = ["A"]`)+
			query("vendor_involved", `  party = raci_party.auth0.name`)+
			query("vendor_informed", `  party = raci_party.auth0.name
  roles = ["I"]`)+
			query("auditor", `  party = raci_party.auditor.name`)+
			query("consulted_anyone", `  roles = ["C"]`)+
			query("all", ""))
	at := func(name string) (string, tfjsonpath.Path) {
		return "data.raci_responsibilities." + name, tfjsonpath.New("responsibilities")
	}
	check := func(name string, want knownvalue.Check) statecheck.StateCheck {
		addr, p := at(name)
		return statecheck.ExpectKnownValue(addr, p, want)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// "What is the vendor accountable for?", and who at the vendor is.
				check("vendor_accountable", knownvalue.ListExact([]knownvalue.Check{
					entry("deployment", "Deployment to Development and Production environments", "Deployment", rs("R", "A"),
						assignment("auth0", rs("R", "A"), "Auth0 Customer Success Engineer", "")),
					entry("issue-resolution", "Issue Resolution", "Support", rs("R", "A"),
						assignment("auth0", rs("R", "A"), "", "")),
				})),
				// Every row auth0 holds a letter in, with all its letters and assignments
				// there, the conditional ones with their condition.
				check("vendor_involved", knownvalue.ListExact([]knownvalue.Check{
					entry("backing-up", "Backing Up", "Operations", rs("I"),
						assignment("auth0", rs("I"), "", ifTrouble)),
					entry("code-integration", "Code Integration into Applications", "Integration", rs("C", "I"),
						assignment("auth0", rs("C"), "", ""),
						assignment("auth0", rs("I"), "", ifTrouble)),
					entry("deployment", "Deployment to Development and Production environments", "Deployment", rs("R", "A"),
						assignment("auth0", rs("R", "A"), "Auth0 Customer Success Engineer", "")),
					entry("issue-resolution", "Issue Resolution", "Support", rs("R", "A"),
						assignment("auth0", rs("R", "A"), "", "")),
				})),
				// Informed only in the event that there are issues still counts.
				check("vendor_informed", keys("backing-up", "code-integration")),
				check("auditor", knownvalue.ListSizeExact(0)),
				check("consulted_anyone", keys("code-integration", "issue-resolution")),
				check("all", keys("backing-up", "code-integration", "deployment", "issue-resolution")),
				// Without party, every assignment of the row, whoever holds it.
				statecheck.ExpectKnownValue("data.raci_responsibilities.all",
					tfjsonpath.New("responsibilities").AtSliceIndex(2).AtMapKey("assignments"), knownvalue.SetExact([]knownvalue.Check{
						assignment("auth0", rs("R", "A"), "Auth0 Customer Success Engineer", ""),
						assignment("subscriber", rs("I"), "", ""),
					})),
			},
		}},
	})
}

func TestAccResponsibilitiesDataSource_errors(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: srv.providerBlock() + `
data "raci_responsibilities" "test" {
  tenant = "initech"
  roles  = ["X"]
}
`,
				ExpectError: errorLike(`value must be one of: ["R" "A" "S" "C" "I" "D"]`),
			},
			{
				Config: srv.providerBlock() + `
data "raci_responsibilities" "test" {
  tenant = "initrode"
  party  = "auth0"
}
`,
				ExpectError: errorLike(`Tenant "initrode" does not exist on the RACI server`),
			},
			{
				Config: srv.providerBlock() + testTenant + parties + `
data "raci_responsibilities" "test" {
  tenant     = raci_tenant.initech.name
  party      = "auth-0"
  depends_on = [raci_party.auth0, raci_party.subscriber]
}
`,
				ExpectError: errorLike(`Party "auth-0" is not a party of tenant "initech".`),
			},
			{
				// Without the failing data source, so that the test can destroy what it made.
				Config: srv.providerBlock() + testTenant + parties,
			},
		},
	})
}
