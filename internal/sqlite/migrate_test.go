package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// openRaw opens a database file the way Open does for writes, without migrating.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_txlock=immediate"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func appliedVersions(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func tableExists(t *testing.T, db *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestMigrateAppliesOnlyNewMigrations(t *testing.T) {
	ctx := context.Background()
	db := openRaw(t, filepath.Join(t.TempDir(), "m.db"))
	// Plain CREATE TABLE fails if run twice: a migration applied again shows.
	v1 := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1);`)},
	}
	if err := migrate(ctx, db, v1); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if err := migrate(ctx, db, v1); err != nil {
		t.Fatalf("migrate with nothing new: %v", err)
	}

	v2 := fstest.MapFS{
		"0001_a.sql":  v1["0001_a.sql"],
		"0002_b.sql":  v1["0002_b.sql"],
		"0010_c.sql":  {Data: []byte(`CREATE TABLE c (x INTEGER);`)},
		"0003_bb.sql": {Data: []byte(`INSERT INTO b VALUES (2);`)},
		"README.md":   {Data: []byte(`not a migration`)},
	}
	if err := migrate(ctx, db, v2); err != nil {
		t.Fatalf("migrate with new files: %v", err)
	}
	if got := appliedVersions(t, db); len(got) != 4 || got[0] != 1 || got[1] != 2 || got[2] != 3 || got[3] != 10 {
		t.Errorf("applied versions = %v, want [1 2 3 10]", got)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM b`).Scan(&n); err != nil || n != 2 {
		t.Errorf("rows in b = %d (%v), want 2: 0002 once, then 0003", n, err)
	}
	if !tableExists(t, db, "c") {
		t.Error("table c of migration 0010 missing")
	}
}

func TestMigrateIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := openRaw(t, filepath.Join(t.TempDir(), "m.db"))
	if err := migrate(ctx, db, fstest.MapFS{"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)}}); err != nil {
		t.Fatal(err)
	}
	broken := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER);`)},
		"0003_c.sql": {Data: []byte(`CREATE TABLE c (x INTEGER); THIS IS NOT SQL;`)},
	}
	err := migrate(ctx, db, broken)
	if err == nil || !strings.Contains(err.Error(), "0003_c.sql") {
		t.Fatalf("migrate with a broken file = %v, want an error naming it", err)
	}
	if tableExists(t, db, "b") || tableExists(t, db, "c") {
		t.Error("a failed migration run left tables behind")
	}
	if got := appliedVersions(t, db); len(got) != 1 {
		t.Errorf("applied versions = %v after a failed run, want [1]", got)
	}
}

func TestMigrateRefusesBadNamesAndNewerDatabases(t *testing.T) {
	ctx := context.Background()
	for name, fsys := range map[string]fstest.MapFS{
		"no number":      {"init.sql": {Data: []byte(`SELECT 1;`)}},
		"zero":           {"0000_init.sql": {Data: []byte(`SELECT 1;`)}},
		"same number":    {"0001_a.sql": {Data: []byte(`SELECT 1;`)}, "1_b.sql": {Data: []byte(`SELECT 1;`)}},
		"no underscore":  {"0001.sql": {Data: []byte(`SELECT 1;`)}},
		"letters prefix": {"v1_init.sql": {Data: []byte(`SELECT 1;`)}},
	} {
		db := openRaw(t, filepath.Join(t.TempDir(), "m.db"))
		if err := migrate(ctx, db, fsys); err == nil {
			t.Errorf("%s: migrate succeeded, want an error", name)
		}
	}

	// A database migrated by a newer build is not touched by an older one.
	path := filepath.Join(t.TempDir(), "m.db")
	db := openRaw(t, path)
	newer := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER);`)},
	}
	if err := migrate(ctx, db, newer); err != nil {
		t.Fatal(err)
	}
	older := fstest.MapFS{"0001_a.sql": newer["0001_a.sql"]}
	if err := migrate(ctx, db, older); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("older migrations on a newer database = %v, want an error saying it is newer", err)
	}
}

