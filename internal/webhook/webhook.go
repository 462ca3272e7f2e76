// Package webhook sends the deliveries of the outbox: it claims those that are due
// in the store, POSTs each signed body to its webhook's URL, and records the
// outcome, retrying with backoff for a bounded time. Several servers on one
// database each run a Sender; the store's claim gives each delivery to one of them.
package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Sender sends the deliveries of a raci.DeliveryQueue.
type Sender struct {
	Queue raci.DeliveryQueue
	// Claimer names this sender in the store's claims; it must differ between
	// the servers on one database.
	Claimer string
	// Client sends the POSTs; nil uses one with a 10 second timeout, or half the
	// lease if that is shorter.
	Client *http.Client
	// Poll is how often the outbox is read; 0 means one second.
	Poll time.Duration
	// Lease is how long a claim lasts before another server may take the
	// delivery; 0 means one minute. It must exceed the client's timeout, or a
	// slow receiver may get the delivery twice.
	Lease time.Duration
	// MaxAge is how long after its change a delivery is retried before it is
	// marked failed; 0 means 24 hours.
	MaxAge time.Duration
	// Backoff is the wait after the n-th failed attempt; nil doubles from one
	// second up to five minutes.
	Backoff func(n int) time.Duration
	// Batch is how many deliveries one poll claims; 0 means 20.
	Batch int
	// Logger receives a line per failed attempt; the secret and body are never
	// logged. Nil discards.
	Logger *slog.Logger
	// Now returns the time; nil is the wall clock.
	Now func() time.Time
}

func (s *Sender) defaults() {
	if s.Poll <= 0 {
		s.Poll = time.Second
	}
	if s.Lease <= 0 {
		s.Lease = time.Minute
	}
	if s.Client == nil {
		// A send ends well within its claim, so that no other server takes the
		// delivery over while it may still arrive.
		s.Client = &http.Client{Timeout: min(10*time.Second, s.Lease/2)}
	}
	if s.MaxAge <= 0 {
		s.MaxAge = 24 * time.Hour
	}
	if s.Backoff == nil {
		s.Backoff = Doubling(time.Second, 5*time.Minute)
	}
	if s.Batch <= 0 {
		s.Batch = 20
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = func() time.Time { return time.Now().UTC() }
	}
}

// Doubling returns a backoff that waits first after the first failed attempt and
// twice as long after each further one, up to most.
func Doubling(first, most time.Duration) func(n int) time.Duration {
	return func(n int) time.Duration {
		d := first
		for i := 1; i < n && d < most; i++ {
			d *= 2
		}
		return min(d, most)
	}
}

// Run sends deliveries until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	for {
		for {
			n, err := s.SendDue(ctx)
			if err != nil && ctx.Err() == nil {
				s.Logger.LogAttrs(ctx, slog.LevelWarn, "webhook outbox", slog.String("error", err.Error()))
			}
			if err != nil || n < s.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDue claims the deliveries due now, sends them in parallel, records each
// outcome, and returns how many it claimed.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	s.defaults()
	due, err := s.Queue.ClaimDeliveries(ctx, s.Claimer, s.Now(), s.Lease, s.Batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(due))
	for i, d := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.send(ctx, d)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return len(due), err
		}
	}
	return len(due), nil
}

// send makes one attempt at d and records it.
func (s *Sender) send(ctx context.Context, d *raci.Delivery) error {
	a := raci.DeliveryAttempt{OK: true}
	if err := s.post(ctx, d); err != nil {
		a = raci.DeliveryAttempt{Error: err.Error()}
		if next := s.Now().Add(s.Backoff(d.Attempts)); next.Before(d.Created.Add(s.MaxAge)) {
			a.Next = next
		}
		s.Logger.LogAttrs(ctx, slog.LevelWarn, "webhook delivery failed",
			slog.String("tenant", d.Tenant), slog.String("webhook", d.Webhook), slog.String("delivery", d.ID),
			slog.Int("attempt", d.Attempts), slog.Bool("retrying", !a.Next.IsZero()), slog.String("error", a.Error))
	}
	// Recorded even when ctx has ended: a send made is a send made.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return s.Queue.FinishDelivery(rec, d.ID, s.Claimer, s.Now(), a)
}

// post sends the signed body; a 2xx answer is success.
func (s *Sender) post(ctx context.Context, d *raci.Delivery) error {
	if d.URL == "" {
		return fmt.Errorf("webhook %q no longer exists", d.Webhook)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return fmt.Errorf("make request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "raci-webhook")
	req.Header.Set(raci.SignatureHeader, raci.Sign(d.Secret, d.Body))
	req.Header.Set(raci.DeliveryHeader, d.ID)
	resp, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("POST: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}
