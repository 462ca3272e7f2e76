resource "raci_tenant" "example" {
  name             = "initech"
  customer         = "Initech"
  deployment_model = "private_saas"
}

# People who sign in to the web pages with the identity provider (serve
# --oidc-issuer) may tick Initech's checklist items when their ID token lists the
# group initech-infra, or when their verified email is Peter's.
resource "raci_access" "example" {
  tenant = raci_tenant.example.name
  name   = "infrastructure"
  scope  = "checklist"
  groups = ["initech-infra"]
  emails = ["peter@initech.example"]
}
