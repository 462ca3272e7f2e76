// Package webhooktest is a webhook receiver for tests: it listens on 127.0.0.1,
// checks every delivery's signature as a real receiver would, and records what
// arrived.
package webhooktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Received is one delivery that arrived with a good signature.
type Received struct {
	ID        string
	Signature string
	Raw       []byte
	Body      raci.DeliveryBody
	At        time.Time
}

// Receiver records signed deliveries. While Failing, it answers 503 and records
// nothing, as a receiver that is down.
type Receiver struct {
	URL    string
	Secret string
	// Failing makes the receiver answer 503.
	Failing atomic.Bool
	// Delay holds every answer back this many nanoseconds, as a slow receiver.
	Delay atomic.Int64

	srv *httptest.Server

	mu       sync.Mutex
	received []Received
	seen     map[string]int
	// badSignatures counts requests whose signature did not verify; refused the
	// requests answered 503 while failing.
	badSignatures int
	refused       int
}

// New starts a receiver that verifies signatures with secret.
func New(secret string) *Receiver {
	r := &Receiver{Secret: secret, seen: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL + "/raci"
	return r
}

// Close stops the receiver.
func (r *Receiver) Close() { r.srv.Close() }

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	time.Sleep(time.Duration(r.Delay.Load()))
	if r.Failing.Load() {
		r.mu.Lock()
		r.refused++
		r.mu.Unlock()
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	sig := req.Header.Get(raci.SignatureHeader)
	if req.Method != http.MethodPost || !raci.VerifySignature(r.Secret, raw, sig) {
		r.mu.Lock()
		r.badSignatures++
		r.mu.Unlock()
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var body raci.DeliveryBody
	if err := json.Unmarshal(raw, &body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	id := req.Header.Get(raci.DeliveryHeader)
	r.mu.Lock()
	r.received = append(r.received, Received{ID: id, Signature: sig, Raw: raw, Body: body, At: time.Now()})
	r.seen[id]++
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Received returns what arrived with a good signature, in order, duplicates
// included.
func (r *Receiver) Received() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Received(nil), r.received...)
}

// Counts returns how many distinct deliveries arrived, how many arrived more
// than once, how many requests had a bad signature, and how many were refused.
func (r *Receiver) Counts() (distinct, duplicates, badSignatures, refused int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.seen {
		distinct++
		duplicates += n - 1
	}
	return distinct, duplicates, r.badSignatures, r.refused
}

// WaitFor waits up to timeout until n distinct deliveries have arrived, and
// reports whether they did.
func (r *Receiver) WaitFor(n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if d, _, _, _ := r.Counts(); d >= n {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}
