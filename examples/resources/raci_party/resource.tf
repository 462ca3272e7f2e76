resource "raci_tenant" "example" {
  name             = "initech"
  customer         = "Initech"
  deployment_model = "private_saas"
}

# A party is a column of the tenant's matrix: the vendor, the customer, or a third party.
resource "raci_party" "example" {
  tenant       = raci_tenant.example.name
  name         = "auth0"
  display_name = "Auth0"
  kind         = "vendor"
  contacts     = ["private-saas@auth0.example.com", "#initech-private-saas"]
}
