package provider

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Two applies race on one row: the other one writes between this plan and this
// apply. This apply fails with "changed since plan", and the other's write stays.
func TestAcc_changedSincePlanFailsTheApply(t *testing.T) {
	srv := startServer(t)
	const other = "Backing Up (changed by the other apply)"
	row := func(title string) string {
		return rowConfig(srv.providerBlock(), "backing-up", `
  title = "`+title+`"
  assignments = [
    { party = raci_party.auth0.name, roles = ["I"], when = "in the event that there are issues" },
    { party = raci_party.subscriber.name, roles = ["R", "A"] },
  ]`)
	}
	var raced atomic.Bool
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: row("Backing Up")},
			{
				PreConfig: func() {
					// Let the other apply in just before this apply's write reaches the
					// server: after the plan has read the row.
					srv.beforeRequest = func(r *http.Request) {
						if r.Method != http.MethodPut || r.URL.Path != "/v1/tenants/initech/responsibilities/backing-up" || !raced.CompareAndSwap(false, true) {
							return
						}
						ctx := raci.WithActor(context.Background(), "other-apply")
						stored, err := srv.Store.FindResponsibility(ctx, "initech", "backing-up")
						if err != nil {
							t.Errorf("the other apply could not read the row: %v", err)
							return
						}
						stored.Title = other
						if _, _, err := srv.Store.PutResponsibility(ctx, stored, raci.Precondition{IfMatch: stored.Version}); err != nil {
							t.Errorf("the other apply could not write the row: %v", err)
						}
					}
				},
				Config:      row("Backing Up Private SaaS"),
				ExpectError: errorLike("Changed Since Plan"),
			},
			{
				PreConfig: func() {
					srv.beforeRequest = nil
					stored, err := srv.API.FindResponsibility(context.Background(), "initech", "backing-up")
					if err != nil || stored.Title != other {
						t.Fatalf("after the refused apply the row is %+v (err = %v), want the other apply's title %q", stored, err, other)
					}
				},
				// Nothing was lost: the plan shows the other apply's title, and
				// applying again is an ordinary update.
				Config: row("Backing Up Private SaaS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("raci_responsibility.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("raci_responsibility.test", tfjsonpath.New("title"), knownvalue.StringExact("Backing Up Private SaaS")),
				},
				Check: func(*terraform.State) error {
					if !raced.Load() {
						return fmt.Errorf("the other apply never ran: the race was not exercised")
					}
					return nil
				},
			},
		},
	})
}
