// Package server is the RACI HTTP API: one URL per object under /v1, PUT to create or
// replace, ETags for optimistic concurrency and RFC 9457 problem details for errors.
// It serves any raci.Service, so the same handlers front SQLite and PostgreSQL.
package server

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Options configures a Server.
type Options struct {
	// Token, when not empty, is an admin credential, named "bootstrap" in the event
	// log, accepted besides the tokens of a store that implements
	// raci.TokenService. With neither the API is open, which suits a server on
	// loopback only.
	Token string
	// Logger receives one line per request and the details of internal errors; nil
	// discards them.
	Logger *slog.Logger
	// Ready reports whether the server can answer requests, typically by pinging
	// the store; /readyz answers 503 while it returns an error. Nil means always.
	Ready func(context.Context) error
}

// Server is the HTTP API in front of a raci.Service. It is an http.Handler.
type Server struct {
	svc    raci.Service
	logger *slog.Logger
	ready  func(context.Context) error
	// tokenHash is the SHA-256 of Options.Token, nil without one; bootstrap is the
	// admin token it authenticates as.
	tokenHash []byte
	bootstrap *raci.Token
	// tokens is the store's, nil when it keeps none: then only Options.Token
	// authenticates, and the token routes answer 404.
	tokens raci.TokenService
	// sessions is the store's, nil when it keeps none: then the session routes
	// answer 404.
	sessions raci.SessionService
	// access is the store's grants to people, nil when it keeps none: then the
	// access routes answer 404.
	access raci.AccessService
	// webhooks is the store's, nil when it keeps none: then the webhook routes
	// answer 404.
	webhooks raci.WebhookService
	// revisions is the store's, nil when it keeps none: then every read goes to the
	// store. With it, reads of a tenant's objects are answered from cache while the
	// tenant's revision stays the same.
	revisions *revisionReader
	cache     *readCache
	mux       *http.ServeMux
	// metrics are served at /metrics; see metrics.go.
	metrics *metrics
}

var _ http.Handler = (*Server)(nil)

// New returns a server for svc.
func New(svc raci.Service, opts Options) *Server {
	s := &Server{
		svc:    svc,
		logger: opts.Logger,
		ready:  opts.Ready,
		mux:    http.NewServeMux(),
	}
	s.metrics = newMetrics()
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if opts.Token != "" {
		h := sha256.Sum256([]byte(opts.Token))
		s.tokenHash = h[:]
		s.bootstrap = &raci.Token{Name: raci.BootstrapTokenName, Scopes: []raci.Scope{raci.AdminScope}}
	}
	s.tokens, _ = svc.(raci.TokenService)
	s.sessions, _ = svc.(raci.SessionService)
	s.access, _ = svc.(raci.AccessService)
	s.webhooks, _ = svc.(raci.WebhookService)
	if store, ok := svc.(raci.RevisionService); ok {
		s.revisions = newRevisionReader(store)
		s.metrics.countRevisionQueries(&s.revisions.sent)
	}
	s.cache = newReadCache(defaultReadCacheBytes)
	for _, rt := range s.routes() {
		rt.params = pathParams(rt.path)
		rt.handle = s.metrics.countStoreErrors(rt.method+" "+rt.path, rt.handle)
		s.mux.Handle(rt.method+" "+rt.path, s.handler(rt))
	}
	// Outside the route table: not part of the /v1 API or its OpenAPI document, and
	// public, like the probes.
	metrics := s.metrics.handler()
	s.mux.Handle(http.MethodGet+" "+metricsPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		routedRequest(w)
		metrics.ServeHTTP(w, r)
	}))
	return s
}