// TestDatabaseEnforcesAssignedParties checks the schema itself, below the store's own
// checks: an assignment needs its party, and a party cannot go while assigned.
func TestDatabaseEnforcesAssignedParties(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"vendor", "customer"} {
		if _, _, err := db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: p, Kind: raci.Vendor}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	r := &raci.Responsibility{Tenant: "acme", Key: "backups", Title: "Backups", Assignments: []raci.Assignment{
		{Party: "vendor", Roles: []raci.Role{raci.Responsible}},
		{Party: "customer", Roles: []raci.Role{raci.Accountable}},
	}}
	if _, _, err := db.PutResponsibility(ctx, r, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}

	if _, err := db.write.ExecContext(ctx, `INSERT INTO assignments (tenant, responsibility, position, party, roles, holder, condition)
		VALUES ('acme', 'backups', 5, 'ghost', '["I"]', '', '')`); err == nil {
		t.Error("the database accepted an assignment of a party that does not exist")
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM parties WHERE tenant = 'acme' AND name = 'vendor'`); err == nil {
		t.Error("the database deleted a party a row still assigns")
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM tenants WHERE name = 'acme'`); err == nil {
		t.Error("the database deleted a tenant that still has parties")
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO assignments (tenant, responsibility, position, party, roles, holder, condition)
		VALUES ('acme', 'backups', 5, 'vendor', '["I"]', '', '')`); err == nil {
		t.Error("the database accepted the same party twice under the same condition in one row")
	}
}

// TestDatabaseEnforcesChecklistParties checks the schema itself: an item's owner and
// its waiver's approver must be parties of its tenant, and neither a party nor a
// tenant goes while a checklist names it.
func TestDatabaseEnforcesChecklistParties(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"vendor", "customer", "auditor"} {
		if _, _, err := db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: p, Kind: raci.Vendor}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	c := &raci.Checklist{Tenant: "acme", Key: "infra", Title: "Infra", Items: []raci.ChecklistItem{
		{Key: "dns", Title: "DNS", Owner: "customer", Required: true, Status: raci.Waived,
			Waiver: &raci.Waiver{Reason: "own DNS", ApprovedBy: "auditor", Expires: time.Now().AddDate(1, 0, 0)}},
	}}
	if _, _, err := db.PutChecklist(ctx, c, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}

	insert := func(position int, key, owner string, approver any) error {
		_, err := db.write.ExecContext(ctx, `INSERT INTO checklist_items (tenant, checklist, position, key, title, owner, required,
			status, evidence, waiver_reason, waiver_approver, waiver_expires) VALUES ('acme', 'infra', ?, ?, 't', ?, 1, 'pending', '', ?, ?, ?)`,
			position, key, owner, approver, approver, 1)
		return err
	}
	if err := insert(5, "tls", "ghost", nil); err == nil {
		t.Error("the database accepted an item owned by a party that does not exist")
	}
	if err := insert(5, "tls", "vendor", "ghost"); err == nil {
		t.Error("the database accepted a waiver approved by a party that does not exist")
	}
	if err := insert(5, "dns", "vendor", nil); err == nil {
		t.Error("the database accepted two items with one key in a checklist")
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM parties WHERE tenant = 'acme' AND name = 'customer'`); err == nil {
		t.Error("the database deleted a party that owns an item")
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM parties WHERE tenant = 'acme' AND name = 'auditor'`); err == nil {
		t.Error("the database deleted a party that approves a waiver")
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM checklist_items`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM parties`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM tenants WHERE name = 'acme'`); err == nil {
		t.Error("the database deleted a tenant that still has a checklist")
	}
}

// TestOpenUpgradesADatabaseWithoutChecklists opens a file written before checklists
// existed: its data stays and checklists work.
func TestOpenUpgradesADatabaseWithoutChecklists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "raci.db")
	raw := openRaw(t, path)
	first, err := fs.ReadFile(migrationFiles, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, raw, fstest.MapFS{"0001_init.sql": {Data: first}}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO tenants VALUES ('acme', '', '', 'private_saas', '[]', '{}', 'RACI', 1, 0, 0);
		INSERT INTO parties VALUES ('acme', 'customer', '', 'customer', '[]', 1, 0, 0);
		INSERT INTO responsibilities VALUES ('acme', 'backups', 'Backups', '', '', '', 1, 0, 0);
		INSERT INTO assignments VALUES ('acme', 'backups', 0, 'customer', '["R","A"]', '', '')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a database without checklists: %v", err)
	}
	defer db.Close()
	if got := appliedVersions(t, db.write); !slices.Equal(got, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Errorf("applied versions = %v, want [1 2 3 4 5 6 7 8 9 10 11]", got)
	}
	// A row written before accountability existed had exactly one A: it reads as single.
	if r, err := db.FindResponsibility(ctx, "acme", "backups"); err != nil || r.Accountability != raci.AccountabilitySingle {
		t.Errorf("FindResponsibility after the upgrade = %+v, %v; want accountability single", r, err)
	}
	// A tenant written before descriptions and sources existed has neither.
	if tn, err := db.FindTenant(ctx, "acme"); err != nil || tn.Description != "" || tn.Source != nil {
		t.Errorf("FindTenant after the upgrade = %+v, %v; want no description and no source", tn, err)
	}
	c := &raci.Checklist{Tenant: "acme", Key: "infra", Title: "Infra", Items: []raci.ChecklistItem{{Key: "dns", Title: "DNS", Owner: "customer", Required: true}}}
	if _, _, err := db.PutChecklist(ctx, c, raci.Precondition{}); err != nil {
		t.Fatalf("PutChecklist after the upgrade: %v", err)
	}
}

