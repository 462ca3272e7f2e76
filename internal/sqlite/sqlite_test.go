package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/raci/racitest"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

func open(t *testing.T, path string, opts ...sqlite.Option) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	racitest.Run(t, func(t *testing.T) raci.Service {
		return open(t, filepath.Join(t.TempDir(), "raci.db"))
	})
}

func TestChecklistConformance(t *testing.T) {
	racitest.RunChecklists(t, func(t *testing.T) racitest.ChecklistStore {
		return open(t, filepath.Join(t.TempDir(), "raci.db"))
	})
}

// seed writes a tenant with the parties vendor and customer and one row per key.
func seed(t *testing.T, db *sqlite.DB, tenant string, keys ...string) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: tenant, DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"vendor", "customer"} {
		if _, _, err := db.PutParty(ctx, &raci.Party{Tenant: tenant, Name: p, Kind: raci.Vendor}, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range keys {
		if _, _, err := db.PutResponsibility(ctx, row(tenant, k), raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
}

func row(tenant, key string) *raci.Responsibility {
	return &raci.Responsibility{Tenant: tenant, Key: key, Title: key, Assignments: []raci.Assignment{
		{Party: "vendor", Roles: []raci.Role{raci.Responsible}},
		{Party: "customer", Roles: []raci.Role{raci.Accountable}},
	}}
}

// TestTwoProcessesReadEachOthersWrites has a server answer reads from the revisions
// it holds while another store on the same file writes, as the CLI or a second
// process would.
func TestTwoProcessesReadEachOthersWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raci.db")
	wait := sqlite.WithCommitWait(200 * time.Millisecond)
	writer, reader := open(t, path, wait), open(t, path, wait)
	racitest.RunCommitWait(t, writer, server.New(reader, server.Options{Token: "reader-token"}), "reader-token")
}

// TestCommitWaitIsAnOption has writes held back only by a store opened with a
// commit wait, as the server opens its own; the provider's local file has none.
func TestCommitWaitIsAnOption(t *testing.T) {
	ctx := context.Background()
	plain := open(t, filepath.Join(t.TempDir(), "raci.db"))
	if got := plain.CommitWait(); got != 0 {
		t.Errorf("opened without a commit wait, the store claims one of %s", got)
	}

	const wait = 300 * time.Millisecond
	held := open(t, filepath.Join(t.TempDir(), "raci.db"), sqlite.WithCommitWait(wait))
	if got := held.CommitWait(); got != wait {
		t.Errorf("opened with a commit wait of %s, the store claims %s", wait, got)
	}
	began := time.Now()
	if _, _, err := held.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < wait {
		t.Errorf("a write returned after %s, within the commit wait of %s", took, wait)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raci.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db, "acme", "backups")
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Opening the file again must not apply the migrations again (they would fail on
	// the existing tables) and must find what was written.
	db = open(t, path)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	r, err := db.FindResponsibility(context.Background(), "acme", "backups")
	if err != nil {
		t.Fatalf("FindResponsibility after reopening: %v", err)
	}
	if r.Version != 1 || len(r.Assignments) != 2 {
		t.Errorf("after reopening: %+v", r)
	}
}

func TestOpenRefusesNonFilePaths(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:raci.db?mode=memory"} {
		if db, err := sqlite.Open(context.Background(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestOpenOddPaths(t *testing.T) {
	for _, name := range []string{"what?#%20.db", "50%#1.db", "with space.db"} {
		path := filepath.Join(t.TempDir(), name)
		db := open(t, path)
		seed(t, db, "acme")
		if _, err := os.Stat(path); err != nil {
			t.Errorf("database file not at the path given: %v", err)
		}
	}
}

func TestClock(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx := context.Background()
	// Nanoseconds and a zone other than UTC: both must come back exactly, in UTC.
	zone := time.FixedZone("CEST", 2*60*60)
	now := time.Date(2025, 6, 1, 12, 0, 0, 123456789, zone)
	db.Now = func() time.Time { return now }

	created, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	if !created.CreatedAt.Equal(now) || created.CreatedAt.Location() != time.UTC {
		t.Errorf("created_at = %v, want %v in UTC", created.CreatedAt, now)
	}

	later := now.Add(90*time.Minute + time.Nanosecond)
	db.Now = func() time.Time { return later }
	replaced, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.SelfManaged}, raci.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	if !replaced.CreatedAt.Equal(now) || !replaced.UpdatedAt.Equal(later) {
		t.Errorf("after replace: created_at %v updated_at %v, want %v and %v", replaced.CreatedAt, replaced.UpdatedAt, now, later)
	}
	found, err := db.FindTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	// == rather than Equal: what a write returns is what a read returns, to the bit.
	if found.CreatedAt != replaced.CreatedAt || found.UpdatedAt != replaced.UpdatedAt {
		t.Errorf("found times %v/%v differ from written %v/%v", found.CreatedAt, found.UpdatedAt, replaced.CreatedAt, replaced.UpdatedAt)
	}
}

func TestPutDoesNotChangeCallersObject(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	seed(t, db, "acme")
	ctx := context.Background()
	tn := &raci.Tenant{Name: "other", DeploymentModel: raci.PrivateSaaS, Environments: []string{"prod", "dev"}}
	if _, _, err := db.PutTenant(ctx, tn, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tn.Environments, []string{"prod", "dev"}) || tn.Version != 0 || tn.Labels != nil {
		t.Errorf("PutTenant changed the caller's tenant: %+v", tn)
	}
	r := &raci.Responsibility{Tenant: "acme", Key: "backups", Title: "Backups", Assignments: []raci.Assignment{
		{Party: "vendor", Roles: []raci.Role{raci.Informed, raci.Responsible}},
		{Party: "customer", Roles: []raci.Role{raci.Accountable}},
	}}
	if _, _, err := db.PutResponsibility(ctx, r, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if r.Assignments[0].Party != "vendor" || r.Assignments[0].Roles[0] != raci.Informed {
		t.Errorf("PutResponsibility reordered the caller's assignments: %+v", r.Assignments)
	}
}

func TestConflictMessages(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx := context.Background()
	keys := []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7"}
	seed(t, db, "acme", keys...)

	err := db.DeleteTenant(ctx, "acme", raci.Precondition{})
	for _, want := range []string{`"acme"`, "2 parties", "7 responsibilities", "delete them first"} {
		if !strings.Contains(raci.ErrorMessage(err), want) {
			t.Errorf("DeleteTenant message %q does not say %q", raci.ErrorMessage(err), want)
		}
	}

	err = db.DeleteParty(ctx, "acme", "vendor", raci.Precondition{})
	msg := raci.ErrorMessage(err)
	for _, want := range []string{`"vendor"`, `"r1", "r2", "r3", "r4", "r5" and 2 more`, "remove those assignments first"} {
		if !strings.Contains(msg, want) {
			t.Errorf("DeleteParty message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, `"r6"`) {
		t.Errorf("DeleteParty message %q lists more than five rows", msg)
	}
}

func TestSchemeChangeNamesEachRow(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	seed(t, db, "acme", "backups", "monitoring")
	_, _, err := db.PutTenant(context.Background(), &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS, Scheme: raci.DACI}, raci.Precondition{})
	if raci.ErrorCode(err) != raci.EINVALID {
		t.Fatalf("scheme change to DACI: %v, want %s", err, raci.EINVALID)
	}
	msg := raci.ErrorMessage(err)
	for _, want := range []string{`from RACI to DACI`, `row "backups"`, `row "monitoring"`, "no Driver party", "keep the scheme RACI"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
}

func TestInternalErrorsStayInternal(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = db.FindTenant(context.Background(), "acme")
	if raci.ErrorCode(err) != raci.EINTERNAL || raci.ErrorMessage(err) != "Internal error." {
		t.Errorf("FindTenant on a closed database: code %q message %q, want %q and no detail",
			raci.ErrorCode(err), raci.ErrorMessage(err), raci.EINTERNAL)
	}
}

func TestCanceledContext(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "raci.db"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{})
	if err == nil {
		t.Fatal("PutTenant with a canceled context succeeded")
	}
	if _, err := db.FindTenant(context.Background(), "acme"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("a write with a canceled context was stored: %v", err)
	}
}

// killWriterEnv names the database a re-executed test binary writes to until it is
// killed.
const killWriterEnv = "RACI_SQLITE_KILL_WRITER"

// TestKilledWriterLosesNoCommittedWrite kills a process with SIGKILL while it writes
// and checks that every write it acknowledged is in the file.
func TestKilledWriterLosesNoCommittedWrite(t *testing.T) {
	if path := os.Getenv(killWriterEnv); path != "" {
		writeUntilKilled(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a process")
	}
	path := filepath.Join(t.TempDir(), "raci.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db, "acme", "backups")
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLosesNoCommittedWrite$")
	cmd.Env = append(os.Environ(), killWriterEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked int64
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		v, err := strconv.ParseInt(strings.TrimPrefix(lines.Text(), "acked "), 10, 64)
		if err != nil {
			continue
		}
		acked = v
		if acked >= 200 {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // it was killed: the error says so
	if acked < 200 {
		t.Fatalf("the writer acknowledged only version %d before it ended", acked)
	}

	db = open(t, path)
	r, err := db.FindResponsibility(context.Background(), "acme", "backups")
	if err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	if r.Version < acked {
		t.Errorf("version %d after the kill, but version %d was acknowledged", r.Version, acked)
	}
}

// writeUntilKilled replaces one row over and over, printing each version once its
// write returned.
func writeUntilKilled(path string) {
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		r := row("acme", "backups")
		r.Notes = strconv.Itoa(i)
		stored, _, err := db.PutResponsibility(context.Background(), r, raci.Precondition{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stdout, "acked %d\n", stored.Version)
	}
}

func benchDB(b *testing.B, rows int) *sqlite.DB {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "raci.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		b.Fatal(err)
	}
	for _, p := range []string{"vendor", "customer"} {
		if _, _, err := db.PutParty(ctx, &raci.Party{Tenant: "acme", Name: p, Kind: raci.Vendor}, raci.Precondition{}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range rows {
		if _, _, err := db.PutResponsibility(ctx, row("acme", fmt.Sprintf("row-%04d", i)), raci.Precondition{}); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

func BenchmarkFindResponsibility(b *testing.B) {
	db := benchDB(b, 100)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.FindResponsibility(ctx, "acme", "row-0042"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkListResponsibilities(b *testing.B) {
	db := benchDB(b, 1000)
	ctx := context.Background()
	for b.Loop() {
		page, err := db.ListResponsibilities(ctx, "acme", raci.ListOptions{Limit: 100})
		if err != nil || len(page.Items) != 100 {
			b.Fatal(page, err)
		}
	}
}

func BenchmarkPutResponsibility(b *testing.B) {
	db := benchDB(b, 1)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := db.PutResponsibility(ctx, row("acme", "row-0000"), raci.Precondition{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTokenConformance(t *testing.T) {
	racitest.RunTokens(t, func(t *testing.T) racitest.TokenStore {
		return open(t, filepath.Join(t.TempDir(), "raci.db"))
	})
}

func TestEventConformance(t *testing.T) {
	racitest.RunEvents(t, func(t *testing.T) racitest.EventStore {
		return open(t, filepath.Join(t.TempDir(), "raci.db"))
	})
}

func TestAccessConformance(t *testing.T) {
	var mu sync.Mutex
	paths := map[racitest.AccessStore]string{}
	racitest.RunAccess(t, func(t *testing.T) racitest.AccessStore {
		path := filepath.Join(t.TempDir(), "raci.db")
		db := open(t, path)
		mu.Lock()
		defer mu.Unlock()
		paths[db] = path
		return db
	}, func(t *testing.T, s racitest.AccessStore) racitest.AccessStore {
		mu.Lock()
		defer mu.Unlock()
		return open(t, paths[s])
	})
}

func TestSessionConformance(t *testing.T) {
	var mu sync.Mutex
	paths := map[racitest.SessionStore]string{}
	racitest.RunSessions(t, func(t *testing.T) racitest.SessionStore {
		path := filepath.Join(t.TempDir(), "raci.db")
		db := open(t, path)
		mu.Lock()
		defer mu.Unlock()
		paths[db] = path
		return db
	}, func(t *testing.T, s racitest.SessionStore) racitest.SessionStore {
		mu.Lock()
		defer mu.Unlock()
		return open(t, paths[s]) // a second process on the same file
	})
}

// installationOf reads the installation id a snapshot of a new tenant carries.
func installationOf(t *testing.T, db raci.Service, tenant string) string {
	t.Helper()
	if _, _, err := db.PutTenant(context.Background(), &raci.Tenant{Name: tenant, DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil && raci.ErrorCode(err) != raci.EPRECONDITION {
		t.Fatal(err)
	}
	snap, err := raci.ReadSnapshot(context.Background(), db, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return snap.Installation
}

// Each database gets an installation id of its own when it is created, and keeps
// it: two databases differ, and reopening one finds the same id.
func TestInstallationID(t *testing.T) {
	dir := t.TempDir()
	first := open(t, filepath.Join(dir, "first.db"))
	second := open(t, filepath.Join(dir, "second.db"))
	a, b := installationOf(t, first, "acme"), installationOf(t, second, "acme")
	if a == "" || a == b {
		t.Fatalf("two databases have installation ids %q and %q; want two different ids", a, b)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if again := installationOf(t, open(t, filepath.Join(dir, "first.db")), "acme"); again != a {
		t.Errorf("reopened, the database has installation id %q, want %q as before", again, a)
	}
}

func TestWebhookConformance(t *testing.T) {
	racitest.RunWebhooks(t, func(t *testing.T) racitest.WebhookStore {
		return open(t, filepath.Join(t.TempDir(), "raci.db"))
	})
}
