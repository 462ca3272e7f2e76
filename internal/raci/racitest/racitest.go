// Package racitest is the conformance suite of raci.Service: what every store (SQLite,
// PostgreSQL) and the HTTP client in front of the server must do, written once. It
// asserts only what the interfaces document (codes, values, order), never how an
// implementation keeps its data.
package racitest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Run runs the suite. open returns a service with no data; it is called once per
// subtest, and may register cleanups on the t it is given.
func Run(t *testing.T, open func(t *testing.T) raci.Service) {
	run := func(name string, fn func(t *testing.T, s raci.Service)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}

	run("Tenant/CreateFindReplace", testTenantCreateFindReplace)
	run("Tenant/Normalized", testTenantNormalized)
	run("Tenant/DescriptionAndSource", testTenantDescriptionAndSource)
	run("Tenant/Preconditions", testTenantPreconditions)
	run("Tenant/Missing", testTenantMissing)
	run("Tenant/Invalid", testTenantInvalid)
	run("Tenant/Delete", testTenantDelete)
	run("Tenant/DeleteWithContent", testTenantDeleteWithContent)
	run("Tenant/SchemeChange", testTenantSchemeChange)
	run("Tenant/List", testTenantList)

	run("Party/CreateFindReplace", testPartyCreateFindReplace)
	run("Party/Preconditions", testPartyPreconditions)
	run("Party/Missing", testPartyMissing)
	run("Party/Invalid", testPartyInvalid)
	run("Party/DeleteAssigned", testPartyDeleteAssigned)
	run("Party/TenantsAreSeparate", testPartyTenantsAreSeparate)
	run("Party/List", testPartyList)
	run("Party/Rename", testPartyRename)
	run("Party/RenameRefused", testPartyRenameRefused)

	run("Responsibility/CreateFindReplace", testResponsibilityCreateFindReplace)
	run("Responsibility/Normalized", testResponsibilityNormalized)
	run("Responsibility/Accountability", testResponsibilityAccountability)
	run("Responsibility/AsWritten", testResponsibilityAsWritten)
	run("Responsibility/Conditions", testResponsibilityConditions)
	run("Responsibility/Preconditions", testResponsibilityPreconditions)
	run("Responsibility/Missing", testResponsibilityMissing)
	run("Responsibility/Invalid", testResponsibilityInvalid)
	run("Responsibility/UnknownParty", testResponsibilityUnknownParty)
	run("Responsibility/Schemes", testResponsibilitySchemes)
	run("Responsibility/Delete", testResponsibilityDelete)
	run("Responsibility/List", testResponsibilityList)

	run("Snapshot", testSnapshot)
	run("Snapshot/Revision", testSnapshotRevision)

	run("Concurrency/WritersWithoutPrecondition", testConcurrentWriters)
	run("Concurrency/WritersWithIfMatch", testConcurrentIfMatch)
	run("Concurrency/CreatorsWithIfNoneMatch", testConcurrentIfNoneMatch)
}

// Fixtures.

func newTenant(name string) *raci.Tenant {
	return &raci.Tenant{
		Name:            name,
		DisplayName:     "Acme Corp production",
		Customer:        "Acme Corp",
		DeploymentModel: raci.PrivateSaaS,
		Environments:    []string{"production", "development"},
		Labels:          map[string]string{"tier": "gold"},
	}
}

func newParty(tenant, name string, kind raci.PartyKind) *raci.Party {
	return &raci.Party{
		Tenant:      tenant,
		Name:        name,
		DisplayName: strings.ToUpper(name[:1]) + name[1:],
		Kind:        kind,
		Contacts:    []string{name + "@example.com"},
	}
}

func newRow(tenant, key string, as ...raci.Assignment) *raci.Responsibility {
	return &raci.Responsibility{
		Tenant:      tenant,
		Key:         key,
		Title:       "Task " + key,
		Category:    "Operations",
		Description: "What " + key + " covers.",
		Assignments: as,
	}
}

func assign(party string, roles ...raci.Role) raci.Assignment {
	return raci.Assignment{Party: party, Roles: roles}
}

// standardRow is a valid row in a RACI tenant set up by setupTenant.
func standardRow(tenant, key string) *raci.Responsibility {
	return newRow(tenant, key,
		assign("vendor", raci.Responsible),
		assign("customer", raci.Accountable, raci.Consulted),
	)
}

// setupTenant creates a tenant with the parties "vendor" and "customer".
func setupTenant(t *testing.T, s raci.Service, name string, scheme raci.Scheme) *raci.Tenant {
	t.Helper()
	tn := newTenant(name)
	tn.Scheme = scheme
	stored := mustPutTenant(t, s, tn)
	mustPutParty(t, s, newParty(name, "vendor", raci.Vendor))
	mustPutParty(t, s, newParty(name, "customer", raci.Customer))
	return stored
}

func ctx(t *testing.T) context.Context { return t.Context() }

func mustPutTenant(t *testing.T, s raci.Service, tn *raci.Tenant) *raci.Tenant {
	t.Helper()
	stored, _, err := s.PutTenant(ctx(t), tn, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutTenant(%q): %v", tn.Name, err)
	}
	return stored
}

func mustPutParty(t *testing.T, s raci.Service, p *raci.Party) *raci.Party {
	t.Helper()
	stored, _, err := s.PutParty(ctx(t), p, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutParty(%q, %q): %v", p.Tenant, p.Name, err)
	}
	return stored
}

func mustPutRow(t *testing.T, s raci.Service, r *raci.Responsibility) *raci.Responsibility {
	t.Helper()
	stored, _, err := s.PutResponsibility(ctx(t), r, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutResponsibility(%q, %q): %v", r.Tenant, r.Key, err)
	}
	return stored
}

func mustFindTenant(t *testing.T, s raci.Service, name string) *raci.Tenant {
	t.Helper()
	tn, err := s.FindTenant(ctx(t), name)
	if err != nil {
		t.Fatalf("FindTenant(%q): %v", name, err)
	}
	return tn
}

func mustFindParty(t *testing.T, s raci.Service, tenant, name string) *raci.Party {
	t.Helper()
	p, err := s.FindParty(ctx(t), tenant, name)
	if err != nil {
		t.Fatalf("FindParty(%q, %q): %v", tenant, name, err)
	}
	return p
}

func mustFindRow(t *testing.T, s raci.Service, tenant, key string) *raci.Responsibility {
	t.Helper()
	r, err := s.FindResponsibility(ctx(t), tenant, key)
	if err != nil {
		t.Fatalf("FindResponsibility(%q, %q): %v", tenant, key, err)
	}
	return r
}

// Assertions.

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := raci.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (error: %v), want %q", got, err, code)
	}
	if raci.ErrorMessage(err) == "" {
		t.Fatalf("error %q has no message for people", code)
	}
}

// wantProblem fails unless err is EINVALID with a problem on field whose detail
// contains every one of details.
func wantProblem(t *testing.T, err error, field string, details ...string) {
	t.Helper()
	wantCode(t, err, raci.EINVALID)
	ps := raci.ErrorProblems(err)
	for _, p := range ps {
		if p.Field != field {
			continue
		}
		ok := true
		for _, d := range details {
			ok = ok && strings.Contains(p.Detail, d)
		}
		if ok {
			return
		}
	}
	t.Fatalf("no problem on field %q mentioning %q; problems: %+v", field, details, ps)
}

