package server

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// countingStore counts the reads that reach the store, and can run a hook inside
// one, after the server has read the revision.
type countingStore struct {
	*sqlite.DB
	finds, snapshots atomic.Int64
	duringFind       func()
	// hold is the commit wait the store claims, in place of the file's.
	hold time.Duration
}

func (c *countingStore) CommitWait() time.Duration { return c.hold }

func (c *countingStore) FindResponsibility(ctx context.Context, tenant, key string) (*raci.Responsibility, error) {
	c.finds.Add(1)
	if c.duringFind != nil {
		c.duringFind()
	}
	return c.DB.FindResponsibility(ctx, tenant, key)
}

func (c *countingStore) Snapshot(ctx context.Context, tenant string) (*raci.Snapshot, error) {
	c.snapshots.Add(1)
	return c.DB.Snapshot(ctx, tenant)
}

// seedBackups creates tenant acme, its two parties and the backing-up row.
func seedBackups(t *testing.T, s *testServer) {
	t.Helper()
	wantStatus(t, s.do("PUT", "/v1/tenants/acme", acmeTenant), 201)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/auth0", vendorBody), 201)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/parties/subscriber", customerB), 201)
	wantStatus(t, s.do("PUT", "/v1/tenants/acme/responsibilities/backing-up", backupRow), 201)
}

func TestReadCache_repeatedReadsSkipTheStore(t *testing.T) {
	for _, c := range []struct {
		hold    time.Duration
		queries float64
		why     string
	}{
		{0, 12, "with no commit wait, every read one at a time sends its own revision query"},
		{time.Hour, 1, "the store's commit wait lets the first revision answer serve every read after it"},
	} {
		t.Run(fmt.Sprintf("commit wait %s", c.hold), func(t *testing.T) {
			testRepeatedReads(t, c.hold, c.queries, c.why)
		})
	}
}

func testRepeatedReads(t *testing.T, hold time.Duration, queries float64, why string) {
	store := &countingStore{DB: openStore(t), hold: hold}
	s := newTestServer(t, store, Options{Token: adminToken})
	seedBackups(t, s)

	first := s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "")
	wantStatus(t, first, 200)
	firstSnap := s.do("GET", "/v1/tenants/acme/snapshot", "")
	wantStatus(t, firstSnap, 200)
	for range 5 {
		again := s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "")
		wantStatus(t, again, 200)
		if !bytes.Equal(again.body, first.body) || again.header.Get("ETag") != first.header.Get("ETag") {
			t.Fatalf("a cached read differs from the first:\n%s ETag %s\n%s ETag %s",
				again.body, again.header.Get("ETag"), first.body, first.header.Get("ETag"))
		}
		if snap := s.do("GET", "/v1/tenants/acme/snapshot", ""); !bytes.Equal(snap.body, firstSnap.body) {
			t.Fatalf("a cached snapshot differs from the first:\n%s\n%s", snap.body, firstSnap.body)
		}
	}
	if n := store.finds.Load(); n != 1 {
		t.Errorf("6 reads of an unchanged row reached the store %d times, want 1", n)
	}
	if n := store.snapshots.Load(); n != 1 {
		t.Errorf("6 reads of an unchanged snapshot reached the store %d times, want 1", n)
	}
	samples, _ := scrape(t, s)
	wantSample(t, samples, "raci_read_cache_hits_total", 10)
	wantSample(t, samples, "raci_read_cache_misses_total", 2)
	if got := samples["raci_revision_queries_total"]; got != queries {
		t.Errorf("raci_revision_queries_total = %v, want %v: %s", got, queries, why)
	}

	// The ETag still answers a conditional read, from the cache too.
	wantStatus(t, s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "", "If-None-Match", first.header.Get("ETag")), 304)
}

