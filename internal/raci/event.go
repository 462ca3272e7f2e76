package raci

import (
	"context"
	"encoding/json"
	"time"
)

// Event records one change, appended in the transaction that made it and never
// rewritten.
type Event struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Tenant string    `json:"tenant"`
	// Object names what changed: "tenant", "party/auth0", "responsibility/backing-up",
	// "checklist/infrastructure".
	Object string `json:"object"`
	// Action is "create", "update" or "delete" ("update" for an item patch too), or
	// "rename" for a party given a new name: Object then names the party by its new
	// name, and Before holds it under its old one.
	Action string `json:"action"`
	// Before and After are the object as JSON, null when it did not exist.
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// Event actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionRename = "rename"
)

// Object names for events.
func TenantObject() string                   { return "tenant" }
func PartyObject(name string) string         { return "party/" + name }
func ResponsibilityObject(key string) string { return "responsibility/" + key }
func ChecklistObject(key string) string      { return "checklist/" + key }

// EventFilter selects a tenant's events.
type EventFilter struct {
	// After returns events with a greater sequence number; 0 starts at the first.
	After int64
	// Limit caps the page size like ListOptions.Limit.
	Limit int
	// Object, when not empty, keeps only the events of one object.
	Object string
	// Newest returns the newest events first instead of the oldest; After is
	// ignored then. The provider uses it to find who last changed an object.
	Newest bool
	// Deleted lists the events of the tenants of this name that were deleted,
	// instead of the one that has the name now: the history kept for audit. The
	// API serves it to administrators only.
	Deleted bool
}

// EventService reads the event log.
type EventService interface {
	// ListEvents returns the tenant's events in sequence order (or newest first):
	// those written since the tenant that has the name now was created, ENOTFOUND
	// when no tenant has it. A tenant created again under a deleted one's name
	// starts with an empty log. The log outlives the tenant: with f.Deleted it
	// lists the events of the deleted tenants of the name, each ending with the
	// tenant's delete.
	ListEvents(ctx context.Context, tenant string, f EventFilter) ([]*Event, error)
}

type actorKey struct{}

// WithActor returns a context that names who is acting, for the event log.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor the context names, or "unknown".
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "unknown"
}
