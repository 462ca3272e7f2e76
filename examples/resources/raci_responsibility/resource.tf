resource "raci_tenant" "example" {
  name             = "initech"
  customer         = "Initech"
  deployment_model = "private_saas"
}

resource "raci_party" "vendor" {
  tenant = raci_tenant.example.name
  name   = "auth0"
  kind   = "vendor"
}

resource "raci_party" "customer" {
  tenant = raci_tenant.example.name
  name   = "subscriber"
  kind   = "customer"
}

# A row of the matrix. The subscriber does the backups and answers for them; the vendor
# is informed, but only when something goes wrong.
resource "raci_responsibility" "example" {
  tenant   = raci_tenant.example.name
  key      = "backing-up"
  title    = "Backing Up"
  category = "Operations"
  notes    = "The subscriber backs up the installation with the command-line tools."

  assignments = [
    {
      party  = raci_party.customer.name
      roles  = ["R", "A"]
      holder = "infrastructure engineer"
    },
    {
      party = raci_party.vendor.name
      roles = ["I"]
      when  = "in the event that there are issues"
    },
  ]
}

# A row recorded as the contract has it: nobody is named Accountable for the
# handover, which takes place only if the subscriber asks for it. raci_matrix.violations lists it as an open point for the parties to
# settle, not as an error.
resource "raci_responsibility" "handover" {
  tenant         = raci_tenant.example.name
  key            = "operations-handover"
  title          = "Operations Handover"
  when           = "if the subscriber asks for it"
  accountability = "unassigned"

  assignments = [
    { party = raci_party.vendor.name, roles = ["R"] },
    { party = raci_party.customer.name, roles = ["C"] },
  ]
}

# Accountability that changes hands under a condition: the vendor answers for backups
# it keeps, the subscriber instead if it stores them locally. An optional duty, the
# eighth row of its document.
resource "raci_responsibility" "backup_storage" {
  tenant   = raci_tenant.example.name
  key      = "backup-storage"
  title    = "Backup storage"
  optional = true
  position = 8

  assignments = [
    { party = raci_party.vendor.name, roles = ["R", "A"] },
    { party = raci_party.customer.name, roles = ["R", "A"], when = "if the subscriber stores backups locally" },
  ]
}
