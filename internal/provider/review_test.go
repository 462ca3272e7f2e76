package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// countingService counts the requests the review makes, so that a test can tell a
// plan that needs no snapshot from one that reads it. It hides the store's own
// Snapshot, so a snapshot read shows as a ListResponsibilities call.
type countingService struct {
	raci.Service
	mu       sync.Mutex
	requests []string
}

func (c *countingService) count(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, name)
}

func (c *countingService) FindTenant(ctx context.Context, name string) (*raci.Tenant, error) {
	c.count("FindTenant")
	return c.Service.FindTenant(ctx, name)
}

func (c *countingService) ListParties(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
	c.count("ListParties")
	return c.Service.ListParties(ctx, tenant, opts)
}

func (c *countingService) ListResponsibilities(ctx context.Context, tenant string, opts raci.ListOptions) (*raci.Page[*raci.Responsibility], error) {
	c.count("ListResponsibilities")
	return c.Service.ListResponsibilities(ctx, tenant, opts)
}

func (c *countingService) snapshotReads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.requests {
		if r == "ListResponsibilities" {
			n++
		}
	}
	return n
}

// reviewStore is seed 003's tenant with three rows on a real store: auth0 is
// Responsible for updates and issue-resolution, the subscriber for updates and
// backing-up.
func reviewStore(t *testing.T) *countingService {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(_ any, _ bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.PutTenant(ctx, &raci.Tenant{Name: "initech", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}))
	must(db.PutParty(ctx, &raci.Party{Tenant: "initech", Name: "auth0", Kind: raci.Vendor}, raci.Precondition{}))
	must(db.PutParty(ctx, &raci.Party{Tenant: "initech", Name: "subscriber", Kind: raci.Customer}, raci.Precondition{}))
	for _, r := range []*raci.Responsibility{updatesRow("auth0"), backingUpRow("subscriber"), issueResolutionRow()} {
		must(db.PutResponsibility(ctx, r, raci.Precondition{}))
	}
	return &countingService{Service: db}
}

func row(key, title string, assignments ...raci.Assignment) *raci.Responsibility {
	return &raci.Responsibility{Tenant: "initech", Key: key, Title: title, Assignments: assignments}
}

func assign(party string, letters ...raci.Role) raci.Assignment {
	return raci.Assignment{Party: party, Roles: letters}
}

// updatesRow gives auth0 R (or only C when auth0Does is ""), the subscriber R and A.
func updatesRow(auth0Does string) *raci.Responsibility {
	if auth0Does == "" {
		return row("updates", "Updates", assign("auth0", raci.Consulted), assign("subscriber", raci.Responsible, raci.Accountable))
	}
	return row("updates", "Updates", assign("auth0", raci.Responsible), assign("subscriber", raci.Responsible, raci.Accountable))
}

// backingUpRow makes accountable hold R and A, the other party I.
func backingUpRow(accountable string) *raci.Responsibility {
	other := map[string]string{"auth0": "subscriber", "subscriber": "auth0"}[accountable]
	return row("backing-up", "Backing Up", assign(accountable, raci.Responsible, raci.Accountable), assign(other, raci.Informed))
}

// sharedRow makes auth0 and the subscriber answer together for backing up.
func sharedRow() *raci.Responsibility {
	r := row("backing-up", "Backing Up", assign("subscriber", raci.Responsible, raci.Accountable), assign("auth0", raci.Accountable, raci.Informed))
	r.Accountability = raci.AccountabilityShared
	return r
}

func withAssignment(r *raci.Responsibility, a raci.Assignment) *raci.Responsibility {
	r.Assignments = append(r.Assignments, a)
	return r
}

func issueResolutionRow() *raci.Responsibility {
	return row("issue-resolution", "Issue Resolution", assign("auth0", raci.Responsible, raci.Accountable), assign("subscriber", raci.Consulted))
}

func warnings(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity() == diag.SeverityWarning {
			out = append(out, d.Summary()+": "+d.Detail())
		} else {
			out = append(out, "unexpected "+d.Severity().String()+": "+d.Summary()+": "+d.Detail())
		}
	}
	return out
}

