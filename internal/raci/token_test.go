package raci_test

import (
	"slices"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestTenantScope(t *testing.T) {
	for _, access := range []string{raci.AccessRead, raci.AccessChecklist, raci.AccessWrite} {
		s := raci.TenantScope("acme", access)
		if want := raci.Scope("tenant:acme:" + access); s != want {
			t.Errorf("TenantScope(acme, %s) = %q, want %q", access, s, want)
		}
		tenant, got, ok := s.Parse()
		if !ok || tenant != "acme" || got != access {
			t.Errorf("%q.Parse() = %q, %q, %v; want acme, %s, true", s, tenant, got, ok, access)
		}
		if !s.Valid() {
			t.Errorf("%q.Valid() = false, want true", s)
		}
	}
}

func TestScopeParseAndValid(t *testing.T) {
	cases := []struct {
		scope          raci.Scope
		tenant, access string // empty when Parse must fail
		valid          bool
	}{
		{"tenant:acme:read", "acme", "read", true},
		{"tenant:acme-eu_2:checklist", "acme-eu_2", "checklist", true},
		{"tenant:acme:write", "acme", "write", true},
		// admin is valid, but not a tenant scope.
		{"admin", "", "", true},
		{"Admin", "", "", false},
		{"", "", "", false},
		{"acme", "", "", false},
		{"tenant:acme", "", "", false},
		{"tenant:acme:", "", "", false},
		{"tenant::read", "", "", false},
		{"tenant:acme:owner", "", "", false},
		{"tenant:acme:READ", "", "", false},
		{"tenant:Acme:read", "", "", false},
		{"tenant:acme corp:read", "", "", false},
		{"tenant:acme:read:write", "", "", false},
		{"tenants:acme:read", "", "", false},
		{"TENANT:acme:read", "", "", false},
		{" tenant:acme:read", "", "", false},
		{"tenant:acme:read ", "", "", false},
		{"tenant:*:read", "", "", false},
	}
	for _, c := range cases {
		tenant, access, ok := c.scope.Parse()
		wantOK := c.tenant != ""
		if ok != wantOK || tenant != c.tenant || access != c.access {
			t.Errorf("%q.Parse() = %q, %q, %v; want %q, %q, %v", c.scope, tenant, access, ok, c.tenant, c.access, wantOK)
		}
		if got := c.scope.Valid(); got != c.valid {
			t.Errorf("%q.Valid() = %v, want %v", c.scope, got, c.valid)
		}
	}
}

func validToken() *raci.Token {
	return &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.TenantScope("acme", raci.AccessWrite), raci.AdminScope}}
}

func TestTokenValidate(t *testing.T) {
	if err := validToken().Validate(); err != nil {
		t.Fatalf("valid token: %v", err)
	}
	atLimit := validToken()
	atLimit.Scopes = slices.Repeat([]raci.Scope{raci.AdminScope}, raci.MaxScopes)
	if err := atLimit.Validate(); err != nil {
		t.Errorf("token with %d scopes, the limit: %v", raci.MaxScopes, err)
	}

	cases := []struct {
		name    string
		change  func(*raci.Token)
		field   string
		details []string
	}{
		{"no name", func(tk *raci.Token) { tk.Name = "" }, "name", []string{"Token name is required", raci.SlugRule}},
		{"name not a slug", func(tk *raci.Token) { tk.Name = "CI Token" }, "name", []string{`"CI Token"`, `e.g. "ci-token"`}},
		{"no scopes", func(tk *raci.Token) { tk.Scopes = nil }, "scopes", []string{`Token "ci" has no scopes`, raci.ScopeRule}},
		{"empty scopes", func(tk *raci.Token) { tk.Scopes = []raci.Scope{} }, "scopes", []string{"has no scopes"}},
		{"too many scopes", func(tk *raci.Token) { tk.Scopes = slices.Repeat([]raci.Scope{raci.AdminScope}, raci.MaxScopes+1) },
			"scopes", []string{`Token "ci" has 101 scopes`, "at most 100"}},
		{"unknown access", func(tk *raci.Token) { tk.Scopes = append(tk.Scopes, "tenant:acme:owner") },
			"scopes[2]", []string{`Scope "tenant:acme:owner" is not valid`, `"admin"`, `"tenant:<tenant>:checklist"`}},
		{"empty scope", func(tk *raci.Token) { tk.Scopes[0] = "" }, "scopes[0]", []string{`Scope "" is not valid`}},
		{"the bootstrap credential's name", func(tk *raci.Token) { tk.Name = "bootstrap" }, "name",
			[]string{`Token name "bootstrap" is the server's own`, "Choose another name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := validToken()
			c.change(tk)
			wantInvalid(t, tk.Validate(), c.field, c.details...)
		})
	}
}

