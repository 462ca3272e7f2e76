package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// OIDCConfig is how the pages sign people in with an OpenID Provider.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is read at
	// start.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is where the provider sends the browser back: this server's
	// /signin/oidc/callback as the browser reaches it. Register it with the
	// provider.
	RedirectURL string
	// GroupsClaim names the ID token's claim that lists the person's groups;
	// "groups" when empty.
	GroupsClaim string
}

// DefaultGroupsClaim is the ID token claim read for a person's groups.
const DefaultGroupsClaim = "groups"

// OIDCCallbackPath is the path of the redirect URL to register with the provider.
const OIDCCallbackPath = "/signin/oidc/callback"

// OIDC signs people in with the authorization code flow, PKCE, state and nonce.
type OIDC struct {
	issuer      string
	oauth       oauth2.Config
	verifier    *oidc.IDTokenVerifier
	groupsClaim string
	// client makes the requests to the provider (discovery, keys, code exchange).
	client *http.Client
}

// NewOIDC reads the provider's discovery document. client, when not nil, makes the
// requests to the provider.
func NewOIDC(ctx context.Context, cfg OIDCConfig, client *http.Client) (*OIDC, error) {
	var ps []string
	if cfg.Issuer == "" {
		ps = append(ps, "--oidc-issuer is required: the identity provider's issuer URL")
	}
	if cfg.ClientID == "" {
		ps = append(ps, "--oidc-client-id is required: the client ID registered with the identity provider")
	}
	if cfg.RedirectURL == "" {
		ps = append(ps, "--oidc-redirect-url is required: this server's URL followed by "+OIDCCallbackPath+", as registered with the identity provider")
	}
	if len(ps) > 0 {
		return nil, errors.New(strings.Join(ps, "; "))
	}
	if client != nil {
		ctx = oidc.ClientContext(ctx, client)
	}
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("read the discovery document of OpenID Provider %q (check --oidc-issuer): %w", cfg.Issuer, err)
	}
	claim := cfg.GroupsClaim
	if claim == "" {
		claim = DefaultGroupsClaim
	}
	return &OIDC{
		issuer: cfg.Issuer,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  cfg.RedirectURL,
			// Only the standard scopes: some providers (Google) refuse a scope they
			// do not know, and those that name groups put them in the ID token by a
			// mapper or claim rule of the client, not by a scope.
			Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
		},
		verifier:    provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		groupsClaim: claim,
		client:      client,
	}, nil
}

// Issuer is the provider's issuer URL.
func (o *OIDC) Issuer() string { return o.issuer }

func (o *OIDC) context(ctx context.Context) context.Context {
	if o.client != nil {
		return oidc.ClientContext(ctx, o.client)
	}
	return ctx
}

// oidcCookie holds a sign-in's state, nonce and PKCE verifier between the redirect
// to the provider and the callback. SameSite=Lax, not Strict: the callback is a
// navigation from the provider's site.
const oidcCookie = "raci_oidc"

// oidcStart sends the browser to the provider.
func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.oidc == nil {
		h.notFound(w, r)
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{
		Name:     oidcCookie,
		Value:    state + "." + nonce + "." + verifier,
		Path:     "/signin/oidc",
		MaxAge:   600,
		HttpOnly: true,
		Secure:   OverHTTPS(r, h.trusted),
		SameSite: http.SameSiteLaxMode,
	})
	url := h.oidc.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	http.Redirect(w, r, url, http.StatusFound)
}

// oidcRefused is what a refused sign-in says after its reason: how to go on.
const oidcRefused = " Sign in again from this site's sign-in page; if it keeps happening, tell an administrator."

