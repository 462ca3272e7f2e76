package raci_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestActor(t *testing.T) {
	if got := raci.ActorFrom(context.Background()); got != "unknown" {
		t.Errorf("ActorFrom of a context without an actor = %q, want %q", got, "unknown")
	}
	ctx := raci.WithActor(context.Background(), "alice@example.com")
	if got := raci.ActorFrom(ctx); got != "alice@example.com" {
		t.Errorf("ActorFrom = %q, want %q", got, "alice@example.com")
	}
	// Contexts derived for a request's work keep its actor.
	child, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if got := raci.ActorFrom(child); got != "alice@example.com" {
		t.Errorf("ActorFrom of a derived context = %q, want %q", got, "alice@example.com")
	}
	// The innermost actor wins; the outer context is not changed.
	inner := raci.WithActor(child, "token:ci")
	if got := raci.ActorFrom(inner); got != "token:ci" {
		t.Errorf("ActorFrom after a second WithActor = %q, want %q", got, "token:ci")
	}
	if got := raci.ActorFrom(ctx); got != "alice@example.com" {
		t.Errorf("WithActor changed its parent: ActorFrom(parent) = %q", got)
	}
	// An empty actor names no one.
	if got := raci.ActorFrom(raci.WithActor(context.Background(), "")); got != "unknown" {
		t.Errorf("ActorFrom after WithActor(\"\") = %q, want %q", got, "unknown")
	}
}

func TestEventObjects(t *testing.T) {
	cases := map[string]string{
		raci.TenantObject():                     "tenant",
		raci.PartyObject("auth0"):               "party/auth0",
		raci.ResponsibilityObject("backing-up"): "responsibility/backing-up",
		raci.ChecklistObject("infrastructure"):  "checklist/infrastructure",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("object name = %q, want %q", got, want)
		}
	}
}

func TestEventJSON(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	e := raci.Event{Seq: 7, At: at, Actor: "alice", Tenant: "acme", Object: raci.PartyObject("auth0"), Action: raci.ActionCreate,
		After: json.RawMessage(`{"name":"auth0"}`)}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"seq":7,"at":"2025-06-01T12:00:00Z","actor":"alice","tenant":"acme","object":"party/auth0","action":"create","before":null,"after":{"name":"auth0"}}`
	if string(b) != want {
		t.Errorf("event JSON =\n %s\nwant\n %s", b, want)
	}
}
