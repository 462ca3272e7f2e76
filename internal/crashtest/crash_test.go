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
	pg       *pgtest.Server
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself
	}
	var stop func()
	pg, stop = pgtest.Start()
	binDir, buildErr = os.MkdirTemp("", "raci-crashtest-")
	if buildErr == nil {
		binary, buildErr = build(binDir)
	}
	code := m.Run()
	stop()
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

// TestSIGKILLLosesNoAcknowledgedWrite drives writes from several goroutines into a
// child server, kills it with SIGKILL while they run, starts it again on the same
// database and looks for every write that was acknowledged with a 2xx.
func TestSIGKILLLosesNoAcknowledgedWrite(t *testing.T) {
	requireBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		crashUnderLoad(t, "sqlite:"+filepath.Join(t.TempDir(), "raci.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		crashUnderLoad(t, pg.NewDatabase(t))
	})
}

func crashUnderLoad(t *testing.T, database string) {
	client := newClient()
	defer client.CloseIdleConnections()

	c := startServe(t, database)
	seedTenant(t, client, c.base)

	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	var killed atomic.Bool
	type result struct {
		acked     map[string]row
		attempted []string // keys whose PUT got no answer
		err       error
	}
	results := make(chan result, workers)
	for w := range workers {
		go func() {
			res := result{acked: map[string]row{}}
			defer func() { results <- res }()
			for n := 0; ; n++ {
				key := fmt.Sprintf("w%d-%06d", w, n)
				want := newRow(w, n)
				body, err := json.Marshal(want)
				if err != nil {
					res.err = err
					return
				}
				status, answer, err := put(ctx, client, c.base+"/v1/tenants/crash/responsibilities/"+key, string(body))
				switch {
				case err != nil && killed.Load():
					res.attempted = append(res.attempted, key)
					return
				case err != nil:
					res.err = fmt.Errorf("PUT %s before the kill: %w", key, err)
					return
				case status != http.StatusCreated:
					res.err = fmt.Errorf("PUT %s: status %d, want 201: %s", key, status, answer)
					return
				}
				res.acked[key] = want
			}
		}()
	}

	time.Sleep(loadDuration)
	killed.Store(true)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	state := c.wait(t)
	if ws, ok := state.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("serve ended with %v, not by SIGKILL:\n%s", state, c.output)
	}

	acked := map[string]row{}
	var unanswered []string
	for range workers {
		res := <-results
		if res.err != nil {
			t.Error(res.err)
		}
		for k, v := range res.acked {
			acked[k] = v
		}
		unanswered = append(unanswered, res.attempted...)
	}
	if t.Failed() {
		t.FailNow()
	}

	restarted := startServe(t, database)
	stored := listRows(t, client, restarted.base)
	found, wrong := 0, 0
	for key, want := range acked {
		got, ok := stored[key]
		switch {
		case !ok:
			if wrong < 10 {
				t.Errorf("acknowledged write %s is missing after the restart", key)
			}
			wrong++
		case !sameRow(want, got):
			if wrong < 10 {
				t.Errorf("acknowledged write %s reads back as %+v, want %+v", key, got, want)
			}
			wrong++
		default:
			found++
		}
	}
	landed := 0
	for _, key := range unanswered {
		if _, ok := stored[key]; ok {
			landed++
		}
	}
	if extra := len(stored) - len(acked) - landed; extra != 0 {
		t.Errorf("%d rows after the restart were never written", extra)
	}
	t.Logf("%s: %d writes acknowledged in %s from %d goroutines before SIGKILL; %d found with the acknowledged content after restart; "+
		"%d PUTs unanswered at the kill, %d of them stored anyway",
		strings.SplitN(database, ":", 2)[0], len(acked), loadDuration, workers, found, len(unanswered), landed)
	if found != len(acked) {
		t.Errorf("found %d of %d acknowledged writes", found, len(acked))
	}
	// A load too light to mean anything is a broken test, not a pass.
	if len(acked) < 100 {
		t.Errorf("only %d writes were acknowledged in %s: the load did not run", len(acked), loadDuration)
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
