# A party is imported by its tenant and name: <tenant>/<name>.
terraform import raci_party.example initech/auth0