// wantStamps checks the version and times a write returned.
func wantStamps(t *testing.T, what string, version, wantVersion int64, created, updated time.Time) {
	t.Helper()
	if version != wantVersion {
		t.Errorf("%s: version = %d, want %d", what, version, wantVersion)
	}
	if created.IsZero() || updated.IsZero() {
		t.Errorf("%s: created_at %v, updated_at %v: both must be set", what, created, updated)
	}
	if updated.Before(created) {
		t.Errorf("%s: updated_at %v is before created_at %v", what, updated, created)
	}
}

// sameTenant fails unless got and want hold the same values, times compared as
// instants.
func sameTenant(t *testing.T, got, want *raci.Tenant) {
	t.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
		t.Errorf("tenant %q times = %v/%v, want %v/%v", w.Name, g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt)
	}
	g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("tenant %q:\n got %+v\nwant %+v", w.Name, g, w)
	}
}

func sameParty(t *testing.T, got, want *raci.Party) {
	t.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
		t.Errorf("party %q times = %v/%v, want %v/%v", w.Name, g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt)
	}
	g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("party %q:\n got %+v\nwant %+v", w.Name, g, w)
	}
}

func sameRow(t *testing.T, got, want *raci.Responsibility) {
	t.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
		t.Errorf("row %q times = %v/%v, want %v/%v", w.Key, g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt)
	}
	g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("row %q:\n got %+v\nwant %+v", w.Key, g, w)
	}
}

// Tenants.

func testTenantCreateFindReplace(t *testing.T, s raci.Service) {
	in := newTenant("acme")
	stored, created, err := s.PutTenant(ctx(t), in, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutTenant: %v", err)
	}
	if !created {
		t.Error("PutTenant of a new tenant: created = false, want true")
	}
	wantStamps(t, "created tenant", stored.Version, 1, stored.CreatedAt, stored.UpdatedAt)
	if stored.Name != "acme" || stored.DisplayName != in.DisplayName || stored.Customer != in.Customer ||
		stored.DeploymentModel != raci.PrivateSaaS || stored.Labels["tier"] != "gold" {
		t.Errorf("stored tenant %+v does not hold what was put %+v", stored, in)
	}
	if stored.Scheme != raci.DefaultScheme {
		t.Errorf("scheme = %q, want the default %q when none is given", stored.Scheme, raci.DefaultScheme)
	}
	sameTenant(t, mustFindTenant(t, s, "acme"), stored)

	// Replacing keeps the creation time and counts the write.
	time.Sleep(2 * time.Millisecond)
	change := newTenant("acme")
	change.DisplayName = "Acme Corp (EU)"
	change.DeploymentModel = raci.DedicatedSaaS
	change.Labels = map[string]string{"region": "eu"}
	replaced, created, err := s.PutTenant(ctx(t), change, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutTenant (replace): %v", err)
	}
	if created {
		t.Error("PutTenant of an existing tenant: created = true, want false")
	}
	wantStamps(t, "replaced tenant", replaced.Version, 2, replaced.CreatedAt, replaced.UpdatedAt)
	if !replaced.CreatedAt.Equal(stored.CreatedAt) {
		t.Errorf("created_at changed on replace: %v, was %v", replaced.CreatedAt, stored.CreatedAt)
	}
	if !replaced.UpdatedAt.After(stored.UpdatedAt) {
		t.Errorf("updated_at %v did not move past %v on replace", replaced.UpdatedAt, stored.UpdatedAt)
	}
	found := mustFindTenant(t, s, "acme")
	sameTenant(t, found, replaced)
	if found.DisplayName != "Acme Corp (EU)" || found.DeploymentModel != raci.DedicatedSaaS {
		t.Errorf("replace not visible: %+v", found)
	}
	if !reflect.DeepEqual(found.Labels, map[string]string{"region": "eu"}) {
		t.Errorf("labels = %v, want the replacement's only (replace, not merge)", found.Labels)
	}
}

func testTenantNormalized(t *testing.T, s raci.Service) {
	in := newTenant("acme")
	in.Environments = []string{"staging", "production", "development", "staging"}
	stored := mustPutTenant(t, s, in)
	want := []string{"development", "production", "staging"}
	if !slices.Equal(stored.Environments, want) {
		t.Errorf("stored environments = %q, want %q (sorted, distinct)", stored.Environments, want)
	}
	if found := mustFindTenant(t, s, "acme"); !slices.Equal(found.Environments, want) {
		t.Errorf("found environments = %q, want %q", found.Environments, want)
	}

	bare := newTenant("bare")
	bare.Environments, bare.Labels = nil, nil
	stored = mustPutTenant(t, s, bare)
	found := mustFindTenant(t, s, "bare")
	for _, tn := range []*raci.Tenant{stored, found} {
		// Empty sets and maps, never nil: they serialize as [] and {}, as users wrote them.
		if tn.Environments == nil || len(tn.Environments) != 0 {
			t.Errorf("environments = %#v, want an empty, non-nil slice", tn.Environments)
		}
		if tn.Labels == nil || len(tn.Labels) != 0 {
			t.Errorf("labels = %#v, want an empty, non-nil map", tn.Labels)
		}
	}
}

// testTenantDescriptionAndSource proves that a tenant's description and source
// round trip, that a source with only some fields keeps exactly those, and that
// replacing a tenant without them removes them.
func testTenantDescriptionAndSource(t *testing.T, s raci.Service) {
	full := &raci.Source{Title: "Private SaaS Responsibilities Matrix", URL: "https://example.com/matrix.pdf", Revision: "2024-03"}
	steps := []struct {
		name        string
		description string
		source      *raci.Source
	}{
		{"both set", "Initech's production installation, contract 2024-17.", full},
		{"only a revision", "", &raci.Source{Revision: "2024-04"}},
		{"only a title and url", "Changed.", &raci.Source{Title: "Matrix", URL: "http://intranet.example/m"}},
		{"a source that names nothing", "", &raci.Source{}},
		{"none", "", nil},
	}
	for _, step := range steps {
		in := newTenant("acme")
		in.Description, in.Source = step.description, step.source
		stored := mustPutTenant(t, s, in)
		var want *raci.Source
		if step.source != nil && *step.source != (raci.Source{}) {
			want = step.source
		}
		for what, tn := range map[string]*raci.Tenant{"stored": stored, "found": mustFindTenant(t, s, "acme")} {
			if tn.Description != step.description {
				t.Errorf("%s: %s description = %q, want %q", step.name, what, tn.Description, step.description)
			}
			if !reflect.DeepEqual(tn.Source, want) {
				t.Errorf("%s: %s source = %+v, want %+v", step.name, what, tn.Source, want)
			}
		}
	}

	// An invalid url is refused with a problem naming the field, and changes nothing.
	bad := newTenant("acme")
	bad.Source = &raci.Source{URL: "example.com/matrix.pdf"}
	_, _, err := s.PutTenant(ctx(t), bad, raci.Precondition{})
	wantCode(t, err, raci.EINVALID)
	if ps := raci.ErrorProblems(err); len(ps) != 1 || ps[0].Field != "source.url" {
		t.Errorf("problems = %+v, want one for source.url", ps)
	}
	if found := mustFindTenant(t, s, "acme"); found.Source != nil {
		t.Errorf("a refused write changed the source to %+v", found.Source)
	}
}

