package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
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
	if got := appliedVersions(t, url); !slices.Equal(got, []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Errorf("applied versions = %v, want [1 2 3 4 5 6 7 8 9 10 11], each once", got)
	}
}

// TestOpenNumbersTheItemsOfAnOlderDatabase opens a database written before items
// had positions and progress stamps: each checklist keeps its order (positions 1,
// 2, 3, ... as written), its ticks, and names nobody for them.
func TestOpenNumbersTheItemsOfAnOlderDatabase(t *testing.T) {
	url := pg.NewDatabase(t)
	ctx := context.Background()
	older := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_checklists.sql", "0003_tokens_events.sql", "0004_tenant_source.sql"} {
		body, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		older[name] = sqlFile(string(body))
	}
	if err := postgres.MigrateFS(ctx, url, older); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO tenants (name, display_name, customer, deployment_model, environments, labels, scheme, version, created_at, updated_at)
			VALUES ('acme', '', '', 'private_saas', '[]', '{}', 'RACI', 1, 0, 0)`,
		`INSERT INTO parties VALUES ('acme', 'customer', '', 'customer', '[]', 1, 0, 0)`,
		`INSERT INTO checklists VALUES ('acme', 'infra', 'Infra', '', '', 1, 0, 0)`,
		`INSERT INTO checklist_items (tenant, checklist, position, key, title, owner, required, status, evidence)
			VALUES ('acme', 'infra', 0, 'vpn', 'VPN', 'customer', true, 'pending', ''),
			       ('acme', 'infra', 1, 'dns', 'DNS', 'customer', true, 'done', 'INFRA-7'),
			       ('acme', 'infra', 2, 'access', 'Access', 'customer', false, 'pending', '')`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			conn.Close(ctx)
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	conn.Close(ctx)

	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatalf("Open of a database without item positions: %v", err)
	}
	defer db.Close()
	c, err := db.FindChecklist(ctx, "acme", "infra")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range c.Items {
		got = append(got, fmt.Sprintf("%s@%d", it.Key, it.Position))
		if it.UpdatedBy != "" || it.UpdatedAt != nil {
			t.Errorf("item %q names %q at %v for its progress; want nobody", it.Key, it.UpdatedBy, it.UpdatedAt)
		}
	}
	if want := []string{"vpn@1", "dns@2", "access@3"}; !slices.Equal(got, want) {
		t.Errorf("items after the upgrade = %q, want %q", got, want)
	}
	if dns := c.Item("dns"); dns.Status != raci.Done || dns.Evidence != "INFRA-7" {
		t.Errorf("dns after the upgrade = %s %q, want done INFRA-7", dns.Status, dns.Evidence)
	}
}
