package provider

import (
	"bytes"
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// What a fuzzed state leaves null or changes, one bit each.
const (
	fuzzNullID uint16 = 1 << iota
	fuzzNullTenant
	fuzzNullKey
	fuzzNullTitle
	fuzzNullCategory
	fuzzNullDescription
	fuzzNullNotes
	fuzzNullAssignments
	fuzzNullVersion
	fuzzNoAssignments  // an empty set, where Terraform could hold one
	fuzzChangeTitle    // the plan proposes another title: not the lean plan path
	fuzzChangeVersion  // the plan proposes another version, as a refresh would
	fuzzNullState      // no state at all: a resource being created
	fuzzRefreshedPrior // plan from the state the framework's Read refreshed
	fuzzShared         // accountability "shared" rather than the default "single"
	fuzzNullAccountability
)

// FuzzLeanServer sends generated states and plans of raci_responsibility to the
// lean server and to the framework's, both configured against the same RACI server,
// and fails when their answers differ in anything: the refreshed or planned state,
// diagnostics, private state, deferral, replacement. Run it at length
// (FUZZTIME=10m make fuzz) after changing the lean paths in server.go or upgrading
// the framework.
func FuzzLeanServer(f *testing.F) {
	ctx := context.Background()
	srv := startServer(f)
	seedFuzzServer(f, srv)
	lean := configuredServer(f, newLeanServer(), srv)
	framework := configuredServer(f, providerserver.NewProtocol6(New("test", testStores)())(), srv)
	_, row, err := leanResourceOf(ctx, newResponsibilityResource)
	if err != nil {
		f.Fatal(err)
	}

	// Each assignment is a line "party:letters:holder:when", letters separated by
	// commas.
	const stored = "auth0:C\nauth0:I::in the event that there are issues\nsubscriber:A,R:subscriber's infrastructure engineer:"
	for _, seed := range []struct {
		tenant, key, title, text, assignments string
		version                               int64
		bits                                  uint16
	}{
		{"initech", "backing-up", "Backing Up", "Integration", stored, 1, 0},  // as stored
		{"initech", "backing-up", "Backing Up", "Integration", stored, 2, 0},  // stored, changed since
		{"initech", "monitoring", "Monitoring", "", "subscriber:A,R::", 1, 0}, // deleted on the server
		{"initech", "backing-up", "Backing Up", "", "", 0, fuzzNullID | fuzzNullTitle | fuzzNullCategory | fuzzNullDescription | fuzzNullNotes | fuzzNullAssignments | fuzzNullVersion}, // imported
		{"initech", "backing-up", "Backing Up", "Integration", stored, 1, fuzzChangeTitle},
		{"initech", "backing-up", "Backing Up", "Integration", stored, 1, fuzzRefreshedPrior},
		{"initech", "backing-up", "Backing Up", "Integration", stored, 1, fuzzNoAssignments | fuzzChangeVersion},
		{"daci-corp", "rollout", "Rollout", "", "vendor:D::\ncustomer:A::", 1, 0},
		{"nowhere", "row", "Row", "", "vendor:R,A::", 1, fuzzNullID},
		{"initech", "backing-up", "Backing Up", "", stored, 1, fuzzNullState},
		{"initech", "security", "Security", "", "vendor:R,A::\ncustomer:A::", 1, fuzzShared},
		{"initech", "security", "Security", "", "vendor:R,A::\ncustomer:A::", 1, fuzzShared | fuzzRefreshedPrior},
		{"initech", "backing-up", "Backing Up", "Integration", stored, 1, fuzzNullAccountability},
		{"Not A Slug", "a/b", "", "\x00", "::", -1, 0},
	} {
		f.Add(seed.tenant, seed.key, seed.title, seed.text, seed.assignments, seed.version, seed.bits)
	}

	f.Fuzz(func(t *testing.T, tenant, key, title, text, assignments string, version int64, bits uint16) {
		state := fuzzState(row.typ, fuzzRow{tenant, key, title, text, assignments, version}, bits)
		if bits&fuzzNullState != 0 {
			state = tftypes.NewValue(row.typ, nil)
		}

		readReq := func() *tfprotov6.ReadResourceRequest {
			return &tfprotov6.ReadResourceRequest{TypeName: "raci_responsibility", CurrentState: dynamicValue(t, row.typ, state)}
		}
		gotRead, err := lean.ReadResource(ctx, readReq())
		if err != nil {
			t.Fatalf("lean ReadResource: %v", err)
		}
		wantRead, err := framework.ReadResource(ctx, readReq())
		if err != nil {
			t.Fatalf("framework ReadResource: %v", err)
		}
		sameValue(t, "ReadResource new state", row.typ, gotRead.NewState, wantRead.NewState)
		sameDiagnostics(t, gotRead.Diagnostics, wantRead.Diagnostics)
		if !bytes.Equal(gotRead.Private, wantRead.Private) || !reflect.DeepEqual(gotRead.Deferred, wantRead.Deferred) ||
			!reflect.DeepEqual(gotRead.NewIdentity, wantRead.NewIdentity) {
			t.Errorf("ReadResource private %q, deferred %v, identity %v; framework %q, %v, %v",
				gotRead.Private, gotRead.Deferred, gotRead.NewIdentity, wantRead.Private, wantRead.Deferred, wantRead.NewIdentity)
		}

		prior := state
		if bits&fuzzRefreshedPrior != 0 {
			if wantRead.NewState == nil {
				return
			}
			if prior, err = wantRead.NewState.Unmarshal(row.typ); err != nil {
				t.Fatal(err)
			}
		}
		proposed := prior
		if !prior.IsNull() && bits&(fuzzChangeTitle|fuzzChangeVersion) != 0 {
			r := fuzzRow{tenant, key, title, text, assignments, version}
			if bits&fuzzChangeTitle != 0 {
				r.title += " (changed)"
			}
			if bits&fuzzChangeVersion != 0 {
				r.version++
			}
			proposed = fuzzState(row.typ, r, bits)
		}
		// Plan with the configuration setting accountability as proposed, then leaving
		// it out, when Terraform proposes the prior value and the default applies.
		for _, omit := range []bool{false, true} {
			planReq := func() *tfprotov6.PlanResourceChangeRequest {
				return &tfprotov6.PlanResourceChangeRequest{
					TypeName:         "raci_responsibility",
					PriorState:       dynamicValue(t, row.typ, prior),
					ProposedNewState: dynamicValue(t, row.typ, proposed),
					Config:           dynamicValue(t, row.typ, configOf(t, proposed, omit)),
				}
			}
			samePlan(ctx, t, row.typ, lean, framework, planReq)
		}
	})
}

// samePlan fails the test when the lean server and the framework's plan the request
// differently.
func samePlan(ctx context.Context, t *testing.T, typ tftypes.Type, lean, framework tfprotov6.ProviderServer,
	planReq func() *tfprotov6.PlanResourceChangeRequest) {
	t.Helper()
	gotPlan, err := lean.PlanResourceChange(ctx, planReq())
	if err != nil {
		t.Fatalf("lean PlanResourceChange: %v", err)
	}
	wantPlan, err := framework.PlanResourceChange(ctx, planReq())
	if err != nil {
		t.Fatalf("framework PlanResourceChange: %v", err)
	}
	sameValue(t, "PlanResourceChange planned state", typ, gotPlan.PlannedState, wantPlan.PlannedState)
	sameDiagnostics(t, gotPlan.Diagnostics, wantPlan.Diagnostics)
	if !reflect.DeepEqual(pathStrings(gotPlan.RequiresReplace), pathStrings(wantPlan.RequiresReplace)) ||
		!bytes.Equal(gotPlan.PlannedPrivate, wantPlan.PlannedPrivate) || !reflect.DeepEqual(gotPlan.Deferred, wantPlan.Deferred) ||
		!reflect.DeepEqual(gotPlan.PlannedIdentity, wantPlan.PlannedIdentity) {
		t.Errorf("PlanResourceChange requires replace %v, private %q, deferred %v, identity %v; framework %v, %q, %v, %v",
			pathStrings(gotPlan.RequiresReplace), gotPlan.PlannedPrivate, gotPlan.Deferred, gotPlan.PlannedIdentity,
			pathStrings(wantPlan.RequiresReplace), wantPlan.PlannedPrivate, wantPlan.Deferred, wantPlan.PlannedIdentity)
	}
}

// seedFuzzServer stores what the fuzz seeds refer to: a RACI tenant with a row
// changed once since it was written, a row deleted since, and a DACI tenant.
func seedFuzzServer(tb testing.TB, srv *testServer) {
	tb.Helper()
	ctx := context.Background()
	check := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	for _, tenant := range []*raci.Tenant{
		{Name: "initech", DeploymentModel: raci.PrivateSaaS},
		{Name: "daci-corp", DeploymentModel: raci.PrivateSaaS, Scheme: raci.DACI},
	} {
		_, _, err := srv.API.PutTenant(ctx, tenant, raci.Precondition{})
		check(err)
	}
	for _, p := range []*raci.Party{
		{Tenant: "initech", Name: "auth0", Kind: raci.ThirdParty},
		{Tenant: "initech", Name: "subscriber", Kind: raci.ThirdParty},
		{Tenant: "daci-corp", Name: "vendor", Kind: raci.ThirdParty},
		{Tenant: "daci-corp", Name: "customer", Kind: raci.ThirdParty},
	} {
		_, _, err := srv.API.PutParty(ctx, p, raci.Precondition{})
		check(err)
	}
	stored := []raci.Assignment{
		{Party: "auth0", Roles: []raci.Role{"C"}},
		{Party: "auth0", Roles: []raci.Role{"I"}, When: "in the event that there are issues"},
		{Party: "subscriber", Roles: []raci.Role{"A", "R"}, Holder: "subscriber's infrastructure engineer"},
	}
	for _, r := range []*raci.Responsibility{
		{Tenant: "initech", Key: "backing-up", Title: "Backing Up", Category: "Integration", Assignments: stored},
		{Tenant: "initech", Key: "backing-up", Title: "Backing Up", Category: "Integration", Notes: "nightly", Assignments: stored},
		{Tenant: "initech", Key: "monitoring", Title: "Monitoring", Assignments: stored[2:]},
		{Tenant: "daci-corp", Key: "rollout", Title: "Rollout", Assignments: []raci.Assignment{
			{Party: "vendor", Roles: []raci.Role{"D"}}, {Party: "customer", Roles: []raci.Role{"A"}},
		}},
	} {
		_, _, err := srv.API.PutResponsibility(ctx, r, raci.Precondition{})
		check(err)
	}
	check(srv.API.DeleteResponsibility(ctx, "initech", "monitoring", raci.Precondition{}))
}

// fuzzRow is what a fuzzed state holds.
type fuzzRow struct {
	tenant, key, title, text, assignments string
	version                               int64
}

// fuzzState builds a state of the schema's type from r, with the attributes bits
// names left null. Assignments and their letters are sets: duplicates are dropped,
// as Terraform never sends them.
func fuzzState(typ tftypes.Type, r fuzzRow, bits uint16) tftypes.Value {
	str := func(s string, null uint16) tftypes.Value {
		if bits&null != 0 {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	object, _ := typ.(tftypes.Object)
	setType, _ := object.AttributeTypes["assignments"].(tftypes.Set)
	objectType, ok := setType.ElementType.(tftypes.Object)
	if !ok {
		panic("raci_responsibility's type " + typ.String() + " has no set of assignment objects")
	}
	var elements []tftypes.Value
	seen := map[string]bool{}
	for _, line := range strings.Split(r.assignments, "\n") {
		if line == "" || seen[line] {
			continue
		}
		seen[line] = true
		party, rest, _ := strings.Cut(line, ":")
		letters, rest, _ := strings.Cut(rest, ":")
		holder, when, _ := strings.Cut(rest, ":")
		var roles []tftypes.Value
		seenRole := map[string]bool{}
		for _, l := range strings.Split(letters, ",") {
			if l != "" && !seenRole[l] {
				seenRole[l] = true
				roles = append(roles, tftypes.NewValue(tftypes.String, l))
			}
		}
		optional := func(s string) tftypes.Value {
			if s == "" {
				return tftypes.NewValue(tftypes.String, nil)
			}
			return tftypes.NewValue(tftypes.String, s)
		}
		elements = append(elements, tftypes.NewValue(objectType, map[string]tftypes.Value{
			"party":  tftypes.NewValue(tftypes.String, party),
			"roles":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, roles),
			"holder": optional(holder),
			"when":   optional(when),
		}))
	}
	assignments := tftypes.NewValue(setType, elements)
	switch {
	case bits&fuzzNullAssignments != 0:
		assignments = tftypes.NewValue(setType, nil)
	case bits&fuzzNoAssignments != 0:
		assignments = tftypes.NewValue(setType, []tftypes.Value{})
	}
	accountability := tftypes.NewValue(tftypes.String, "single")
	switch {
	case bits&fuzzNullAccountability != 0:
		accountability = tftypes.NewValue(tftypes.String, nil)
	case bits&fuzzShared != 0:
		accountability = tftypes.NewValue(tftypes.String, "shared")
	}
	version := tftypes.NewValue(tftypes.Number, r.version)
	if bits&fuzzNullVersion != 0 {
		version = tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":             str(r.tenant+"/"+r.key, fuzzNullID),
		"tenant":         str(r.tenant, fuzzNullTenant),
		"key":            str(r.key, fuzzNullKey),
		"title":          str(r.title, fuzzNullTitle),
		"category":       str(r.text, fuzzNullCategory),
		"description":    str(r.text, fuzzNullDescription),
		"notes":          str(r.text, fuzzNullNotes),
		"accountability": accountability,
		"optional":       tftypes.NewValue(tftypes.Bool, bits&fuzzShared != 0),
		"when":           str(r.text, fuzzNullNotes),
		"position":       tftypes.NewValue(tftypes.Number, nil),
		"assignments":    assignments,
		"version":        version,
	})
}

// configOf is the configuration Terraform sends with a proposed state: the same
// values without the computed-only id and version, and without accountability when
// omitAccountability.
func configOf(t *testing.T, proposed tftypes.Value, omitAccountability bool) tftypes.Value {
	if proposed.IsNull() {
		return proposed
	}
	var attrs map[string]tftypes.Value
	if err := proposed.As(&attrs); err != nil {
		t.Fatal(err)
	}
	config := make(map[string]tftypes.Value, len(attrs))
	for k, v := range attrs {
		config[k] = v
	}
	config["id"] = tftypes.NewValue(tftypes.String, nil)
	config["version"] = tftypes.NewValue(tftypes.Number, nil)
	if omitAccountability {
		config["accountability"] = tftypes.NewValue(tftypes.String, nil)
		config["optional"] = tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(proposed.Type(), config)
}

func dynamicValue(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// sameValue fails the test when two answered values differ: both absent, or both
// present and equal.
func sameValue(t *testing.T, what string, typ tftypes.Type, got, want *tfprotov6.DynamicValue) {
	t.Helper()
	if got == nil || want == nil {
		if got != want {
			t.Errorf("%s: lean %v, framework %v", what, got, want)
		}
		return
	}
	g, err := got.Unmarshal(typ)
	if err != nil {
		t.Fatalf("%s: lean: %v", what, err)
	}
	w, err := want.Unmarshal(typ)
	if err != nil {
		t.Fatalf("%s: framework: %v", what, err)
	}
	if !g.Equal(w) {
		t.Errorf("%s:\nlean      %s\nframework %s", what, g, w)
	}
}

func pathStrings(paths []*tftypes.AttributePath) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p.String()
	}
	sort.Strings(out)
	return out
}
