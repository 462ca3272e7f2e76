package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres/pgtest"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// token is the admin token the child servers take from RACI_BOOTSTRAP_TOKEN.
const token = "crashtest-admin-token"

// Load shape: workers writing at once, how long they write before the SIGKILL, and
// the bound on everything that waits for a child.
const (
	workers      = 8
	loadDuration = 3 * time.Second
	childTimeout = time.Minute
)

var (
	// binary is the terraform-provider-raci built for these tests, in binDir.
	binary   string
	binDir   string
	buildErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself
	}
	binDir, buildErr = os.MkdirTemp("", "raci-crashtest-")
	if buildErr == nil {
		binary, buildErr = build(binDir)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// build compiles the module's main package, the binary users run.
func build(dir string) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command builds the binary under test: %w", err)
	}
	exe := filepath.Join(dir, "terraform-provider-raci")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	cmd := exec.Command(goTool, "build", "-o", exe, "github.com/raci-dev/terraform-provider-raci")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return exe, nil
}

func requireBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real binary under load: not in -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL and SIGTERM")
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// syncBuffer collects a child's output, written by exec's copying goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is one `serve` process.
type child struct {
	cmd    *exec.Cmd
	addr   string // host:port it listens on
	base   string // http://addr
	output *syncBuffer
	exited chan struct{}
}

var listening = regexp.MustCompile(`msg="RACI server listening" addr=(\S+)`)

// startServe runs `serve` on a free loopback port, with the flags given, and waits
// until it listens.
func startServe(t *testing.T, database string, flags ...string) *child {
	t.Helper()
	c := &child{output: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--database", database}, flags...)...)
	c.cmd.Env = append(os.Environ(), "RACI_BOOTSTRAP_TOKEN="+token)
	c.cmd.Stdout = c.output
	c.cmd.Stderr = c.output
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	})

	deadline := time.After(childTimeout)
	for {
		if m := listening.FindStringSubmatch(c.output.String()); m != nil {
			c.addr = m[1]
			c.base = "http://" + c.addr
			return c
		}
		select {
		case <-c.exited:
			t.Fatalf("serve --database %s exited before listening (%v):\n%s", redact(database), c.cmd.ProcessState, c.output)
		case <-deadline:
			t.Fatalf("serve --database %s did not listen within %s:\n%s", redact(database), childTimeout, c.output)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// wait waits for the child to exit and returns how it ended.
func (c *child) wait(t *testing.T) *os.ProcessState {
	t.Helper()
	select {
	case <-c.exited:
		return c.cmd.ProcessState
	case <-time.After(childTimeout):
		t.Fatalf("serve did not exit within %s:\n%s", childTimeout, c.output)
		return nil
	}
}

// redact keeps passwords of database URLs out of test output.
func redact(database string) string {
	if i := strings.Index(database, "@"); i >= 0 && strings.Contains(database, "://") {
		return database[:strings.Index(database, "://")+3] + "…" + database[i:]
	}
	return database
}

func newClient() *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, DisableCompression: true},
	}
}

