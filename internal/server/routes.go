package server

import (
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// route is one method on one path. The table in routes is the only list of the API's
// endpoints: New registers it and the OpenAPI test checks the document against it.
type route struct {
	method string
	// path uses ServeMux wildcards, which are also OpenAPI's path templates.
	path string
	// public routes answer without a token: probes must work before anyone has one.
	public bool
	handle func(http.ResponseWriter, *http.Request) error
}

func (s *Server) routes() []route {
	return []route{
		{method: http.MethodGet, path: "/healthz", public: true, handle: s.healthz},
		{method: http.MethodGet, path: "/readyz", public: true, handle: s.readyz},
		{method: http.MethodGet, path: "/v1/openapi.json", handle: s.openAPI},

		{method: http.MethodGet, path: "/v1/tenants", handle: s.listTenants},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}", handle: s.getTenant},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}", handle: s.putTenant},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}", handle: s.deleteTenant},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/snapshot", handle: s.getSnapshot},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/parties", handle: s.listParties},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/parties/{party}", handle: s.getParty},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/parties/{party}", handle: s.putParty},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/parties/{party}", handle: s.deleteParty},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/responsibilities", handle: s.listResponsibilities},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/responsibilities/{key}", handle: s.getResponsibility},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/responsibilities/{key}", handle: s.putResponsibility},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/responsibilities/{key}", handle: s.deleteResponsibility},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/checklists", handle: s.listChecklists},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/checklists/{key}", handle: s.getChecklist},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/checklists/{key}", handle: s.putChecklist},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/checklists/{key}", handle: s.deleteChecklist},
		{method: http.MethodPatch, path: "/v1/tenants/{tenant}/checklists/{key}/items/{item}", handle: s.patchChecklistItem},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/checklists/{key}/readiness", handle: s.getReadiness},
	}
}

// handler adapts a route to http.Handler: it checks the token on non-public routes
// and turns the error a handler returns into problem details.
func (s *Server) handler(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.public {
			if err := s.authenticate(r); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := rt.handle(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authenticate checks the bearer token when the server has one.
func (s *Server) authenticate(r *http.Request) error {
	if s.tokenHash == nil {
		return nil
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return raci.Errorf(raci.EUNAUTHORIZED, "This server requires a token: send it in the header \"Authorization: Bearer <token>\".")
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if subtle.ConstantTimeCompare(got[:], s.tokenHash) != 1 {
		return raci.Errorf(raci.EUNAUTHORIZED, "The token is not valid for this server: check the token you configured.")
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeText(w, http.StatusOK, "ok")
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.ready != nil {
		if err := s.ready(r.Context()); err != nil {
			// The cause may name files or hosts: it goes to the log, not the probe.
			s.logger.LogAttrs(r.Context(), slog.LevelWarn, "not ready", slog.String("error", err.Error()))
			return &statusError{
				status: http.StatusServiceUnavailable,
				err:    raci.Errorf(raci.EINTERNAL, "The server is not ready: its store does not answer yet."),
			}
		}
	}
	writeText(w, http.StatusOK, "ok")
	return nil
}

//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDocument)
	return nil
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}