// TestOpenNumbersTheItemsOfAnOlderDatabase opens a file written before items had
// positions and progress stamps: each checklist keeps its order (positions 1, 2,
// 3, ... as written), its ticks, and names nobody for them.
func TestOpenNumbersTheItemsOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "raci.db")
	raw := openRaw(t, path)
	older := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_checklists.sql", "0003_tokens_events.sql", "0004_tenant_source.sql"} {
		body, err := fs.ReadFile(migrationFiles, "migrations/"+name)
		if err != nil {
			t.Fatal(err)
		}
		older[name] = &fstest.MapFile{Data: body}
	}
	if err := migrate(ctx, raw, older); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO tenants (name, display_name, customer, deployment_model, environments, labels, scheme, version, created_at, updated_at)
			VALUES ('acme', '', '', 'private_saas', '[]', '{}', 'RACI', 1, 0, 0);
		INSERT INTO parties VALUES ('acme', 'customer', '', 'customer', '[]', 1, 0, 0);
		INSERT INTO checklists VALUES ('acme', 'infra', 'Infra', '', '', 1, 0, 0);
		INSERT INTO checklist_items (tenant, checklist, position, key, title, owner, required, status, evidence)
			VALUES ('acme', 'infra', 0, 'vpn', 'VPN', 'customer', 1, 'pending', ''),
			       ('acme', 'infra', 1, 'dns', 'DNS', 'customer', 1, 'done', 'INFRA-7'),
			       ('acme', 'infra', 2, 'access', 'Access', 'customer', 0, 'pending', '')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
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

// TestEventRenameMigrationKeepsTheLog upgrades a log written before renames were
// recorded: every event stays as it was, and the next one's seq follows the
// highest ever given, not the highest still present after the table was copied.
func TestEventRenameMigrationKeepsTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "raci.db")
	raw := openRaw(t, path)
	before := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_checklists.sql", "0003_tokens_events.sql", "0004_tenant_source.sql"} {
		body, err := fs.ReadFile(migrationFiles, "migrations/"+name)
		if err != nil {
			t.Fatal(err)
		}
		before[name] = &fstest.MapFile{Data: body}
	}
	if err := migrate(ctx, raw, before); err != nil {
		t.Fatal(err)
	}
	// The tenant, and three events of it (its log begins at its create), of which
	// AUTOINCREMENT remembers seq 3 although only 1 and 2 are left: a copy that lost
	// the counter would hand out 3 again.
	if _, err := raw.ExecContext(ctx, `INSERT INTO tenants (name, display_name, customer, deployment_model, environments, labels, scheme, version, created_at, updated_at)
		VALUES ('acme', '', '', 'self_managed', '[]', '{}', 'RACI', 3, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	for i, before := range []any{nil, "{}", "{}"} {
		action := map[bool]string{true: "create", false: "update"}[before == nil]
		if _, err := raw.ExecContext(ctx, `INSERT INTO events (at, actor, tenant, object, action, before_json, after_json)
			VALUES (?, 'alice', 'acme', 'tenant', ?, ?, '{}')`, i, action, before); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM events WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a database with a log: %v", err)
	}
	defer db.Close()
	events, err := db.ListEvents(ctx, "acme", raci.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Seq != 1 || events[1].Seq != 2 || events[1].Actor != "alice" || events[1].At.UnixNano() != 1 {
		t.Fatalf("events after the upgrade = %+v, want seq 1 and 2 as written", events)
	}
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.SelfManaged}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	events, err = db.ListEvents(ctx, "acme", raci.EventFilter{After: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Seq != 4 {
		t.Errorf("the first event after the upgrade = %+v, want seq 4", events)
	}
	if _, err := db.RenameParty(ctx, "acme", "nobody", "somebody", raci.Precondition{}); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("RenameParty of a missing party after the upgrade: %v, want ENOTFOUND", err)
	}
}
