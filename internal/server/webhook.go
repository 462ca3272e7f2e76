package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// deliveryLimit is how many deliveries a list returns unless ?limit= says.
const deliveryLimit = 50

// webhookService returns the store's webhooks, or ENOTFOUND for a store that keeps
// none.
func (s *Server) webhookService() (raci.WebhookService, error) {
	if s.webhooks == nil {
		return nil, raci.Errorf(raci.ENOTFOUND, "This server's store keeps no webhooks.")
	}
	return s.webhooks, nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.webhookService()
	if err != nil {
		return err
	}
	hooks, err := ws.ListWebhooks(r.Context(), r.PathValue("tenant"))
	if err != nil {
		return err
	}
	if hooks == nil {
		hooks = []*raci.Webhook{}
	}
	s.writeJSON(w, r, http.StatusOK, raci.Page[*raci.Webhook]{Items: hooks})
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.webhookService()
	if err != nil {
		return err
	}
	h, err := ws.FindWebhook(r.Context(), r.PathValue("tenant"), r.PathValue("webhook"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(h.Version))
	s.writeJSON(w, r, http.StatusOK, h.Redacted())
	return nil
}

func (s *Server) putWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.webhookService()
	if err != nil {
		return err
	}
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	var h raci.Webhook
	if err := decodeBody(w, r, &h); err != nil {
		return err
	}
	if err := applyURLNames(
		urlName{"tenant", &h.Tenant, r.PathValue("tenant")},
		urlName{"name", &h.Name, r.PathValue("webhook")},
	); err != nil {
		return err
	}
	h.Version, h.CreatedAt, h.UpdatedAt = 0, time.Time{}, time.Time{}
	stored, created, err := ws.PutWebhook(r.Context(), &h, pre)
	if err != nil {
		return err
	}
	// The answer never holds the secret; still, keep it out of caches.
	w.Header().Set("Cache-Control", "no-store")
	s.writeStored(w, r, created, objectPath("v1", "tenants", stored.Tenant, "webhooks", stored.Name), stored.Version, stored.Redacted())
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.webhookService()
	if err != nil {
		return err
	}
	pre, err := writePrecondition(r)
	if err != nil {
		return err
	}
	if err := ws.DeleteWebhook(r.Context(), r.PathValue("tenant"), r.PathValue("webhook"), pre); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.webhookService()
	if err != nil {
		return err
	}
	limit := deliveryLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > raci.MaxPageSize {
			return raci.Invalid(raci.Problem{Field: "limit",
				Detail: "The query parameter limit must be a whole number from 1 to " + strconv.Itoa(raci.MaxPageSize) + ", not " + strconv.Quote(v) + "."})
		}
		limit = n
	}
	ds, err := ws.ListDeliveries(r.Context(), r.PathValue("tenant"), r.PathValue("webhook"), limit)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []*raci.Delivery{}
	}
	s.writeJSON(w, r, http.StatusOK, raci.Page[*raci.Delivery]{Items: ds})
	return nil
}
