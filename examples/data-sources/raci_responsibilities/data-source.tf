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
