package racitest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// TokenStore is a store of API tokens: what RunTokens tests.
type TokenStore interface {
	raci.TokenService
}

// RunTokens runs the suite of raci.TokenService. open returns a store with no
// tokens; it is called once per subtest, and may register cleanups on the t it is
// given.
func RunTokens(t *testing.T, open func(t *testing.T) TokenStore) {
	run := func(name string, fn func(t *testing.T, s TokenStore)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}

	run("Token/CreateAuthenticate", testTokenCreateAuthenticate)
	run("Token/WrongSecret", testTokenWrongSecret)
	run("Token/Delete", testTokenDelete)
	run("Token/List", testTokenList)
	run("Token/DuplicateName", testTokenDuplicateName)
	run("Token/Invalid", testTokenInvalid)
	run("Token/Count", testTokenCount)
	run("Token/Concurrency/CreatorsOfOneName", testTokenConcurrentCreators)
}

// Fixtures.

func mustCreateToken(t *testing.T, s TokenStore, name string, scopes ...raci.Scope) (*raci.Token, string) {
	t.Helper()
	stored, secret, err := s.CreateToken(ctx(t), &raci.Token{Name: name, Scopes: scopes})
	if err != nil {
		t.Fatalf("CreateToken(%q): %v", name, err)
	}
	if secret == "" {
		t.Fatalf("CreateToken(%q) returned no secret", name)
	}
	return stored, secret
}

func mustAuthenticate(t *testing.T, s TokenStore, secret, wantName string) *raci.Token {
	t.Helper()
	tok, err := s.Authenticate(ctx(t), secret)
	if err != nil {
		t.Fatalf("Authenticate with the secret of token %q: %v", wantName, err)
	}
	if tok.Name != wantName {
		t.Fatalf("Authenticate with the secret of token %q returned token %q", wantName, tok.Name)
	}
	return tok
}

// wantUnauthorized fails unless err is EUNAUTHORIZED with a message that does not
// repeat the secret presented.
func wantUnauthorized(t *testing.T, err error, secret string) {
	t.Helper()
	wantCode(t, err, raci.EUNAUTHORIZED)
	if secret != "" && strings.Contains(raci.ErrorMessage(err), secret) {
		t.Errorf("the EUNAUTHORIZED message %q repeats the secret presented", raci.ErrorMessage(err))
	}
}

func mustCountTokens(t *testing.T, s TokenStore) int {
	t.Helper()
	n, err := s.CountTokens(ctx(t))
	if err != nil {
		t.Fatalf("CountTokens: %v", err)
	}
	return n
}

func tokenNames(tokens []*raci.Token) []string {
	names := make([]string, len(tokens))
	for i, tok := range tokens {
		names[i] = tok.Name
	}
	return names
}

// Tokens.

func testTokenCreateAuthenticate(t *testing.T, s TokenStore) {
	scopes := []raci.Scope{raci.TenantScope("acme", raci.AccessWrite), raci.TenantScope("globex", raci.AccessRead)}
	stored, secret := mustCreateToken(t, s, "ci", scopes...)
	if stored.Name != "ci" || !slices.Equal(stored.Scopes, scopes) {
		t.Errorf("created token = %+v, want name %q and scopes %q", stored, "ci", scopes)
	}
	if stored.CreatedAt.IsZero() {
		t.Error("created token has no created_at")
	}

	tok := mustAuthenticate(t, s, secret, "ci")
	if !slices.Equal(tok.Scopes, scopes) {
		t.Errorf("authenticated token scopes = %q, want %q", tok.Scopes, scopes)
	}
	if !tok.CreatedAt.Equal(stored.CreatedAt) {
		t.Errorf("authenticated token created_at = %v, want %v", tok.CreatedAt, stored.CreatedAt)
	}
	// What the scopes grant survives the store.
	if !tok.Can("acme", raci.AccessWrite) || !tok.Can("globex", raci.AccessRead) || tok.Can("globex", raci.AccessWrite) || tok.IsAdmin() {
		t.Errorf("authenticated token %+v does not grant what its scopes say", tok)
	}

	// A second token gets a secret of its own, and each secret names its token.
	_, other := mustCreateToken(t, s, "admin", raci.AdminScope)
	if other == secret {
		t.Fatal("two tokens got the same secret")
	}
	if tok := mustAuthenticate(t, s, other, "admin"); !tok.IsAdmin() {
		t.Errorf("admin token authenticated as %+v, want the admin scope", tok)
	}
	mustAuthenticate(t, s, secret, "ci")
}

