# Every resource type as the build of commit ee31165 (the first with raci_access)
# applied it: terraform.tfstate beside this file is the state that build wrote.
# TestAccSchemaVersions_earlierStatesPlanEmpty applies this configuration with the
# current build, then plans it against that state: it must upgrade and plan empty.
# Never edit either file; a schema change adds a directory of its own.
terraform {
  required_providers {
    raci = { source = "raci-dev/raci" }
  }
}

provider "raci" {}

resource "raci_tenant" "initech" {
  name             = "initech"
  display_name     = "Initech Private SaaS"
  customer         = "Initech"
  deployment_model = "private_saas"
  environments     = ["development", "production"]
  scheme           = "RACI"
  description      = "Production installation under contract 2024-17."
  labels           = { region = "eu-central" }
  source = {
    title = "Auth0 Private SaaS: Roles and Responsibilities"
  }
}

resource "raci_party" "auth0" {
  tenant       = raci_tenant.initech.name
  name         = "auth0"
  display_name = "Auth0"
  kind         = "vendor"
  contacts     = ["private-saas@auth0.example.com"]
}

resource "raci_party" "subscriber" {
  tenant       = raci_tenant.initech.name
  name         = "subscriber"
  display_name = "Subscriber"
  kind         = "customer"
}

resource "raci_responsibility" "backing_up" {
  tenant   = raci_tenant.initech.name
  key      = "backing-up"
  title    = "Backing Up"
  category = "Operations"
  notes    = "The subscriber backs up the installation with the command-line tools."
  position = 7

  assignments = [
    { party = raci_party.subscriber.name, roles = ["R", "A"], holder = "infrastructure engineer" },
    { party = raci_party.auth0.name, roles = ["I"], when = "in the event that there are issues" },
  ]
}

resource "raci_responsibility" "handover" {
  tenant         = raci_tenant.initech.name
  key            = "operations-handover"
  title          = "Operations Handover"
  when           = "if the subscriber asks for it"
  accountability = "unassigned"
  optional       = true

  assignments = [
    { party = raci_party.auth0.name, roles = ["R"] },
    { party = raci_party.subscriber.name, roles = ["C"] },
  ]
}

resource "raci_checklist" "infrastructure" {
  tenant = raci_tenant.initech.name
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"

  items = {
    dns  = { position = 1, title = "DNS records created", owner = raci_party.subscriber.name }
    smtp = { position = 2, title = "SMTP servers reachable", owner = raci_party.subscriber.name, required = false, due = "2027-03-01T09:00:00+01:00" }
    vpn = {
      position         = 3
      title            = "Vendor access through a VPN"
      owner            = raci_party.subscriber.name
      status           = "done"
      evidence         = "https://tickets.example.com/INFRA-42"
      evidence_expires = "2099-06-30T00:00:00Z"
    }
  }
}

resource "raci_access" "infrastructure" {
  tenant = raci_tenant.initech.name
  name   = "infrastructure"
  scope  = "checklist"
  groups = ["initech-infra"]
  emails = ["peter@initech.example"]
}
