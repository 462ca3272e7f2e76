package racitest

import (
	"slices"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// AccessStore is a store of tenants and grants to people: what RunAccess tests.
// A store that is also a raci.SessionService (a database, not the API's client)
// is tested for finding a person's grants and keeping people's sessions too.
type AccessStore interface {
	raci.Service
	raci.AccessService
}

// personStore is an AccessStore that keeps sessions: the server's store.
type personStore interface {
	AccessStore
	raci.SessionService
}

// RunAccess runs the suite of raci.AccessService and of people's sessions. open
// returns an empty store; it is called once per subtest. When share is not nil it
// returns a second store on the same database (another replica), and the suite
// checks that a grant removed on one is gone on the other at once.
func RunAccess(t *testing.T, open func(t *testing.T) AccessStore, share func(t *testing.T, s AccessStore) AccessStore) {
	run := func(name string, fn func(t *testing.T, s AccessStore)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
	run("Access/PutFindList", testAccessPutFindList)
	run("Access/Invalid", testAccessInvalid)
	run("Access/DeletedWithTenant", testAccessDeletedWithTenant)
	people := func(name string, fn func(t *testing.T, s personStore)) {
		t.Helper()
		run(name, func(t *testing.T, s AccessStore) {
			ps, ok := s.(personStore)
			if !ok {
				t.Skip("the store keeps no sessions: a person's grants are found where sessions are")
			}
			fn(t, ps)
		})
	}
	people("Access/For", testAccessFor)
	people("Access/PersonSession", testAccessPersonSession)
	if share != nil {
		run("Access/SharedByReplicas", func(t *testing.T, s AccessStore) { testAccessShared(t, s, share(t, s)) })
	}
}

func infraGrant(tenant string) *raci.Access {
	return &raci.Access{Tenant: tenant, Name: "infra", Scope: raci.AccessChecklist,
		Groups: []string{"initech-infra", "initech-infra"}, Emails: []string{" Peter@Initech.example "}}
}

func testAccessPutFindList(t *testing.T, s AccessStore) {
	mustPutTenant(t, s, newTenant("initech"))
	a, created, err := s.PutAccess(ctx(t), infraGrant("initech"))
	if err != nil || !created {
		t.Fatalf("PutAccess = created %v, %v; want a new grant", created, err)
	}
	if !slices.Equal(a.Groups, []string{"initech-infra"}) || !slices.Equal(a.Emails, []string{"peter@initech.example"}) {
		t.Errorf("stored groups %q, emails %q: want one group and the email trimmed in lower case", a.Groups, a.Emails)
	}
	got, err := s.FindAccess(ctx(t), "initech", "infra")
	if err != nil || got.Scope != raci.AccessChecklist || !slices.Equal(got.Groups, a.Groups) || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("FindAccess = %+v, %v; want %+v", got, err, a)
	}
	upd := infraGrant("initech")
	upd.Scope = raci.AccessWrite
	upd.Emails = nil
	b, created, err := s.PutAccess(ctx(t), upd)
	if err != nil || created || b.Scope != raci.AccessWrite || len(b.Emails) != 0 || !b.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("replacing the grant = %+v, created %v, %v; want write, no emails, the first creation time", b, created, err)
	}
	list, err := s.ListAccess(ctx(t), "initech")
	if err != nil || len(list) != 1 || list[0].Name != "infra" {
		t.Fatalf("ListAccess = %v, %v; want the one grant", list, err)
	}
	if _, err := s.ListAccess(ctx(t), "nobody"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("ListAccess of a missing tenant: %v; want ENOTFOUND", err)
	}
	if err := s.DeleteAccess(ctx(t), "initech", "infra"); err != nil {
		t.Fatalf("DeleteAccess: %v", err)
	}
	if _, err := s.FindAccess(ctx(t), "initech", "infra"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("FindAccess after delete: %v; want ENOTFOUND", err)
	}
	if err := s.DeleteAccess(ctx(t), "initech", "infra"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("deleting it again: %v; want ENOTFOUND", err)
	}
}

func testAccessInvalid(t *testing.T, s AccessStore) {
	mustPutTenant(t, s, newTenant("initech"))
	bad := &raci.Access{Tenant: "initech", Name: "infra", Scope: "admin", Emails: []string{"not an address"}}
	_, _, err := s.PutAccess(ctx(t), bad)
	if raci.ErrorCode(err) != raci.EINVALID {
		t.Fatalf("PutAccess of an admin grant to a non-address: %v; want EINVALID", err)
	}
	fields := map[string]bool{}
	for _, p := range raci.ErrorProblems(err) {
		fields[p.Field] = true
	}
	if !fields["scope"] || !fields["emails[0]"] {
		t.Errorf("problems name fields %v; want scope and emails[0]", fields)
	}
	if _, err := s.FindAccess(ctx(t), "initech", "infra"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("an invalid grant was stored: %v", err)
	}
	if _, _, err := s.PutAccess(ctx(t), infraGrant("nobody")); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("a grant on a missing tenant: %v; want ENOTFOUND", err)
	}
}

