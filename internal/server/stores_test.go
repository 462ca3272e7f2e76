package server

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres"
	"github.com/raci-dev/terraform-provider-raci/internal/postgres/pgtest"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// The server's tests run on SQLite; those that must hold on both stores (what a
// store refuses, what it keeps) run on PostgreSQL too, through eachStore. The
// PostgreSQL server starts on first use, so the other tests do not wait for it, and
// is stopped when the tests end. Like the PostgreSQL store's own tests, these fail
// without PostgreSQL unless RACI_TEST_POSTGRES=skip (see pgtest).
var pg struct {
	once   sync.Once
	server *pgtest.Server
	stop   func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pg.stop != nil {
		pg.stop()
	}
	os.Exit(code)
}

// openPostgres opens a PostgreSQL store on a new, empty database, closed when the
// test ends.
func openPostgres(t testing.TB) *postgres.DB {
	t.Helper()
	pg.once.Do(func() { pg.server, pg.stop = pgtest.Start() })
	url := pg.server.NewDatabase(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storeKinds names the stores eachStore runs on.
var storeKinds = []string{"sqlite", "postgres"}

// openKind opens an empty store of the kind.
func openKind(t testing.TB, kind string) raci.Service {
	t.Helper()
	switch kind {
	case "sqlite":
		return openStore(t)
	case "postgres":
		return openPostgres(t)
	}
	t.Fatalf("no store %q", kind)
	return nil
}

// eachStore runs fn as a subtest on an empty store of each kind.
func eachStore(t *testing.T, fn func(t *testing.T, svc raci.Service)) {
	t.Helper()
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) { fn(t, openKind(t, kind)) })
	}
}
