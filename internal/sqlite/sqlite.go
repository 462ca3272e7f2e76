// Package sqlite stores tenants, parties, responsibilities and checklists in one
// SQLite file, with the API tokens and the event log of every write. It is the
// server's embedded default and the provider's local mode, and implements
// raci.Service, raci.ChecklistService, raci.TokenService and raci.EventService.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/store"
)

var (
	_ raci.Service         = (*DB)(nil)
	_ raci.SnapshotService = (*DB)(nil)
	_ store.Tx             = (*tx)(nil)
)

// busyTimeout is how long a write waits for another process holding the file's
// write lock before it fails; within one process writes queue in Go instead.
const busyTimeout = 10 * time.Second

// DB is a RACI store in an SQLite file.
type DB struct {
	// Writes and Reads are the methods of the service interfaces, made through
	// update and view.
	store.Writes
	store.Reads

	// Now returns the time stamped on writes; tests replace it. It defaults to the
	// wall clock in UTC. Set it before the first write.
	Now func() time.Time

	// write has a single connection: writers queue for it in Go, with their contexts
	// honoured, instead of polling SQLite's lock with sleeps.
	write *sql.DB
	// read serves reads in parallel; in WAL mode they never wait for the writer.
	read *sql.DB

	writeStmts statements
	readStmts  statements

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
// raci.CommitWaiter describes, so that a server reading the file may answer reads
// from a revision for that long. Every process that writes to a file a server
// reads must open it with the server's wait.
func WithCommitWait(d time.Duration) Option { return func(db *DB) { db.commitWait = d } }

// Open opens the SQLite database at path, creating the file if needed, and brings
// its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, errors.New("open sqlite: no database path given")
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		// The store keeps separate read and write connections, which must see the
		// same database: a file.
		return nil, fmt.Errorf("open sqlite: %q is not a file path: give the path of a database file", path)
	}

	// WAL lets reads run beside the write. synchronous=NORMAL in WAL mode writes
	// every commit to the log before the commit returns, so a killed process loses
	// nothing committed; only a power cut may lose the last commits, never corrupt.
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", busyTimeout.Milliseconds())
	write, err := sql.Open("sqlite", dsn(path, common+"&_pragma=journal_mode(WAL)&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	db := &DB{
		Now:   func() time.Time { return time.Now().UTC() },
		write: write,
	}
	for _, opt := range opts {
		opt(db)
	}
	clock := func() time.Time { return db.Now() }
	db.Writes = store.NewWrites(func(ctx context.Context, _ string, fn func(store.Tx) error) error {
		return db.update(ctx, func(t *tx) error { return fn(t) })
	}, clock)
	// A read transaction on the file costs no round trip: every read takes one.
	view := func(ctx context.Context, fn func(store.Reader) error) error {
		return db.view(ctx, func(t *tx) error { return fn(t) })
	}
	db.Reads = store.NewReads(view, view, clock)
	if err := migrate(ctx, write, mustSub(migrationFiles, "migrations")); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}

	read, err := sql.Open("sqlite", dsn(path, common+"&_pragma=query_only(1)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	conns := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(conns)
	read.SetMaxIdleConns(conns)
	read.SetConnMaxIdleTime(0)
	read.SetConnMaxLifetime(0)
	db.read = read

	if db.writeStmts, err = prepare(ctx, write, queries); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if db.readStmts, err = prepare(ctx, read, queries); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// dsn makes the driver's data source name. A plain path is passed as it is, which
// works on every platform; the driver would cut a path holding '?' at it, so such a
// path goes as an SQLite URI instead.
func dsn(path, params string) string {
	if !strings.Contains(path, "?") {
		return path + "?" + params
	}
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?" + params
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a constant that exists in the embedded files
	}
	return sub
}

// Close closes the database; writes in flight finish first.
func (db *DB) Close() error {
	var errs []error
	for _, s := range db.readStmts {
		errs = append(errs, s.Close())
	}
	for _, s := range db.writeStmts {
		errs = append(errs, s.Close())
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite: %w", err)
	}
	return nil
}

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// queries are every statement the store runs more than once, prepared on both pools
// when the database opens.
var queries = []string{
	qFindTenant, qListTenants, qTenantExists, qInsertTenant, qUpdateTenant, qDeleteTenant, qCountTenantContent,
	qFindParty, qListParties, qPartyNames, qInsertParty, qUpdateParty, qDeleteParty, qRowsAssigning,
	qFindResponsibility, qListResponsibilities, qFindAssignments, qListAssignments,
	qInsertResponsibility, qUpdateResponsibility, qDeleteResponsibility, qDeleteAssignments, qInsertAssignment,
	qFindChecklist, qListChecklists, qFindChecklistItems, qListChecklistItems,
	qInsertChecklist, qUpdateChecklist, qDeleteChecklist, qDeleteChecklistItems, qInsertChecklistItem, qItemsNamingParty,
	qInsertToken, qTokenExists, qListTokens, qDeleteToken, qFindTokenBySecret, qCountTokens,
	qFindSession, qDeleteTokenSessions, qSetSessionFlash, qSessionFlash,
	qInsertEvent, qTenantRevision, qListEvents, qListObjectEvents, qListEventsNewest, qListObjectEventsNewest, qEventBounds,
	qNewestEvent, qInstallationID,
}

// statements are a pool's prepared statements by query text. SQLite compiles a
// statement once per connection; reusing it saves the parse on every call.
type statements map[string]*sql.Stmt

func prepare(ctx context.Context, db *sql.DB, queries []string) (statements, error) {
	stmts := make(statements, len(queries))
	for _, q := range queries {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range stmts {
				s.Close()
			}
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		stmts[q] = s
	}
	return stmts, nil
}

// tx is a transaction that runs the pool's prepared statements.
type tx struct {
	tx    *sql.Tx
	stmts statements
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s, ok := t.stmts[q]; ok {
		return t.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s, ok := t.stmts[q]; ok {
		return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (t *tx) exec(ctx context.Context, q string, args ...any) error {
	var err error
	if s, ok := t.stmts[q]; ok {
		_, err = t.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	} else {
		_, err = t.tx.ExecContext(ctx, q, args...)
	}
	return err
}

// update runs fn in a write transaction, taken up front so that concurrent writers
// queue rather than fail, and commits if fn returns nil. A write that reached its
// commit returns only the commit wait after it, with the write connection already
// free for the next.
func (db *DB) update(ctx context.Context, fn func(*tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer func() { _ = sqlTx.Rollback() }() // a no-op once committed
	if err := fn(&tx{tx: sqlTx, stmts: db.writeStmts}); err != nil {
		return err
	}
	err = sqlTx.Commit()
	// Also when the commit failed: it may have happened all the same.
	time.Sleep(db.commitWait)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// view runs fn in a read transaction, so that what it reads in several queries is
// one consistent state.
func (db *DB) view(ctx context.Context, fn func(*tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer func() { _ = sqlTx.Rollback() }() // a read ends by rolling back
	return fn(&tx{tx: sqlTx, stmts: db.readStmts})
}

// Each runs the query and calls fn on each row it returns.
func (t *tx) Each(ctx context.Context, fn func(store.Scanner) error, q string, args ...any) error {
	rows, err := t.query(ctx, q, args...)
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