func testTokenWrongSecret(t *testing.T, s TokenStore) {
	// With no token at all, nothing authenticates.
	_, err := s.Authenticate(ctx(t), "")
	wantUnauthorized(t, err, "")

	_, secret := mustCreateToken(t, s, "ci", raci.AdminScope)
	last := secret[len(secret)-1]
	changed := "A"
	if last == 'A' {
		changed = "B"
	}
	for _, wrong := range []string{
		"",
		"raci_",
		secret[:len(secret)-1] + changed, // one character off
		secret[:len(secret)-1],           // cut short
		secret + "x",                     // too long
		" " + secret,                     // not trimmed: a secret is exact
		strings.ToUpper(secret),
	} {
		if wrong == secret {
			continue
		}
		_, err := s.Authenticate(ctx(t), wrong)
		wantUnauthorized(t, err, wrong)
	}
	mustAuthenticate(t, s, secret, "ci")
}

func testTokenDelete(t *testing.T, s TokenStore) {
	_, ci := mustCreateToken(t, s, "ci", raci.TenantScope("acme", raci.AccessWrite))
	_, admin := mustCreateToken(t, s, "admin", raci.AdminScope)

	if err := s.DeleteToken(ctx(t), "ci"); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	_, err := s.Authenticate(ctx(t), ci)
	wantUnauthorized(t, err, ci)
	mustAuthenticate(t, s, admin, "admin")

	wantCode(t, s.DeleteToken(ctx(t), "ci"), raci.ENOTFOUND)
	wantCode(t, s.DeleteToken(ctx(t), "never"), raci.ENOTFOUND)

	// The name is free again, and the new token's secret is not the old one.
	_, again := mustCreateToken(t, s, "ci", raci.TenantScope("acme", raci.AccessRead))
	if again == ci {
		t.Error("a token created again under a revoked token's name got the revoked secret")
	}
	_, err = s.Authenticate(ctx(t), ci)
	wantUnauthorized(t, err, ci)
	if tok := mustAuthenticate(t, s, again, "ci"); tok.Can("acme", raci.AccessWrite) {
		t.Errorf("the new token %q has the revoked token's scopes: %q", tok.Name, tok.Scopes)
	}
}

func testTokenList(t *testing.T, s TokenStore) {
	tokens, err := s.ListTokens(ctx(t))
	if err != nil {
		t.Fatalf("ListTokens on an empty store: %v", err)
	}
	if len(tokens) != 0 {
		t.Errorf("ListTokens on an empty store = %q, want none", tokenNames(tokens))
	}

	var secrets []string
	for _, name := range []string{"terraform", "admin", "checklists"} {
		_, secret := mustCreateToken(t, s, name, raci.TenantScope("acme", raci.AccessChecklist))
		secrets = append(secrets, secret)
	}
	tokens, err = s.ListTokens(ctx(t))
	if err != nil {
		t.Fatalf("ListTokens: %v", err)
	}
	if got, want := tokenNames(tokens), []string{"admin", "checklists", "terraform"}; !slices.Equal(got, want) {
		t.Errorf("ListTokens = %q, want %q (ordered by name)", got, want)
	}
	for _, tok := range tokens {
		if want := []raci.Scope{raci.TenantScope("acme", raci.AccessChecklist)}; !slices.Equal(tok.Scopes, want) {
			t.Errorf("listed token %q scopes = %q, want %q", tok.Name, tok.Scopes, want)
		}
		if tok.CreatedAt.IsZero() {
			t.Errorf("listed token %q has no created_at", tok.Name)
		}
	}
	// Whatever the list holds, and however it is serialized, no secret is in it.
	out, err := json.Marshal(tokens)
	if err != nil {
		t.Fatal(err)
	}
	dump := string(out) + fmt.Sprintf("%+v", tokens)
	for _, tok := range tokens {
		dump += fmt.Sprintf("%+v", *tok)
	}
	for _, secret := range secrets {
		if strings.Contains(dump, secret) {
			t.Errorf("ListTokens shows a secret: %s", dump)
		}
	}
}

