# The Auth0 Private SaaS matrix for one subscriber, Initech, kept as the Markdown
# table in matrix.md: one raci_responsibility per row of the table. See README.md.

terraform {
  # Provider-defined functions need Terraform 1.8 or later.
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

resource "raci_tenant" "initech" {
  name             = "initech"
  display_name     = "Initech Private SaaS"
  customer         = "Initech"
  deployment_model = "private_saas"
}

# The table's party columns, "Auth0" and "Subscriber", name these parties.
resource "raci_party" "auth0" {
  tenant       = raci_tenant.initech.name
  name         = "auth0"
  display_name = "Auth0"
  kind         = "vendor"
}

resource "raci_party" "subscriber" {
  tenant       = raci_tenant.initech.name
  name         = "subscriber"
  display_name = "Subscriber"
  kind         = "customer"
}

resource "raci_responsibility" "row" {
  for_each = { for r in provider::raci::parse_matrix(file("${path.module}/matrix.md")) : r.key => r }

  tenant      = raci_tenant.initech.name
  key         = each.key
  title       = each.value.title
  notes       = each.value.notes
  assignments = each.value.assignments

  # As the table has it: "unassigned" for the three rows that name no Accountable
  # party, "single" for the others; "if required" for User Migration; and each row's
  # place in the table, so that renderings keep the document's order.
  accountability = each.value.accountability
  optional       = each.value.optional
  when           = each.value.when
  position       = each.value.position

  # The rows name their parties by the table's headings, not through the resources:
  # this makes Terraform create the parties first and destroy them last.
  depends_on = [raci_party.auth0, raci_party.subscriber]
}

# The matrix as the server now holds it, rendered back to Markdown: post it as a
# pull-request comment, e.g. terraform output -raw matrix | gh pr comment --body-file -
data "raci_matrix" "initech" {
  tenant = raci_tenant.initech.name

  # Read after the rows are written, not before.
  depends_on = [raci_responsibility.row]
}

output "matrix" {
  description = "The tenant's matrix as a Markdown table, as the server holds it."
  value       = data.raci_matrix.initech.markdown
}

output "open_points" {
  description = "What the published matrix leaves for Auth0 and the subscriber to settle."
  value       = [for v in data.raci_matrix.initech.violations : v.detail if v.kind == "open_point"]
}

# Rules the matrix breaks, as opposed to the open points it records as written.
check "matrix" {
  assert {
    condition     = length([for v in data.raci_matrix.initech.violations : v if v.kind == "violation"]) == 0
    error_message = "The matrix breaks a rule: see data.raci_matrix.initech.violations."
  }
}
