resource "raci_checklist" "infrastructure" {
  tenant = "initech"
  key    = "infrastructure"
  title  = "Private SaaS Infrastructure Checklist"
  gate   = "deploy:production"

  # Keyed by item: adding, removing or moving an item changes that item alone.
  # position is the item's place in the document; items are listed by position.
  items = {
    # No status: the subscriber ticks this item through the API or the web pages.
    # progress["dns-records"] shows the tick, who made it and when; Terraform never
    # reverts it.
    dns-records = { position = 1, title = "DNS records created", owner = "subscriber" }

    # Status and evidence set here: Terraform manages them and reverts other changes.
    vendor-access = {
      position         = 2
      title            = "Auth0 access enabled through a jump host or VPN"
      owner            = "subscriber"
      status           = "done"
      evidence         = "https://tickets.example.com/INFRA-42"
      evidence_expires = "2027-06-30T00:00:00Z"
    }

    # Optional items are shown but never block readiness.
    custom-certificates = { position = 3, title = "Custom certificates provided", owner = "subscriber", required = false }

    # A waived item counts as ready until its waiver expires.
    smtp-servers = {
      position = 4
      title    = "SMTP servers reachable"
      owner    = "subscriber"
      status   = "waived"
      waiver = {
        reason      = "E-mail goes through the vendor's relay until the subscriber's SMTP servers exist."
        approved_by = "auth0"
        expires     = "2027-01-31T00:00:00Z"
      }
    }
  }
}

# Who ticked the DNS records, and when.
output "dns_records_ticked_by" {
  value = raci_checklist.infrastructure.progress["dns-records"].updated_by
}
