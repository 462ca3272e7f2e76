# A tenant another configuration (or team) manages.
data "raci_tenant" "initech" {
  name = "initech"
}

# Label the installation's infrastructure from what the RACI server holds.
locals {
  tags = merge(data.raci_tenant.initech.labels, {
    customer         = coalesce(data.raci_tenant.initech.customer, data.raci_tenant.initech.name)
    deployment_model = data.raci_tenant.initech.deployment_model
  })
}

# One piece of infrastructure per environment the tenant declares.
resource "terraform_data" "environment" {
  for_each = data.raci_tenant.initech.environments
  input    = merge(local.tags, { environment = each.key })
}