// put sends one authenticated PUT and returns the status, or an error when no
// answer arrived.
func put(ctx context.Context, client *http.Client, url, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		// The status line arrived but not the whole answer: not an acknowledgement.
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

func mustPut(t *testing.T, client *http.Client, url, body string) {
	t.Helper()
	status, b, err := put(context.Background(), client, url, body)
	if err != nil || status/100 != 2 {
		t.Fatalf("PUT %s: %d %v %s", url, status, err, b)
	}
}

// seedTenant creates the tenant the load writes into, with its two parties.
func seedTenant(t *testing.T, client *http.Client, base string) {
	t.Helper()
	mustPut(t, client, base+"/v1/tenants/crash", `{"display_name": "Crash", "deployment_model": "dedicated_saas"}`)
	mustPut(t, client, base+"/v1/tenants/crash/parties/vendor", `{"kind": "vendor"}`)
	mustPut(t, client, base+"/v1/tenants/crash/parties/customer", `{"kind": "customer"}`)
}

// row is the content of one responsibility the load writes; every one differs.
type row struct {
	Title       string `json:"title"`
	Notes       string `json:"notes"`
	Assignments []struct {
		Party string   `json:"party"`
		Roles []string `json:"roles"`
		When  string   `json:"when,omitempty"`
	} `json:"assignments"`
}

func newRow(worker, n int) row {
	var r row
	r.Title = fmt.Sprintf("Write %d of worker %d", n, worker)
	r.Notes = fmt.Sprintf("worker=%d n=%d at=%d", worker, n, time.Now().UnixNano())
	r.Assignments = append(r.Assignments,
		struct {
			Party string   `json:"party"`
			Roles []string `json:"roles"`
			When  string   `json:"when,omitempty"`
		}{Party: "vendor", Roles: []string{"R", "A"}},
		struct {
			Party string   `json:"party"`
			Roles []string `json:"roles"`
			When  string   `json:"when,omitempty"`
		}{Party: "customer", Roles: []string{"I"}, When: fmt.Sprintf("after write %d-%d", worker, n)},
	)
	return r
}

// sameRow compares what was acknowledged with what is stored.
func sameRow(want row, got *raci.Responsibility) bool {
	if got.Title != want.Title || got.Notes != want.Notes || len(got.Assignments) != len(want.Assignments) {
		return false
	}
	for _, w := range want.Assignments {
		found := false
		for _, g := range got.Assignments {
			roles := make([]string, len(g.Roles))
			for i, r := range g.Roles {
				roles[i] = string(r)
			}
			if g.Party == w.Party && g.When == w.When && strings.Join(roles, ",") == strings.Join(w.Roles, ",") {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// listRows reads every responsibility of tenant crash.
func listRows(t *testing.T, client *http.Client, base string) map[string]*raci.Responsibility {
	t.Helper()
	rows := map[string]*raci.Responsibility{}
	after := ""
	for {
		req, err := http.NewRequest(http.MethodGet, base+"/v1/tenants/crash/responsibilities?limit=1000&after="+after, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("list rows: %v", err)
		}
		var page raci.Page[*raci.Responsibility]
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("list rows: status %d, %v", resp.StatusCode, err)
		}
		for _, r := range page.Items {
			rows[r.Key] = r
		}
		if page.Next == "" {
			return rows
		}
		after = page.Next
	}
}

// TestSIGKILLLosesNoAcknowledgedWrite drives creates and updates from several
// goroutines into a child server, kills it with SIGKILL while they run, starts it
// again on the same database and looks for every write that was acknowledged with a
// 2xx: the row with its last acknowledged content, and an event for each write. The
// PostgreSQL server runs with fsync and synchronous_commit on, as users run it.
func TestSIGKILLLosesNoAcknowledgedWrite(t *testing.T) {
	requireBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		database := "sqlite:" + filepath.Join(t.TempDir(), "raci.db")
		killServeUnderLoad(t, database)
	})
	t.Run("postgres", func(t *testing.T) {
		killServeUnderLoad(t, durablePostgres(t).URL)
	})
}

// TestPostgresSIGKILLLosesNoAcknowledgedWrite kills PostgreSQL itself, the
// postmaster, under the same load, starts it again on the same data directory and
// checks, through the RACI server that kept running, that every acknowledged write,
// update and event is there.
func TestPostgresSIGKILLLosesNoAcknowledgedWrite(t *testing.T) {
	requireBinary(t)
	pgServer := durablePostgres(t)
	client := newClient()
	defer client.CloseIdleConnections()
	c := startServe(t, pgServer.URL)
	seedTenant(t, client, c.base)

	l := runLoad(c.base, client, func() {
		if err := pgServer.Kill(); err != nil {
			t.Fatal(err)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	if err := l.err(); err != nil {
		t.Fatalf("%v\n%s", err, c.output)
	}
	if err := pgServer.Restart(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
		t.Fatalf("serve exited when PostgreSQL was killed (%v):\n%s", c.cmd.ProcessState, c.output)
	default:
	}
	// The pool's connections died with the server: the first requests may fail
	// while it opens new ones.
	waitReady(t, client, c.base)
	l.verify(t, "postgres, postmaster killed", client, c.base)
}

// durablePostgres starts a PostgreSQL server of the test's own with fsync and
// synchronous_commit on, which it stops when the test ends.
func durablePostgres(t *testing.T) *pgtest.Durable {
	t.Helper()
	d, skip, err := pgtest.StartDurable()
	switch {
	case skip != "":
		t.Skip(skip)
	case err != nil:
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	return d
}

// waitReady waits until an authenticated read of tenant crash answers 200.
func waitReady(t *testing.T, client *http.Client, base string) {
	t.Helper()
	deadline := time.Now().Add(childTimeout)
	for {
		req, err := http.NewRequest(http.MethodGet, base+"/v1/tenants/crash", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /v1/tenants/crash did not answer 200 within %s of the restart: %v", childTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killServeUnderLoad kills the RACI server under load, starts it again on the same
// database and verifies.
func killServeUnderLoad(t *testing.T, database string) {
	client := newClient()
	defer client.CloseIdleConnections()
	c := startServe(t, database)
	seedTenant(t, client, c.base)

	l := runLoad(c.base, client, func() {
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("SIGKILL: %v", err)
		}
		state := c.wait(t)
		if ws, ok := state.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("serve ended with %v, not by SIGKILL:\n%s", state, c.output)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	if err := l.err(); err != nil {
		t.Fatal(err)
	}
	restarted := startServe(t, database)
	l.verify(t, strings.SplitN(database, ":", 2)[0]+", serve killed", client, restarted.base)
}

// history is what one key's writers know of it: the contents acknowledged, in
// order (a create, then updates), and the content of a write that got no answer,
// which may or may not be stored.
type history struct {
	acked   []row
	pending *row
}

// load is the outcome of runLoad: every key's history, and the errors of writes
// that failed before the kill.
type load struct {
	keys    map[string]*history
	errs    []error
	creates int // acknowledged
	updates int // acknowledged
}

func (l *load) err() error { return errors.Join(l.errs...) }

// runLoad writes from several goroutines for loadDuration, then calls kill while
// they still write, and returns once each has stopped at its first write without
// an acknowledgement. Each worker creates a row, then updates one of its earlier
// rows, and so on: half the writes are updates.
func runLoad(base string, client *http.Client, kill func()) *load {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	var killed atomic.Bool
	type result struct {
		keys map[string]*history
		err  error
	}
	results := make(chan result, workers)
	for w := range workers {
		go func() {
			res := result{keys: map[string]*history{}}
			defer func() { results <- res }()
			// write PUTs want to key and reports whether it was acknowledged.
			write := func(key string, want row, wantStatus int) bool {
				body, err := json.Marshal(want)
				if err != nil {
					res.err = err
					return false
				}
				h := res.keys[key]
				if h == nil {
					h = &history{}
					res.keys[key] = h
				}
				status, answer, err := put(ctx, client, base+"/v1/tenants/crash/responsibilities/"+key, string(body))
				switch {
				case status == wantStatus:
					h.acked = append(h.acked, want)
					return true
				case killed.Load():
					// No answer, or a failure once the database was gone: the
					// write may have been committed or not.
					h.pending = &want
				case err != nil:
					res.err = fmt.Errorf("PUT %s before the kill: %w", key, err)
				default:
					res.err = fmt.Errorf("PUT %s before the kill: status %d, want %d: %s", key, status, wantStatus, answer)
				}
				return false
			}
			for n := 0; ; n++ {
				if !write(fmt.Sprintf("w%d-%06d", w, n), newRow(w, n), http.StatusCreated) {
					return
				}
				if n == 0 {
					continue
				}
				// Update an earlier row: each gets updated about twice.
				old := n / 2
				if !write(fmt.Sprintf("w%d-%06d", w, old), newRow(w, old), http.StatusOK) {
					return
				}
			}
		}()
	}

	time.Sleep(loadDuration)
	killed.Store(true)
	kill()

	l := &load{keys: map[string]*history{}}
	for range workers {
		res := <-results
		if res.err != nil {
			l.errs = append(l.errs, res.err)
		}
		for k, h := range res.keys {
			l.keys[k] = h
			if len(h.acked) > 0 {
				l.creates++
				l.updates += len(h.acked) - 1
			}
		}
	}
	return l
}

// verify reads the rows and the event log of tenant crash from the server at base
// and checks each acknowledged write against them.
func (l *load) verify(t *testing.T, scenario string, client *http.Client, base string) {
	t.Helper()
	stored := listRows(t, client, base)
	events := listEvents(t, client, base)

	var rowsFound, rowsLost, eventsFound, eventsLost, pendingLanded, pending int
	report := func(format string, args ...any) {
		if rowsLost+eventsLost < 10 {
			t.Errorf(format, args...)
		}
	}
	for key, h := range l.keys {
		got, ok := stored[key]
		if h.pending != nil {
			pending++
		}
		if len(h.acked) == 0 {
			// Only a create without an answer: stored or not, both are right.
			if ok && !sameRow(*h.pending, got) {
				report("%s was never acknowledged and reads back as %+v, want its unanswered create %+v or nothing", key, got, *h.pending)
			}
			if ok {
				pendingLanded++
			}
			continue
		}
		last := h.acked[len(h.acked)-1]
		switch {
		case !ok:
			rowsLost++
			report("acknowledged write %s is missing after the restart", key)
		case h.pending != nil && sameRow(*h.pending, got):
			pendingLanded++
			rowsFound++
		case !sameRow(last, got):
			rowsLost++
			report("%s reads back as %+v, want its last acknowledged content %+v", key, got, last)
		default:
			rowsFound++
		}

		// The key's events, in order: a create, then one update per acknowledged
		// update, each with the content written; and one more for an unanswered
		// write that landed.
		evs := events[raci.ResponsibilityObject(key)]
		for i, want := range h.acked {
			action := raci.ActionUpdate
			if i == 0 {
				action = raci.ActionCreate
			}
			if i >= len(evs) {
				eventsLost++
				report("%s: the event of acknowledged write %d (%s, notes %q) is missing", key, i+1, action, want.Notes)
				continue
			}
			var after row
			if err := json.Unmarshal(evs[i].After, &after); err != nil || evs[i].Action != action || after.Notes != want.Notes {
				eventsLost++
				report("%s: event %d is %s with notes %q (%v), want %s with %q", key, i+1, evs[i].Action, after.Notes, err, action, want.Notes)
				continue
			}
			eventsFound++
		}
		extra := len(evs) - len(h.acked)
		if extra > 1 || (extra == 1 && h.pending == nil) {
			t.Errorf("%s has %d events for %d acknowledged writes", key, len(evs), len(h.acked))
		}
		if ok && got.Version != int64(len(evs)) {
			t.Errorf("%s is at version %d after %d events", key, got.Version, len(evs))
		}
	}
	for key := range stored {
		if _, ok := l.keys[key]; !ok {
			t.Errorf("row %s after the restart was never written", key)
		}
	}
	for object := range events {
		key, ok := strings.CutPrefix(object, "responsibility/")
		if _, written := l.keys[key]; ok && !written {
			t.Errorf("event of %s, which was never written", object)
		}
	}

	t.Logf("%s: %d creates and %d updates acknowledged in %s from %d goroutines; after the restart %d of %d rows found with their last acknowledged content (%d lost), "+
		"%d of %d events found (%d lost); %d writes unanswered at the kill, %d of them stored anyway",
		scenario, l.creates, l.updates, loadDuration, workers, rowsFound, l.creates, rowsLost, eventsFound, l.creates+l.updates, eventsLost, pending, pendingLanded)
	if rowsLost+eventsLost > 0 {
		t.Errorf("%d rows and %d events of acknowledged writes lost", rowsLost, eventsLost)
	}
	// A load too light to mean anything is a broken test, not a pass.
	if l.creates < 50 || l.updates < 25 {
		t.Errorf("only %d creates and %d updates were acknowledged in %s: the load did not run", l.creates, l.updates, loadDuration)
	}
}

// listEvents reads the event log of tenant crash, each object's events in order.
func listEvents(t *testing.T, client *http.Client, base string) map[string][]*raci.Event {
	t.Helper()
	events := map[string][]*raci.Event{}
	after := ""
	var last int64
	for {
		req, err := http.NewRequest(http.MethodGet, base+"/v1/tenants/crash/events?limit=1000&after="+after, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		var page raci.Page[*raci.Event]
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("list events: status %d, %v", resp.StatusCode, err)
		}
		for _, e := range page.Items {
			if e.Seq <= last {
				t.Fatalf("event %d follows event %d: the log is out of order", e.Seq, last)
			}
			last = e.Seq
			events[e.Object] = append(events[e.Object], e)
		}
		if page.Next == "" {
			return events
		}
		after = page.Next
	}
}

// TestSIGTERMFinishesRequestInFlight sends SIGTERM while a request's body is still
// arriving: the server stops accepting connections, answers that request, closes
// the database and exits 0, and the write is there after a restart.
func TestSIGTERMFinishesRequestInFlight(t *testing.T) {
	requireBinary(t)
	path := filepath.Join(t.TempDir(), "raci.db")
	client := newClient()
	defer client.CloseIdleConnections()
	c := startServe(t, "sqlite:"+path)
	seedTenant(t, client, c.base)
	// The binary serves its probes and metrics without a token.
	for _, probe := range []struct{ path, want string }{
		{"/readyz", "ok"},
		{"/metrics", `raci_http_requests_total{method="PUT",route="/v1/tenants/{tenant}/parties/{party}",status="201"} 2`},
	} {
		resp, err := client.Get(c.base + probe.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), probe.want) {
			t.Errorf("GET %s = %d, want 200 with %s:\n%s", probe.path, resp.StatusCode, probe.want, b)
		}
	}
	client.CloseIdleConnections() // only the request below holds a connection

	conn, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"title": "Finished during shutdown", "assignments": [{"party": "vendor", "roles": ["R", "A"]}]}`
	half := len(body) / 2
	fmt.Fprintf(conn, "PUT /v1/tenants/crash/responsibilities/in-flight HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", c.addr, token, len(body), body[:half])
	// Let the server read the request line, so the connection is active, not idle.
	time.Sleep(300 * time.Millisecond)

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	// New connections are refused once shutdown starts.
	deadline := time.Now().Add(10 * time.Second)
	for {
		probe, err := net.DialTimeout("tcp", c.addr, time.Second)
		if err != nil {
			break
		}
		probe.Close()
		if time.Now().After(deadline) {
			t.Fatalf("serve still accepts connections 10s after SIGTERM:\n%s", c.output)
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-c.exited:
		t.Fatalf("serve exited with a request in flight:\n%s", c.output)
	default:
	}

	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatalf("send the rest of the body: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(childTimeout))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\n%s", err, c.output)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the request in flight got %d, want 201: %s", resp.StatusCode, answer)
	}

	state := c.wait(t)
	if !state.Success() {
		t.Fatalf("serve exited with %v after SIGTERM, want 0:\n%s", state, c.output)
	}
	for _, want := range []string{"RACI server shutting down", "RACI server stopped"} {
		if !strings.Contains(c.output.String(), want) {
			t.Errorf("serve's log lacks %q:\n%s", want, c.output)
		}
	}
	// SQLite removes the write-ahead log when the last connection closes: the store
	// was closed, not abandoned.
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s-wal is still there (%v): the database was not closed", path, err)
	}

	restarted := startServe(t, "sqlite:"+path)
	rows := listRows(t, client, restarted.base)
	if r, ok := rows["in-flight"]; !ok || r.Title != "Finished during shutdown" {
		t.Errorf("the write answered during shutdown is not stored: %+v", r)
	}
}
