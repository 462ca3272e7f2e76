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

  description = "Production installation under contract 2024-17."

  # The document the matrix comes from; every attribute is optional.
  source = {
    title    = "Private SaaS Responsibilities Matrix"
    url      = "https://example.com/initech/responsibilities.pdf"
    revision = "2024-03"
  }

  # RACI is the default; RASCI adds S (Supportive), DACI uses D (Driver) instead of R.
  scheme = "RACI"
}
