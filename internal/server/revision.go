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

// revisionReader asks the store for tenants' revisions on behalf of the read
// cache, sharing each query among the requests that can use its answer.
//
// A read must see every write that committed before the read arrived, wherever the
// write came from. A query sent after a request arrived answers for it; one already
// on its way may have been planned before that write committed and does not. So each
// tenant has at most one query running and one waiting: a request that arrives while
// one runs joins the waiting one, which is sent when the running one returns, after
// every request that joined it arrived. Under load a tenant's reads cost one
// revision query per round trip to the store, not one each; an idle server sends
// each request's query at once, as before.
type revisionReader struct {
	store raci.RevisionService

	mu      sync.Mutex
	tenants map[string]*tenantQueries // the tenants with a query running

	// sent counts the queries sent, for raci_revision_queries_total.
	sent atomic.Int64
}

// tenantQueries is what a tenant with a query running has waiting for it to end: a
// query, or nil.
type tenantQueries struct {
	waiting *revisionQuery
}

// revisionQuery is one TenantRevision call and the answer it got, set before done
// is closed.
type revisionQuery struct {
	// ctx is the context of the request that started a waiting query, without
	// its cancellation.
	ctx  context.Context
	done chan struct{}
	rev  int64
	err  error
	// shared counts the requests that joined it after the first, under the
	// reader's lock.
	shared int
}

func newRevisionReader(store raci.RevisionService) *revisionReader {
	return &revisionReader{store: store, tenants: map[string]*tenantQueries{}}
}

// revision returns the tenant's revision as of a moment after the call began.
func (r *revisionReader) revision(ctx context.Context, tenant string) (int64, error) {
	r.mu.Lock()
	t := r.tenants[tenant]
	var q *revisionQuery
	switch {
	case t == nil:
		// Nothing running: send this request's query, in its goroutine. Nobody
		// joins a running query, so it can go with the request's context.
		q = &revisionQuery{done: make(chan struct{})}
		r.tenants[tenant] = &tenantQueries{}
		r.mu.Unlock()
		r.send(ctx, tenant, q)
		return q.rev, q.err
	case t.waiting != nil:
		q = t.waiting
		q.shared++
	default:
		q = &revisionQuery{ctx: context.WithoutCancel(ctx), done: make(chan struct{})}
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

// send runs q, and then has the query that waited for it sent.
func (r *revisionReader) send(ctx context.Context, tenant string, q *revisionQuery) {
	r.sent.Add(1)
	q.rev, q.err = r.store.TenantRevision(ctx, tenant)
	close(q.done)

	r.mu.Lock()
	t := r.tenants[tenant]
	next := t.waiting
	t.waiting = nil
	if next == nil {
		delete(r.tenants, tenant)
	}
	r.mu.Unlock()
	if next != nil {
		// Its requests are waiting, any of them free to give up: it goes on its
		// own, bounded by a timeout rather than by one of them.
		go func() {
			ctx, cancel := context.WithTimeout(next.ctx, revisionQueryTimeout)
			defer cancel()
			r.send(ctx, tenant, next)
		}()
	}
}
