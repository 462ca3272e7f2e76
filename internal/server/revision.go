package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// revisionQueryTimeout bounds one revision query, which no single request owns.
const revisionQueryTimeout = 10 * time.Second

// DefaultCommitWait is the commit wait (raci.CommitWaiter) a server's store is
// opened with. Writes wait on the disk longer than this already; in exchange, the
// server answers a busy tenant's reads from one revision query per wait, and they
// seldom wait for the database at all. Only stores that a server reads need it.
const DefaultCommitWait = 2 * time.Millisecond

// revisionReader asks the store for tenants' revisions on behalf of the read
// cache, sharing each query among the requests that can use its answer.
//
// A read must see every write acknowledged before the read arrived, wherever the
// write came from. A query sent after a request arrived answers for it; one already
// on its way may have been planned before that write committed and does not. So each
// tenant has at most one query running and one waiting: a request that arrives while
// one runs joins the waiting one, which is sent when the running one returns, after
// every request that joined it arrived. Under load a tenant's reads cost one
// revision query per round trip to the store, not one each; an idle server sends
// each request's query at once.
//
// A store that holds every write back for a while after its commit
// (raci.CommitWaiter) lets an answer serve longer: a query sent at time c shows
// every write acknowledged before c + hold, so requests arriving until then use its
// answer without waiting for the store at all, and one arriving while it runs waits
// for it rather than for the next. Past half its time, the next read has the next
// answer fetched in the background, so a tenant read steadily never waits.
type revisionReader struct {
	store raci.RevisionService
	// hold is the store's commit wait, 0 when it has none.
	hold time.Duration
	// now is the monotonic clock hold is measured on; tests replace it.
	now func() time.Time

	mu      sync.Mutex
	tenants map[string]*tenantQueries // the tenants with a query running or an answer in hold

	// sent counts the queries sent, for raci_revision_queries_total.
	sent atomic.Int64
}

// tenantQueries is one tenant's queries, running and waiting (nil for none), and
// the newest answer still in hold.
type tenantQueries struct {
	running, waiting *revisionQuery
	// known is the answer of the last query sent that succeeded, good for reads
	// that arrive before goodUntil.
	known     int64
	goodUntil time.Time
}

// revisionQuery is one TenantRevision call and the answer it got, set before done
// is closed.
type revisionQuery struct {
	// ctx is the context of the request that started a query it does not send
	// itself; only its values go with the query (see detached).
	ctx context.Context
	// sentAt is a moment before the query was sent, set when it starts running.
	sentAt time.Time
	done   chan struct{}
	rev    int64
	err    error
	// shared counts the requests that joined it after the first, under the
	// reader's lock.
	shared int
}

func newRevisionReader(store raci.RevisionService) *revisionReader {
	r := &revisionReader{store: store, now: time.Now, tenants: map[string]*tenantQueries{}}
	if w, ok := store.(raci.CommitWaiter); ok {
		r.hold = max(0, w.CommitWait())
	}
	return r
}

// revision returns the tenant's revision as of a moment after every write
// acknowledged before the call began.
func (r *revisionReader) revision(ctx context.Context, tenant string) (int64, error) {
	now := r.now()
	r.mu.Lock()
	t := r.tenants[tenant]
	if t == nil {
		t = &tenantQueries{}
		r.tenants[tenant] = t
	}
	if now.Before(t.goodUntil) {
		rev := t.known
		if t.running == nil && !now.Before(t.goodUntil.Add(-r.hold/2)) {
			r.startInBackground(tenant, t, &revisionQuery{ctx: ctx, done: make(chan struct{})})
		}
		r.mu.Unlock()
		return rev, nil
	}
	var q *revisionQuery
	switch {
	case t.running == nil:
		// Nothing running: send this request's query, in its goroutine. With no
		// hold nobody joins it, so it can go with the request's context; with one,
		// the requests that share it must not lose it when this one gives up.
		q = &revisionQuery{sentAt: now, done: make(chan struct{})}
		t.running = q
		r.mu.Unlock()
		sendCtx := ctx
		if r.hold > 0 {
			var cancel context.CancelFunc
			sendCtx, cancel = detached(ctx)
			defer cancel()
		}
		r.send(sendCtx, tenant, q)
		return q.rev, q.err
	case now.Before(t.running.sentAt.Add(r.hold)):
		q = t.running
		q.shared++
	case t.waiting != nil:
		q = t.waiting
		q.shared++
	default:
		q = &revisionQuery{ctx: ctx, done: make(chan struct{})}
		t.waiting = q
	}
	r.mu.Unlock()
	select {
	case <-q.done:
		return q.rev, q.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// startInBackground makes q the tenant's running query and sends it in a goroutine
// of its own. The caller holds r.mu.
func (r *revisionReader) startInBackground(tenant string, t *tenantQueries, q *revisionQuery) {
	q.sentAt = r.now()
	t.running = q
	go func() {
		ctx, cancel := detached(q.ctx)
		defer cancel()
		r.send(ctx, tenant, q)
	}()
}

// detached is the context of a query that several requests may wait for, any of
// them free to give up: the values of ctx, the request that started it, bounded by
// a timeout rather than by that request.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), revisionQueryTimeout)
}

// send runs q, the tenant's running query, keeps its answer for as long as it is
// good, and then has the query that waited for it sent.
func (r *revisionReader) send(ctx context.Context, tenant string, q *revisionQuery) {
	r.sent.Add(1)
	rev, err := r.store.TenantRevision(ctx, tenant)

	r.mu.Lock()
	defer r.mu.Unlock()
	q.rev, q.err = rev, err
	close(q.done)
	t := r.tenants[tenant]
	if until := q.sentAt.Add(r.hold); err == nil && until.After(t.goodUntil) {
		t.known, t.goodUntil = rev, until
	}
	t.running = nil
	if next := t.waiting; next != nil {
		t.waiting = nil
		r.startInBackground(tenant, t, next)
		return
	}
	if !r.now().Before(t.goodUntil) {
		delete(r.tenants, tenant)
		return
	}
	// Forget the answer once it is no longer good, unless the tenant is read
	// again by then.
	time.AfterFunc(r.hold, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.tenants[tenant] == t && t.running == nil && !r.now().Before(t.goodUntil) {
			delete(r.tenants, tenant)
		}
	})
}
