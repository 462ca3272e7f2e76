package server

import (
	_ "embed"
	"log/slog"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// route is one method on one path. The table in routes is the only list of the API's
// endpoints and of the access each needs: New registers it, the OpenAPI test checks
// the document against it, and the isolation test tries every scope on every route.
type route struct {
	method string
	// path uses ServeMux wildcards, which are also OpenAPI's path templates.
	path   string
	access access
	handle func(http.ResponseWriter, *http.Request) error
	// params are the wildcards of path, filled in by New.
	params []string
}

// access is what a request's token must grant for a route to run.
type access int

const (
	// public routes answer without a token: probes must work before anyone has one.
	public access = iota
	// authenticated routes take any valid token; what they return may still depend
	// on its scopes (the tenant list shows only the tenants the token may read).
	authenticated
	// admin routes manage tokens and sessions, and read the history of deleted tenants.
	admin
	// tenantRead, tenantChecklist and tenantWrite need that access to the {tenant}
	// in the path. A token with no access to the tenant at all is told it does not
	// exist, so a token never learns which other tenants there are.
	tenantRead
	tenantChecklist
	tenantWrite
)

// tenantAccess is the raci access level a tenant route needs.
var tenantAccess = map[access]string{
	tenantRead:      raci.AccessRead,
	tenantChecklist: raci.AccessChecklist,
	tenantWrite:     raci.AccessWrite,
}

func (s *Server) routes() []route {
	return []route{
		{method: http.MethodGet, path: "/healthz", access: public, handle: s.healthz},
		{method: http.MethodGet, path: "/readyz", access: public, handle: s.readyz},
		{method: http.MethodGet, path: "/v1/openapi.json", access: authenticated, handle: s.openAPI},

		{method: http.MethodPost, path: "/v1/tokens", access: admin, handle: s.createToken},
		{method: http.MethodGet, path: "/v1/tokens", access: admin, handle: s.listTokens},
		{method: http.MethodDelete, path: "/v1/tokens/{name}", access: admin, handle: s.deleteToken},

		{method: http.MethodGet, path: "/v1/sessions", access: admin, handle: s.listSessions},
		{method: http.MethodDelete, path: "/v1/sessions/{id}", access: admin, handle: s.deleteSession},

		{method: http.MethodGet, path: "/v1/tenants", access: authenticated, handle: s.listTenants},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}", access: tenantRead, handle: s.getTenant},
		// Creating a tenant needs write on it too: tenant:<name>:write or admin.
		{method: http.MethodPut, path: "/v1/tenants/{tenant}", access: tenantWrite, handle: s.putTenant},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}", access: tenantWrite, handle: s.deleteTenant},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/snapshot", access: tenantRead, handle: s.getSnapshot},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/events", access: tenantRead, handle: s.listEvents},
		// The history of deleted tenants is for audit: the next tenant of a name,
		// and the tokens for it, never see the events of the one before.
		{method: http.MethodGet, path: "/v1/deleted-tenants/{tenant}/events", access: admin, handle: s.listDeletedEvents},

		// Grants to people need write on the tenant, reads included: see access.go.
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/access", access: tenantWrite, handle: s.listAccess},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/access/{name}", access: tenantWrite, handle: s.getAccess},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/access/{name}", access: tenantWrite, handle: s.putAccess},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/access/{name}", access: tenantWrite, handle: s.deleteAccess},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/parties", access: tenantRead, handle: s.listParties},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/parties/{party}", access: tenantRead, handle: s.getParty},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/parties/{party}", access: tenantWrite, handle: s.putParty},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/parties/{party}", access: tenantWrite, handle: s.deleteParty},
		{method: http.MethodPost, path: "/v1/tenants/{tenant}/parties/{party}/rename", access: tenantWrite, handle: s.renameParty},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/responsibilities", access: tenantRead, handle: s.listResponsibilities},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/responsibilities/{key}", access: tenantRead, handle: s.getResponsibility},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/responsibilities/{key}", access: tenantWrite, handle: s.putResponsibility},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/responsibilities/{key}", access: tenantWrite, handle: s.deleteResponsibility},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/checklists", access: tenantRead, handle: s.listChecklists},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/checklists/{key}", access: tenantRead, handle: s.getChecklist},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/checklists/{key}", access: tenantWrite, handle: s.putChecklist},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/checklists/{key}", access: tenantWrite, handle: s.deleteChecklist},
		{method: http.MethodPatch, path: "/v1/tenants/{tenant}/checklists/{key}/items/{item}", access: tenantChecklist, handle: s.patchChecklistItem},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/checklists/{key}/readiness", access: tenantRead, handle: s.getReadiness},

		{method: http.MethodGet, path: "/v1/tenants/{tenant}/webhooks", access: tenantRead, handle: s.listWebhooks},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/webhooks/{webhook}", access: tenantRead, handle: s.getWebhook},
		{method: http.MethodPut, path: "/v1/tenants/{tenant}/webhooks/{webhook}", access: tenantWrite, handle: s.putWebhook},
		{method: http.MethodDelete, path: "/v1/tenants/{tenant}/webhooks/{webhook}", access: tenantWrite, handle: s.deleteWebhook},
		{method: http.MethodGet, path: "/v1/tenants/{tenant}/webhooks/{webhook}/deliveries", access: tenantRead, handle: s.listDeliveries},
	}
}

// handler adapts a route to http.Handler: it authenticates and authorizes the
// request on non-public routes, names the token as the actor for the event log, and
// turns the error a handler returns into problem details.
func (s *Server) handler(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		routedRequest(w)
		if rt.access != public {
			tok, err := s.authenticate(r)
			if err == nil {
				err = checkRequestText(r, rt.params)
			}
			if err == nil {
				err = authorize(tok, rt.access, r.PathValue("tenant"))
			}
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			if tok != nil {
				r = r.WithContext(withToken(r.Context(), tok))
			}
		}
		if rt.access == public {
			if err := checkRequestText(r, rt.params); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := rt.handle(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
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
