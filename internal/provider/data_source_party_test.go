package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

var partyAttributes = []string{"id", "tenant", "name", "display_name", "kind", "contacts", "version"}

// partyDataSourceConfig is a tenant with a vendor reached at contacts and a
// customer with neither display name nor contacts, both read back through
// raci_party, and a party made from the customer's values as they are.
func partyDataSourceConfig(srv *testServer, contacts string) string {
	return srv.providerBlock() + testTenant + `
resource "raci_party" "auth0" {
  tenant       = raci_tenant.initech.name
  name         = "auth0"
  display_name = "Auth0"
  kind         = "vendor"
  contacts     = ` + contacts + `
}

resource "raci_party" "subscriber" {
  tenant = raci_tenant.initech.name
  name   = "subscriber"
  kind   = "customer"
}

data "raci_party" "auth0" {
  tenant = raci_tenant.initech.name
  name   = raci_party.auth0.name
}

data "raci_party" "subscriber" {
  tenant = raci_tenant.initech.name
  name   = raci_party.subscriber.name
}

resource "raci_party" "copy" {
  tenant       = data.raci_party.subscriber.tenant
  name         = "subscriber-copy"
  display_name = data.raci_party.subscriber.display_name
  kind         = data.raci_party.subscriber.kind
  contacts     = data.raci_party.subscriber.contacts
}
`
}

func TestAccPartyDataSource(t *testing.T) {
	srv := startServer(t)
	const vendor, customer = "data.raci_party.auth0", "data.raci_party.subscriber"
	contacts := func(values ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(values))
		for i, v := range values {
			checks[i] = knownvalue.StringExact(v)
		}
		return statecheck.ExpectKnownValue(vendor, tfjsonpath.New("contacts"), knownvalue.SetExact(checks))
	}
	first := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(vendor, tfjsonpath.New("id"), knownvalue.StringExact("initech/auth0")),
		statecheck.ExpectKnownValue(vendor, tfjsonpath.New("display_name"), knownvalue.StringExact("Auth0")),
		statecheck.ExpectKnownValue(vendor, tfjsonpath.New("kind"), knownvalue.StringExact("vendor")),
		contacts("#ops-initech", "support@auth0.example"),
		statecheck.ExpectKnownValue(vendor, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
		// What the party leaves out reads as the resource holds it.
		statecheck.ExpectKnownValue(customer, tfjsonpath.New("display_name"), knownvalue.Null()),
		statecheck.ExpectKnownValue(customer, tfjsonpath.New("kind"), knownvalue.StringExact("customer")),
		statecheck.ExpectKnownValue(customer, tfjsonpath.New("contacts"), knownvalue.SetExact([]knownvalue.Check{})),
	}
	first = append(first, sameAsResource("raci_party.auth0", vendor, partyAttributes...)...)
	first = append(first, sameAsResource("raci_party.subscriber", customer, partyAttributes...)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            partyDataSourceConfig(srv, `["support@auth0.example", "#ops-initech"]`),
				ConfigStateChecks: first,
			},
			{
				// A change to the party in the same apply shows in the data source.
				Config: partyDataSourceConfig(srv, `["support@auth0.example", "#ops-initech", "oncall@auth0.example"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					contacts("#ops-initech", "oncall@auth0.example", "support@auth0.example"),
					statecheck.ExpectKnownValue(vendor, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

func TestAccPartyDataSource_notFound(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: srv.providerBlock() + `
data "raci_party" "test" {
  tenant = "initrode"
  name   = "auth0"
}
`,
				ExpectError: diagnosticLike("Tenant Not Found", `Tenant "initrode" does not exist on the RACI server`),
			},
			{
				Config: srv.providerBlock() + testTenant + parties + `
data "raci_party" "test" {
  tenant     = raci_tenant.initech.name
  name       = "auth-0"
  depends_on = [raci_party.auth0, raci_party.subscriber]
}
`,
				ExpectError: diagnosticLike("Party Not Found",
					`Cannot read party "auth-0" of tenant "initech": the tenant has no party of that name.`),
			},
			{
				// Without the failing data source, so that the test can destroy what it made.
				Config: srv.providerBlock() + testTenant + parties,
			},
		},
	})
}
