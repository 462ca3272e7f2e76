// Package postgres stores tenants, parties, responsibilities, checklists, tokens and
// the event log in PostgreSQL. It is the store of team mode: several stateless server
// processes share one database, so every write takes a per-tenant lock in its
// transaction before it reads what it validates against. It behaves as the SQLite
// store does, codes and messages included; the conformance suite in racitest runs
// against both.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var (
	_ raci.Service         = (*DB)(nil)
	_ raci.SnapshotService = (*DB)(nil)
	_ store.Tx             = conn{}
)

// DB is a RACI store in a PostgreSQL database.
type DB struct {
	// Writes and Reads are the methods of the service interfaces, made through
	// update, view and the pool.
	store.Writes
	store.Reads

	// Now returns the time stamped on writes; tests replace it. It defaults to the
	// wall clock in UTC. Set it before the first write.
	Now func() time.Time

	pool *pgxpool.Pool
	// commitWait is how long a write waits after its commit before it returns.
	commitWait time.Duration
}

var _ raci.CommitWaiter = (*DB)(nil)

// CommitWait returns how long every write waits after its commit before it
// returns: the wait Open was given, 0 without one.
func (db *DB) CommitWait() time.Duration { return db.commitWait }

// Option is a choice made when the database is opened.
type Option func(*DB)

// WithCommitWait holds every write back for d after its commit, as
// raci.CommitWaiter describes, so that the servers sharing the database may answer
// reads from a revision for that long. Every process that writes to the database
// must open it with the same wait.
func WithCommitWait(d time.Duration) Option { return func(db *DB) { db.commitWait = d } }

// Open connects to the PostgreSQL database at url (postgres://user:pass@host/db or
// any form pgx accepts) and brings its schema up to date. Several processes may open
// the same database at once: the migrations run under a lock.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	if url == "" {
		return nil, errors.New("open postgres: no database URL given")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx leaves the password out of its parse errors.
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default, four connections on a small machine, would let writers
		// queued on one tenant's lock hold every connection while reads wait.
		cfg.MaxConns = int32(max(16, 4*runtime.GOMAXPROCS(0)))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", where, err)
	}
	db := &DB{
		Now:  func() time.Time { return time.Now().UTC() },
		pool: pool,
	}
	for _, opt := range opts {
		opt(db)
	}
	clock := func() time.Time { return db.Now() }
	db.Writes = store.NewWrites(db.update, clock)
	// A transaction costs two round trips more: reads of one statement go to the
	// pool.
	db.Reads = store.NewReads(db.view, func(_ context.Context, fn func(store.Reader) error) error {
		return fn(db.conn())
	}, clock)
	if err := migrate(ctx, pool, mustSub(migrationFiles, "migrations")); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", where, err)
	}
	return db, nil
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a constant that exists in the embedded files
	}
	return sub
}

// Close closes the pool's connections once the queries in flight are done.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers and has the schema, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// querier is a transaction or the pool.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// conn runs the store's statements on a transaction, where it is the store.Tx of
// the shared write path, or on the pool, for reads of one statement.
type conn struct{ querier }

// conn returns the pool as a conn.
func (db *DB) conn() conn { return conn{db.pool} }

// Each runs the query and calls fn on each row it returns.
func (q conn) Each(ctx context.Context, fn func(store.Scanner) error, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Retries of a write that PostgreSQL aborted as a deadlock or a serialization
// failure. Writes to one tenant queue on its lock, so these are rare; past the last
// attempt the caller gets EINTERNAL.
const (
	writeAttempts = 5
	retryBackoff  = 5 * time.Millisecond
)

// tenantLockClass is the first key of the transaction-level advisory locks that
// serialize the writes to one tenant: "RACI" in ASCII. The second is a hash of the
// tenant's name. Two tenants whose names hash alike only share a queue.
const tenantLockClass int32 = 0x52414349

// update runs fn in a write transaction that first takes the tenant's lock, then
// commits if fn returns nil. With the lock held, fn reads the state it
// validates against as of after every earlier write to the tenant, in whichever
// process that write ran, and no other write to the tenant can slip in before the
// commit: no lost update, no version counted twice. fn may run more than once (after
// a deadlock or serialization failure), so it must set everything it reports back on
// each run. A write that reached its commit returns only the commit wait after it.
func (db *DB) update(ctx context.Context, tenant string, fn func(store.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.updateOnce(ctx, tenant, fn)
		if err == nil || !retryable(err) {
			return err
		}
		if attempt == writeAttempts {
			return fmt.Errorf("write gave up after %d attempts: %w", attempt, err)
		}
		wait := retryBackoff<<(attempt-1) + rand.N(retryBackoff)
		select {
		case <-ctx.Done():
			return fmt.Errorf("write retry: %w", ctx.Err())
		case <-time.After(wait):
		}
	}
}

func (db *DB) updateOnce(ctx context.Context, tenant string, fn func(store.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // a no-op once committed
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, tenantLockClass, tenantLockKey(tenant)); err != nil {
		return fmt.Errorf("lock tenant %q: %w", tenant, err)
	}
	if err := fn(conn{tx}); err != nil {
		return err
	}
	err = tx.Commit(ctx)
	// Also when the commit failed: it may have happened all the same.
	time.Sleep(db.commitWait)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// tenantLockKey hashes a tenant's name into the second key of its advisory lock. It
// is computed here rather than by the server so that it never changes with the
// server's version.
func tenantLockKey(tenant string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(tenant)) // a hash never fails to write
	return int32(h.Sum32())
}

// retryable reports whether PostgreSQL aborted the transaction for a reason that a
// new attempt may not meet: a serialization failure or a deadlock.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "40001" || pgErr.Code == "40P01"
}

// view runs fn in a read-only transaction that sees one snapshot of the database, so
// that what it reads in several queries is one consistent state.
func (db *DB) view(ctx context.Context, fn func(store.Reader) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // a read ends by rolling back
	return fn(conn{tx})
}

// limitArg is the LIMIT parameter for limit: NULL, no limit, when it is negative,
// so that one statement reads a page or a whole tenant.
func limitArg(limit int) any {
	if limit < 0 {
		return nil
	}
	return limit
}
