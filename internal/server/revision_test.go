package server

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// gatedRevisions is a revision store whose queries read the revision when they are
// sent, as a database statement reads its snapshot, and then wait for the test to
// release them.
type gatedRevisions struct {
	mu      sync.Mutex
	rev     map[string]int64
	err     error
	queries map[string]int
	sent    chan string   // a query's tenant, as it is sent
	release chan struct{} // one receive lets one query return
}

func newGatedRevisions() *gatedRevisions {
	return &gatedRevisions{
		rev:     map[string]int64{},
		queries: map[string]int{},
		sent:    make(chan string, 100),
		release: make(chan struct{}),
	}
}

func (g *gatedRevisions) TenantRevision(ctx context.Context, tenant string) (int64, error) {
	g.mu.Lock()
	rev, err := g.rev[tenant], g.err
	g.queries[tenant]++
	g.mu.Unlock()
	g.sent <- tenant
	select {
	case <-g.release:
		return rev, err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (g *gatedRevisions) write(tenant string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rev[tenant]++
}

func (g *gatedRevisions) count(tenant string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.queries[tenant]
}

type revisionAnswer struct {
	rev int64
	err error
}

// ask calls revision in a goroutine and returns where its answer will arrive.
func ask(ctx context.Context, r *revisionReader, tenant string) <-chan revisionAnswer {
	answer := make(chan revisionAnswer, 1)
	go func() {
		rev, err := r.revision(ctx, tenant)
		answer <- revisionAnswer{rev, err}
	}()
	return answer
}

func waitSent(t *testing.T, g *gatedRevisions, want string) {
	t.Helper()
	select {
	case tenant := <-g.sent:
		if tenant != want {
			t.Fatalf("a query for tenant %q was sent, want %q", tenant, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no query for tenant %q was sent", want)
	}
}

func receive(t *testing.T, answer <-chan revisionAnswer) revisionAnswer {
	t.Helper()
	select {
	case a := <-answer:
		return a
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
		return revisionAnswer{}
	}
}

// waitJoined waits until n requests that arrived during the tenant's running query
// wait for the next: one that started it and n-1 that share it.
func waitJoined(t *testing.T, r *revisionReader, tenant string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		q := r.tenants[tenant]
		joined := q != nil && q.waiting != nil && q.waiting.shared+1 == n
		r.mu.Unlock()
		if joined {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d requests did not come to wait for the next query of %q", n, tenant)
}

// A write that commits while a query is on its way must show to every request that
// arrives after it, though a query is already running: those requests share the
// next query, not the running one.
func TestRevisionReader_aReadAfterAWriteSeesIt(t *testing.T) {
	g := newGatedRevisions()
	r := newRevisionReader(g)
	ctx := context.Background()

	first := ask(ctx, r, "acme")
	waitSent(t, g, "acme") // reads revision 0, then waits
	g.write("acme")        // commits revision 1 while that query is out

	var later []<-chan revisionAnswer
	for range 3 {
		later = append(later, ask(ctx, r, "acme"))
	}
	waitJoined(t, r, "acme", 3)

	g.release <- struct{}{}
	if a := receive(t, first); a.err != nil || a.rev != 0 {
		t.Fatalf("the first request got %d, %v; want revision 0, read before the write", a.rev, a.err)
	}
	waitSent(t, g, "acme")
	g.release <- struct{}{}
	for i, answer := range later {
		if a := receive(t, answer); a.err != nil || a.rev != 1 {
			t.Errorf("request %d, which arrived after the write, got %d, %v; want revision 1", i+2, a.rev, a.err)
		}
	}
	if n := g.count("acme"); n != 2 {
		t.Errorf("4 requests sent %d queries, want 2: one running, one shared by the 3 that arrived during it", n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.tenants) != 0 {
		t.Errorf("the reader still tracks %d tenants with nothing running", len(r.tenants))
	}
}

// A tenant's running query holds up no other tenant's reads.
func TestRevisionReader_tenantsDoNotWaitForEachOther(t *testing.T) {
	g := newGatedRevisions()
	r := newRevisionReader(g)
	ctx := context.Background()

	acme := ask(ctx, r, "acme")
	waitSent(t, g, "acme")
	globex := ask(ctx, r, "globex")
	waitSent(t, g, "globex") // sent while acme's is still out
	g.release <- struct{}{}
	g.release <- struct{}{}
	for _, answer := range []<-chan revisionAnswer{acme, globex} {
		if a := receive(t, answer); a.err != nil {
			t.Fatal(a.err)
		}
	}
}

// A request that gives up returns at once; the waiting query it started is still
// sent for the requests that share it, and the store's errors reach every one of
// them.
func TestRevisionReader_cancelAndErrors(t *testing.T) {
	g := newGatedRevisions()
	g.err = errors.New("store down")
	r := newRevisionReader(g)

	first := ask(context.Background(), r, "acme")
	waitSent(t, g, "acme")
	ctx, cancel := context.WithCancel(context.Background())
	leaver := ask(ctx, r, "acme") // starts the waiting query
	waitJoined(t, r, "acme", 1)
	stayer := ask(context.Background(), r, "acme") // shares it
	waitJoined(t, r, "acme", 2)
	cancel()
	if a := receive(t, leaver); !errors.Is(a.err, context.Canceled) {
		t.Fatalf("a cancelled request got %d, %v; want context.Canceled", a.rev, a.err)
	}

	g.release <- struct{}{}
	if a := receive(t, first); a.err == nil || a.err.Error() != "store down" {
		t.Fatalf("a request whose query failed got %d, %v; want the store's error", a.rev, a.err)
	}
	waitSent(t, g, "acme") // the cancelled request's query, sent all the same
	g.release <- struct{}{}
	if a := receive(t, stayer); a.err == nil || a.err.Error() != "store down" {
		t.Fatalf("a request sharing a failed query got %d, %v; want the store's error", a.rev, a.err)
	}
}