func testTenantPreconditions(t *testing.T, s raci.Service) {
	// If-None-Match creates what does not exist.
	stored, created, err := s.PutTenant(ctx(t), newTenant("acme"), raci.Precondition{IfNoneMatch: true})
	if err != nil || !created {
		t.Fatalf("PutTenant with IfNoneMatch on a new tenant = created %v, %v; want created", created, err)
	}
	// ... and refuses to replace what does.
	_, _, err = s.PutTenant(ctx(t), newTenant("acme"), raci.Precondition{IfNoneMatch: true})
	wantCode(t, err, raci.EPRECONDITION)

	// If-Match with the current version replaces.
	v2, _, err := s.PutTenant(ctx(t), newTenant("acme"), raci.Precondition{IfMatch: stored.Version})
	if err != nil {
		t.Fatalf("PutTenant with the current IfMatch: %v", err)
	}
	if v2.Version != 2 {
		t.Errorf("version = %d, want 2", v2.Version)
	}
	// A stale one fails and changes nothing.
	stale := newTenant("acme")
	stale.DisplayName = "stale"
	_, _, err = s.PutTenant(ctx(t), stale, raci.Precondition{IfMatch: stored.Version})
	wantCode(t, err, raci.EPRECONDITION)
	if found := mustFindTenant(t, s, "acme"); found.Version != 2 || found.DisplayName == "stale" {
		t.Errorf("a failed precondition changed the tenant: %+v", found)
	}

	// If-Match on a tenant that does not exist fails and creates nothing.
	_, _, err = s.PutTenant(ctx(t), newTenant("ghost"), raci.Precondition{IfMatch: 1})
	wantCode(t, err, raci.EPRECONDITION)
	_, err = s.FindTenant(ctx(t), "ghost")
	wantCode(t, err, raci.ENOTFOUND)
}

func testTenantMissing(t *testing.T, s raci.Service) {
	_, err := s.FindTenant(ctx(t), "nope")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteTenant(ctx(t), "nope", raci.Precondition{}), raci.ENOTFOUND)
	// A delete that carries the version read still says the tenant is gone: the
	// provider treats that as deleted, not as a conflict.
	wantCode(t, s.DeleteTenant(ctx(t), "nope", raci.Precondition{IfMatch: 3}), raci.ENOTFOUND)
}

func testTenantInvalid(t *testing.T, s raci.Service) {
	cases := []struct {
		name   string
		change func(*raci.Tenant)
		field  string
	}{
		{"name not a slug", func(tn *raci.Tenant) { tn.Name = "Acme Corp" }, "name"},
		{"no deployment model", func(tn *raci.Tenant) { tn.DeploymentModel = "" }, "deployment_model"},
		{"unknown deployment model", func(tn *raci.Tenant) { tn.DeploymentModel = "on_prem" }, "deployment_model"},
		{"unknown scheme", func(tn *raci.Tenant) { tn.Scheme = "RAPID" }, "scheme"},
		{"environment not a slug", func(tn *raci.Tenant) { tn.Environments = []string{"Prod EU"} }, "environments[0]"},
		{"display name too long", func(tn *raci.Tenant) { tn.DisplayName = strings.Repeat("x", raci.MaxNameLength+1) }, "display_name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := newTenant("acme")
			c.change(tn)
			_, _, err := s.PutTenant(ctx(t), tn, raci.Precondition{})
			wantProblem(t, err, c.field)
			if _, err := s.FindTenant(ctx(t), tn.Name); raci.ErrorCode(err) != raci.ENOTFOUND {
				t.Errorf("an invalid tenant was stored: FindTenant error %v", err)
			}
		})
	}
}

func testTenantDelete(t *testing.T, s raci.Service) {
	stored := mustPutTenant(t, s, newTenant("acme"))
	mustPutTenant(t, s, newTenant("acme")) // now version 2

	wantCode(t, s.DeleteTenant(ctx(t), "acme", raci.Precondition{IfMatch: stored.Version}), raci.EPRECONDITION)
	mustFindTenant(t, s, "acme")

	if err := s.DeleteTenant(ctx(t), "acme", raci.Precondition{IfMatch: 2}); err != nil {
		t.Fatalf("DeleteTenant with the current IfMatch: %v", err)
	}
	_, err := s.FindTenant(ctx(t), "acme")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteTenant(ctx(t), "acme", raci.Precondition{}), raci.ENOTFOUND)

	// A tenant created again under the name starts over.
	again, created, err := s.PutTenant(ctx(t), newTenant("acme"), raci.Precondition{IfNoneMatch: true})
	if err != nil || !created || again.Version != 1 {
		t.Fatalf("recreating a deleted tenant = version %v, created %v, %v; want version 1, created", again, created, err)
	}
}

func testTenantDeleteWithContent(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutRow(t, s, standardRow("acme", "monitoring"))

	wantCode(t, s.DeleteTenant(ctx(t), "acme", raci.Precondition{}), raci.ECONFLICT)
	mustFindTenant(t, s, "acme")
	mustFindRow(t, s, "acme", "monitoring")

	if err := s.DeleteResponsibility(ctx(t), "acme", "monitoring", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteResponsibility: %v", err)
	}
	// Parties alone still hold the tenant.
	wantCode(t, s.DeleteTenant(ctx(t), "acme", raci.Precondition{}), raci.ECONFLICT)
	for _, p := range []string{"vendor", "customer"} {
		if err := s.DeleteParty(ctx(t), "acme", p, raci.Precondition{}); err != nil {
			t.Fatalf("DeleteParty(%q): %v", p, err)
		}
	}
	if err := s.DeleteTenant(ctx(t), "acme", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteTenant of an empty tenant: %v", err)
	}
}

func testTenantSchemeChange(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutRow(t, s, standardRow("acme", "monitoring"))
	mustPutRow(t, s, standardRow("acme", "backups"))
	before := mustFindTenant(t, s, "acme")

	// DACI has no R: both rows would lose their doer. Each is named, nothing changes.
	daci := newTenant("acme")
	daci.Scheme = raci.DACI
	_, _, err := s.PutTenant(ctx(t), daci, raci.Precondition{})
	wantProblem(t, err, "scheme", `"monitoring"`)
	wantProblem(t, err, "scheme", `"backups"`)
	if after := mustFindTenant(t, s, "acme"); after.Scheme != raci.RACI || after.Version != before.Version {
		t.Errorf("a refused scheme change was stored: scheme %q version %d", after.Scheme, after.Version)
	}

	// RASCI has every RACI letter: the change goes through and S becomes usable.
	rasci := newTenant("acme")
	rasci.Scheme = raci.RASCI
	stored, _, err := s.PutTenant(ctx(t), rasci, raci.Precondition{})
	if err != nil {
		t.Fatalf("changing RACI to RASCI: %v", err)
	}
	if stored.Scheme != raci.RASCI || stored.Version != before.Version+1 {
		t.Errorf("after RACI -> RASCI: scheme %q version %d", stored.Scheme, stored.Version)
	}
	supported := newRow("acme", "updates",
		assign("vendor", raci.Responsible, raci.Accountable),
		assign("customer", raci.Supportive))
	mustPutRow(t, s, supported)

	// Back to RACI would strand the S.
	raciAgain := newTenant("acme")
	raciAgain.Scheme = raci.RACI
	_, _, err = s.PutTenant(ctx(t), raciAgain, raci.Precondition{})
	wantProblem(t, err, "scheme", `"updates"`, `"S"`)

	// A tenant without rows may take any scheme.
	mustPutTenant(t, s, newTenant("empty"))
	daciEmpty := newTenant("empty")
	daciEmpty.Scheme = raci.DACI
	mustPutTenant(t, s, daciEmpty)
}

