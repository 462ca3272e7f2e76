# A PAM vendor's "Administrative responsibilities" for its Private SaaS, kept as the
# vendor revised it: three revisions of one published page, applied in turn to one
# tenant. Each plan is the change between two revisions. See README.md.

terraform {
  required_version = ">= 1.8"

  required_providers {
    raci = {
      source = "raci-dev/raci"
    }
  }
}

# Configured from the environment: RACI_ENDPOINT and RACI_TOKEN for a RACI server
# (team mode), or RACI_DATABASE for a local SQLite file (local mode).
provider "raci" {}

variable "revision" {
  description = "Which revision of the vendor's page to record: 000, 001 or 002."
  type        = string
  default     = "002"

  validation {
    condition     = contains(["000", "001", "002"], var.revision)
    error_message = "The revision must be one of 000, 001 or 002: the revision-NNN.yaml files beside this one."
  }
}

locals {
  # The page as published in that revision: its title, the vendor's name, and the
  # duties grouped by category.
  page = yamldecode(file("${path.module}/revision-${var.revision}.yaml"))

  # The page names two sides; the rows say "vendor" or "customer", and these are the
  # parties that stand for them. Going through the resources makes every row depend
  # on both parties: Terraform creates them first, renames them before the rows are
  # rewritten, and destroys them last.
  parties = {
    vendor   = raci_party.vendor.name
    customer = raci_party.customer.name
  }
}

resource "raci_tenant" "acme" {
  name             = "acme-pam"
  display_name     = "Acme PAM Private SaaS"
  customer         = "Acme"
  deployment_model = "private_saas"
  description      = local.page.description

  source = {
    title    = local.page.title
    revision = var.revision
  }
}

resource "raci_party" "vendor" {
  tenant       = raci_tenant.acme.name
  name         = local.page.vendor.name
  display_name = local.page.vendor.display_name
  kind         = "vendor"
}

resource "raci_party" "customer" {
  tenant       = raci_tenant.acme.name
  name         = "customer"
  display_name = "Acme"
  kind         = "customer"
}

resource "raci_responsibility" "duty" {
  for_each = local.page.duties

  tenant   = raci_tenant.acme.name
  key      = each.key
  category = each.value.category
  position = each.value.position
  title    = each.value.title
  notes    = each.value.notes
  optional = try(each.value.optional, false)

  assignments = [
    for a in each.value.assignments : {
      party  = local.parties[a.party]
      roles  = a.roles
      holder = try(a.holder, null)
      when   = try(a.when, null)
    }
  ]
}

# The matrix as the server holds it, rendered to Markdown for the review of each
# revision.
data "raci_matrix" "acme" {
  tenant     = raci_tenant.acme.name
  depends_on = [raci_responsibility.duty]
}

output "matrix" {
  description = "The tenant's matrix as a Markdown table, as the server holds it."
  value       = data.raci_matrix.acme.markdown
}

output "accountable" {
  description = "For each duty, the party that answers for it, and under which condition another does."
  value = {
    for key, duty in raci_responsibility.duty :
    key => [for a in duty.assignments : a.when == null ? a.party : "${a.party} (${a.when})" if contains(a.roles, "A")]
  }
}
