# The Private SaaS Infrastructure Checklist the subscriber submits before Auth0
# deploys (seed: "The subscriber will submit the Private SaaS Infrastructure
# Checklist when the VMs are ready"). No item sets `status`: the subscriber's
# engineers tick them through the API or the web pages, and Terraform never reverts
# their ticks.
resource "raci_checklist" "infrastructure" {
  tenant = raci_tenant.initech.name
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"

  items = [
    { key = "vms", title = "VMs provisioned with the required memory, storage and processors", owner = local.subscriber },
    { key = "load-balancers", title = "Load balancers in place", owner = local.subscriber },
    { key = "networks", title = "Networks configured", owner = local.subscriber },
    { key = "ssl-certificates", title = "SSL certificates issued", owner = local.subscriber },
    { key = "dns-records", title = "DNS records created", owner = local.subscriber },
    { key = "smtp-servers", title = "SMTP servers reachable", owner = local.subscriber },
    { key = "vendor-access", title = "Auth0 access enabled through a jump host or VPN", owner = local.subscriber },
  ]

  # Auth0 approves the waivers people record through the API; a party that approves
  # a waiver cannot be deleted before the checklist, so destroy it after.
  depends_on = [raci_party.auth0]
}

variable "deploy" {
  description = "Set to true to plan the production deployment, which waits for the infrastructure checklist."
  type        = bool
  default     = false
}

data "raci_readiness" "infrastructure" {
  tenant    = raci_checklist.infrastructure.tenant
  checklist = raci_checklist.infrastructure.key
}

# Stands in for Auth0's deployment to production. Its precondition stops
# `terraform plan` with the readiness summary until every required item is done,
# waived or not applicable.
resource "terraform_data" "deployment" {
  count = var.deploy ? 1 : 0

  input = {
    tenant = raci_tenant.initech.name
    gate   = raci_checklist.infrastructure.gate
  }

  lifecycle {
    precondition {
      condition     = data.raci_readiness.infrastructure.ready
      error_message = data.raci_readiness.infrastructure.summary
    }
  }
}

# The gentler variant: a check block only warns, on every plan and apply, and
# blocks nothing.
check "infrastructure_ready" {
  assert {
    condition     = data.raci_readiness.infrastructure.ready
    error_message = data.raci_readiness.infrastructure.summary
  }
}