// oidcCallback takes the provider's answer: it checks the state against the
// cookie, exchanges the code with the PKCE verifier, verifies the ID token (its
// issuer, audience, expiry and signature) and its nonce, and starts a session
// naming the person by their verified email and groups.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.oidc == nil {
		h.notFound(w, r)
		return
	}
	q := r.URL.Query()
	c, err := r.Cookie(oidcCookie)
	parts := []string{}
	if err == nil {
		parts = strings.Split(c.Value, ".")
	}
	// The cookie is used once, whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/signin/oidc", MaxAge: -1, HttpOnly: true,
		Secure: OverHTTPS(r, h.trusted), SameSite: http.SameSiteLaxMode})
	if e := q.Get("error"); e != "" {
		h.errorPage(w, r, http.StatusUnauthorized, fmt.Sprintf("The identity provider did not sign you in (%s).", textOnly(e))+oidcRefused)
		return
	}
	if len(parts) != 3 || q.Get("state") == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(parts[0])) != 1 {
		h.errorPage(w, r, http.StatusBadRequest, "The sign-in's state does not match the one this browser started with, "+
			"so the answer may not be for you: it was refused."+oidcRefused)
		return
	}
	nonce, verifier := parts[1], parts[2]
	ctx := h.oidc.context(r.Context())
	tok, err := h.oidc.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		h.logger.WarnContext(r.Context(), "oidc code exchange refused", "error", err)
		h.errorPage(w, r, http.StatusUnauthorized, "The identity provider did not accept the sign-in's code: it may have been used already, or have expired."+oidcRefused)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		h.errorPage(w, r, http.StatusUnauthorized, "The identity provider sent no ID token."+oidcRefused)
		return
	}
	idt, err := h.oidc.verifier.Verify(ctx, raw)
	if err != nil {
		h.logger.WarnContext(r.Context(), "oidc id token refused", "error", err)
		h.errorPage(w, r, http.StatusUnauthorized, fmt.Sprintf("The ID token was refused: it is not one issuer %s signed for this server, or it has expired.", h.oidc.issuer)+oidcRefused)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		h.errorPage(w, r, http.StatusUnauthorized, "The ID token's nonce does not match this sign-in's: it was refused."+oidcRefused)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		h.internalError(w, r, fmt.Errorf("read the claims of an ID token: %w", err))
		return
	}
	email, _ := claims["email"].(string)
	verified, _ := claims["email_verified"].(bool)
	if email == "" {
		h.errorPage(w, r, http.StatusForbidden, "The identity provider did not say who you are: its ID token has no email. Ask an administrator to release the email claim to this server.")
		return
	}
	if !verified {
		h.errorPage(w, r, http.StatusForbidden, fmt.Sprintf("The identity provider has not verified the email %s, so it cannot name you here. Verify it with the identity provider, then sign in again.", email))
		return
	}
	person := raci.Person{Email: raci.NormalizeEmail(email), Groups: groupsOf(claims[h.oidc.groupsClaim])}
	if h.sessions == nil {
		h.internalError(w, r, errors.New("the store keeps no web sessions"))
		return
	}
	var replaces string
	if c, err := r.Cookie(sessionCookie); err == nil {
		replaces = c.Value
	}
	_, secret, err := h.sessions.CreatePersonSession(r.Context(), person, h.sessionTTL, replaces)
	if err != nil {
		h.internalError(w, r, fmt.Errorf("create session: %w", err))
		return
	}
	noteActor(r, person.Email)
	h.setCookie(w, r, sessionCookie, secret, int(h.sessionTTL.Seconds()))
	// A page, not a redirect: the browser came from the provider's site, and would
	// not send the SameSite=Strict session cookie on a redirect that follows.
	h.render(w, r, http.StatusOK, "signedin", page{Title: "Signed in", Data: person.Email})
}

// groupsOf reads a groups claim: a list of strings, or one string.
func groupsOf(v any) []string {
	switch g := v.(type) {
	case string:
		return []string{g}
	case []any:
		out := make([]string, 0, len(g))
		for _, x := range g {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// textOnly keeps an error code from the provider short and printable.
func textOnly(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	if fault, _ := raci.TextFault(s, false); fault != "" {
		return "an unreadable error"
	}
	return s
}
