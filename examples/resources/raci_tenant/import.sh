# A tenant is imported by its name.
terraform import raci_tenant.example initech
