package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// testOP is a real OpenID Provider for the tests: zitadel's op package over an
// in-memory store of one client, some people and the sign-ins in flight, with a
// login page of its own.
type testOP struct {
	srv      *httptest.Server
	issuer   string
	provider *op.Provider
	store    *opStore
}

// testPerson is someone the provider knows; they sign in by name.
type testPerson struct {
	name     string
	email    string
	verified bool
	groups   []string
}

const (
	testClientID     = "raci-web"
	testClientSecret = "raci-web-secret"
)

// newTestOP starts a provider on 127.0.0.1 that accepts the client with these
// redirect URLs and signs in these people.
func newTestOP(t *testing.T, redirectURLs []string, people ...testPerson) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	o := &testOP{srv: httptest.NewUnstartedServer(nil)}
	o.issuer = "http://" + o.srv.Listener.Addr().String()
	o.store = &opStore{
		people:   map[string]testPerson{},
		requests: map[string]*opAuthRequest{},
		codes:    map[string]string{},
		tokens:   map[string]string{},
		key:      key,
		keyID:    randomHex(8),
		client:   &opClient{redirects: redirectURLs, issuer: o.issuer},
	}
	for _, p := range people {
		o.store.people[p.name] = p
	}
	var cryptoKey [32]byte
	_, _ = rand.Read(cryptoKey[:])
	o.provider, err = op.NewProvider(&op.Config{CryptoKey: cryptoKey, CodeMethodS256: true, SupportedScopes: []string{"openid", "email", "profile"}},
		o.store, op.StaticIssuer(o.issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	login := op.NewIssuerInterceptor(o.provider.IssuerFromRequest).HandlerFunc(o.login)
	mux.Handle("/login", login)
	mux.Handle("/", o.provider)
	o.srv.Config.Handler = mux
	o.srv.Start()
	t.Cleanup(o.srv.Close)
	return o
}

var opLoginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:4rem auto}label,input,button{display:block;margin:.5rem 0}</style></head>
<body><h1>Test identity provider</h1><p>Sign in to continue to RACI.</p>
<form method="post" action="/login"><input type="hidden" name="id" value="{{.}}">
<label for="username">User name</label><input id="username" name="username" autocomplete="username">
<button id="login" type="submit">Sign in</button></form></body></html>`))

// login is the provider's own sign-in page: a person names themselves, and the
// sign-in in flight is theirs.
func (o *testOP) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = opLoginPage.Execute(w, r.URL.Query().Get("id"))
		return
	}
	id, name := r.PostFormValue("id"), r.PostFormValue("username")
	if err := o.store.finish(id, name); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(o.provider)(r.Context(), id), http.StatusFound)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// opStore is the provider's in-memory storage (op.Storage).
type opStore struct {
	mu       sync.Mutex
	people   map[string]testPerson
	requests map[string]*opAuthRequest
	codes    map[string]string // code → request ID
	tokens   map[string]string // access token ID → subject
	key      *rsa.PrivateKey
	keyID    string
	client   *opClient
}

var _ op.Storage = (*opStore)(nil)

type notFound struct{ what string }

func (e notFound) Error() string { return e.what + " not found" }
func (notFound) IsNotFound()     {}

func (s *opStore) finish(id, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.requests[id]
	if !ok {
		return errors.New("no sign-in in flight with this ID")
	}
	if _, ok := s.people[name]; !ok {
		return fmt.Errorf("no person named %q", name)
	}
	req.subject, req.done, req.authTime = name, true, time.Now()
	return nil
}

func (s *opStore) CreateAuthRequest(_ context.Context, in *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := &opAuthRequest{id: randomHex(16), in: *in}
	if in.CodeChallenge != "" {
		req.challenge = &oidc.CodeChallenge{Challenge: in.CodeChallenge, Method: in.CodeChallengeMethod}
	}
	s.requests[req.id] = req
	return req, nil
}

func (s *opStore) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req, ok := s.requests[id]; ok {
		return req, nil
	}
	return nil, notFound{"auth request"}
}

func (s *opStore) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req, ok := s.requests[s.codes[code]]; ok {
		return req, nil
	}
	return nil, notFound{"code"}
}

func (s *opStore) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest is called once a code is exchanged: the code then finds
// nothing, so a replayed code is refused.
func (s *opStore) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for code, rid := range s.codes {
		if rid == id {
			delete(s.codes, code)
		}
	}
	return nil
}

func (s *opStore) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := randomHex(16)
	s.tokens[id] = req.GetSubject()
	return id, time.Now().Add(5 * time.Minute), nil
}

func (s *opStore) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens are not supported")
}

func (s *opStore) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *opStore) TerminateSession(context.Context, string, string) error { return nil }

func (s *opStore) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (s *opStore) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *opStore) SigningKey(context.Context) (op.SigningKey, error) {
	return opKey{id: s.keyID, key: s.key}, nil
}

func (s *opStore) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *opStore) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{opKey{id: s.keyID, key: &s.key.PublicKey}}, nil
}

func (s *opStore) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != testClientID {
		return nil, notFound{"client"}
	}
	return s.client, nil
}

func (s *opStore) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != testClientID || secret != testClientSecret {
		return errors.New("wrong client credentials")
	}
	return nil
}

// SetUserinfoFromScopes fills the ID token's claims: the email, whether it is
// verified, and the groups.
func (s *opStore) SetUserinfoFromScopes(_ context.Context, info *oidc.UserInfo, subject, _ string, scopes []string) error {
	s.mu.Lock()
	p, ok := s.people[subject]
	s.mu.Unlock()
	if !ok {
		return notFound{"person"}
	}
	info.Subject = subject
	for _, sc := range scopes {
		switch sc {
		case oidc.ScopeEmail:
			info.Email, info.EmailVerified = p.email, oidc.Bool(p.verified)
		case oidc.ScopeProfile:
			info.Name = p.name
		}
	}
	// The groups are in every ID token, as a Keycloak group mapper puts them: no
	// scope asks for them.
	info.AppendClaims("groups", p.groups)
	return nil
}

func (s *opStore) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	s.mu.Lock()
	subject, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok {
		return notFound{"token"}
	}
	return s.SetUserinfoFromScopes(ctx, info, subject, testClientID, []string{oidc.ScopeEmail, oidc.ScopeProfile})
}

func (s *opStore) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("introspection is not supported")
}

func (s *opStore) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return map[string]any{}, nil
}

func (s *opStore) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, notFound{"key"}
}

func (s *opStore) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (s *opStore) Health(context.Context) error { return nil }

// opAuthRequest is a sign-in in flight.
type opAuthRequest struct {
	id        string
	in        oidc.AuthRequest
	challenge *oidc.CodeChallenge
	subject   string
	done      bool
	authTime  time.Time
}

func (r *opAuthRequest) GetID() string                         { return r.id }
func (r *opAuthRequest) GetACR() string                        { return "" }
func (r *opAuthRequest) GetAMR() []string                      { return []string{"pwd"} }
func (r *opAuthRequest) GetAudience() []string                 { return []string{r.in.ClientID} }
func (r *opAuthRequest) GetAuthTime() time.Time                { return r.authTime }
func (r *opAuthRequest) GetClientID() string                   { return r.in.ClientID }
func (r *opAuthRequest) GetCodeChallenge() *oidc.CodeChallenge { return r.challenge }
func (r *opAuthRequest) GetNonce() string                      { return r.in.Nonce }
func (r *opAuthRequest) GetRedirectURI() string                { return r.in.RedirectURI }
func (r *opAuthRequest) GetResponseType() oidc.ResponseType    { return r.in.ResponseType }
func (r *opAuthRequest) GetResponseMode() oidc.ResponseMode    { return r.in.ResponseMode }
func (r *opAuthRequest) GetScopes() []string                   { return r.in.Scopes }
func (r *opAuthRequest) GetState() string                      { return r.in.State }
func (r *opAuthRequest) GetSubject() string                    { return r.subject }
func (r *opAuthRequest) Done() bool                            { return r.done }

// opClient is the RACI server, registered with the provider.
type opClient struct {
	redirects []string
	issuer    string
}

func (c *opClient) GetID() string                       { return testClientID }
func (c *opClient) RedirectURIs() []string              { return c.redirects }
func (c *opClient) PostLogoutRedirectURIs() []string    { return nil }
func (c *opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *opClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *opClient) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *opClient) LoginURL(id string) string            { return c.issuer + "/login?id=" + id }
func (c *opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *opClient) IDTokenLifetime() time.Duration       { return 5 * time.Minute }
func (c *opClient) DevMode() bool                        { return true }
func (c *opClient) IsScopeAllowed(string) bool           { return false }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// opKey is the provider's RSA key, private for signing and public in the key set.
type opKey struct {
	id  string
	key any
}

func (k opKey) ID() string                                  { return k.id }
func (k opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k opKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k opKey) Use() string                                 { return "sig" }
func (k opKey) Key() any                                    { return k.key }
