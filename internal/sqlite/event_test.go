package sqlite

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func seedAcme(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"vendor", "customer"} {
		if _, _, err := db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: p, Kind: raci.Vendor}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
}

func backupsRow() *raci.Responsibility {
	return &raci.Responsibility{Tenant: "acme", Key: "backups", Title: "Backups", Assignments: []raci.Assignment{
		{Party: "vendor", Roles: []raci.Role{raci.Responsible}},
		{Party: "customer", Roles: []raci.Role{raci.Accountable}},
	}}
}

func TestEventTimeIsTheStoresClock(t *testing.T) {
	db, _ := openTemp(t)
	now := time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*60*60))
	db.Now = func() time.Time { return now }
	if _, _, err := db.PutTenant(context.Background(), &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	events, err := db.ListEvents(context.Background(), "acme", raci.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || !events[0].At.Equal(now) || events[0].At.Location() != time.UTC {
		t.Fatalf("events = %+v, want one at %v in UTC", events, now)
	}
}

// TestWriteAndItsEventAreOneTransaction makes appending the event fail: every write
// fails with it and changes nothing.
func TestWriteAndItsEventAreOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	seedAcme(t, db)
	if _, _, err := db.PutResponsibility(ctx, backupsRow(), raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	checklist := &raci.Checklist{Tenant: "acme", Key: "infra", Title: "Infra", Items: []raci.ChecklistItem{{Key: "dns", Title: "DNS", Owner: "customer", Required: true}}}
	if _, _, err := db.PutChecklist(ctx, checklist, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	before, err := db.Snapshot(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TEMP TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}

	changed := backupsRow()
	changed.Notes = "changed"
	writes := map[string]func() error{
		"PutTenant": func() error {
			_, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.SelfManaged}, raci.Precondition{})
			return err
		},
		"PutTenant (create)": func() error {
			_, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "globex", DeploymentModel: raci.SelfManaged}, raci.Precondition{})
			return err
		},
		"PutParty": func() error {
			_, _, err := db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: "auditor", Kind: raci.ThirdParty}, raci.Precondition{})
			return err
		},
		"PutResponsibility": func() error { _, _, err := db.PutResponsibility(ctx, changed, raci.Precondition{}); return err },
		"RenameParty": func() error {
			_, err := db.RenameParty(ctx, "acme", "customer", "client", raci.Precondition{})
			return err
		},
		"DeleteResponsibility": func() error { return db.DeleteResponsibility(ctx, "acme", "backups", raci.Precondition{}) },
		"PutChecklist": func() error {
			c := *checklist
			c.Title = "changed"
			_, _, err := db.PutChecklist(ctx, &c, raci.Precondition{})
			return err
		},
		"UpdateChecklistItem": func() error {
			done := raci.Done
			_, err := db.UpdateChecklistItem(ctx, "acme", "infra", "dns", raci.ItemPatch{Status: &done}, raci.Precondition{})
			return err
		},
		"DeleteChecklist": func() error { return db.DeleteChecklist(ctx, "acme", "infra", raci.Precondition{}) },
	}
	for name, write := range writes {
		if err := write(); raci.ErrorCode(err) != raci.EINTERNAL || raci.ErrorMessage(err) != "Internal error." {
			t.Errorf("%s with its event refused: %v, want %s with no detail", name, err, raci.EINTERNAL)
		}
	}
	after, err := db.Snapshot(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(after)
	b, _ := json.Marshal(before)
	if string(a) != string(b) {
		t.Errorf("writes whose events failed changed the tenant:\nbefore %s\n after %s", b, a)
	}
	if _, err := db.FindTenant(ctx, "globex"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("a tenant whose event failed was created: %v", err)
	}
}

// TestDatabaseKeepsEventsConsistent checks the schema itself: only a create lacks a
// before, only a delete an after, and the action is one the log knows.
func TestDatabaseKeepsEventsConsistent(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	for _, bad := range []string{
		`('create', '{}', '{}')`,
		`('create', NULL, NULL)`,
		`('update', NULL, '{}')`,
		`('update', '{}', NULL)`,
		`('delete', '{}', '{}')`,
		`('rename', NULL, '{}')`,
		`('rename', '{}', NULL)`,
		`('move', '{}', '{}')`,
	} {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO events (at, actor, tenant, object, action, before_json, after_json)
			SELECT 0, 'x', 'acme', 'tenant', column1, column2, column3 FROM (VALUES `+bad+`)`); err == nil {
			t.Errorf("the database accepted the event (action, before, after) = %s", bad)
		}
	}
	for _, action := range []string{"update", "rename"} {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO events (at, actor, tenant, object, action, before_json, after_json)
			VALUES (0, 'x', 'acme', 'tenant', ?, '{}', '{}')`, action); err != nil {
			t.Errorf("the database refused a consistent %s event: %v", action, err)
		}
	}
}

// TestOpenUpgradesADatabaseWithoutEvents opens a file written before tokens and the
// event log existed: its data stays, its log starts empty, and the first write logs
// what was there.
func TestOpenUpgradesADatabaseWithoutEvents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "raci.db")
	raw := openRaw(t, path)
	old := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_checklists.sql"} {
		data, err := fs.ReadFile(migrationFiles, "migrations/"+name)
		if err != nil {
			t.Fatal(err)
		}
		old[name] = &fstest.MapFile{Data: data}
	}
	if err := migrate(ctx, raw, old); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO tenants VALUES ('acme', 'Acme', '', 'private_saas', '[]', '{}', 'RACI', 1, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a database without events: %v", err)
	}
	defer db.Close()
	existing, err := db.FindTenant(ctx, "acme")
	if err != nil {
		t.Fatalf("the tenant written before the upgrade: %v", err)
	}
	events, err := db.ListEvents(ctx, "acme", raci.EventFilter{})
	if err != nil || len(events) != 0 {
		t.Fatalf("log of a tenant written before the upgrade = %v, %v; want empty", events, err)
	}
	if n, err := db.CountTokens(ctx); err != nil || n != 0 {
		t.Fatalf("CountTokens after the upgrade = %d, %v; want 0", n, err)
	}

	if _, _, err := db.PutTenant(raci.WithActor(ctx, "alice"), &raci.Tenant{Name: "acme", DeploymentModel: raci.SelfManaged}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	events, err = db.ListEvents(ctx, "acme", raci.EventFilter{})
	if err != nil || len(events) != 1 {
		t.Fatalf("log after the first write = %v, %v; want one event", events, err)
	}
	var got, want any
	if err := json.Unmarshal(events[0].Before, &got); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(existing)
	_ = json.Unmarshal(b, &want)
	if events[0].Action != raci.ActionUpdate || events[0].Actor != "alice" || !reflect.DeepEqual(got, want) {
		t.Errorf("first event after the upgrade = %s by %s before %s, want an update by alice before %s", events[0].Action, events[0].Actor, events[0].Before, b)
	}
}
