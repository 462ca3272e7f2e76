data "raci_readiness" "infrastructure" {
  tenant    = "initech"
  checklist = "infrastructure"
}

# Stop the plan until the subscriber's checklist is ready, with a message that says
# which items block and who owns them.
resource "terraform_data" "deployment" {
  input = "production"

  lifecycle {
    precondition {
      condition     = data.raci_readiness.infrastructure.ready
      error_message = data.raci_readiness.infrastructure.summary
    }
  }
}

# Or only warn:
check "infrastructure_ready" {
  assert {
    condition     = data.raci_readiness.infrastructure.ready
    error_message = data.raci_readiness.infrastructure.summary
  }
}
