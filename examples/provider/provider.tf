terraform {
  required_providers {
    raci = {
      source = "raci-dev/raci"
    }
  }
}

variable "raci_token" {
  description = "API token for the RACI server. In CI, leave the provider's token unset and export RACI_TOKEN instead."
  type        = string
  sensitive   = true
}

# Team mode: a RACI server is the system of record that everyone applies against.
# Equivalent to exporting RACI_ENDPOINT and RACI_TOKEN and writing `provider "raci" {}`.
provider "raci" {
  endpoint = "https://raci.example.com"
  token    = var.raci_token
}

# Local mode: no server; the provider reads and writes a SQLite file next to the
# configuration, created on first use. Good for trying the provider out alone.
# Equivalent to exporting RACI_DATABASE.
provider "raci" {
  alias    = "local"
  database = "raci.db"
}
