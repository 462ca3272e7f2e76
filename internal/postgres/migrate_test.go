package postgres_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres"
)

// query returns the first column of every row a query returns on the database at url.
func query[T any](t *testing.T, url, sql string, args ...any) []T {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func appliedVersions(t *testing.T, url string) []int32 {
	t.Helper()
	return query[int32](t, url, `SELECT version FROM schema_migrations ORDER BY version`)
}

func tableExists(t *testing.T, url, name string) bool {
	t.Helper()
	return query[bool](t, url, `SELECT to_regclass($1) IS NOT NULL`, name)[0]
}

func sqlFile(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }

func TestMigrateAppliesOnlyNewMigrations(t *testing.T) {
	url := pg.NewDatabase(t)
	ctx := context.Background()
	fsys := fstest.MapFS{"0001_a.sql": sqlFile(`CREATE TABLE a (x int); CREATE TABLE a2 (y int);`)}
	if err := postgres.MigrateFS(ctx, url, fsys); err != nil {
		t.Fatalf("first migration: %v", err)
	}
	// Applying 0001 again would fail: its tables exist.
	fsys["0002_b.sql"] = sqlFile(`CREATE TABLE b (x int)`)
	if err := postgres.MigrateFS(ctx, url, fsys); err != nil {
		t.Fatalf("second migration: %v", err)
	}
	if got := appliedVersions(t, url); !slices.Equal(got, []int32{1, 2}) {
		t.Errorf("applied versions = %v, want [1 2]", got)
	}
	for _, table := range []string{"a", "a2", "b"} {
		if !tableExists(t, url, table) {
			t.Errorf("table %s is missing", table)
		}
	}
}

func TestMigrateIsAllOrNothing(t *testing.T) {
	url := pg.NewDatabase(t)
	fsys := fstest.MapFS{
		"0001_a.sql": sqlFile(`CREATE TABLE a (x int)`),
		"0002_b.sql": sqlFile(`CREATE TABLE b (x int); THIS IS NOT SQL`),
	}
	err := postgres.MigrateFS(context.Background(), url, fsys)
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("a broken migration: %v, want an error naming it", err)
	}
	if tableExists(t, url, "a") || tableExists(t, url, "schema_migrations") {
		t.Error("a failed migration left part of the schema behind")
	}
}

func TestMigrateRefusesBadNamesAndNewerDatabases(t *testing.T) {
	url := pg.NewDatabase(t)
	ctx := context.Background()
	for _, fsys := range []fstest.MapFS{
		{"init.sql": sqlFile(`SELECT 1`)},
		{"0001_a.sql": sqlFile(`SELECT 1`), "1_b.sql": sqlFile(`SELECT 1`)},
	} {
		if err := postgres.MigrateFS(ctx, url, fsys); err == nil {
			t.Errorf("migrations %v were accepted", fsys)
		}
	}
	if err := postgres.MigrateFS(ctx, url, fstest.MapFS{"0001_a.sql": sqlFile(`SELECT 1`), "0002_b.sql": sqlFile(`SELECT 1`)}); err != nil {
		t.Fatal(err)
	}
	err := postgres.MigrateFS(ctx, url, fstest.MapFS{"0001_a.sql": sqlFile(`SELECT 1`)})
	if err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Errorf("an older build on a newer database: %v, want an error saying so", err)
	}
}

// TestOpenTogether opens one new database from several stores at once, as server
// replicas starting together do: each migration runs once, and every store works.
func TestOpenTogether(t *testing.T) {
	url := pg.NewDatabase(t)
	ctx := context.Background()
	const servers = 4
	errs := make([]error, servers)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = db.Ping(ctx)
			db.Close()
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("server %d: %v", i, err)
		}
	}
	if got := appliedVersions(t, url); !slices.Equal(got, []int32{1, 2, 3, 4, 8}) {
		t.Errorf("applied versions = %v, want [1 2 3 4 8], each once", got)
	}
}