func testTenantList(t *testing.T, s raci.Service) {
	if page, err := s.ListTenants(ctx(t), raci.ListOptions{}); err != nil || len(page.Items) != 0 || page.Next != "" {
		t.Fatalf("ListTenants on an empty store = %+v, %v; want no items and no next page", page, err)
	}
	// Created out of order; listed by name.
	names := []string{"golf", "alpha", "echo", "charlie", "foxtrot", "bravo", "delta"}
	for _, n := range names {
		mustPutTenant(t, s, newTenant(n))
	}
	want := slices.Sorted(slices.Values(names))
	list := func(opts raci.ListOptions) (*raci.Page[*raci.Tenant], error) { return s.ListTenants(ctx(t), opts) }
	name := func(tn *raci.Tenant) string { return tn.Name }
	checkPaging(t, list, name, want)
}

// checkPaging pages through a list of the names in want, sorted: all at once, three
// at a time, and from the middle.
func checkPaging[T any](t *testing.T, list func(raci.ListOptions) (*raci.Page[T], error), name func(T) string, want []string) {
	t.Helper()
	names := func(items []T) []string {
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = name(it)
		}
		return out
	}

	all, err := list(raci.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(all.Items); !slices.Equal(got, want) || all.Next != "" {
		t.Errorf("list with the default limit = %q next %q, want %q and no next page", got, all.Next, want)
	}

	// 7 items, 3 a page: 3, 3, 1; each Next is the page's last name.
	var got []string
	pages := 0
	opts := raci.ListOptions{Limit: 3}
	for {
		page, err := list(opts)
		if err != nil {
			t.Fatalf("list page %d: %v", pages+1, err)
		}
		pages++
		if len(page.Items) > 3 {
			t.Fatalf("page %d has %d items, more than the limit 3", pages, len(page.Items))
		}
		got = append(got, names(page.Items)...)
		if page.Next == "" {
			break
		}
		if last := name(page.Items[len(page.Items)-1]); page.Next != last {
			t.Errorf("page %d: next = %q, want its last item %q", pages, page.Next, last)
		}
		if pages > len(want) {
			t.Fatalf("paging does not end: %d pages for %d items", pages, len(want))
		}
		opts.After = page.Next
	}
	if wantPages := (len(want) + 2) / 3; pages != wantPages {
		t.Errorf("%d items at 3 a page took %d pages, want %d", len(want), pages, wantPages)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paging returned %q, want %q: no gaps, no duplicates", got, want)
	}

	// The page that ends exactly at the last item is the last page.
	exact, err := list(raci.ListOptions{After: want[len(want)-4], Limit: 3})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(exact.Items); !slices.Equal(got, want[len(want)-3:]) || exact.Next != "" {
		t.Errorf("list after %q limit 3 = %q next %q, want %q and no next page", want[len(want)-4], got, exact.Next, want[len(want)-3:])
	}

	// After is exclusive and need not name an item.
	mid, err := list(raci.ListOptions{After: want[2] + "0", Limit: 2})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(mid.Items); !slices.Equal(got, want[3:5]) || mid.Next != want[4] {
		t.Errorf("list after %q limit 2 = %q next %q, want %q next %q", want[2]+"0", got, mid.Next, want[3:5], want[4])
	}
	past, err := list(raci.ListOptions{After: want[len(want)-1]})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(past.Items) != 0 || past.Next != "" {
		t.Errorf("list after the last item = %q next %q, want nothing", names(past.Items), past.Next)
	}
}

// Parties.

func testPartyCreateFindReplace(t *testing.T, s raci.Service) {
	mustPutTenant(t, s, newTenant("acme"))
	in := newParty("acme", "auth0", raci.Vendor)
	in.Contacts = []string{"#ops-acme", "ops@auth0.example", "#ops-acme"}
	stored, created, err := s.PutParty(ctx(t), in, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutParty: %v", err)
	}
	if !created {
		t.Error("PutParty of a new party: created = false, want true")
	}
	wantStamps(t, "created party", stored.Version, 1, stored.CreatedAt, stored.UpdatedAt)
	if stored.Tenant != "acme" || stored.Name != "auth0" || stored.Kind != raci.Vendor || stored.DisplayName != in.DisplayName {
		t.Errorf("stored party %+v does not hold what was put", stored)
	}
	if want := []string{"#ops-acme", "ops@auth0.example"}; !slices.Equal(stored.Contacts, want) {
		t.Errorf("contacts = %q, want %q (sorted, distinct)", stored.Contacts, want)
	}
	sameParty(t, mustFindParty(t, s, "acme", "auth0"), stored)

	time.Sleep(2 * time.Millisecond)
	change := newParty("acme", "auth0", raci.ThirdParty)
	change.Contacts = nil
	replaced, created, err := s.PutParty(ctx(t), change, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutParty (replace): %v", err)
	}
	if created {
		t.Error("PutParty of an existing party: created = true, want false")
	}
	wantStamps(t, "replaced party", replaced.Version, 2, replaced.CreatedAt, replaced.UpdatedAt)
	if !replaced.CreatedAt.Equal(stored.CreatedAt) {
		t.Errorf("created_at changed on replace: %v, was %v", replaced.CreatedAt, stored.CreatedAt)
	}
	found := mustFindParty(t, s, "acme", "auth0")
	sameParty(t, found, replaced)
	if found.Kind != raci.ThirdParty {
		t.Errorf("kind = %q after replace, want %q", found.Kind, raci.ThirdParty)
	}
	if found.Contacts == nil || len(found.Contacts) != 0 {
		t.Errorf("contacts = %#v, want an empty, non-nil slice", found.Contacts)
	}
}

func testPartyPreconditions(t *testing.T, s raci.Service) {
	mustPutTenant(t, s, newTenant("acme"))
	stored, created, err := s.PutParty(ctx(t), newParty("acme", "auth0", raci.Vendor), raci.Precondition{IfNoneMatch: true})
	if err != nil || !created {
		t.Fatalf("PutParty with IfNoneMatch on a new party = created %v, %v", created, err)
	}
	_, _, err = s.PutParty(ctx(t), newParty("acme", "auth0", raci.Vendor), raci.Precondition{IfNoneMatch: true})
	wantCode(t, err, raci.EPRECONDITION)

	if _, _, err := s.PutParty(ctx(t), newParty("acme", "auth0", raci.Vendor), raci.Precondition{IfMatch: stored.Version}); err != nil {
		t.Fatalf("PutParty with the current IfMatch: %v", err)
	}
	_, _, err = s.PutParty(ctx(t), newParty("acme", "auth0", raci.Customer), raci.Precondition{IfMatch: stored.Version})
	wantCode(t, err, raci.EPRECONDITION)
	if found := mustFindParty(t, s, "acme", "auth0"); found.Kind != raci.Vendor || found.Version != 2 {
		t.Errorf("a failed precondition changed the party: %+v", found)
	}

	_, _, err = s.PutParty(ctx(t), newParty("acme", "ghost", raci.Vendor), raci.Precondition{IfMatch: 1})
	wantCode(t, err, raci.EPRECONDITION)
	_, err = s.FindParty(ctx(t), "acme", "ghost")
	wantCode(t, err, raci.ENOTFOUND)

	wantCode(t, s.DeleteParty(ctx(t), "acme", "auth0", raci.Precondition{IfMatch: 1}), raci.EPRECONDITION)
	mustFindParty(t, s, "acme", "auth0")
	if err := s.DeleteParty(ctx(t), "acme", "auth0", raci.Precondition{IfMatch: 2}); err != nil {
		t.Fatalf("DeleteParty with the current IfMatch: %v", err)
	}
	_, err = s.FindParty(ctx(t), "acme", "auth0")
	wantCode(t, err, raci.ENOTFOUND)
}