// Writes that bypass this server (another replica, the CLI on the same SQLite file)
// must show in the next read all the same.
func TestReadCache_writeElsewhereShowsAtOnce(t *testing.T) {
	store := openStore(t)
	s := newTestServer(t, store, Options{Token: adminToken})
	seedBackups(t, s)
	ctx := raci.WithActor(t.Context(), "elsewhere")

	for i := range 3 {
		wantStatus(t, s.do("GET", "/v1/tenants/acme/snapshot", ""), 200)
		wantStatus(t, s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", ""), 200)
		wantStatus(t, s.do("GET", "/v1/tenants/acme/parties/auth0", ""), 200)

		row, err := store.FindResponsibility(ctx, "acme", "backing-up")
		if err != nil {
			t.Fatal(err)
		}
		row.Title = fmt.Sprintf("Backing Up, take %d", i)
		if _, _, err := store.PutResponsibility(ctx, row, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}
		party, err := store.FindParty(ctx, "acme", "auth0")
		if err != nil {
			t.Fatal(err)
		}
		party.DisplayName = fmt.Sprintf("Auth0, take %d", i)
		if _, _, err := store.PutParty(ctx, party, raci.Precondition{}); err != nil {
			t.Fatal(err)
		}

		var got raci.Responsibility
		r := s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "")
		wantStatus(t, r, 200)
		r.decode(t, &got)
		if got.Title != row.Title || r.header.Get("ETag") != etag(got.Version) {
			t.Fatalf("after a write elsewhere the row reads title %q ETag %s, want %q ETag %s", got.Title, r.header.Get("ETag"), row.Title, etag(got.Version))
		}
		var snap raci.Snapshot
		r = s.do("GET", "/v1/tenants/acme/snapshot", "")
		wantStatus(t, r, 200)
		r.decode(t, &snap)
		if snap.Responsibilities[0].Title != row.Title || snap.Parties[0].DisplayName != party.DisplayName {
			t.Fatalf("after a write elsewhere the snapshot has row title %q and party %q, want %q and %q",
				snap.Responsibilities[0].Title, snap.Parties[0].DisplayName, row.Title, party.DisplayName)
		}
		var p raci.Party
		r = s.do("GET", "/v1/tenants/acme/parties/auth0", "")
		r.decode(t, &p)
		if p.DisplayName != party.DisplayName {
			t.Fatalf("after a write elsewhere the party reads %q, want %q", p.DisplayName, party.DisplayName)
		}
	}

	// A delete elsewhere is a 404 here at once, not a cached 200.
	if err := store.DeleteResponsibility(ctx, "acme", "backing-up", raci.Precondition{}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", ""), 404, raci.ENOTFOUND)
}

// A write that commits while a read is in the store must not let that read's answer
// stand in for the state after the write: the next read goes to the store.
func TestReadCache_writeDuringReadIsNotCached(t *testing.T) {
	store := &countingStore{DB: openStore(t)}
	s := newTestServer(t, store, Options{Token: adminToken})
	seedBackups(t, s)
	ctx := raci.WithActor(t.Context(), "racer")

	store.duringFind = func() {
		store.duringFind = nil
		row, err := store.DB.FindResponsibility(ctx, "acme", "backing-up")
		if err != nil {
			t.Error(err)
			return
		}
		row.Title = "Written during the read"
		if _, _, err := store.PutResponsibility(ctx, row, raci.Precondition{}); err != nil {
			t.Error(err)
		}
	}
	wantStatus(t, s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", ""), 200)

	var got raci.Responsibility
	r := s.do("GET", "/v1/tenants/acme/responsibilities/backing-up", "")
	r.decode(t, &got)
	if got.Title != "Written during the read" {
		t.Errorf("the read after a racing write shows title %q, want the write's", got.Title)
	}
	if n := store.finds.Load(); n != 2 {
		t.Errorf("the store was read %d times, want 2: the racing read must not be cached", n)
	}
}

func TestReadCache_staysWithinItsLimit(t *testing.T) {
	c := newReadCache(1000)
	for i := range 100 {
		c.put(readKey{tenant: "acme", object: fmt.Sprint("responsibility/", i)}, &cachedAnswer{revision: 1, body: make([]byte, 100)})
		if c.bytes > c.limit {
			t.Fatalf("after %d answers of 100 bytes the cache holds %d bytes, over its limit of %d", i+1, c.bytes, c.limit)
		}
	}
	last := readKey{tenant: "acme", object: "responsibility/99"}
	if c.get(last, 1) == nil {
		t.Error("the answer just put was evicted")
	}
	if c.get(last, 2) != nil {
		t.Error("an answer read at revision 1 was returned for revision 2")
	}
	c.put(readKey{tenant: "acme", object: "snapshot"}, &cachedAnswer{revision: 1, body: make([]byte, 400)})
	if c.get(readKey{tenant: "acme", object: "snapshot"}, 1) != nil {
		t.Error("an answer over a quarter of the limit was kept")
	}
}
