// Package store is the write path the SQL stores share. Every write runs the same
// sequence whatever the database: normalize and validate the object, check it
// against the tenant's scheme and parties, check the caller's precondition, bump
// the version, stamp the times, and record the event, all in the transaction that
// writes. This package holds that sequence once (Writes), over a small transaction
// interface (Tx), with what the stores' reads have in common besides (Reads, the
// row loops, the choice of migrations to apply). Each store (internal/sqlite,
// internal/postgres) implements Tx with its own SQL, driver types and locking, and
// keeps its migrations.
package store

import (
	"context"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// Reader reads stored objects inside a transaction. A Find returns nil and no
// error when the object does not exist; a List with a negative limit returns all.
type Reader interface {
	FindTenant(ctx context.Context, name string) (*raci.Tenant, error)
	ListTenants(ctx context.Context, after string, limit int) ([]*raci.Tenant, error)
	// TenantExists serves reads that only need to tell a missing tenant from an
	// empty one, without decoding it.
	TenantExists(ctx context.Context, name string) (bool, error)
	FindParty(ctx context.Context, tenant, name string) (*raci.Party, error)
	ListParties(ctx context.Context, tenant, after string, limit int) ([]*raci.Party, error)
	// PartyNames returns the names of the tenant's parties.
	PartyNames(ctx context.Context, tenant string) ([]string, error)
	// FindResponsibility returns the row with its assignments.
	FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error)
	// ListResponsibilities returns the rows whose keys sort after after, with their
	// assignments, in a number of queries that does not grow with the rows.
	ListResponsibilities(ctx context.Context, tenant, after string, limit int) ([]*raci.Responsibility, error)
	// FindChecklist returns the checklist with its items.
	FindChecklist(ctx context.Context, tenant, key string) (*raci.Checklist, error)
	// ListChecklists returns the checklists whose keys sort after after, with their
	// items, in a number of queries that does not grow with the checklists.
	ListChecklists(ctx context.Context, tenant, after string, limit int) ([]*raci.Checklist, error)
	// NewestEvent returns the seq and time of the newest event of the tenant's
	// name (its revision), 0 and the zero time when it has none.
	NewestEvent(ctx context.Context, tenant string) (int64, time.Time, error)
	// InstallationID returns the id migration 0009 gave the database.
	InstallationID(ctx context.Context) (string, error)
}

// Tx is a write transaction: what the write path reads, checks and writes. Its
// methods store what they are given as it is; every rule is checked before they are
// called.
type Tx interface {
	Reader

	// CountTenantContent counts what keeps a tenant from being deleted.
	CountTenantContent(ctx context.Context, tenant string) (parties, rows, checklists int, err error)
	// RowsAssigning returns the keys of the rows that assign the party, in order.
	RowsAssigning(ctx context.Context, tenant, party string) ([]string, error)
	// ItemsNaming returns the checklist items that name the party, by checklist
	// and in each checklist's item order.
	ItemsNaming(ctx context.Context, tenant, party string) ([]ItemNaming, error)

	// A Write inserts the object when isNew, and otherwise updates it, replacing
	// its assignments or items with those given.
	WriteTenant(ctx context.Context, t *raci.Tenant, isNew bool) error
	WriteParty(ctx context.Context, p *raci.Party, isNew bool) error
	WriteResponsibility(ctx context.Context, r *raci.Responsibility, isNew bool) error
	WriteChecklist(ctx context.Context, c *raci.Checklist, isNew bool) error

	// A Delete removes the object with what belongs to it (assignments, items).
	DeleteTenant(ctx context.Context, name string) error
	DeleteParty(ctx context.Context, tenant, name string) error
	DeleteResponsibility(ctx context.Context, tenant, key string) error
	DeleteChecklist(ctx context.Context, tenant, key string) error

	// AppendEvent appends e, all set but its Seq, to the event log, and sets its
	// Seq; a nil Before or After is stored as NULL.
	AppendEvent(ctx context.Context, e *raci.Event) error

	// WebhookTx writes the outbox of webhook deliveries beside the event.
	WebhookTx
}