func testAccessFor(t *testing.T, s personStore) {
	mustPutTenant(t, s, newTenant("initech"))
	mustPutTenant(t, s, newTenant("hooli"))
	for _, a := range []*raci.Access{
		infraGrant("initech"),
		{Tenant: "hooli", Name: "gavin", Scope: raci.AccessRead, Emails: []string{"gavin@hooli.example"}},
		{Tenant: "hooli", Name: "ops", Scope: raci.AccessWrite, Groups: []string{"hooli-ops"}},
	} {
		if _, _, err := s.PutAccess(ctx(t), a); err != nil {
			t.Fatalf("PutAccess(%s): %v", a.Name, err)
		}
	}
	names := func(p raci.Person) []string {
		t.Helper()
		list, err := s.AccessFor(ctx(t), p)
		if err != nil {
			t.Fatalf("AccessFor(%+v): %v", p, err)
		}
		var out []string
		for _, a := range list {
			out = append(out, a.Tenant+"/"+a.Name)
		}
		return out
	}
	if got := names(raci.Person{Email: "milton@initech.example", Groups: []string{"initech-infra"}}); !slices.Equal(got, []string{"initech/infra"}) {
		t.Errorf("by group: %v; want initech/infra", got)
	}
	if got := names(raci.Person{Email: "GAVIN@hooli.example"}); !slices.Equal(got, []string{"hooli/gavin"}) {
		t.Errorf("by email in another case: %v; want hooli/gavin", got)
	}
	if got := names(raci.Person{Email: "gavin@hooli.example", Groups: []string{"hooli-ops", "initech-infra"}}); !slices.Equal(got, []string{"hooli/gavin", "hooli/ops", "initech/infra"}) {
		t.Errorf("by both: %v; want all three", got)
	}
	if got := names(raci.Person{Email: "", Groups: []string{"initech"}}); len(got) != 0 {
		t.Errorf("a person in no granted group: %v; want none", got)
	}
}

func testAccessDeletedWithTenant(t *testing.T, s AccessStore) {
	mustPutTenant(t, s, newTenant("initech"))
	if _, _, err := s.PutAccess(ctx(t), infraGrant("initech")); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTenant(ctx(t), "initech", raci.Precondition{}); err != nil {
		t.Fatalf("DeleteTenant with a grant: %v; want the grant to go with it", err)
	}
	mustPutTenant(t, s, newTenant("initech"))
	if list, err := s.ListAccess(ctx(t), "initech"); err != nil || len(list) != 0 {
		t.Errorf("the next tenant of the name inherits grants: %v, %v", list, err)
	}
}

func testAccessPersonSession(t *testing.T, s personStore) {
	p := raci.Person{Email: "peter@initech.example", Groups: []string{"initech-infra"}}
	sess, secret, err := s.CreatePersonSession(ctx(t), p, sessionTTL, "")
	if err != nil {
		t.Fatalf("CreatePersonSession: %v", err)
	}
	got, err := s.FindSession(ctx(t), secret)
	if err != nil || got.ID != sess.ID || got.Person == nil || got.Person.Email != p.Email || !slices.Equal(got.Person.Groups, p.Groups) || got.Token != "" {
		t.Fatalf("FindSession = %+v, %v; want the person's session", got, err)
	}
	list, err := s.ListSessions(ctx(t))
	if err != nil || len(list) != 1 || list[0].Person == nil {
		t.Fatalf("ListSessions = %v, %v; want the person's session", list, err)
	}
	if err := s.EndSession(ctx(t), secret); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx(t), secret); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("FindSession after sign-out: %v; want EUNAUTHORIZED", err)
	}
}

func testAccessShared(t *testing.T, a, b AccessStore) {
	mustPutTenant(t, a, newTenant("initech"))
	if _, _, err := a.PutAccess(ctx(t), infraGrant("initech")); err != nil {
		t.Fatal(err)
	}
	p := raci.Person{Email: "milton@initech.example", Groups: []string{"initech-infra"}}
	if list, err := b.AccessFor(ctx(t), p); err != nil || len(list) != 1 {
		t.Fatalf("the other replica finds %v, %v; want the grant", list, err)
	}
	if err := a.DeleteAccess(ctx(t), "initech", "infra"); err != nil {
		t.Fatal(err)
	}
	// No cache between the grant and the next request: the other replica sees the
	// removal at once.
	if list, err := b.AccessFor(ctx(t), p); err != nil || len(list) != 0 {
		t.Errorf("after the grant is removed, the other replica still finds %v, %v", list, err)
	}
}
