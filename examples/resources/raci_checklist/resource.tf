resource "raci_checklist" "infrastructure" {
  tenant = "initech"
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"

  items = [
    # No status: the subscriber ticks this item through the API; Terraform shows the
    # tick and never reverts it.
    { key = "dns-records", title = "DNS records created", owner = "subscriber" },

    # Status and evidence set here: Terraform manages them and reverts other changes.
    {
      key              = "vendor-access"
      title            = "Auth0 access enabled through a jump host or VPN"
      owner            = "subscriber"
      status           = "done"
      evidence         = "https://tickets.example.com/INFRA-42"
      evidence_expires = "2027-06-30T00:00:00Z"
    },

    # Optional items are shown but never block readiness.
    { key = "custom-certificates", title = "Custom certificates provided", owner = "subscriber", required = false },

    # A waived item counts as ready until its waiver expires.
    {
      key    = "smtp-servers"
      title  = "SMTP servers reachable"
      owner  = "subscriber"
      status = "waived"
      waiver = {
        reason      = "E-mail goes through the vendor's relay until the subscriber's SMTP servers exist."
        approved_by = "auth0"
        expires     = "2027-01-31T00:00:00Z"
      }
    },
  ]
}
