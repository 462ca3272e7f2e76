# A webhook is imported by its tenant and name: <tenant>/<name>. Its secret is never
# read back: the next apply sets it from the configuration, an in-place update.
terraform import raci_webhook.example initech/inform
