// Package web serves the RACI server's pages for people who do not run Terraform:
// the tenants they may read, a tenant's matrix, its checklists with progress and
// blockers, and forms to tick checklist items. Pages are rendered on the server
// with html/template and work without JavaScript.
//
// People sign in with an API token. The browser then holds only a random session
// secret in an HttpOnly, SameSite=Strict cookie; the store maps its hash to the
// session, and the session to its token, so that every server on the database
// shares it and revoking the token ends it. Every form carries a CSRF token checked
// on every POST.
package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Cookie and form field names.
const (
	sessionCookie = "raci_session"
	// signinCSRFCookie protects the sign-in form before there is a session: the
	// form's hidden field must equal the cookie (double submit).
	signinCSRFCookie = "raci_signin_csrf"
	csrfField        = "csrf"
)

// DefaultSessionTTL is how long a sign-in lasts.
const DefaultSessionTTL = 8 * time.Hour

// bootstrapTokenName names the credential of Options.Token in the event log, as the
// API does.
const bootstrapTokenName = "bootstrap"

// Options configures the web pages.
type Options struct {
	// Token, when not empty, is the admin secret the API accepts as "bootstrap"; it
	// signs in here too.
	Token string
	// Logger receives the details of internal errors; nil discards them.
	Logger *slog.Logger
	// SessionTTL is how long a sign-in lasts; zero means DefaultSessionTTL.
	SessionTTL time.Duration
	// Now is the clock readiness and sign-in limits are judged by; nil means
	// time.Now. Sessions expire by the store's clock.
	Now func() time.Time
	// SignInFailures is how many failed sign-ins a client address may make in a
	// minute before its sign-ins are refused for the rest of it; zero means
	// DefaultSignInFailures.
	SignInFailures int
	// TrustedProxies are the addresses of the reverse proxies in front of the
	// server: their X-Forwarded-Proto says whether the browser used HTTPS (then
	// cookies are Secure), and their X-Forwarded-For names the client whose failed
	// sign-ins count. Nobody else's are believed.
	TrustedProxies []netip.Prefix
	// OIDC, when not nil, signs people in with an OpenID Provider besides tokens;
	// their scopes come from the tenants' grants (raci.AccessService).
	OIDC *OIDC
}

// Handler serves the web pages. It is an http.Handler.
type Handler struct {
	svc       raci.Service
	tokens    raci.TokenService
	tokenHash []byte
	logger    *slog.Logger
	now       func() time.Time
	// sessions is the store's, nil when it keeps none: then nobody can sign in.
	sessions   raci.SessionService
	sessionTTL time.Duration
	limiter    *signInLimiter
	trusted    []netip.Prefix
	oidc       *OIDC
	// access is the store's grants to people, nil when it keeps none: then a
	// person signed in may act on nothing.
	access raci.AccessService
	pages  map[string]*template.Template
	mux    *http.ServeMux
}

var _ http.Handler = (*Handler)(nil)

// New returns the web pages for svc. tokens authenticates sign-ins besides
// opts.Token; it may be nil. Sessions are kept by tokens when it is a
// raci.SessionService, else by svc; without one, nobody can sign in.
func New(svc raci.Service, tokens raci.TokenService, opts Options) *Handler {
	h := &Handler{
		svc:    svc,
		tokens: tokens,
		logger: opts.Logger,
		now:    opts.Now,
		mux:    http.NewServeMux(),
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if opts.Token != "" {
		sum := sha256.Sum256([]byte(opts.Token))
		h.tokenHash = sum[:]
	}
	ttl := opts.SessionTTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	h.sessionTTL = ttl
	failures := opts.SignInFailures
	if failures <= 0 {
		failures = DefaultSignInFailures
	}
	h.limiter = newSignInLimiter(failures, h.now)
	h.trusted = opts.TrustedProxies
	if ss, ok := tokens.(raci.SessionService); ok {
		h.sessions = ss
	} else if ss, ok := svc.(raci.SessionService); ok {
		h.sessions = ss
	}
	h.oidc = opts.OIDC
	h.access, _ = svc.(raci.AccessService)
	h.pages = parsePages()

	for _, rt := range h.routes() {
		h.mux.Handle(rt.method+" "+rt.pattern, rt.handler)
	}
	return h
}

// route is one page or form of the web pages.
type route struct {
	method, pattern string
	handler         http.Handler
}

// routes lists every route, for New and for the test that checks who may use each.
func (h *Handler) routes() []route {
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded directory exists at compile time
	}
	return []route{
		{http.MethodGet, "/static/", http.StripPrefix("/static/", http.FileServerFS(static))},
		{http.MethodGet, "/{$}", http.HandlerFunc(h.tenants)},
		{http.MethodGet, "/signin", http.HandlerFunc(h.signinForm)},
		{http.MethodPost, "/signin", http.HandlerFunc(h.signin)},
		{http.MethodPost, "/signout", http.HandlerFunc(h.signout)},
		{http.MethodGet, "/signin/oidc", http.HandlerFunc(h.oidcStart)},
		{http.MethodGet, OIDCCallbackPath, http.HandlerFunc(h.oidcCallback)},
		{http.MethodGet, "/tenants/{tenant}", http.HandlerFunc(h.tenant)},
		{http.MethodPost, "/tenants/{tenant}/checklists/{checklist}/items/{item}", http.HandlerFunc(h.updateItem)},
	}
}

