package raci

import "context"

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
