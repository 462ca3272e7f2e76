# The vendor's contacts, kept on the RACI server by whoever manages the matrix.
data "raci_party" "vendor" {
  tenant = "initech"
  name   = "auth0"
}

# Tell the vendor about each production deployment, wherever they asked to be
# reached.
resource "terraform_data" "deployment_notice" {
  input = {
    to      = sort(data.raci_party.vendor.contacts)
    subject = "Initech production deployment"
    body    = "Dear ${coalesce(data.raci_party.vendor.display_name, data.raci_party.vendor.name)}, you are informed of a deployment to production."
  }
}