func TestReviewResponsibilityChange(t *testing.T) {
	const (
		moves         = `Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from subscriber to auth0.`
		auth0Idle     = `Party "auth0" Loses Its Last Responsible Row: "Updates" (initech/updates): Party "auth0" is no longer Responsible for any row of tenant "initech".`
		subscriberOut = `Party "subscriber" is no longer Responsible`
		// Deleting a row that holds an A warns, and points to the review of the whole
		// plan: another row of the plan may take the duty on.
		deletedIssueResolution = `Row Deleted With Its Accountable Party: "Issue Resolution" (initech/issue-resolution): ` +
			`Deleting row "Issue Resolution" (initech/issue-resolution) ends the accountability of auth0 for it.`
		deletedBackingUp = `Row Deleted With Its Accountable Party: "Backing Up" (initech/backing-up): ` +
			`Deleting row "Backing Up" (initech/backing-up) ends the accountability of subscriber for it.`
	)
	cases := []struct {
		name           string
		prior, planned *raci.Responsibility
		want           []string // prefixes of the warnings, in order
		snapshotReads  int
	}{
		{"no change", backingUpRow("subscriber"), backingUpRow("subscriber"), nil, 0},
		{"created", nil, backingUpRow("subscriber"), nil, 0},
		{"notes only", updatesRow("auth0"), func() *raci.Responsibility { r := updatesRow("auth0"); r.Notes = "new"; return r }(), nil, 0},
		// The subscriber loses R in this row, so the snapshot is read; it keeps R in
		// updates, so only the move is worth a warning.
		{"accountability moves", backingUpRow("subscriber"), backingUpRow("auth0"), []string{moves}, 1},
		// auth0 keeps R in issue-resolution.
		{"R removed, held elsewhere", updatesRow("auth0"), updatesRow(""), nil, 1},
		// auth0 gives up R and A here, but keeps R in updates.
		{"R removed, last row", issueResolutionRow(), row("issue-resolution", "Issue Resolution",
			assign("auth0", raci.Consulted), assign("subscriber", raci.Responsible, raci.Accountable)),
			[]string{`Accountability Moves in "Issue Resolution" (initech/issue-resolution): Accountability for "Issue Resolution" moves from auth0 to subscriber.`}, 1},
		// auth0 keeps R in updates, but nobody answers for the duty any more.
		{"destroyed, held elsewhere", issueResolutionRow(), nil, []string{deletedIssueResolution}, 1},
		// Seed 000: the customer answers instead under a condition; nobody's
		// accountability moves.
		{"conditional A added", backingUpRow("subscriber"), withAssignment(backingUpRow("subscriber"),
			raci.Assignment{Party: "auth0", Roles: []raci.Role{raci.Accountable}, When: "if clients store backups locally"}), nil, 0},
		{"shared, unchanged but for notes", sharedRow(), func() *raci.Responsibility { r := sharedRow(); r.Notes = "new"; return r }(), nil, 0},
		{"single to shared", backingUpRow("subscriber"), withAssignment(row("backing-up", "Backing Up",
			assign("subscriber", raci.Responsible, raci.Accountable)), assign("auth0", raci.Accountable, raci.Informed)),
			[]string{`Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from subscriber to auth0 and subscriber. ` +
				`Check that auth0 has agreed to answer for this row before you apply.`}, 0},
		{"shared settled on one", sharedRow(), backingUpRow("subscriber"),
			[]string{`Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from auth0 and subscriber to subscriber. ` +
				`Check that subscriber agrees to answer for this row alone before you apply.`}, 0},
		{"single to unassigned", backingUpRow("subscriber"), row("backing-up", "Backing Up",
			assign("subscriber", raci.Responsible), assign("auth0", raci.Informed)),
			[]string{`Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from subscriber to nobody. ` +
				`Check that the parties agree that nobody answers for this row before you apply.`}, 0},
		{"unassigned settled", row("backing-up", "Backing Up", assign("subscriber", raci.Responsible), assign("auth0", raci.Informed)),
			backingUpRow("subscriber"),
			[]string{`Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from nobody to subscriber. ` +
				`Check that subscriber has agreed`}, 0},
		{"destroyed, subscriber keeps updates", backingUpRow("subscriber"), nil, []string{deletedBackingUp}, 1},
		// A row without an Accountable party takes nobody's accountability with it.
		{"destroyed, unassigned", row("backing-up", "Backing Up", assign("subscriber", raci.Responsible), assign("auth0", raci.Informed)),
			nil, nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc := reviewStore(t)
			got := warnings(reviewResponsibilityChange(context.Background(), svc, tc.prior, tc.planned))
			if len(got) != len(tc.want) {
				t.Fatalf("warnings = %q, want %d starting with %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("warning %d = %q, want it to start with %q", i, got[i], tc.want[i])
				}
			}
			if n := svc.snapshotReads(); n != tc.snapshotReads {
				t.Errorf("snapshot reads = %d, want %d (requests %q)", n, tc.snapshotReads, svc.requests)
			}
		})
	}

	// Take auth0's R from updates while issue-resolution is gone too: now it is the last.
	t.Run("R removed from the last row on the server", func(t *testing.T) {
		svc := reviewStore(t)
		if err := svc.DeleteResponsibility(context.Background(), "initech", "issue-resolution", raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
		got := warnings(reviewResponsibilityChange(context.Background(), svc, updatesRow("auth0"), updatesRow("")))
		if len(got) != 1 || !strings.HasPrefix(got[0], auth0Idle) {
			t.Errorf("warnings = %q, want %q", got, auth0Idle)
		}
		// And destroying the subscriber's only rows leaves it none either.
		if err := svc.DeleteResponsibility(context.Background(), "initech", "updates", raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
		got = warnings(reviewResponsibilityChange(context.Background(), svc, backingUpRow("subscriber"), nil))
		if len(got) != 2 || !strings.HasPrefix(got[0], deletedBackingUp) || !strings.Contains(got[1], subscriberOut) {
			t.Errorf("warnings on destroy = %q, want %q and %q", got, deletedBackingUp, subscriberOut)
		}
		for _, w := range got {
			if !strings.Contains(w, "terraform-provider-raci review") {
				t.Errorf("warning %q does not point to the review of the whole plan", w)
			}
		}
	})
}

// ModifyPlan itself, with the framework's own request types: the warnings reach the
// response, next to the scheme checks.
func TestReviewModifyPlanWarns(t *testing.T) {
	ctx := context.Background()
	svc := reviewStore(t)
	r := &responsibilityResource{svc: svc}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	s := schemaResp.Schema

	stored, err := svc.FindResponsibility(ctx, "initech", "backing-up")
	if err != nil {
		t.Fatal(err)
	}
	state := tfsdk.State{Schema: s}
	if d := state.Set(ctx, responsibilityModelFrom(stored)); d.HasError() {
		t.Fatal(d)
	}
	moved := *stored
	moved.Assignments = backingUpRow("auth0").Assignments
	plan := tfsdk.Plan{Schema: s}
	if d := plan.Set(ctx, responsibilityModelFrom(&moved)); d.HasError() {
		t.Fatal(d)
	}

	modify := func(plan tfsdk.Plan) []string {
		resp := resource.ModifyPlanResponse{Plan: plan}
		r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config{Schema: s, Raw: plan.Raw}}, &resp)
		return warnings(resp.Diagnostics)
	}
	got := modify(plan)
	if want := `Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from subscriber to auth0.`; len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("update warnings = %q, want %q", got, want)
	}

	// Unchanged: no warning, and no request at all: a large plan of unchanged rows
	// costs the server nothing here.
	svc.requests = nil
	unchanged := tfsdk.Plan{Schema: s, Raw: state.Raw}
	if got := modify(unchanged); len(got) != 0 {
		t.Errorf("warnings for an unchanged row = %q", got)
	}
	if len(svc.requests) != 0 {
		t.Errorf("requests for an unchanged row = %q, want none", svc.requests)
	}

	// Destroy: a null plan.
	destroy := tfsdk.Plan{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	if got := modify(destroy); len(got) != 1 || !strings.HasPrefix(got[0], `Row Deleted With Its Accountable Party: "Backing Up" (initech/backing-up)`) {
		t.Errorf("warnings for destroying backing-up while updates keeps the subscriber Responsible = %q; want only the A deleted", got)
	}
}