// ServeHTTP routes the request, logs it, and answers unknown routes and methods with
// problem details instead of ServeMux's plain text.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		elapsed := time.Since(start)
		s.metrics.observe(r.Pattern, r.Method, rec.statusCode(), elapsed)
		// The route pattern, not the path, so that log lines group by endpoint.
		// Headers are never logged: Authorization carries the token.
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", rec.statusCode()),
			slog.Duration("duration", elapsed),
		}
		if rec.actor != "" {
			attrs = append(attrs, slog.String("actor", rec.actor))
		}
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	}()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("method", r.Method), slog.String("route", r.Pattern), slog.Any("panic", v))
			if !rec.wroteHeader {
				s.writeError(rec, r, raci.Errorf(raci.EINTERNAL, "panic: %v", v))
			}
		}
	}()

	// ServeMux would redirect an API path such as //v1/tenants to its clean form
	// with an HTML body; an API client gets problem details naming that form.
	if clean := cleanPath(r.URL.Path); clean != r.URL.Path && (clean == "/v1" || strings.HasPrefix(clean, "/v1/")) {
		rec.routed = true
		s.writeError(rec, r, raci.Errorf(raci.ENOTFOUND, "There is no API at %s: write the path as %s.", r.URL.Path, clean))
		return
	}

	// One route lookup: ServeMux sets r.Pattern and the path values as it
	// dispatches. When no route matches, its own 404 or 405 handler runs instead of
	// one of ours, and the recorder holds that answer back for unrouted to replace.
	s.mux.ServeHTTP(rec, r)
	if rec.unrouted != 0 {
		s.unrouted(rec, r)
	}
}

// cleanPath returns p without empty, "." and ".." elements, keeping a trailing
// slash: the path ServeMux would redirect p to.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// unrouted answers a request no route matches, from what ServeMux answered: 404;
// 405 with the Allow header listing the methods the path has; or 400 for the
// request target "*". The answer becomes problem details.
func (s *Server) unrouted(rec *statusRecorder, r *http.Request) {
	status := rec.unrouted
	// What follows is ours to send.
	rec.unrouted, rec.wroteHeader, rec.routed = 0, false, true
	if status == http.StatusMethodNotAllowed {
		allow := rec.Header().Get("Allow")
		s.writeError(rec, r, &statusError{
			status: http.StatusMethodNotAllowed,
			err:    raci.Errorf(raci.EINVALID, "%s is not allowed on %s: use %s.", r.Method, r.URL.Path, allow),
		})
		return
	}
	rec.Header().Del("Allow")
	if status == http.StatusBadRequest {
		// ServeMux's answer to the request target "*", which names no resource.
		s.writeError(rec, r, &statusError{
			status: http.StatusBadRequest,
			err:    raci.Errorf(raci.EINVALID, "The request target %q names no resource: use a path such as /v1/tenants.", r.RequestURI),
		})
		return
	}
	s.writeError(rec, r, raci.Errorf(raci.ENOTFOUND, "There is no API at %s: see /v1/openapi.json for the routes.", r.URL.Path))
}

// statusRecorder remembers the status written and the actor, for the request log.
// It also holds back ServeMux's own answer to a request no route matches: the
// handlers of routes mark it routed before anything else, so an error status
// written while it is not routed is ServeMux's (400, 404 or 405; its redirects pass),
// and is recorded in unrouted instead of sent.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	routed      bool
	unrouted    int // ServeMux's status, held back; 0 when none
	actor       string
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.wroteHeader {
		return
	}
	r.status, r.wroteHeader = status, true
	if !r.routed && status >= http.StatusBadRequest {
		r.unrouted = status
		return
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	if r.unrouted != 0 {
		return len(b), nil // ServeMux's plain-text body, replaced
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) statusCode() int {
	if !r.wroteHeader {
		return http.StatusOK
	}
	return r.status
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// routedRequest marks w, when it is the request's recorder, as answered by a route's
// handler rather than by ServeMux.
func routedRequest(w http.ResponseWriter) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.routed = true
	}
}

// noteActor copies the actor that r's context names, if any, to the request log's
// line.
func noteActor(w http.ResponseWriter, r *http.Request) {
	rec, ok := w.(*statusRecorder)
	if !ok {
		return
	}
	// ActorFrom says "unknown" when nobody is named; the log then leaves actor out.
	if actor := raci.ActorFrom(r.Context()); actor != "unknown" {
		rec.actor = actor
	}
}
