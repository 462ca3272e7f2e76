package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres"
	"github.com/raci-dev/terraform-provider-raci/internal/postgres/pgtest"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/raci/racitest"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
)

// pg is the server of this test process; each test gets a database of its own on it.
var pg *pgtest.Server

func TestMain(m *testing.M) {
	var stop func()
	pg, stop = pgtest.Start()
	code := m.Run()
	stop()
	os.Exit(code)
}

// open returns a store on a new, empty database, closed when the test ends.
func open(t *testing.T) *postgres.DB {
	t.Helper()
	url := pg.NewDatabase(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openTwo returns two stores on one new database, as two server processes would
// have, closed when the test ends.
func openTwo(t *testing.T, opts ...postgres.Option) (*postgres.DB, *postgres.DB) {
	t.Helper()
	url := pg.NewDatabase(t)
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(context.Background(), url, opts...)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// openParallel is open for the conformance suites: every subtest has a database of
// its own, so they run side by side.
func openParallel(t *testing.T) *postgres.DB {
	t.Parallel()
	return open(t)
}

func TestConformance(t *testing.T) {
	racitest.Run(t, func(t *testing.T) raci.Service { return openParallel(t) })
}

func TestChecklistConformance(t *testing.T) {
	racitest.RunChecklists(t, func(t *testing.T) racitest.ChecklistStore { return openParallel(t) })
}

func TestTokenConformance(t *testing.T) {
	racitest.RunTokens(t, func(t *testing.T) racitest.TokenStore { return openParallel(t) })
}

func TestEventConformance(t *testing.T) {
	racitest.RunEvents(t, func(t *testing.T) racitest.EventStore { return openParallel(t) })
}

// seed writes a tenant with the parties vendor and customer and one row per key.
func seed(t *testing.T, db *postgres.DB, tenant string, keys ...string) {
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

// TestTwoServersLoseNoWrite runs two stores on one database, as two server processes
// behind a load balancer would, and has both write one tenant at once: rows of their
// own, one row they share, and the row that decides whether a party may be deleted.
// Every write acknowledged must be there, each counted once in the versions.
func TestTwoServersLoseNoWrite(t *testing.T) {
	url := pg.NewDatabase(t)
	ctx := context.Background()
	var servers [2]*postgres.DB
	// Both open at once: the migrations must run once, under their lock.
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i := range servers {
		wg.Go(func() { servers[i], errs[i] = postgres.Open(ctx, url) })
	}
	wg.Wait()
	for i, db := range servers {
		if errs[i] != nil {
			t.Fatalf("Open of server %d: %v", i, errs[i])
		}
		t.Cleanup(func() { db.Close() })
	}
	seed(t, servers[0], "acme", "shared")

	const goroutines, writes = 8, 10
	type ack struct {
		key     string
		notes   string
		version int64
	}
	acks := make(chan ack, len(servers)*goroutines*writes*2)
	failures := make(chan error, len(servers)*goroutines*writes*2)
	for s, db := range servers {
		for g := range goroutines {
			wg.Go(func() {
				for i := range writes {
					// A row only this goroutine writes, then the row everyone writes.
					own := row("acme", fmt.Sprintf("s%d-g%d", s, g))
					own.Notes = fmt.Sprintf("write %d", i)
					for _, r := range []*raci.Responsibility{own, row("acme", "shared")} {
						if r.Key == "shared" {
							r.Notes = fmt.Sprintf("server %d goroutine %d write %d", s, g, i)
						}
						stored, _, err := db.PutResponsibility(raci.WithActor(ctx, fmt.Sprintf("server-%d", s)), r, raci.Precondition{})
						if err != nil {
							failures <- fmt.Errorf("server %d goroutine %d write %d of %q: %w", s, g, i, r.Key, err)
							continue
						}
						acks <- ack{key: r.Key, notes: r.Notes, version: stored.Version}
					}
				}
			})
		}
	}
	wg.Wait()
	close(acks)
	close(failures)
	for err := range failures {
		t.Errorf("a write without precondition failed with two servers writing: %v", err)
	}

	// Each acknowledged write got a version of its own, one after the other.
	versions := map[string][]int64{}
	for a := range acks {
		versions[a.key] = append(versions[a.key], a.version)
	}
	for key, vs := range versions {
		slices.Sort(vs)
		first := int64(1)
		if key == "shared" {
			first = 2 // seed wrote version 1
		}
		for i, v := range vs {
			if v != first+int64(i) {
				t.Errorf("row %q: acknowledged versions %v: want each of %d..%d once", key, vs, first, first+int64(len(vs))-1)
				break
			}
		}
	}

	// What either server reads is every row, at the last version acknowledged.
	for s, db := range servers {
		page, err := db.ListResponsibilities(ctx, "acme", raci.ListOptions{Limit: raci.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 + len(servers)*goroutines; len(page.Items) != want {
			t.Errorf("server %d lists %d rows, want %d", s, len(page.Items), want)
		}
		for _, r := range page.Items {
			vs := versions[r.Key]
			if len(vs) == 0 || r.Version != vs[len(vs)-1] {
				t.Errorf("server %d: row %q at version %d, want the last acknowledged %v", s, r.Key, r.Version, vs)
			}
		}
	}

	// The log has one event per write, in version order per row.
	events, err := servers[1].ListEvents(ctx, "acme", raci.EventFilter{Object: raci.ResponsibilityObject("shared"), Limit: raci.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(servers)*goroutines*writes; len(events) != want {
		t.Errorf("the shared row has %d events, want %d: one per write", len(events), want)
	}
	for i := 1; i < len(events); i++ {
		if events[i].Seq <= events[i-1].Seq {
			t.Errorf("events out of order: seq %d after %d", events[i].Seq, events[i-1].Seq)
		}
	}
}

// TestTwoServersReadEachOthersWrites has one server answer reads from the revisions
// it holds while another store writes.
func TestTwoServersReadEachOthersWrites(t *testing.T) {
	writer, reader := openTwo(t, postgres.WithCommitWait(200*time.Millisecond))
	racitest.RunCommitWait(t, writer, server.New(reader, server.Options{Token: "reader-token"}), "reader-token")
}

// TestTwoServersIfMatch has two stores race on one row with the same If-Match:
// exactly one write wins, whichever server it reached.
func TestTwoServersIfMatch(t *testing.T) {
	ctx := context.Background()
	a, b := openTwo(t)
	seed(t, a, "acme", "backups")

	const writers = 16
	codes := make(chan string, writers)
	var wg sync.WaitGroup
	for w := range writers {
		db := a
		if w%2 == 1 {
			db = b
		}
		wg.Go(func() {
			r := row("acme", "backups")
			r.Notes = fmt.Sprintf("writer %d", w)
			_, _, err := db.PutResponsibility(ctx, r, raci.Precondition{IfMatch: 1})
			codes <- raci.ErrorCode(err)
		})
	}
	wg.Wait()
	close(codes)
	won := 0
	for code := range codes {
		switch code {
		case "":
			won++
		case raci.EPRECONDITION:
		default:
			t.Errorf("a write with a stale If-Match failed with %q, want %q", code, raci.EPRECONDITION)
		}
	}
	if won != 1 {
		t.Errorf("%d writers on two servers with the same If-Match: %d won, want exactly 1", writers, won)
	}
	if r, err := b.FindResponsibility(ctx, "acme", "backups"); err != nil || r.Version != 2 {
		t.Errorf("after the race: %+v, %v; want version 2", r, err)
	}
}

// TestPartyDeleteRacesAssignment has one server delete a party while the other
// assigns it in a new row: either the row is refused or the delete is, never both
// stored.
func TestPartyDeleteRacesAssignment(t *testing.T) {
	ctx := context.Background()
	a, b := openTwo(t)

	for i := range 20 {
		tenant := fmt.Sprintf("t%d", i)
		seed(t, a, tenant)
		var putErr, delErr error
		var wg sync.WaitGroup
		wg.Go(func() { _, _, putErr = a.PutResponsibility(ctx, row(tenant, "backups"), raci.Precondition{}) })
		wg.Go(func() { delErr = b.DeleteParty(ctx, tenant, "vendor", raci.Precondition{}) })
		wg.Wait()
		switch {
		case putErr == nil && delErr == nil:
			t.Fatalf("tenant %s: both the row assigning vendor and the delete of vendor succeeded", tenant)
		case putErr == nil && raci.ErrorCode(delErr) != raci.ECONFLICT:
			t.Errorf("tenant %s: delete after the row: %v, want %s", tenant, delErr, raci.ECONFLICT)
		case delErr == nil && raci.ErrorCode(putErr) != raci.EINVALID:
			t.Errorf("tenant %s: row after the delete: %v, want %s", tenant, putErr, raci.EINVALID)
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	url := pg.NewDatabase(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db, "acme", "backups")
	db.Close()

	// Opening again must not apply the migrations again (they would fail on the
	// existing tables) and must find what was written.
	db, err = postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer db.Close()
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

func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, url := range []string{"", "postgres://raci:secret-pw@127.0.0.1:1/raci?connect_timeout=2", "mysql://nope"} {
		db, err := postgres.Open(ctx, url)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", url)
			continue
		}
		if strings.Contains(err.Error(), "secret-pw") {
			t.Errorf("Open(%q) error %q shows the password", url, err)
		}
	}
}

func TestClock(t *testing.T) {
	db := open(t)
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
	found, err := db.FindTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	// == rather than Equal: what a write returns is what a read returns, to the bit.
	if found.CreatedAt != now.UTC() || found.UpdatedAt != later.UTC() || found.CreatedAt != replaced.CreatedAt || found.UpdatedAt != replaced.UpdatedAt {
		t.Errorf("found times %v/%v, written %v/%v, want %v and %v", found.CreatedAt, found.UpdatedAt, replaced.CreatedAt, replaced.UpdatedAt, now, later)
	}
	events, err := db.ListEvents(ctx, "acme", raci.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].At != now.UTC() || events[1].At != later.UTC() {
		t.Errorf("events %+v: want two, at %v and %v", events, now, later)
	}
}

// TestByteOrder pages in the order Go sorts strings in, whatever the database's
// collation would say about hyphens and digits.
func TestByteOrder(t *testing.T) {
	db := open(t)
	keys := []string{"a-b", "ab", "a-c", "a1", "a", "b-a", "b"}
	seed(t, db, "acme", keys...)
	page, err := db.ListResponsibilities(context.Background(), "acme", raci.ListOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		for _, r := range page.Items {
			got = append(got, r.Key)
		}
		if page.Next == "" {
			break
		}
		if page, err = db.ListResponsibilities(context.Background(), "acme", raci.ListOptions{After: page.Next, Limit: 3}); err != nil {
			t.Fatal(err)
		}
	}
	if want := slices.Sorted(slices.Values(keys)); !slices.Equal(got, want) {
		t.Errorf("keys listed %q, want %q", got, want)
	}
}

func TestConflictMessages(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	seed(t, db, "acme", "r1", "r2", "r3", "r4", "r5", "r6", "r7")

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
}

func TestInternalErrorsStayInternal(t *testing.T) {
	db := open(t)
	db.Close()
	_, err := db.FindTenant(context.Background(), "acme")
	if raci.ErrorCode(err) != raci.EINTERNAL || raci.ErrorMessage(err) != "Internal error." {
		t.Errorf("FindTenant on a closed database: code %q message %q, want %q and no detail",
			raci.ErrorCode(err), raci.ErrorMessage(err), raci.EINTERNAL)
	}
}

func TestCanceledContext(t *testing.T) {
	db := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := db.PutTenant(ctx, &raci.Tenant{Name: "acme", DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err == nil {
		t.Fatal("PutTenant with a canceled context succeeded")
	}
	if _, err := db.FindTenant(context.Background(), "acme"); raci.ErrorCode(err) != raci.ENOTFOUND {
		t.Errorf("a write with a canceled context was stored: %v", err)
	}
}

func TestAccessConformance(t *testing.T) {
	var mu sync.Mutex
	replicas := map[racitest.AccessStore]*postgres.DB{}
	racitest.RunAccess(t, func(t *testing.T) racitest.AccessStore {
		t.Parallel()
		a, b := openTwo(t)
		mu.Lock()
		defer mu.Unlock()
		replicas[a] = b
		return a
	}, func(t *testing.T, s racitest.AccessStore) racitest.AccessStore {
		mu.Lock()
		defer mu.Unlock()
		return replicas[s]
	})
}

func TestSessionConformance(t *testing.T) {
	var mu sync.Mutex
	replicas := map[racitest.SessionStore]*postgres.DB{}
	racitest.RunSessions(t, func(t *testing.T) racitest.SessionStore {
		t.Parallel()
		a, b := openTwo(t)
		mu.Lock()
		defer mu.Unlock()
		replicas[a] = b
		return a
	}, func(t *testing.T, s racitest.SessionStore) racitest.SessionStore {
		mu.Lock()
		defer mu.Unlock()
		return replicas[s]
	})
}

// installationOf reads the installation id a snapshot of a new tenant carries.
func installationOf(t *testing.T, db raci.Service, tenant string) string {
	t.Helper()
	if _, _, err := db.PutTenant(context.Background(), &raci.Tenant{Name: tenant, DeploymentModel: raci.PrivateSaaS}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	snap, err := raci.ReadSnapshot(context.Background(), db, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return snap.Installation
}

// Each database gets an installation id of its own when it is created: two
// databases differ, and two server processes on one database agree.
func TestInstallationID(t *testing.T) {
	one, two := openTwo(t)
	other := open(t)
	a, b, c := installationOf(t, one, "acme"), installationOf(t, two, "globex"), installationOf(t, other, "acme")
	if len(a) != 32 || a != b {
		t.Errorf("two processes on one database have installation ids %q and %q; want one id of 32 hex digits", a, b)
	}
	if a == c {
		t.Errorf("two databases have the same installation id %q", a)
	}
}

func TestWebhookConformance(t *testing.T) {
	racitest.RunWebhooks(t, func(t *testing.T) racitest.WebhookStore { return openParallel(t) })
}
