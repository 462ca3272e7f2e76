# One customer's installation: its matrix, parties and rows live inside it.
resource "raci_tenant" "example" {
  name             = "initech"
  display_name     = "Initech Private SaaS"
  customer         = "Initech"
  deployment_model = "private_saas"
  environments     = ["development", "production"]

  labels = {
    region = "eu-central"
    tier   = "enterprise"
  }

  # RACI is the default; RASCI adds S (Supportive), DACI uses D (Driver) instead of R.
  scheme = "RACI"
}
