package raci

import (
	"context"
	"time"
)

// RevisionService reports how far a tenant's history has gone, so that a reader can
// tell cheaply whether anything it read earlier may have changed.
type RevisionService interface {
	// TenantRevision returns the sequence number of the tenant's newest event: it
	// grows with every committed write to the tenant or to anything in it (checklist
	// item updates included), never repeats, and is unchanged by refused writes and
	// by writes to other tenants. A tenant that never existed has revision 0, and no
	// error. Two equal answers therefore mean nothing of the tenant changed in
	// between.
	TenantRevision(ctx context.Context, tenant string) (int64, error)
}

// CommitWaiter is a RevisionService whose writes hold back their acknowledgement:
// each returns only after CommitWait has passed since its transaction committed. An
// answer of TenantRevision from a query sent at time c therefore shows every write
// acknowledged before c + CommitWait, in any process, and a reader may use it for
// reads that arrive until then instead of asking again. The promise holds only
// while every process that writes to the database holds its writes back as long,
// and rests on the processes' monotonic clocks running at the rate of real time. A
// CommitWait of 0 promises nothing beyond RevisionService.
type CommitWaiter interface {
	RevisionService
	CommitWait() time.Duration
}
