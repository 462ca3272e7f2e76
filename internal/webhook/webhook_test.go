package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// fakeQueue hands out the deliveries it holds once and records each outcome.
type fakeQueue struct {
	mu       sync.Mutex
	due      []*raci.Delivery
	finished map[string]raci.DeliveryAttempt
}

func (q *fakeQueue) ClaimDeliveries(_ context.Context, _ string, _ time.Time, _ time.Duration, limit int) ([]*raci.Delivery, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(limit, len(q.due))
	out := q.due[:n]
	q.due = q.due[n:]
	return out, nil
}

func (q *fakeQueue) FinishDelivery(_ context.Context, id, _ string, _ time.Time, a raci.DeliveryAttempt) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.finished[id] = a
	return nil
}

func TestSendDue(t *testing.T) {
	var mu sync.Mutex
	headers := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers[r.Header.Get(raci.DeliveryHeader)] = r.Header.Clone()
		mu.Unlock()
		if r.URL.Path == "/down" {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"x"}`)
	q := &fakeQueue{finished: map[string]raci.DeliveryAttempt{}, due: []*raci.Delivery{
		{ID: "ok", URL: srv.URL + "/up", Secret: "s3cret-s3cret-s3cret", Body: body, Attempts: 1, Created: now},
		// A third failed attempt, young: retried after 4 x 100ms.
		{ID: "retry", URL: srv.URL + "/down", Secret: "s3cret-s3cret-s3cret", Body: body, Attempts: 3, Created: now.Add(-time.Minute)},
		// Failing, and its next attempt would come after its maximum age: failed.
		{ID: "old", URL: srv.URL + "/down", Secret: "s3cret-s3cret-s3cret", Body: body, Attempts: 9, Created: now.Add(-59*time.Minute - 59*time.Second)},
		// Its webhook was deleted while it was claimed.
		{ID: "orphan", Body: body, Attempts: 1, Created: now},
	}}
	s := &Sender{Queue: q, Claimer: "test", MaxAge: time.Hour, Backoff: Doubling(100*time.Millisecond, time.Minute), Now: func() time.Time { return now }}
	n, err := s.SendDue(t.Context())
	if err != nil || n != 4 {
		t.Fatalf("SendDue = %d, %v; want 4 claimed", n, err)
	}
	if a := q.finished["ok"]; !a.OK || a.Error != "" {
		t.Errorf("ok: %+v, want delivered", a)
	}
	if a := q.finished["retry"]; a.OK || !a.Next.Equal(now.Add(400*time.Millisecond)) || a.Error != "receiver answered 502 Bad Gateway" {
		t.Errorf("retry: %+v, want the 502 and a next attempt 400ms on", a)
	}
	if a := q.finished["old"]; a.OK || !a.Next.IsZero() {
		t.Errorf("old: %+v, want marked failed", a)
	}
	if a := q.finished["orphan"]; a.OK || a.Error == "" {
		t.Errorf("orphan: %+v, want an error", a)
	}
	h := headers["ok"]
	if h.Get(raci.SignatureHeader) != raci.Sign("s3cret-s3cret-s3cret", body) || h.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v; want the body's signature and JSON", h)
	}
}

func TestDoubling(t *testing.T) {
	b := Doubling(time.Second, 5*time.Minute)
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 9: 256 * time.Second, 10: 5 * time.Minute, 50: 5 * time.Minute} {
		if got := b(n); got != want {
			t.Errorf("backoff after attempt %d = %s, want %s", n, got, want)
		}
	}
}
