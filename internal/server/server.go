// Package server is the RACI HTTP API: one URL per object under /v1, PUT to create or
// replace, ETags for optimistic concurrency and RFC 9457 problem details for errors.
// It serves any raci.Service, so the same handlers front SQLite and PostgreSQL.
package server

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
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
		s.bootstrap = &raci.Token{Name: bootstrapTokenName, Scopes: []raci.Scope{raci.AdminScope}}
	}
	s.tokens, _ = svc.(raci.TokenService)
	if store, ok := svc.(raci.RevisionService); ok {
		s.revisions = newRevisionReader(store)
	}
	s.cache = newReadCache(defaultReadCacheBytes)
	for _, rt := range s.routes() {
		rt.handle = s.metrics.countStoreErrors(rt.method+" "+rt.path, rt.handle)
		s.mux.Handle(rt.method+" "+rt.path, s.handler(rt))
	}
	// Outside the route table: not part of the /v1 API or its OpenAPI document, and
	// public, like the probes.
	s.mux.Handle(http.MethodGet+" "+metricsPath, s.metrics.handler())
	return s
}

// ServeHTTP routes the request, logs it, and answers unknown routes and methods with
// problem details instead of ServeMux's plain text.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	ctx, info := withRequestInfo(r.Context())
	r = r.WithContext(ctx)
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
		if info.actor != "" {
			attrs = append(attrs, slog.String("actor", info.actor))
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

	if h, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(rec, r, h)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// unrouted answers a request no route matches. ServeMux's own handler knows whether
// it is 404 or 405 and which methods the path allows; it runs against a recorder and
// its status and Allow header are turned into problem details.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request, h http.Handler) {
	probe := &headerProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.writeError(w, r, &statusError{
			status: http.StatusMethodNotAllowed,
			err:    raci.Errorf(raci.EINVALID, "%s is not allowed on %s: use %s.", r.Method, r.URL.Path, probe.header.Get("Allow")),
		})
		return
	}
	s.writeError(w, r, raci.Errorf(raci.ENOTFOUND, "There is no API at %s: see /v1/openapi.json for the routes.", r.URL.Path))
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
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

// headerProbe is a ResponseWriter that keeps the headers and status and drops the
// body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }
