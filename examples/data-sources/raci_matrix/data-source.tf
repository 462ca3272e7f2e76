# The matrix of one tenant, rendered after every row is in place: reference the
# tenant through its resource and list the rows in depends_on, or the data source
# reads the server before they are written.
data "raci_matrix" "initech" {
  tenant     = raci_tenant.initech.name
  depends_on = [raci_responsibility.row]
}

# The Markdown table, for a pull-request comment or a wiki page.
output "matrix" {
  value = data.raci_matrix.initech.markdown
}

# The OSCAL component definition, for compliance tooling:
# terraform output -raw oscal > initech.oscal.json
output "oscal" {
  value = data.raci_matrix.initech.oscal
}

# Warn in every plan while a party of the tenant holds nothing.
check "matrix_rules" {
  assert {
    condition     = length(data.raci_matrix.initech.violations) == 0
    error_message = join("\n", [for v in data.raci_matrix.initech.violations : v.detail])
  }
}
