# A grant is imported by its tenant and name: <tenant>/<name>.
terraform import raci_access.example initech/infrastructure
