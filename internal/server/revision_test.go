package server

import (
	"context"
	"errors"
	"fmt"
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

// waitUntil polls the reader until cond, called under the reader's lock, holds, and
// fails with what it was waiting for if it does not come to.
func waitUntil(t *testing.T, r *revisionReader, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		ok := cond()
		r.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitJoined waits until n requests that arrived during the tenant's running query
// wait for the next: one that started it and n-1 that share it.
func waitJoined(t *testing.T, r *revisionReader, tenant string, n int) {
	t.Helper()
	waitUntil(t, r, fmt.Sprintf("%d requests did not come to wait for the next query of %q", n, tenant), func() bool {
		q := r.tenants[tenant]
		return q != nil && q.waiting != nil && q.waiting.shared+1 == n
	})
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

// heldRevisions is gatedRevisions with a commit wait: it promises that its writes
// are acknowledged only hold after they commit.
type heldRevisions struct {
	*gatedRevisions
	hold time.Duration
}

func (h heldRevisions) CommitWait() time.Duration { return h.hold }

// fakeClock is a clock that moves only when the test moves it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newHeldReader(hold time.Duration) (*revisionReader, *gatedRevisions, *fakeClock) {
	g := newGatedRevisions()
	r := newRevisionReader(heldRevisions{g, hold})
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	r.now = clock.Now
	return r, g, clock
}

// answerNow asks for the tenant's revision and fails unless it comes without the
// reader waiting for a query.
func answerNow(t *testing.T, r *revisionReader, tenant string) int64 {
	t.Helper()
	select {
	case a := <-ask(context.Background(), r, tenant):
		if a.err != nil {
			t.Fatal(a.err)
		}
		return a.rev
	case <-time.After(5 * time.Second):
		t.Fatal("the reader waited for a query while it held a good answer")
		return 0
	}
}

// waitKnown waits until the reader holds revision rev of the tenant.
func waitKnown(t *testing.T, r *revisionReader, tenant string, rev int64) {
	t.Helper()
	waitUntil(t, r, fmt.Sprintf("the reader did not come to hold revision %d of %q", rev, tenant), func() bool {
		q := r.tenants[tenant]
		return q != nil && q.running == nil && q.known == rev
	})
}

// With a store's commit wait, a query's answer serves the reads that arrive within
// that time of its sending, without a query of theirs. Past half of it, one read has
// the next answer fetched while the old one is still served; past all of it, a read
// waits for a query again.
func TestRevisionReader_answersServeForTheCommitWait(t *testing.T) {
	const hold = 10 * time.Second
	r, g, clock := newHeldReader(hold)

	first := ask(context.Background(), r, "acme")
	waitSent(t, g, "acme")
	g.release <- struct{}{}
	if a := receive(t, first); a.err != nil || a.rev != 0 {
		t.Fatalf("the first read got %d, %v; want revision 0", a.rev, a.err)
	}
	// A write commits; its writer waits out the hold before acknowledging it, so
	// reads until then may not see it.
	g.write("acme")
	clock.advance(hold / 4)
	if rev := answerNow(t, r, "acme"); rev != 0 {
		t.Errorf("a read within the hold got revision %d, want the held 0", rev)
	}
	if n := g.count("acme"); n != 1 {
		t.Fatalf("reads within the hold sent %d queries, want the first one only", n)
	}

	clock.advance(hold / 2) // 3/4 of the hold since the first query
	if rev := answerNow(t, r, "acme"); rev != 0 {
		t.Errorf("a read late in the hold got revision %d, want the held 0", rev)
	}
	waitSent(t, g, "acme") // the next answer, fetched in the background
	if rev := answerNow(t, r, "acme"); rev != 0 {
		t.Errorf("a read while the next answer is fetched got revision %d, want the held 0", rev)
	}
	g.release <- struct{}{}
	waitKnown(t, r, "acme", 1)
	if n := g.count("acme"); n != 2 {
		t.Errorf("%d queries sent, want 2: one background query while the first answer was held", n)
	}

	clock.advance(hold * 3 / 10) // past the first answer's hold, early in the second's
	if rev := answerNow(t, r, "acme"); rev != 1 {
		t.Errorf("a read within the second answer's hold got revision %d, want 1", rev)
	}

	g.write("acme")
	clock.advance(hold * 7 / 10) // to the end of the second answer's hold, sent at 3/4
	late := ask(context.Background(), r, "acme")
	waitSent(t, g, "acme")
	select {
	case a := <-late:
		t.Fatalf("a read at the end of the hold got %d, %v without waiting for its query", a.rev, a.err)
	default:
	}
	g.release <- struct{}{}
	if a := receive(t, late); a.err != nil || a.rev != 2 {
		t.Errorf("a read at the end of the hold got %d, %v; want revision 2", a.rev, a.err)
	}
}

// A read that arrives while a query runs waits for that query if it was sent less
// than the commit wait before, and for the next one otherwise.
func TestRevisionReader_readsShareTheRunningQueryWithinTheCommitWait(t *testing.T) {
	const hold = 10 * time.Second
	r, g, clock := newHeldReader(hold)

	first := ask(context.Background(), r, "acme")
	waitSent(t, g, "acme") // reads revision 0, then waits
	g.write("acme")
	clock.advance(hold / 2)
	within := ask(context.Background(), r, "acme")
	waitUntil(t, r, "a read within the hold of the running query did not come to wait for it", func() bool {
		return r.tenants["acme"].running.shared == 1
	})
	clock.advance(hold / 2)
	after := ask(context.Background(), r, "acme")
	waitJoined(t, r, "acme", 1)

	g.release <- struct{}{}
	for name, answer := range map[string]<-chan revisionAnswer{"the first read": first, "a read within its hold": within} {
		if a := receive(t, answer); a.err != nil || a.rev != 0 {
			t.Errorf("%s got %d, %v; want revision 0, from the running query", name, a.rev, a.err)
		}
	}
	waitSent(t, g, "acme")
	g.release <- struct{}{}
	if a := receive(t, after); a.err != nil || a.rev != 1 {
		t.Errorf("a read past the running query's hold got %d, %v; want revision 1, from the next query", a.rev, a.err)
	}
	if n := g.count("acme"); n != 2 {
		t.Errorf("3 reads sent %d queries, want 2", n)
	}
}

// A request that shares another's running query gets its answer even when the
// request that sent it gives up.
func TestRevisionReader_aSharedQueryOutlivesItsSender(t *testing.T) {
	r, g, _ := newHeldReader(10 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	sender := ask(ctx, r, "acme")
	waitSent(t, g, "acme")
	sharer := ask(context.Background(), r, "acme")
	waitUntil(t, r, "a read within the hold of the running query did not come to wait for it", func() bool {
		return r.tenants["acme"].running.shared == 1
	})
	cancel()
	select {
	case g.release <- struct{}{}:
	case <-time.After(5 * time.Second):
		t.Fatal("the shared query ended with its sender, before the store answered")
	}
	if a := receive(t, sharer); a.err != nil || a.rev != 0 {
		t.Errorf("a request sharing a query whose sender gave up got %d, %v; want revision 0", a.rev, a.err)
	}
	receive(t, sender)
}

// The reader forgets a tenant once its answer is no longer good.
func TestRevisionReader_forgetsHeldAnswers(t *testing.T) {
	g := newGatedRevisions()
	r := newRevisionReader(heldRevisions{g, 20 * time.Millisecond})
	answer := ask(context.Background(), r, "acme")
	waitSent(t, g, "acme")
	g.release <- struct{}{}
	if a := receive(t, answer); a.err != nil {
		t.Fatal(a.err)
	}
	waitUntil(t, r, "the reader still tracks the tenant long after its answer ran out", func() bool {
		return len(r.tenants) == 0
	})
}
