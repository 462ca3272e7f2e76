output "tenant" {
  description = "The tenant's name, as the server and the `matrix` command know it."
  value       = raci_tenant.initech.name
}

output "accountable" {
  description = "For each row, the party that answers for it; null for a row whose matrix names none."
  value = {
    for key, row in raci_responsibility.row :
    key => one([for a in row.assignments : a.party if contains(a.roles, "A")])
  }
}
