# The Private SaaS Infrastructure Checklist the subscriber submits before Auth0
# deploys (seed: "The subscriber will submit the Private SaaS Infrastructure
# Checklist when the VMs are ready"). Items are keyed by item, in the document's
# order (`position`). No item sets `status`: the subscriber's engineers tick them
# through the API or the web pages; `progress` shows their ticks, and Terraform
# never reverts them.
resource "raci_checklist" "infrastructure" {
  tenant = raci_tenant.initech.name
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"

  items = {
    vms              = { position = 1, title = "VMs provisioned with the required memory, storage and processors", owner = local.subscriber }
    load-balancers   = { position = 2, title = "Load balancers in place", owner = local.subscriber }
    networks         = { position = 3, title = "Networks configured", owner = local.subscriber }
    ssl-certificates = { position = 4, title = "SSL certificates issued", owner = local.subscriber }
    dns-records      = { position = 5, title = "DNS records created", owner = local.subscriber }
    smtp-servers     = { position = 6, title = "SMTP servers reachable", owner = local.subscriber }
    vendor-access    = { position = 7, title = "Auth0 access enabled through a jump host or VPN", owner = local.subscriber }
  }

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

# Initech's infrastructure engineers tick the checklist's items on the web pages,
# signed in with Initech's identity provider as themselves: the group that holds
# them gets the checklist scope, and nothing more. The event log names each by
# their email.
resource "raci_access" "subscriber_infrastructure" {
  tenant = raci_tenant.initech.name
  name   = "subscriber-infrastructure"
  scope  = "checklist"
  groups = [var.subscriber_infrastructure_group]
}

variable "subscriber_infrastructure_group" {
  description = "The group of Initech's infrastructure engineers, as the identity provider's groups claim names it."
  type        = string
  default     = "initech-infra"
}

# The subscriber's infrastructure engineers hear when the gate opens, or closes
# again: a webhook for the checklist's readiness. Their receiver checks each
# delivery's X-Raci-Signature-256 with the secret, and routes it to the parties the
# body names. Set both variables to send it, e.g.
#   TF_VAR_readiness_webhook_url=https://hooks.initech.example/raci \
#   TF_VAR_readiness_webhook_secret=$(openssl rand -hex 32) terraform apply
variable "readiness_webhook_url" {
  description = "Where to POST the infrastructure checklist's readiness changes; null sends none."
  type        = string
  default     = null
}

variable "readiness_webhook_secret" {
  description = "Key of the webhook's signatures, 16 to 256 bytes."
  type        = string
  default     = null
  sensitive   = true
}

resource "raci_webhook" "readiness" {
  count = var.readiness_webhook_url == null ? 0 : 1

  tenant = raci_tenant.initech.name
  name   = "infrastructure-readiness"
  url    = var.readiness_webhook_url
  secret = var.readiness_webhook_secret
  events = ["readiness", "checklist"]
}
