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
	// Token, when not empty, is the bearer token every /v1 request must carry.
	// Empty leaves the API open, which suits a server on loopback only.
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
	// tokenHash is the SHA-256 of Options.Token, nil when the API is open. Comparing
	// hashes makes the comparison take the same time whatever the length of the
	// token presented.
	tokenHash []byte
	mux       *http.ServeMux
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
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if opts.Token != "" {
		h := sha256.Sum256([]byte(opts.Token))
		s.tokenHash = h[:]
	}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.method+" "+rt.path, s.handler(rt))
	}
	return s
}

// ServeHTTP routes the request, logs it, and answers unknown routes and methods with
// problem details instead of ServeMux's plain text.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		// The route pattern, not the path, so that log lines group by endpoint.
		// Headers are never logged: Authorization carries the token.
		s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", rec.statusCode()),
			slog.Duration("duration", time.Since(start)),
		)
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