func testPartyMissing(t *testing.T, s raci.Service) {
	// No such tenant.
	_, _, err := s.PutParty(ctx(t), newParty("nope", "auth0", raci.Vendor), raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.FindParty(ctx(t), "nope", "auth0")
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ListParties(ctx(t), "nope", raci.ListOptions{})
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteParty(ctx(t), "nope", "auth0", raci.Precondition{}), raci.ENOTFOUND)

	// No such party.
	mustPutTenant(t, s, newTenant("acme"))
	_, err = s.FindParty(ctx(t), "acme", "auth0")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteParty(ctx(t), "acme", "auth0", raci.Precondition{}), raci.ENOTFOUND)
	wantCode(t, s.DeleteParty(ctx(t), "acme", "auth0", raci.Precondition{IfMatch: 1}), raci.ENOTFOUND)
}

func testPartyInvalid(t *testing.T, s raci.Service) {
	mustPutTenant(t, s, newTenant("acme"))
	cases := []struct {
		name   string
		change func(*raci.Party)
		field  string
	}{
		{"name not a slug", func(p *raci.Party) { p.Name = "Auth0 Inc" }, "name"},
		{"no kind", func(p *raci.Party) { p.Kind = "" }, "kind"},
		{"unknown kind", func(p *raci.Party) { p.Kind = "partner" }, "kind"},
		{"empty contact", func(p *raci.Party) { p.Contacts = []string{""} }, "contacts[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newParty("acme", "auth0", raci.Vendor)
			c.change(p)
			_, _, err := s.PutParty(ctx(t), p, raci.Precondition{})
			wantProblem(t, err, c.field)
			if _, err := s.FindParty(ctx(t), "acme", p.Name); raci.ErrorCode(err) != raci.ENOTFOUND {
				t.Errorf("an invalid party was stored: FindParty error %v", err)
			}
		})
	}
}

func testPartyDeleteAssigned(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPartyPut := mustPutParty(t, s, newParty("acme", "msp", raci.ThirdParty))
	withMSP := newRow("acme", "network",
		assign("vendor", raci.Responsible),
		assign("customer", raci.Accountable),
		assign("msp", raci.Informed))
	mustPutRow(t, s, withMSP)

	wantCode(t, s.DeleteParty(ctx(t), "acme", "msp", raci.Precondition{}), raci.ECONFLICT)
	sameParty(t, mustFindParty(t, s, "acme", "msp"), mustPartyPut)

	// Once no row assigns it, it goes.
	mustPutRow(t, s, standardRow("acme", "network"))
	if err := s.DeleteParty(ctx(t), "acme", "msp", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteParty of a party no row assigns: %v", err)
	}
}

func testPartyTenantsAreSeparate(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	setupTenant(t, s, "globex", raci.RACI)
	mustPutParty(t, s, newParty("acme", "msp", raci.ThirdParty))

	// A party of another tenant is not a party of this one.
	_, _, err := s.PutResponsibility(ctx(t), newRow("globex", "network",
		assign("vendor", raci.Responsible, raci.Accountable),
		assign("msp", raci.Informed)), raci.Precondition{})
	wantProblem(t, err, "assignments[0].party", `"msp"`)
	_, err = s.FindParty(ctx(t), "globex", "msp")
	wantCode(t, err, raci.ENOTFOUND)

	// Same name, two tenants, two parties.
	if err := s.DeleteParty(ctx(t), "acme", "vendor", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteParty: %v", err)
	}
	mustFindParty(t, s, "globex", "vendor")
}

func testPartyList(t *testing.T, s raci.Service) {
	mustPutTenant(t, s, newTenant("acme"))
	mustPutTenant(t, s, newTenant("other"))
	if page, err := s.ListParties(ctx(t), "acme", raci.ListOptions{}); err != nil || len(page.Items) != 0 || page.Next != "" {
		t.Fatalf("ListParties of a tenant without parties = %+v, %v; want no items", page, err)
	}
	names := []string{"p7", "p1", "p5", "p3", "p2", "p6", "p4"}
	for _, n := range names {
		mustPutParty(t, s, newParty("acme", n, raci.Vendor))
	}
	// Another tenant's parties never show.
	mustPutParty(t, s, newParty("other", "p0", raci.Vendor))
	mustPutParty(t, s, newParty("other", "p35", raci.Vendor))
	list := func(opts raci.ListOptions) (*raci.Page[*raci.Party], error) {
		return s.ListParties(ctx(t), "acme", opts)
	}
	checkPaging(t, list, func(p *raci.Party) string { return p.Name }, slices.Sorted(slices.Values(names)))
}

// Responsibilities.

