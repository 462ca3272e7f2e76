# An integration platform's Dedicated SaaS customer responsibilities, for one
# customer, Globex: the duties as the vendor lists them, two of them optional, one of
# them shared, and a third-party service the customer buys. See README.md.

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

resource "raci_tenant" "globex" {
  name             = "globex"
  display_name     = "Globex Dedicated SaaS"
  customer         = "Globex"
  deployment_model = "dedicated_saas"
  description      = "The responsibilities Dedicated SaaS customers take on during the installation and operation of the Digibee Integration Platform."

  source = {
    title = "Dedicated Saas customer responsibilities"
  }
}

resource "raci_party" "digibee" {
  tenant       = raci_tenant.globex.name
  name         = "digibee"
  display_name = "Digibee"
  kind         = "vendor"
}

resource "raci_party" "customer" {
  tenant       = raci_tenant.globex.name
  name         = "customer"
  display_name = "Globex"
  kind         = "customer"
}

# The Object Store runs on MongoDB Atlas, which the customer contracts itself.
resource "raci_party" "mongodb_atlas" {
  tenant       = raci_tenant.globex.name
  name         = "mongodb-atlas"
  display_name = "MongoDB Atlas"
  kind         = "third_party"
}

locals {
  digibee  = raci_party.digibee.name
  customer = raci_party.customer.name
  atlas    = raci_party.mongodb_atlas.name

  # The duties in the order of the vendor's list; a duty's place in it becomes its
  # position, which every rendering of the matrix keeps.
  duties = [
    {
      key   = "infrastructure-costs"
      title = "Infrastructure Costs"
      notes = "Cloud costs are solely the responsibility of the customer. This includes expenses related to the cloud provider's services, such as computer instances, storage, networking, and any additional resources required for the Digibee Integration Platform."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
      ]
    },

    # "Overall security of customer's infrastructure and data management remains a
    # shared responsibility": both answer for it, as the contract says.
    {
      key            = "security-and-data-management"
      title          = "Security and Data Management"
      accountability = "shared"
      notes          = "Overall security of customer's infrastructure and data management remains a shared responsibility. While Digibee works diligently to provide a secure platform, it is essential for you, as the customer, to implement and maintain appropriate security measures within your environment."
      assignments = [
        { party = local.digibee, roles = ["R", "A"] },
        { party = local.customer, roles = ["R", "A"] },
      ]
    },

    {
      key   = "credentials-safekeeping"
      title = "Account Credentials/Privileges Safekeeping"
      notes = "All account access information (usernames, passwords, and any privileged credentials) must be stored securely and accessible only to authorized personnel. Any unauthorized access resulting from inadequate safekeeping of these credentials will be solely the responsibility of the customer. The vendor strongly advises strong password policies, multi-factor authentication, and regular reviews of access privileges."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
      ]
    },

    {
      key   = "roles-and-policies"
      title = "Roles and Policies"
      notes = "As part of the installation process, specific roles and policies need to be established within your cloud environment. These roles and policies determine access and permissions for installing, managing, and operating the Digibee Integration Platform."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
        { party = local.digibee, roles = ["C"] },
      ]
    },

    {
      key   = "network"
      title = "Network"
      notes = "The customer is responsible for routing traffic to Load Balancers that match the specifics of their environment. Digibee's dedicated SaaS is a fully private cluster: internally these load balancers only respond to the VPC where the platform is installed."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
      ]
    },

    {
      key   = "outbound-internet-access"
      title = "Outbound Internet Access"
      notes = "The Digibee Integration Platform must have access to the internet. If the customer's policies require controlled internet access, requests can be proxied, allowing access to specific addresses and ports."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
      ]
    },

    {
      key      = "certificates"
      title    = "Certificates"
      optional = true
      notes    = "Customers can provide custom certificates for the Digibee Integration Platform or allow the platform installation to create private certificates using cloud-native services."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
      ]
    },

    {
      key      = "object-store"
      title    = "Digibee Object Store"
      optional = true
      when     = "if the customer purchases the Object Store"
      notes    = "In case the customer decides to purchase the Object Store MongoDB Atlas, they will be completely responsible for it, including security, privacy, and data management settings. The customer must also ensure that the MongoDB Atlas service is contracted, as it is a necessary component for the Object Store functionality of the platform."
      assignments = [
        { party = local.customer, roles = ["R", "A"] },
        { party = local.atlas, roles = ["C"], holder = "MongoDB Atlas service" },
      ]
    },
  ]
}

resource "raci_responsibility" "duty" {
  for_each = { for i, d in local.duties : d.key => merge(d, { position = i + 1 }) }

  tenant         = raci_tenant.globex.name
  key            = each.key
  category       = "Customer responsibilities"
  position       = each.value.position
  title          = each.value.title
  notes          = each.value.notes
  optional       = try(each.value.optional, false)
  when           = try(each.value.when, null)
  accountability = try(each.value.accountability, "single")
  assignments    = each.value.assignments
}

# The matrix as the server holds it, in the list's order, and the points it leaves
# for the parties to settle: the shared duty.
data "raci_matrix" "globex" {
  tenant     = raci_tenant.globex.name
  depends_on = [raci_responsibility.duty]
}

output "matrix" {
  description = "The tenant's matrix as a Markdown table, as the server holds it."
  value       = data.raci_matrix.globex.markdown
}

output "open_points" {
  description = "The rows the contract leaves for the parties to settle, such as a shared duty."
  value       = [for v in data.raci_matrix.globex.violations : v.row if v.kind == "open_point"]
}

check "matrix_rules" {
  assert {
    condition     = length([for v in data.raci_matrix.globex.violations : v if v.kind == "violation"]) == 0
    error_message = "The matrix breaks a rule: see data.raci_matrix.globex.violations."
  }
}