func testTokenDuplicateName(t *testing.T, s TokenStore) {
	_, first := mustCreateToken(t, s, "ci", raci.TenantScope("acme", raci.AccessRead))
	stored, secret, err := s.CreateToken(ctx(t), &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}})
	wantCode(t, err, raci.ECONFLICT)
	if stored != nil || secret != "" {
		t.Errorf("a refused CreateToken returned token %+v and a secret", stored)
	}
	// The first token is untouched: same secret, same scopes.
	if tok := mustAuthenticate(t, s, first, "ci"); tok.IsAdmin() {
		t.Errorf("a refused CreateToken changed the existing token's scopes to %q", tok.Scopes)
	}
	if n := mustCountTokens(t, s); n != 1 {
		t.Errorf("CountTokens = %d after a refused duplicate, want 1", n)
	}
}

func testTokenInvalid(t *testing.T, s TokenStore) {
	cases := []struct {
		name  string
		token raci.Token
		field string
		says  string
	}{
		{"name not a slug", raci.Token{Name: "CI Token", Scopes: []raci.Scope{raci.AdminScope}}, "name", ""},
		{"no name", raci.Token{Scopes: []raci.Scope{raci.AdminScope}}, "name", ""},
		{"no scopes", raci.Token{Name: "ci"}, "scopes", "no scopes"},
		{"unknown access", raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope, "tenant:acme:owner"}}, "scopes[1]", `"tenant:acme:owner"`},
		{"tenant not a slug", raci.Token{Name: "ci", Scopes: []raci.Scope{"tenant:Acme Corp:read"}}, "scopes[0]", ""},
		{"bare tenant", raci.Token{Name: "ci", Scopes: []raci.Scope{"acme"}}, "scopes[0]", ""},
		{"too many scopes", raci.Token{Name: "ci", Scopes: slices.Repeat([]raci.Scope{raci.AdminScope}, raci.MaxScopes+1)}, "scopes", "at most"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stored, secret, err := s.CreateToken(ctx(t), &c.token)
			if c.says != "" {
				wantProblem(t, err, c.field, c.says)
			} else {
				wantProblem(t, err, c.field)
			}
			if stored != nil || secret != "" {
				t.Errorf("an invalid CreateToken returned token %+v and a secret", stored)
			}
			if n := mustCountTokens(t, s); n != 0 {
				t.Errorf("an invalid token was stored: CountTokens = %d", n)
			}
		})
	}
}

func testTokenCount(t *testing.T, s TokenStore) {
	if n := mustCountTokens(t, s); n != 0 {
		t.Fatalf("CountTokens on an empty store = %d, want 0", n)
	}
	mustCreateToken(t, s, "admin", raci.AdminScope)
	mustCreateToken(t, s, "ci", raci.TenantScope("acme", raci.AccessWrite))
	if n := mustCountTokens(t, s); n != 2 {
		t.Errorf("CountTokens = %d, want 2", n)
	}
	if err := s.DeleteToken(ctx(t), "admin"); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if n := mustCountTokens(t, s); n != 1 {
		t.Errorf("CountTokens after a delete = %d, want 1", n)
	}
}

// testTokenConcurrentCreators races creators of one name: exactly one gets a secret,
// and it is the one that works.
func testTokenConcurrentCreators(t *testing.T, s TokenStore) {
	const creators = 8
	type result struct {
		secret string
		code   string
	}
	results := make(chan result, creators)
	var wg sync.WaitGroup
	for range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, secret, err := s.CreateToken(ctx(t), &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}})
			results <- result{secret, raci.ErrorCode(err)}
		}()
	}
	wg.Wait()
	close(results)
	var won []string
	for r := range results {
		switch r.code {
		case "":
			won = append(won, r.secret)
		case raci.ECONFLICT:
		default:
			t.Errorf("a racing CreateToken failed with %q, want %q", r.code, raci.ECONFLICT)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d racing creates of one name: %d succeeded, want exactly 1", creators, len(won))
	}
	mustAuthenticate(t, s, won[0], "ci")
	if n := mustCountTokens(t, s); n != 1 {
		t.Errorf("CountTokens = %d after racing creates, want 1", n)
	}
}
