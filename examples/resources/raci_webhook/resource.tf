resource "raci_tenant" "example" {
  name             = "initech"
  customer         = "Initech"
  deployment_model = "private_saas"
}

variable "webhook_secret" {
  description = "Key of the deliveries' signatures, e.g. from `openssl rand -hex 32`."
  type        = string
  sensitive   = true
}

# Sends the tenant's row changes, and its checklists' gates opening and closing, to
# the receiver that informs the Consulted and Informed parties.
resource "raci_webhook" "example" {
  tenant = raci_tenant.example.name
  name   = "inform"
  url    = "https://hooks.initech.example/raci"
  secret = var.webhook_secret
  events = ["responsibility", "readiness"]
}
