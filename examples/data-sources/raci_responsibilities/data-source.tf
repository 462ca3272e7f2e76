# "What is the vendor accountable for?"
data "raci_responsibilities" "vendor_accountable" {
  tenant = raci_tenant.initech.name
  party  = raci_party.auth0.name
  roles  = ["A"]

  depends_on = [raci_responsibility.row]
}

output "vendor_accountable_for" {
  value = [for r in data.raci_responsibilities.vendor_accountable.responsibilities : r.title]
}

# Every row of the tenant, with every letter held in it.
data "raci_responsibilities" "all" {
  tenant     = raci_tenant.initech.name
  depends_on = [raci_responsibility.row]
}

# Who at each party holds the letters, and the conditions some of them hold under:
# a letter held only "in the event that there are issues" matches `roles` too.
output "holders" {
  value = flatten([
    for r in data.raci_responsibilities.all.responsibilities : [
      for a in r.assignments : {
        row    = r.key
        party  = a.party
        roles  = a.roles
        holder = a.holder
        when   = a.when
      }
    ]
  ])
}
