package crashtest

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/webhook/webhooktest"
)

const hookSecret = "crashtest-webhook-secret-0123456789"

// TestSIGKILLBetweenWriteAndDelivery kills serve with SIGKILL while rows are being
// written and their webhook deliveries sent to a slow receiver, so that many
// acknowledged writes have not been delivered yet and some deliveries are on the
// wire. After a restart, every acknowledged write's delivery arrives: the outbox
// row was committed with the write.
func TestSIGKILLBetweenWriteAndDelivery(t *testing.T) {
	requireBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		crashBeforeDelivery(t, "sqlite:"+filepath.Join(t.TempDir(), "raci.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		crashBeforeDelivery(t, durablePostgres(t).URL)
	})
}

func crashBeforeDelivery(t *testing.T, database string) {
	client := newClient()
	defer client.CloseIdleConnections()
	rcv := webhooktest.New(hookSecret)
	defer rcv.Close()
	// Slower than the writes: a backlog builds up in the outbox.
	rcv.Delay.Store(int64(400 * time.Millisecond))
	flags := []string{"--webhook-poll", "20ms", "--webhook-lease", "2s"}

	c := startServe(t, database, flags...)
	seedTenant(t, client, c.base)
	mustPut(t, client, c.base+"/v1/tenants/crash/webhooks/ops",
		fmt.Sprintf(`{"url": %q, "secret": %q, "events": ["responsibility"]}`, rcv.URL, hookSecret))

	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	var (
		killed atomic.Bool
		mu     sync.Mutex
		acked  = map[string]bool{} // responsibility/<key> of each acknowledged write
		wg     sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				key := fmt.Sprintf("w%d-%06d", w, n)
				status, answer, err := put(ctx, client, c.base+"/v1/tenants/crash/responsibilities/"+key,
					`{"title": "Task", "assignments": [{"party": "vendor", "roles": ["R", "A"]}, {"party": "customer", "roles": ["I"]}]}`)
				switch {
				case err != nil && killed.Load():
					return
				case err != nil || status != http.StatusCreated:
					t.Errorf("PUT %s before the kill: %d %v %s", key, status, err, answer)
					return
				}
				mu.Lock()
				acked["responsibility/"+key] = true
				mu.Unlock()
			}
		}()
	}
	time.Sleep(2 * time.Second)
	killed.Store(true)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	state := c.wait(t)
	if ws, ok := state.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("serve ended with %v, not by SIGKILL:\n%s", state, c.output)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	killedAt := time.Now()
	before, _, _, _ := rcv.Counts()

	rcv.Delay.Store(0)
	startServe(t, database, flags...)
	arrived := func() (missing int, dups int) {
		seen := map[string]bool{}
		for _, r := range rcv.Received() {
			seen[r.Body.Event.Object] = true
		}
		for obj := range acked {
			if !seen[obj] {
				missing++
			}
		}
		_, dups, _, _ = rcv.Counts()
		return missing, dups
	}
	deadline := time.Now().Add(childTimeout)
	for {
		missing, _ := arrived()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged writes never had their delivery after the restart", missing, len(acked))
		}
		time.Sleep(20 * time.Millisecond)
	}
	allAt := time.Now()
	time.Sleep(2500 * time.Millisecond) // past the lease: a late duplicate would show
	distinct, dups, bad, _ := rcv.Counts()
	if bad != 0 {
		t.Errorf("%d deliveries with a bad signature", bad)
	}
	// Deliveries of writes that were unanswered at the kill but committed may
	// arrive too; nothing arrives that was never written.
	if distinct < len(acked) {
		t.Errorf("%d distinct deliveries for %d acknowledged writes", distinct, len(acked))
	}
	t.Logf("%s: %d writes acknowledged before SIGKILL, %d delivered before it; after the restart all %d arrived within %s "+
		"(%d distinct deliveries, %d duplicates: sends cut off by the kill, resent once their 2s lease ended)",
		strings.SplitN(database, ":", 2)[0], len(acked), before, len(acked), allAt.Sub(killedAt).Round(time.Millisecond), distinct, dups)
	if len(acked)-before < 50 {
		t.Errorf("only %d acknowledged writes were undelivered at the kill: the test did not test the outbox", len(acked)-before)
	}
}