// ServeHTTP logs the request as the API logs its own, then serves it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	info := &requestInfo{}
	r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
	defer func() {
		// The route pattern, not the path; the session's token by name. Never a
		// header, a cookie or a form value: they carry secrets.
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", rec.statusCode()),
			slog.Duration("duration", time.Since(start)),
		}
		if info.actor != "" {
			attrs = append(attrs, slog.String("actor", info.actor))
		}
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	}()
	h.serve(rec, r)
}

// requestInfo is what a request's handlers learn that its log line shows.
type requestInfo struct {
	actor string
}

type requestInfoKey struct{}

// noteActor names the request's token in its log line.
func noteActor(r *http.Request, name string) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.actor = name
	}
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// serve sets the headers every page shares, then routes the request; paths no
// route knows get the HTML 404 page rather than ServeMux's plain text.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("X-Frame-Options", "DENY")
	// Every name in a page's path is a slug: a path that is not UTF-8 text, or
	// holds a control character, names no page, and never reaches a store, which
	// may fail on it (PostgreSQL refuses NUL and invalid UTF-8).
	if fault, _ := raci.TextFault(r.URL.Path, false); fault != "" {
		h.notFound(w, r)
		return
	}
	if _, pattern := h.mux.Handler(r); pattern == "" {
		probe := &statusProbe{header: http.Header{}}
		handler, _ := h.mux.Handler(r)
		handler.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			hdr.Set("Allow", probe.header.Get("Allow"))
			h.errorPage(w, r, http.StatusMethodNotAllowed, "This page does not accept that request.")
			return
		}
		h.notFound(w, r)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// statusProbe records what ServeMux would answer for an unrouted request.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(status int)      { p.status = status }

// authenticate returns the token a secret belongs to, or an EUNAUTHORIZED error.
func (h *Handler) authenticate(ctx context.Context, secret string) (*raci.Token, error) {
	if secret == "" {
		return nil, raci.Errorf(raci.EUNAUTHORIZED, "Enter a token.")
	}
	if h.tokenHash != nil {
		// Comparing hashes takes the same time whatever the secret's length.
		got := sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(got[:], h.tokenHash) == 1 {
			return &raci.Token{Name: bootstrapTokenName, Scopes: []raci.Scope{raci.AdminScope}}, nil
		}
	}
	if h.tokens != nil {
		tok, err := h.tokens.Authenticate(ctx, secret)
		if err == nil {
			return tok, nil
		}
		if raci.ErrorCode(err) != raci.EUNAUTHORIZED {
			return nil, fmt.Errorf("authenticate token: %w", err)
		}
	}
	return nil, raci.Errorf(raci.EUNAUTHORIZED, tokenInvalid)
}

// tokenInvalid is what the sign-in page says of a token it does not take.
const tokenInvalid = "That token is not valid for this server: check it, or ask an administrator for a new one."

// currentSession returns the request's session, or nil when it has none.
func (h *Handler) currentSession(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	return h.findSession(r, c.Value)
}

// requireSession returns the request's session, or redirects to the sign-in page
// and returns nil.
func (h *Handler) requireSession(w http.ResponseWriter, r *http.Request) *session {
	sess := h.currentSession(r)
	if sess == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	}
	return sess
}

// validCSRF checks the form's CSRF token against want in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.PostFormValue(csrfField)
	if got == "" || want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   OverHTTPS(r, h.trusted),
		SameSite: http.SameSiteStrictMode,
	})
}

// internalError logs err and shows a page that tells nothing of it.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, err error) {
	h.logger.LogAttrs(r.Context(), slog.LevelError, "web page failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	h.errorPage(w, r, http.StatusInternalServerError, "Something went wrong on the server. Try again; if it keeps happening, tell an administrator.")
}

// notFound answers a tenant the session may not read exactly like a missing one.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusNotFound, "There is no page here, or you may not see it.")
}

// storeError shows an application error's message, and hides anything else.
func (h *Handler) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch raci.ErrorCode(err) {
	case raci.ENOTFOUND:
		h.notFound(w, r)
	case raci.EINTERNAL:
		h.internalError(w, r, err)
	default:
		var e *raci.Error
		if errors.As(err, &e) {
			h.errorPage(w, r, http.StatusBadRequest, e.Message)
			return
		}
		h.internalError(w, r, err)
	}
}
