# A responsibility is imported by its tenant and key: <tenant>/<key>.
terraform import raci_responsibility.example initech/backing-up
