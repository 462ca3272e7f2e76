package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// importRecordingServer records the warnings of an import too, besides those of
// plans and refreshes that recordingServer records.
type importRecordingServer struct {
	*recordingServer
}

func (s importRecordingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		s.rec.keep(resp.Diagnostics)
	}
	return resp, err
}

// importFactories is factories, with imports recorded.
func (w *warningRecorder) importFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"raci": func() (tfprotov6.ProviderServer, error) {
			server, err := NewServerWithError("test", testStores)()
			if err != nil {
				return nil, err
			}
			return importRecordingServer{&recordingServer{ProviderServer: server, rec: w}}, nil
		},
	}
}

// `terraform import` of every resource type draws no warning: a state without a
// version is not "Changed Outside Terraform … Terraform last saw version 0". Nor do
// Terraform's own writes, or the refresh of the plan after them.
func TestAccImport_noWarnings(t *testing.T) {
	imports := []struct {
		addr, id string
		ignore   []string // attributes an import cannot read back
	}{
		{"raci_tenant.initech", "initech", nil},
		{"raci_party.auth0", "initech/auth0", nil},
		{"raci_responsibility.test", "initech/code-integration", nil},
		{"raci_checklist.infra", "initech/infrastructure", nil},
		{"raci_access.infra", "initech/infra", nil},
		{"raci_webhook.readiness", "initech/readiness", []string{"secret"}},
	}
	// Every resource type of the provider is imported here.
	imported := map[string]bool{}
	for _, imp := range imports {
		imported[strings.SplitN(imp.addr, ".", 2)[0]] = true
	}
	for name := range providerSchemas(t) {
		if !strings.HasPrefix(name, "data.") && !imported[name] {
			t.Errorf("resource type %s is not imported by this test: add it to imports", name)
		}
	}
	for _, imp := range imports {
		t.Run(imp.addr, func(t *testing.T) {
			srv := startServer(t)
			rec := &warningRecorder{}
			config := checklistConfig(srv, vmsItem+dnsItem) + `
resource "raci_responsibility" "test" {
  tenant = raci_tenant.initech.name
  key    = "code-integration"
` + codeIntegration + `
}

resource "raci_access" "infra" {
  tenant = raci_tenant.initech.name
  name   = "infra"
  scope  = "checklist"
  groups = ["initech-infra"]
}

resource "raci_webhook" "readiness" {
  tenant = raci_tenant.initech.name
  name   = "readiness"
  url    = "https://hooks.initech.example/raci"
  secret = "import-test-secret-0123456789"
  events = ["readiness"]
}
`
			noWarnings := func(what string) error {
				if got := rec.recorded(); len(got) != 0 {
					return fmt.Errorf("%s drew warnings: %q; want none", what, got)
				}
				return nil
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.importFactories(),
				Steps: []resource.TestStep{
					{
						PreConfig: rec.reset,
						Config:    config,
						Check:     func(*terraform.State) error { return noWarnings("apply") },
					},
					{
						PreConfig: rec.reset,
						Config:    config,
						PlanOnly:  true,
					},
					{
						// The plan's warnings are checked here, before the import.
						PreConfig: func() {
							if err := noWarnings("the plan after apply"); err != nil {
								t.Error(err)
							}
							rec.reset()
						},
						Config:                  config,
						ResourceName:            imp.addr,
						ImportState:             true,
						ImportStateId:           imp.id,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: imp.ignore,
						ImportStateCheck: func([]*terraform.InstanceState) error {
							return noWarnings("terraform import " + imp.addr + " " + imp.id)
						},
					},
				},
			})
		})
	}
}