// warningRecorder keeps the warnings the provider sends Terraform when it plans a
// resource change: terraform-plugin-testing does not show them to tests, so the
// acceptance test below wraps the provider's protocol server to see them on the way
// out, exactly as Terraform receives them.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (w *warningRecorder) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.warnings = nil
}

func (w *warningRecorder) recorded() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.warnings)
}

func (w *warningRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"raci": func() (tfprotov6.ProviderServer, error) {
			server, err := NewServerWithError("test", testStores)()
			if err != nil {
				return nil, err
			}
			return &recordingServer{ProviderServer: server, rec: w}, nil
		},
	}
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *warningRecorder
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.keep(resp.Diagnostics)
	}
	return resp, err
}

// ReadResource is where refresh reports changes made outside Terraform.
func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.keep(resp.Diagnostics)
	}
	return resp, err
}

// ApplyResourceChange and ReadDataSource may warn too: a test that wants no
// warning at all must see those.
func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.keep(resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.keep(resp.Diagnostics)
	}
	return resp, err
}

func (w *warningRecorder) keep(diags []*tfprotov6.Diagnostic) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			w.warnings = append(w.warnings, d.Summary+": "+d.Detail)
		}
	}
}

func TestAccReview_accountabilityWarning(t *testing.T) {
	srv := startServer(t)
	rec := &warningRecorder{}
	backingUp := func(accountable, other string) string {
		return rowConfig(srv.providerBlock(), "backing-up", fmt.Sprintf(`
  title = "Backing Up"
  assignments = [
    { party = raci_party.%s.name, roles = ["R", "A"] },
    { party = raci_party.%s.name, roles = ["I"] },
  ]`, accountable, other))
	}
	const want = `Accountability Moves in "Backing Up" (initech/backing-up): Accountability for "Backing Up" moves from subscriber to auth0.`
	expect := func(want ...string) func(*terraform.State) error {
		return func(*terraform.State) error {
			got := slices.Compact(rec.recorded())
			for _, w := range want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					return fmt.Errorf("the plan did not warn %q; warnings: %q", w, got)
				}
			}
			if len(want) == 0 && len(got) > 0 {
				return fmt.Errorf("unexpected warnings: %q", got)
			}
			return nil
		}
	}
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []tfresource.TestStep{
			{
				PreConfig: rec.reset,
				Config:    backingUp("subscriber", "auth0"),
				Check:     expect(), // creating a row moves nothing
			},
			{
				PreConfig: rec.reset,
				Config:    backingUp("auth0", "subscriber"),
				Check: expect(want,
					// The subscriber's only R row was this one.
					`Party "subscriber" Loses Its Last Responsible Row: "Backing Up" (initech/backing-up): Party "subscriber" is no longer Responsible for any row of tenant "initech".`),
			},
		},
	})
}