func TestTokenValidateListsEveryProblem(t *testing.T) {
	tk := &raci.Token{Name: "CI", Scopes: []raci.Scope{"root", raci.AdminScope, "tenant:acme:delete"}}
	err := tk.Validate()
	wantInvalid(t, err, "name")
	wantInvalid(t, err, "scopes[0]", `"root"`)
	wantInvalid(t, err, "scopes[2]", `"tenant:acme:delete"`)
	if n := len(raci.ErrorProblems(err)); n != 3 {
		t.Errorf("%d problems, want 3: %v", n, err)
	}
}

func TestTokenCan(t *testing.T) {
	type grant struct {
		tenant, access string
		want           bool
	}
	all := func(tenant string, read, checklist, write bool) []grant {
		return []grant{{tenant, raci.AccessRead, read}, {tenant, raci.AccessChecklist, checklist}, {tenant, raci.AccessWrite, write}}
	}
	cases := []struct {
		name   string
		scopes []raci.Scope
		grants [][]grant
	}{
		{"write includes checklist and read", []raci.Scope{raci.TenantScope("acme", raci.AccessWrite)},
			[][]grant{all("acme", true, true, true), all("globex", false, false, false)}},
		{"checklist includes read, not write", []raci.Scope{raci.TenantScope("acme", raci.AccessChecklist)},
			[][]grant{all("acme", true, true, false), all("globex", false, false, false)}},
		{"read is read only", []raci.Scope{raci.TenantScope("acme", raci.AccessRead)},
			[][]grant{all("acme", true, false, false), all("globex", false, false, false)}},
		{"admin may do anything anywhere", []raci.Scope{raci.AdminScope},
			[][]grant{all("acme", true, true, true), all("globex", true, true, true)}},
		{"each tenant gets its own access", []raci.Scope{raci.TenantScope("acme", raci.AccessRead), raci.TenantScope("globex", raci.AccessWrite)},
			[][]grant{all("acme", true, false, false), all("globex", true, true, true), all("initech", false, false, false)}},
		{"the strongest scope of a tenant counts", []raci.Scope{raci.TenantScope("acme", raci.AccessRead), raci.TenantScope("acme", raci.AccessWrite)},
			[][]grant{all("acme", true, true, true)}},
		{"a tenant is matched whole, not by prefix", []raci.Scope{raci.TenantScope("acme", raci.AccessWrite)},
			[][]grant{all("acme-eu", false, false, false), all("acm", false, false, false)}},
		{"a malformed scope grants nothing", []raci.Scope{"tenant:acme:owner", "tenant:acme", "Admin"},
			[][]grant{all("acme", false, false, false)}},
		{"no scopes grant nothing", nil,
			[][]grant{all("acme", false, false, false)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := &raci.Token{Name: "ci", Scopes: c.scopes}
			for _, gs := range c.grants {
				for _, g := range gs {
					if got := tk.Can(g.tenant, g.access); got != g.want {
						t.Errorf("scopes %q: Can(%q, %q) = %v, want %v", c.scopes, g.tenant, g.access, got, g.want)
					}
				}
			}
		})
	}
}

func TestTokenIsAdmin(t *testing.T) {
	if !(&raci.Token{Scopes: []raci.Scope{raci.TenantScope("acme", raci.AccessRead), raci.AdminScope}}).IsAdmin() {
		t.Error("a token with the admin scope among others: IsAdmin = false")
	}
	for _, scopes := range [][]raci.Scope{nil, {raci.TenantScope("acme", raci.AccessWrite)}, {"Admin"}, {"tenant:admin:write"}} {
		if (&raci.Token{Scopes: scopes}).IsAdmin() {
			t.Errorf("scopes %q: IsAdmin = true, want false", scopes)
		}
	}
}

func TestTokenCanRefusesUnknownAccess(t *testing.T) {
	admin := &raci.Token{Name: "root", Scopes: []raci.Scope{raci.AdminScope}}
	writer := &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.TenantScope("acme", raci.AccessWrite)}}
	for _, tok := range []*raci.Token{admin, writer} {
		if tok.Can("acme", "bogus") || tok.Can("acme", "") {
			t.Errorf("%s: an undefined access level was granted", tok.Name)
		}
	}
}
