package raci

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Webhook sends a tenant's changes of the kinds it subscribes to, as signed JSON
// POSTs, to a receiver that routes them to the parties to consult or inform.
type Webhook struct {
	Tenant string `json:"tenant"`
	Name   string `json:"name"`
	URL    string `json:"url"`
	// Secret keys the HMAC-SHA256 signature of every delivery. It is written, never
	// read back: stores keep it, the API and the provider never show it.
	Secret string `json:"secret,omitempty"`
	// Events are the kinds of change sent, a set of WebhookEvents.
	Events []string `json:"events"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// The kinds of change a webhook may subscribe to.
const (
	WebhookResponsibility = "responsibility"
	WebhookParty          = "party"
	WebhookChecklist      = "checklist"
	// WebhookReadiness is sent when a checklist's gate flips between ready and not
	// ready through a write.
	WebhookReadiness = "readiness"
)

// WebhookEvents lists every kind of change a webhook may subscribe to.
var WebhookEvents = []string{WebhookResponsibility, WebhookParty, WebhookChecklist, WebhookReadiness}

// Limits of a webhook.
const (
	MinWebhookSecretLength = 16
	MaxWebhookSecretLength = 256
)

// Normalize puts the events in canonical order.
func (h *Webhook) Normalize() { h.Events = SortedSet(h.Events) }

// Clone returns a deep copy.
func (h *Webhook) Clone() *Webhook {
	c := *h
	c.Events = append([]string(nil), h.Events...)
	return &c
}

// Redacted returns a copy without the secret, as the API shows it.
func (h *Webhook) Redacted() *Webhook {
	c := h.Clone()
	c.Secret = ""
	return c
}

// Subscribes reports whether the webhook sends changes of kind.
func (h *Webhook) Subscribes(kind string) bool {
	for _, e := range h.Events {
		if e == kind {
			return true
		}
	}
	return false
}

// WebhookURLProblem returns why u cannot be a webhook's url, or "" when it can: an
// absolute http or https URL with a host. The provider checks it at plan time.
func WebhookURLProblem(u string) string {
	if u == "" {
		return "Webhook URL is required: give the receiver's address, e.g. \"https://hooks.example.com/raci\"."
	}
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" ||
		strings.ContainsAny(u, " \t\n") {
		return fmt.Sprintf("Webhook URL %q is not an absolute http or https URL: only http and https are sent to; "+
			"write it in full, e.g. \"https://hooks.example.com/raci\".", u)
	}
	if parsed.User != nil {
		return fmt.Sprintf("Webhook URL %q holds a user name or password: remove it; deliveries are authenticated by their signature.", u)
	}
	return ""
}

// WebhookEventProblem returns why e cannot be a webhook event, or "".
func WebhookEventProblem(e string) string {
	for _, k := range WebhookEvents {
		if e == k {
			return ""
		}
	}
	return fmt.Sprintf("Webhook event %q is not supported: use one of %s.", e, quotedList(WebhookEvents))
}

// Validate checks the webhook's own fields and returns an EINVALID error that lists
// every problem, or nil. Every write gives the secret: a store keeps no secret
// from an earlier write.
func (h *Webhook) Validate() error {
	var ps problems
	ps.checkSlug("tenant", "Tenant name", h.Tenant)
	ps.checkSlug("name", "Webhook name", h.Name)
	ps.checkText("url", "Webhook URL", h.URL, MaxURLLength)
	if p := WebhookURLProblem(h.URL); p != "" {
		ps.add("url", "%s", p)
	}
	if p := WebhookSecretProblem(h.Secret); p != "" {
		ps.add("secret", "%s", p)
	}
	if len(h.Events) == 0 {
		ps.add("events", "A webhook needs at least one event: use some of %s.", quotedList(WebhookEvents))
	}
	for i, e := range h.Events {
		if p := WebhookEventProblem(e); p != "" {
			ps.add(fieldIndex("events", i), "%s", p)
		}
	}
	return ps.err()
}

// WebhookSecretProblem returns why s cannot be a webhook's secret, or "". The
// problem never quotes the secret.
func WebhookSecretProblem(s string) string {
	switch {
	case s == "":
		return "Webhook secret is required: the receiver checks each delivery's signature with it; " +
			"generate one, e.g. with `openssl rand -hex 32`."
	case len(s) < MinWebhookSecretLength:
		return fmt.Sprintf("Webhook secret is %d bytes long; it must be at least %d: generate one, e.g. with `openssl rand -hex 32`.",
			len(s), MinWebhookSecretLength)
	case len(s) > MaxWebhookSecretLength:
		return fmt.Sprintf("Webhook secret is %d bytes long; it may be at most %d.", len(s), MaxWebhookSecretLength)
	case TextProblem("Webhook secret", s, false) != "":
		return "Webhook secret must be UTF-8 text without control characters: generate one, e.g. with `openssl rand -hex 32`."
	}
	return ""
}

// WebhookNotFound is the error for a webhook that does not exist.
func WebhookNotFound(tenant, name string) error {
	return Errorf(ENOTFOUND, "Webhook %q does not exist in tenant %q: list the tenant's webhooks to see its names.", name, tenant)
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one change sent, or to be sent, to one webhook: written to the outbox
// in the transaction of the change, then claimed and sent by a server.
type Delivery struct {
	// ID names the delivery in the X-Raci-Delivery header; a receiver that has seen
	// it already ignores it.
	ID      string `json:"id"`
	Tenant  string `json:"tenant"`
	Webhook string `json:"webhook"`
	// Kind is the event kind: one of WebhookEvents.
	Kind string `json:"kind"`
	// Object and Action are the event's.
	Object   string    `json:"object"`
	Action   string    `json:"action"`
	Status   string    `json:"status"`
	Attempts int       `json:"attempts"`
	Created  time.Time `json:"created_at"`
	// NextAttempt is when a pending delivery is tried next.
	NextAttempt time.Time `json:"next_attempt_at"`
	// Delivered is when the receiver answered 2xx; nil until then.
	Delivered *time.Time `json:"delivered_at"`
	// LastError is why the last attempt failed, "" when none has.
	LastError string `json:"last_error"`
	// Body is the JSON sent, byte for byte; not in the API's list.
	Body []byte `json:"-"`
	// URL and Secret are the webhook's when the delivery is claimed; never shown.
	URL    string `json:"-"`
	Secret string `json:"-"`
}

// DeliveryAttempt is the outcome of sending a claimed delivery.
type DeliveryAttempt struct {
	// OK is true when the receiver answered 2xx.
	OK bool
	// Error says why the attempt failed.
	Error string
	// Next is when to try again; zero marks the delivery failed.
	Next time.Time
}

// WebhookService stores a tenant's webhooks and lists their deliveries.
type WebhookService interface {
	// FindWebhook returns the webhook without its secret, or ENOTFOUND.
	FindWebhook(ctx context.Context, tenant, name string) (*Webhook, error)
	// ListWebhooks returns the tenant's webhooks by name, without secrets;
	// ENOTFOUND when the tenant does not exist.
	ListWebhooks(ctx context.Context, tenant string) ([]*Webhook, error)
	// PutWebhook creates or replaces the webhook and returns it as stored, without
	// its secret. EINVALID when it breaks a rule; ENOTFOUND without the tenant.
	PutWebhook(ctx context.Context, h *Webhook, pre Precondition) (stored *Webhook, created bool, err error)
	// DeleteWebhook deletes the webhook and its deliveries.
	DeleteWebhook(ctx context.Context, tenant, name string, pre Precondition) error
	// ListDeliveries returns the webhook's newest deliveries first, at most limit.
	ListDeliveries(ctx context.Context, tenant, name string, limit int) ([]*Delivery, error)
}

// DeliveryQueue is the outbox as the servers that send deliveries see it.
type DeliveryQueue interface {
	// ClaimDeliveries claims up to limit pending deliveries due at now, for claimer,
	// until now+lease: no other claimer gets them before then. Each claim counts
	// as an attempt. A delivery whose claimer died is claimed again once its lease
	// ends.
	ClaimDeliveries(ctx context.Context, claimer string, now time.Time, lease time.Duration, limit int) ([]*Delivery, error)
	// FinishDelivery records the attempt of a delivery claimer holds; a claim
	// that was lost meanwhile is left alone.
	FinishDelivery(ctx context.Context, id, claimer string, now time.Time, a DeliveryAttempt) error
}

// NewDeliveryID returns a fresh delivery ID: 16 random bytes in hex.
func NewDeliveryID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make delivery id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// SignatureHeader carries a delivery's signature; DeliveryHeader its ID.
const (
	SignatureHeader = "X-Raci-Signature-256"
	DeliveryHeader  = "X-Raci-Delivery"
)

// Sign returns the X-Raci-Signature-256 value of body under secret:
// "sha256=" and the hex HMAC-SHA256.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether sig is body's signature under secret, compared
// in constant time.
func VerifySignature(secret string, body []byte, sig string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(sig))
}

// DeliveryBody is what a delivery POSTs, as JSON.
type DeliveryBody struct {
	// ID is the delivery's, as in the X-Raci-Delivery header.
	ID      string `json:"id"`
	Tenant  string `json:"tenant"`
	Webhook string `json:"webhook"`
	// Kind is the event kind the webhook subscribed to.
	Kind string `json:"kind"`
	// Event is the change: who made it (actor), when (at), to what (object,
	// action), and the object before and after.
	Event *Event `json:"event"`
	// Object is the row, party or checklist after the change; null when it was
	// deleted.
	Object json.RawMessage `json:"object"`
	// Readiness is the checklist's gate before and after the change, for checklist
	// and readiness events.
	Readiness *ReadinessChange `json:"readiness,omitempty"`
	// Inform lists, for a responsibility, the parties that hold C or I on it (as it
	// is after the change, or was before a delete), so that a receiver can route
	// the message to them.
	Inform []InformedParty `json:"inform,omitempty"`
}

// ReadinessChange is a checklist's readiness before and after a write; Before is
// nil for a new checklist, After for a deleted one.
type ReadinessChange struct {
	Before *Readiness `json:"before"`
	After  *Readiness `json:"after"`
}

// InformedParty is a party to consult or inform about a change of a row.
type InformedParty struct {
	Party       string   `json:"party"`
	DisplayName string   `json:"display_name"`
	Roles       []Role   `json:"roles"`
	Holder      string   `json:"holder"`
	Contacts    []string `json:"contacts"`
}
