package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// A change made outside Terraform is named in the plan with who made it and when,
// from the event log; so is a deletion. Terraform's own writes are not.
func TestAccOutOfBand_warningNamesTheActor(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	config := rowConfig(srv.providerBlock(), "code-integration", codeIntegration)
	expectWarning := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, w := range rec.recorded() {
				if strings.Contains(w, want) {
					return nil
				}
			}
			return fmt.Errorf("no warning contains %q; got %q", want, rec.recorded())
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: rec.reset,
				Config:    config,
				Check: func(*terraform.State) error {
					if got := rec.recorded(); len(got) != 0 {
						return fmt.Errorf("Terraform's own writes drew warnings: %q", got)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					rec.reset()
					ctx := raci.WithActor(context.Background(), "portal-alice")
					row, err := srv.Store.FindResponsibility(ctx, "initech", "code-integration")
					if err != nil {
						t.Fatal(err)
					}
					row.Notes = "Edited in the portal."
					if _, _, err := srv.Store.PutResponsibility(ctx, row, raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				Check:  expectWarning(`raci_responsibility "initech/code-integration" was changed outside Terraform by portal-alice at `),
			},
			{
				PreConfig: func() {
					rec.reset()
					ctx := raci.WithActor(context.Background(), "cleanup-bot")
					if err := srv.Store.DeleteResponsibility(ctx, "initech", "code-integration", raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				Check:  expectWarning(`raci_responsibility "initech/code-integration" was deleted outside Terraform by cleanup-bot at `),
			},
		},
	})
}

// A checklist's warning is about its definition: a tick alone draws none, and when
// someone changes the definition and someone else ticks after, the warning names
// who changed the definition.
func TestAccOutOfBand_checklistWarningSkipsTicks(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	config := checklistConfig(srv, vmsItem+dnsItem)
	noWarnings := func(*terraform.State) error {
		if got := rec.recorded(); len(got) != 0 {
			return fmt.Errorf("warnings: %q; want none", got)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{PreConfig: rec.reset, Config: config, Check: noWarnings},
			{
				PreConfig: func() {
					rec.reset()
					done := raci.Done
					ctx := raci.WithActor(context.Background(), "subscriber-bob")
					if _, err := srv.Store.UpdateChecklistItem(ctx, "initech", "infrastructure", "dns", raci.ItemPatch{Status: &done}, raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				Check:  noWarnings,
			},
			{
				PreConfig: func() {
					rec.reset()
					ctx := raci.WithActor(context.Background(), "portal-alice")
					c, err := srv.Store.FindChecklist(ctx, "initech", "infrastructure")
					if err != nil {
						t.Fatal(err)
					}
					c.Item("vms").Title = "VMs sized by the portal"
					if _, _, err := srv.Store.PutChecklist(ctx, c, raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
					failed := raci.Failed
					if _, err := srv.Store.UpdateChecklistItem(raci.WithActor(ctx, "subscriber-bob"), "initech", "infrastructure", "dns",
						raci.ItemPatch{Status: &failed}, raci.Precondition{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				Check: func(*terraform.State) error {
					got := rec.recorded()
					want := `raci_checklist "initech/infrastructure" was changed outside Terraform by portal-alice at `
					for _, w := range got {
						if strings.Contains(w, "subscriber-bob") {
							return fmt.Errorf("a warning names the person who ticked: %q", w)
						}
					}
					for _, w := range got {
						if strings.Contains(w, want) {
							return nil
						}
					}
					return fmt.Errorf("no warning contains %q; got %q", want, got)
				},
			},
		},
	})
}