func testResponsibilityCreateFindReplace(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	in := standardRow("acme", "monitoring")
	in.Notes = "The customer monitors the installation."
	stored, created, err := s.PutResponsibility(ctx(t), in, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutResponsibility: %v", err)
	}
	if !created {
		t.Error("PutResponsibility of a new row: created = false, want true")
	}
	wantStamps(t, "created row", stored.Version, 1, stored.CreatedAt, stored.UpdatedAt)
	if stored.Title != in.Title || stored.Category != in.Category || stored.Description != in.Description || stored.Notes != in.Notes {
		t.Errorf("stored row %+v does not hold what was put", stored)
	}
	sameRow(t, mustFindRow(t, s, "acme", "monitoring"), stored)

	// Replace swaps the assignments wholesale.
	time.Sleep(2 * time.Millisecond)
	change := newRow("acme", "monitoring",
		assign("vendor", raci.Responsible, raci.Accountable),
		assign("customer", raci.Informed))
	change.Title = "Monitoring"
	replaced, created, err := s.PutResponsibility(ctx(t), change, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutResponsibility (replace): %v", err)
	}
	if created {
		t.Error("PutResponsibility of an existing row: created = true, want false")
	}
	wantStamps(t, "replaced row", replaced.Version, 2, replaced.CreatedAt, replaced.UpdatedAt)
	if !replaced.CreatedAt.Equal(stored.CreatedAt) {
		t.Errorf("created_at changed on replace: %v, was %v", replaced.CreatedAt, stored.CreatedAt)
	}
	found := mustFindRow(t, s, "acme", "monitoring")
	sameRow(t, found, replaced)
	want := []raci.Assignment{
		{Party: "customer", Roles: []raci.Role{raci.Informed}},
		{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
	}
	if !reflect.DeepEqual(found.Assignments, want) || found.Title != "Monitoring" || found.Notes != "" {
		t.Errorf("after replace: title %q notes %q assignments %+v; want title %q, no notes, assignments %+v",
			found.Title, found.Notes, found.Assignments, "Monitoring", want)
	}
}

// testResponsibilityAccountability: each accountability round trips, a row that
// gives none reads as single, and one the letters contradict is refused unchanged.
func testResponsibilityAccountability(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	put := func(r *raci.Responsibility) *raci.Responsibility {
		t.Helper()
		stored, _, err := s.PutResponsibility(ctx(t), r, raci.Precondition{})
		if err != nil {
			t.Fatalf("PutResponsibility %s (%s): %v", r.Key, r.Accountability, err)
		}
		return stored
	}
	// Unset: single, as every row written before the field existed.
	if got := put(standardRow("acme", "monitoring")); got.Accountability != raci.AccountabilitySingle {
		t.Errorf("row put without accountability: stored %q, want single", got.Accountability)
	}
	if got := mustFindRow(t, s, "acme", "monitoring"); got.Accountability != raci.AccountabilitySingle {
		t.Errorf("row put without accountability: found %q, want single", got.Accountability)
	}
	shared := newRow("acme", "security", assign("vendor", raci.Responsible, raci.Accountable), assign("customer", raci.Responsible, raci.Accountable))
	shared.Accountability = raci.AccountabilityShared
	unassigned := newRow("acme", "configuration", assign("vendor", raci.Consulted), assign("customer", raci.Responsible))
	unassigned.Accountability = raci.AccountabilityUnassigned
	for _, r := range []*raci.Responsibility{shared, unassigned} {
		stored := put(r)
		if stored.Accountability != r.Accountability {
			t.Errorf("row %s: stored accountability %q, want %q", r.Key, stored.Accountability, r.Accountability)
		}
		sameRow(t, mustFindRow(t, s, "acme", r.Key), stored)
	}
	page, err := s.ListResponsibilities(ctx(t), "acme", raci.ListOptions{})
	if err != nil {
		t.Fatalf("ListResponsibilities: %v", err)
	}
	listed := map[string]raci.Accountability{}
	for _, r := range page.Items {
		listed[r.Key] = r.Accountability
	}
	if want := map[string]raci.Accountability{"configuration": "unassigned", "monitoring": "single", "security": "shared"}; !reflect.DeepEqual(listed, want) {
		t.Errorf("listed accountabilities %v, want %v", listed, want)
	}

	// Changed: shared becomes single once the parties settle who answers.
	settled := newRow("acme", "security", assign("vendor", raci.Responsible, raci.Accountable), assign("customer", raci.Responsible))
	settled.Accountability = raci.AccountabilitySingle
	if got := put(settled); got.Accountability != raci.AccountabilitySingle || got.Version != 2 {
		t.Errorf("settled row: accountability %q version %d, want single at version 2", got.Accountability, got.Version)
	}

	// Refused, and nothing changes: letters that contradict the accountability.
	wrong := newRow("acme", "configuration", assign("vendor", raci.Responsible, raci.Accountable), assign("customer", raci.Consulted))
	wrong.Accountability = raci.AccountabilityUnassigned
	_, _, err = s.PutResponsibility(ctx(t), wrong, raci.Precondition{})
	wantProblem(t, err, "accountability", `accountability = "unassigned" but gives "A" to vendor`)
	twoA := newRow("acme", "configuration", assign("vendor", raci.Responsible, raci.Accountable), assign("customer", raci.Accountable))
	_, _, err = s.PutResponsibility(ctx(t), twoA, raci.Precondition{})
	wantProblem(t, err, "assignments", `set accountability = "shared"`)
	unknown := standardRow("acme", "configuration")
	unknown.Accountability = "joint"
	_, _, err = s.PutResponsibility(ctx(t), unknown, raci.Precondition{})
	wantProblem(t, err, "accountability", `"joint"`)
	if got := mustFindRow(t, s, "acme", "configuration"); got.Accountability != raci.AccountabilityUnassigned || got.Version != 1 {
		t.Errorf("after refused writes: accountability %q version %d, want unassigned at version 1", got.Accountability, got.Version)
	}
}

// testResponsibilityAsWritten: optional, the row's condition and its position round
// trip, set, changed and unset; a bad position is refused unchanged.
func testResponsibilityAsWritten(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	in := standardRow("acme", "user-migration")
	in.Optional, in.When, in.Position = true, "if required", 8
	stored, _, err := s.PutResponsibility(ctx(t), in, raci.Precondition{})
	if err != nil {
		t.Fatalf("PutResponsibility: %v", err)
	}
	if !stored.Optional || stored.When != "if required" || stored.Position != 8 {
		t.Errorf("stored optional %v when %q position %d; want true, %q, 8", stored.Optional, stored.When, stored.Position, "if required")
	}
	sameRow(t, mustFindRow(t, s, "acme", "user-migration"), stored)
	page, err := s.ListResponsibilities(ctx(t), "acme", raci.ListOptions{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListResponsibilities = %+v, %v", page, err)
	}
	sameRow(t, page.Items[0], stored)

	// Unset again: not optional, no condition, no position.
	cleared, _, err := s.PutResponsibility(ctx(t), standardRow("acme", "user-migration"), raci.Precondition{})
	if err != nil {
		t.Fatalf("PutResponsibility (clear): %v", err)
	}
	if found := mustFindRow(t, s, "acme", "user-migration"); found.Optional || found.When != "" || found.Position != 0 || found.Version != cleared.Version {
		t.Errorf("after clearing: optional %v when %q position %d version %d", found.Optional, found.When, found.Position, found.Version)
	}

	bad := standardRow("acme", "user-migration")
	bad.Position = -2
	_, _, err = s.PutResponsibility(ctx(t), bad, raci.Precondition{})
	wantProblem(t, err, "position", "-2")
	if found := mustFindRow(t, s, "acme", "user-migration"); found.Version != cleared.Version {
		t.Errorf("a refused write changed the row: version %d, want %d", found.Version, cleared.Version)
	}
}

func testResponsibilityNormalized(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutParty(t, s, newParty("acme", "msp", raci.ThirdParty))
	in := newRow("acme", "updates",
		raci.Assignment{Party: "vendor", Roles: []raci.Role{raci.Informed, raci.Responsible, raci.Responsible}, Holder: "customer success engineer"},
		raci.Assignment{Party: "msp", Roles: []raci.Role{raci.Consulted}},
		raci.Assignment{Party: "customer", Roles: []raci.Role{raci.Accountable, raci.Responsible}, Holder: "infrastructure engineer"},
	)
	want := []raci.Assignment{
		{Party: "customer", Roles: []raci.Role{raci.Responsible, raci.Accountable}, Holder: "infrastructure engineer"},
		{Party: "msp", Roles: []raci.Role{raci.Consulted}},
		{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Informed}, Holder: "customer success engineer"},
	}
	stored := mustPutRow(t, s, in)
	if !reflect.DeepEqual(stored.Assignments, want) {
		t.Errorf("stored assignments = %+v, want %+v (by party, letters in R A S C I D order, once)", stored.Assignments, want)
	}
	if found := mustFindRow(t, s, "acme", "updates"); !reflect.DeepEqual(found.Assignments, want) {
		t.Errorf("found assignments = %+v, want %+v", found.Assignments, want)
	}
}

// testResponsibilityConditions stores the shape of a real matrix (seed 003, "Code
// Integration into Applications"): one party under two conditions.
func testResponsibilityConditions(t *testing.T, s raci.Service) {
	mustPutTenant(t, s, newTenant("acme"))
	mustPutParty(t, s, newParty("acme", "auth0", raci.Vendor))
	mustPutParty(t, s, newParty("acme", "subscriber", raci.Customer))
	in := newRow("acme", "code-integration",
		raci.Assignment{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
		raci.Assignment{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
		raci.Assignment{Party: "auth0", Roles: []raci.Role{raci.Consulted}},
	)
	in.Title = "Code Integration into Applications"
	stored := mustPutRow(t, s, in)
	want := []raci.Assignment{
		{Party: "auth0", Roles: []raci.Role{raci.Consulted}},
		{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
		{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
	}
	if !reflect.DeepEqual(stored.Assignments, want) {
		t.Errorf("stored assignments = %+v, want %+v", stored.Assignments, want)
	}
	sameRow(t, mustFindRow(t, s, "acme", "code-integration"), stored)

	// The same party twice under the same condition is refused.
	twice := newRow("acme", "testing-updates",
		raci.Assignment{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
		raci.Assignment{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "if there are issues"},
		raci.Assignment{Party: "auth0", Roles: []raci.Role{raci.Consulted}, When: "if there are issues"},
	)
	_, _, err := s.PutResponsibility(ctx(t), twice, raci.Precondition{})
	wantProblem(t, err, "assignments", `"auth0"`)
}

func testResponsibilityPreconditions(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	stored, created, err := s.PutResponsibility(ctx(t), standardRow("acme", "backups"), raci.Precondition{IfNoneMatch: true})
	if err != nil || !created {
		t.Fatalf("PutResponsibility with IfNoneMatch on a new row = created %v, %v", created, err)
	}
	_, _, err = s.PutResponsibility(ctx(t), standardRow("acme", "backups"), raci.Precondition{IfNoneMatch: true})
	wantCode(t, err, raci.EPRECONDITION)

	if _, _, err := s.PutResponsibility(ctx(t), standardRow("acme", "backups"), raci.Precondition{IfMatch: stored.Version}); err != nil {
		t.Fatalf("PutResponsibility with the current IfMatch: %v", err)
	}
	stale := standardRow("acme", "backups")
	stale.Title = "stale"
	_, _, err = s.PutResponsibility(ctx(t), stale, raci.Precondition{IfMatch: stored.Version})
	wantCode(t, err, raci.EPRECONDITION)
	if found := mustFindRow(t, s, "acme", "backups"); found.Title == "stale" || found.Version != 2 {
		t.Errorf("a failed precondition changed the row: %+v", found)
	}

	_, _, err = s.PutResponsibility(ctx(t), standardRow("acme", "ghost"), raci.Precondition{IfMatch: 1})
	wantCode(t, err, raci.EPRECONDITION)
	_, err = s.FindResponsibility(ctx(t), "acme", "ghost")
	wantCode(t, err, raci.ENOTFOUND)
}

func testResponsibilityMissing(t *testing.T, s raci.Service) {
	// No such tenant.
	_, _, err := s.PutResponsibility(ctx(t), standardRow("nope", "backups"), raci.Precondition{})
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.FindResponsibility(ctx(t), "nope", "backups")
	wantCode(t, err, raci.ENOTFOUND)
	_, err = s.ListResponsibilities(ctx(t), "nope", raci.ListOptions{})
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteResponsibility(ctx(t), "nope", "backups", raci.Precondition{}), raci.ENOTFOUND)

	// No such row.
	setupTenant(t, s, "acme", raci.RACI)
	_, err = s.FindResponsibility(ctx(t), "acme", "backups")
	wantCode(t, err, raci.ENOTFOUND)
	wantCode(t, s.DeleteResponsibility(ctx(t), "acme", "backups", raci.Precondition{}), raci.ENOTFOUND)
	wantCode(t, s.DeleteResponsibility(ctx(t), "acme", "backups", raci.Precondition{IfMatch: 1}), raci.ENOTFOUND)
}

func testResponsibilityInvalid(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	cases := []struct {
		name    string
		row     *raci.Responsibility
		field   string
		details []string
	}{
		{"key not a slug", standardRow("acme", "Backing Up"), "key", nil},
		{"no title", func() *raci.Responsibility { r := standardRow("acme", "backups"); r.Title = " "; return r }(), "title", nil},
		{"no accountable", newRow("acme", "backups", assign("vendor", raci.Responsible), assign("customer", raci.Informed)),
			"assignments", []string{`"backups"`, "Accountable"}},
		{"two accountable", newRow("acme", "backups", assign("vendor", raci.Responsible, raci.Accountable), assign("customer", raci.Accountable)),
			"assignments", []string{`"backups"`, "2 Accountable parties", `set accountability = "shared"`}},
		{"no responsible", newRow("acme", "backups", assign("vendor", raci.Accountable), assign("customer", raci.Consulted)),
			"assignments", []string{`"backups"`, "Responsible"}},
		{"letter outside the scheme", newRow("acme", "backups", assign("customer", raci.Accountable), assign("vendor", raci.Responsible, "X")),
			"assignments[1].roles", []string{`"backups"`, `"X"`}},
		{"no letters", newRow("acme", "backups", assign("customer", raci.Accountable, raci.Responsible), assign("vendor")),
			"assignments[1].roles", []string{`"vendor"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := s.PutResponsibility(ctx(t), c.row, raci.Precondition{})
			wantProblem(t, err, c.field, c.details...)
			if _, err := s.FindResponsibility(ctx(t), "acme", c.row.Key); raci.ErrorCode(err) != raci.ENOTFOUND {
				t.Errorf("an invalid row was stored: FindResponsibility error %v", err)
			}
		})
	}
}

func testResponsibilityUnknownParty(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	r := newRow("acme", "network",
		assign("customer", raci.Accountable),
		assign("vendor", raci.Responsible),
		assign("zeta-networks", raci.Consulted))
	_, _, err := s.PutResponsibility(ctx(t), r, raci.Precondition{})
	wantProblem(t, err, "assignments[2].party", `"zeta-networks"`, `"network"`)
	_, err = s.FindResponsibility(ctx(t), "acme", "network")
	wantCode(t, err, raci.ENOTFOUND)

	// Replacing a valid row with one naming an unknown party leaves the valid one.
	stored := mustPutRow(t, s, standardRow("acme", "network"))
	_, _, err = s.PutResponsibility(ctx(t), r, raci.Precondition{})
	wantCode(t, err, raci.EINVALID)
	sameRow(t, mustFindRow(t, s, "acme", "network"), stored)
}

func testResponsibilitySchemes(t *testing.T, s raci.Service) {
	setupTenant(t, s, "raci", raci.RACI)
	setupTenant(t, s, "rasci", raci.RASCI)
	setupTenant(t, s, "daci", raci.DACI)

	supportive := func(tenant string) *raci.Responsibility {
		return newRow(tenant, "updates",
			assign("vendor", raci.Responsible, raci.Accountable),
			assign("customer", raci.Supportive))
	}
	_, _, err := s.PutResponsibility(ctx(t), supportive("raci"), raci.Precondition{})
	wantProblem(t, err, "assignments[0].roles", `"S"`, "RASCI")
	mustPutRow(t, s, supportive("rasci"))

	// DACI: D does the work; an R neither counts nor is allowed.
	driven := newRow("daci", "updates",
		assign("vendor", raci.Driver),
		assign("customer", raci.Accountable, raci.Informed))
	mustPutRow(t, s, driven)
	_, _, err = s.PutResponsibility(ctx(t), standardRow("daci", "backups"), raci.Precondition{})
	wantProblem(t, err, "assignments", "Driver")
	wantProblem(t, err, "assignments[1].roles", `"R"`)
	driven.Tenant = "raci"
	_, _, err = s.PutResponsibility(ctx(t), driven, raci.Precondition{})
	wantProblem(t, err, "assignments[1].roles", `"D"`, "DACI")
}

func testResponsibilityDelete(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	stored := mustPutRow(t, s, standardRow("acme", "backups"))
	mustPutRow(t, s, standardRow("acme", "backups")) // version 2

	wantCode(t, s.DeleteResponsibility(ctx(t), "acme", "backups", raci.Precondition{IfMatch: stored.Version}), raci.EPRECONDITION)
	mustFindRow(t, s, "acme", "backups")
	if err := s.DeleteResponsibility(ctx(t), "acme", "backups", raci.Precondition{IfMatch: 2}); err != nil {
		t.Fatalf("DeleteResponsibility with the current IfMatch: %v", err)
	}
	_, err := s.FindResponsibility(ctx(t), "acme", "backups")
	wantCode(t, err, raci.ENOTFOUND)

	// Its assignments went with it: the parties are free, and a row created again
	// under the key starts over with only its own assignments.
	if err := s.DeleteParty(ctx(t), "acme", "vendor", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteParty after its only row was deleted: %v", err)
	}
	again := mustPutRow(t, s, newRow("acme", "backups", assign("customer", raci.Responsible, raci.Accountable)))
	if again.Version != 1 || len(again.Assignments) != 1 {
		t.Errorf("recreated row: version %d assignments %+v; want version 1 and one assignment", again.Version, again.Assignments)
	}
}

func testResponsibilityList(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	setupTenant(t, s, "other", raci.RACI)
	if page, err := s.ListResponsibilities(ctx(t), "acme", raci.ListOptions{}); err != nil || len(page.Items) != 0 || page.Next != "" {
		t.Fatalf("ListResponsibilities of a tenant without rows = %+v, %v; want no items", page, err)
	}
	keys := []string{"updates", "backups", "network", "monitoring", "certificates", "access", "testing"}
	// Each row's assignments carry its key, so rows listed with another row's
	// assignments show.
	for _, k := range keys {
		mustPutRow(t, s, newRow("acme", k,
			raci.Assignment{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}, Holder: k + " engineer"},
			raci.Assignment{Party: "customer", Roles: []raci.Role{raci.Accountable}, When: "for " + k}))
	}
	mustPutRow(t, s, standardRow("other", "billing"))
	mustPutRow(t, s, standardRow("other", "backups-extra"))

	list := func(opts raci.ListOptions) (*raci.Page[*raci.Responsibility], error) {
		page, err := s.ListResponsibilities(ctx(t), "acme", opts)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			want := []raci.Assignment{
				{Party: "customer", Roles: []raci.Role{raci.Accountable}, When: "for " + r.Key},
				{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}, Holder: r.Key + " engineer"},
			}
			if r.Tenant != "acme" || !reflect.DeepEqual(r.Assignments, want) {
				t.Errorf("listed row %q of tenant %q has assignments %+v, want %+v", r.Key, r.Tenant, r.Assignments, want)
			}
			if r.Version != 1 || r.CreatedAt.IsZero() {
				t.Errorf("listed row %q: version %d created_at %v", r.Key, r.Version, r.CreatedAt)
			}
		}
		return page, nil
	}
	checkPaging(t, list, func(r *raci.Responsibility) string { return r.Key }, slices.Sorted(slices.Values(keys)))
}

// Snapshots.

// testSnapshot reads whole tenants through raci.ReadSnapshot, which uses the
// service's own Snapshot when it has one.
func testSnapshot(t *testing.T, s raci.Service) {
	_, err := raci.ReadSnapshot(ctx(t), s, "nope")
	wantCode(t, err, raci.ENOTFOUND)

	mustPutTenant(t, s, newTenant("empty"))
	empty, err := raci.ReadSnapshot(ctx(t), s, "empty")
	if err != nil {
		t.Fatalf("ReadSnapshot of an empty tenant: %v", err)
	}
	if empty.Parties == nil || len(empty.Parties) != 0 || empty.Responsibilities == nil || len(empty.Responsibilities) != 0 {
		t.Errorf("snapshot of an empty tenant: parties %#v rows %#v; want empty, non-nil", empty.Parties, empty.Responsibilities)
	}

	setupTenant(t, s, "acme", raci.RACI)
	mustPutParty(t, s, newParty("acme", "msp", raci.ThirdParty))
	for _, k := range []string{"updates", "backups", "network"} {
		mustPutRow(t, s, standardRow("acme", k))
	}
	mustPutRow(t, s, newRow("acme", "access",
		assign("msp", raci.Responsible), assign("customer", raci.Accountable), assign("vendor", raci.Informed)))
	setupTenant(t, s, "other", raci.RACI)
	mustPutRow(t, s, standardRow("other", "billing"))

	snap, err := raci.ReadSnapshot(ctx(t), s, "acme")
	if err != nil {
		t.Fatalf("ReadSnapshot: %v", err)
	}
	sameTenant(t, snap.Tenant, mustFindTenant(t, s, "acme"))
	var parties, keys []string
	for _, p := range snap.Parties {
		parties = append(parties, p.Name)
		sameParty(t, p, mustFindParty(t, s, "acme", p.Name))
	}
	for _, r := range snap.Responsibilities {
		keys = append(keys, r.Key)
		sameRow(t, r, mustFindRow(t, s, "acme", r.Key))
	}
	if want := []string{"customer", "msp", "vendor"}; !slices.Equal(parties, want) {
		t.Errorf("snapshot parties = %q, want %q", parties, want)
	}
	if want := []string{"access", "backups", "network", "updates"}; !slices.Equal(keys, want) {
		t.Errorf("snapshot rows = %q, want %q", keys, want)
	}
}

// Concurrency.

func testConcurrentWriters(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	mustPutRow(t, s, standardRow("acme", "backups"))

	const writers, writes = 8, 10
	errs := make(chan error, writers*writes)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range writes {
				r := standardRow("acme", "backups")
				r.Notes = fmt.Sprintf("writer %d write %d", w, i)
				if _, _, err := s.PutResponsibility(ctx(t), r, raci.Precondition{}); err != nil {
					errs <- fmt.Errorf("writer %d write %d: %w", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a write without precondition failed under concurrency: %v", err)
	}
	// No write lost: each counted once.
	if found := mustFindRow(t, s, "acme", "backups"); found.Version != 1+writers*writes {
		t.Errorf("version after %d concurrent writes = %d, want %d", writers*writes, found.Version, 1+writers*writes)
	}
}

func testConcurrentIfMatch(t *testing.T, s raci.Service) {
	setupTenant(t, s, "acme", raci.RACI)
	read := mustPutRow(t, s, standardRow("acme", "backups"))

	const writers = 8
	codes := make(chan string, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := standardRow("acme", "backups")
			r.Notes = fmt.Sprintf("writer %d", w)
			_, _, err := s.PutResponsibility(ctx(t), r, raci.Precondition{IfMatch: read.Version})
			codes <- raci.ErrorCode(err)
		}()
	}
	wg.Wait()
	close(codes)
	won, lost := 0, 0
	for code := range codes {
		switch code {
		case "":
			won++
		case raci.EPRECONDITION:
			lost++
		default:
			t.Errorf("a write with a stale IfMatch failed with %q, want %q", code, raci.EPRECONDITION)
		}
	}
	if won != 1 || lost != writers-1 {
		t.Errorf("%d writers with the same IfMatch: %d succeeded and %d got %s; want exactly 1 to succeed", writers, won, lost, raci.EPRECONDITION)
	}
	if found := mustFindRow(t, s, "acme", "backups"); found.Version != read.Version+1 {
		t.Errorf("version = %d, want %d", found.Version, read.Version+1)
	}
}

func testConcurrentIfNoneMatch(t *testing.T, s raci.Service) {
	const creators = 8
	codes := make(chan string, creators)
	var wg sync.WaitGroup
	for range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.PutTenant(ctx(t), newTenant("acme"), raci.Precondition{IfNoneMatch: true})
			codes <- raci.ErrorCode(err)
		}()
	}
	wg.Wait()
	close(codes)
	won := 0
	for code := range codes {
		switch code {
		case "":
			won++
		case raci.EPRECONDITION:
		default:
			t.Errorf("a racing create failed with %q, want %q", code, raci.EPRECONDITION)
		}
	}
	if won != 1 {
		t.Errorf("%d racing creates with IfNoneMatch: %d succeeded, want exactly 1", creators, won)
	}
	if found := mustFindTenant(t, s, "acme"); found.Version != 1 {
		t.Errorf("version = %d after one create, want 1", found.Version)
	}
}
