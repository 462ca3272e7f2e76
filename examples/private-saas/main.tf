# The Auth0 Private SaaS roles and responsibilities matrix for one subscriber,
# Initech: who is Responsible, Accountable, Consulted and Informed for each of the
# twelve tasks, from preparing the VMs to resolving problems. See README.md.

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

resource "raci_tenant" "initech" {
  name             = "initech"
  display_name     = "Initech Private SaaS"
  customer         = "Initech"
  deployment_model = "private_saas"
  environments     = ["development", "production"]

  # The published matrix the rows below come from.
  source = {
    title = "Auth0 Private SaaS: Roles and Responsibilities"
  }
}

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

locals {
  # Going through the resources, rather than writing "auth0" and "subscriber", makes
  # every row depend on both parties: Terraform creates the parties first and
  # destroys them last.
  auth0      = raci_party.auth0.name
  subscriber = raci_party.subscriber.name

  if_trouble = "in the event that there are issues"

  # One entry per row of the matrix, keyed by a slug of its title. A "when" applies
  # to the letters of its own assignment only: "C, I (in the event that there are
  # issues)" is C always, plus I under the condition.
  rows = {
    "preparing-vm-infrastructure" = {
      position = 1
      category = "Deployment"
      title    = "Preparing VM Infrastructure, including: memory, storage, processors, load balances, networks, SSL certificates, DNS records, SMTP servers, enabling Auth0 access via Jumphost/VPN"
      notes    = "The subscriber will submit the Private SaaS Infrastructure Checklist when the VMs are ready and the [infrastructure requirements](/private-saas/infrastructure) are met."
      assignments = [
        { party = local.auth0, roles = ["C"] },
        { party = local.subscriber, roles = ["R", "A"], holder = "subscriber's infrastructure engineer" },
      ]
    }

    "deployment" = {
      position = 2
      category = "Deployment"
      title    = "Deployment to Development and Production environments"
      notes    = "The Auth0 Customer Success Engineer will SSH into the VMs and deploy the Private SaaS."
      assignments = [
        { party = local.auth0, roles = ["R", "A"], holder = "Auth0 Customer Success Engineer" },
        { party = local.subscriber, roles = ["I"] },
      ]
    }

    "configuration" = {
      position = 3
      category = "Deployment"
      title    = "Configuration of Development and Production environments"
      notes    = "The Auth0 CSE will show the subscriber's infrastructure engineer [how to upload the SSL certificates, enter the SMTP credentials, and add administrators](/private-saas/dashboard)."
      # The published matrix names no Accountable party here: recorded as written,
      # an open point for the parties to settle.
      accountability = "unassigned"
      assignments = [
        { party = local.auth0, roles = ["C"] },
        { party = local.subscriber, roles = ["R"] },
      ]
    }

    "operations-handover" = {
      position = 4
      category = "Operations"
      title    = "Operations Handover"
      notes    = "Auth0 Customer Success Engineers will provide a 90-minute Operations Handover meeting to review information regarding Private SaaS monitoring, backup, and updates, as well as answer questions."
      # No Accountable party in the published matrix: an open point.
      accountability = "unassigned"
      assignments = [
        { party = local.auth0, roles = ["R"] },
        { party = local.subscriber, roles = ["C"] },
      ]
    }

    "monitoring" = {
      position = 5
      category = "Operations"
      title    = "Monitoring"
      notes    = "The subscriber is responsible for [monitoring the Private SaaS](/private-saas/monitoring)."
      assignments = [
        { party = local.auth0, roles = ["I"] },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "backing-up" = {
      position = 6
      category = "Operations"
      title    = "Backing Up"
      notes    = "The subscriber is responsible for [backing up Private SaaS](/private-saas/disaster-recovery) using the [Command-Line Tools](/private-saas/cli)."
      assignments = [
        { party = local.auth0, roles = ["I"], when = local.if_trouble },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "code-integration" = {
      position = 7
      category = "Integration"
      title    = "Code Integration into Applications"
      notes    = "The subscriber is responsible for Auth0 code integration."
      assignments = [
        { party = local.auth0, roles = ["C"] },
        { party = local.auth0, roles = ["I"], when = local.if_trouble },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "user-migration" = {
      position = 8
      category = "Integration"
      title    = "User Migration"
      # "(if required)" in the published title: the duty exists only then.
      when  = "if required"
      notes = "The subscriber is responsible for migrating users where appropriate."
      assignments = [
        { party = local.auth0, roles = ["C"] },
        { party = local.auth0, roles = ["I"], when = local.if_trouble },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "updates" = {
      position = 9
      category = "Updates"
      title    = "Updates"
      notes    = "Auth0 Customer Success Engineers will partner with the subscriber's infrastructure engineers to update the Private SaaS on an agreed-upon basis. The subscriber is responsible for: taking VM snapshot(s) prior to the update, providing access to the Private SaaS, being present as the Private SaaS updates. Auth0 is responsible for: running manual scripts (if required), informing the subscriber on the status of the upgrade."
      assignments = [
        { party = local.auth0, roles = ["R"] },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "testing-updates" = {
      position = 10
      category = "Updates"
      title    = "Testing Updates"
      notes    = "The subscriber will test the Private SaaS after the Development node has been updated and inform Auth0 about any issues."
      assignments = [
        { party = local.auth0, roles = ["C"] },
        { party = local.auth0, roles = ["I"], when = "in the event that there are questions/issues" },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "issue-identification" = {
      position = 11
      category = "Support"
      title    = "Issue Identification and Support Ticket Submission"
      notes    = "The subscriber is responsible for submitting issues via the [Support Center](/onboarding/enterprise-support)."
      assignments = [
        { party = local.auth0, roles = ["C"] },
        { party = local.subscriber, roles = ["R", "A"] },
      ]
    }

    "issue-resolution" = {
      position = 12
      category = "Support"
      title    = "Issue Resolution"
      notes    = "Auth0 will provide support for issues within the *core* of the Private SaaS. Auth0 will *consult* on issues pertaining to integration between Auth0 APIs and Dashboards."
      # No Accountable party in the published matrix: an open point.
      accountability = "unassigned"
      assignments = [
        { party = local.auth0, roles = ["R"] },
        { party = local.subscriber, roles = ["C"] },
      ]
    }
  }
}

resource "raci_responsibility" "row" {
  for_each = local.rows

  tenant      = raci_tenant.initech.name
  key         = each.key
  title       = each.value.title
  category    = each.value.category
  position    = each.value.position
  when        = try(each.value.when, null)
  notes       = each.value.notes
  assignments = each.value.assignments

  # Only the rows that name no Accountable party set it; the others are "single".
  accountability = try(each.value.accountability, null)
}
