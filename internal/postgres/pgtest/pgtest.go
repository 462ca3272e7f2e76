// Package pgtest gives tests a PostgreSQL database of their own: a fresh, empty
// database per test on one server per test process.
//
// The server is, in this order:
//   - the one RACI_TEST_POSTGRES_URL names (postgres://user:pass@host:port/db; the
//     user must be allowed to create databases), or
//   - a throw-away server that Start runs from the machine's PostgreSQL binaries
//     (initdb and postgres, found through pg_config --bindir, PATH, or the usual
//     install directories) in a temporary directory, reachable only through a Unix
//     socket there, and that the returned stop function removes.
//
// When neither is possible, every test that asks for a database fails with a message
// that names what is missing: CI never skips these tests. RACI_TEST_POSTGRES=skip
// skips them instead; it is an escape hatch for developers without PostgreSQL, never
// set in CI.
//
// A test package uses it from TestMain:
//
//	var pg *pgtest.Server
//
//	func TestMain(m *testing.M) {
//		var stop func()
//		pg, stop = pgtest.Start()
//		code := m.Run()
//		stop()
//		os.Exit(code)
//	}
//
// and each test calls pg.NewDatabase(t) for the URL of its own database.
//
// That server runs with fsync and synchronous_commit off, to keep up on a busy
// machine. A test about durability calls StartDurable instead: a server of its own,
// run as users run PostgreSQL, that it may kill and start again.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Environment variables that choose the server.
const (
	// URLEnv names an existing server to use instead of starting one.
	URLEnv = "RACI_TEST_POSTGRES_URL"
	// ModeEnv set to "skip" skips the tests that need PostgreSQL. For developers
	// only; CI never sets it.
	ModeEnv = "RACI_TEST_POSTGRES"
)

// startTimeout bounds how long a throw-away server may take to accept connections.
const startTimeout = time.Minute

// Server hands out databases on one PostgreSQL server.
type Server struct {
	// base is the server's URL; each database replaces its path.
	base *url.URL
	// admin creates and drops the tests' databases.
	admin *pgxpool.Pool
	// dropDatabases is set for a server that outlives the tests: they clean up.
	dropDatabases bool
	// skip or err, when set, is what every test that asks for a database is told.
	skip string
	err  error

	next atomic.Int64
}

// Start finds or starts the server and returns it with the function that stops it.
// It never fails: when no server can be had, the returned Server fails each test that
// asks it for a database, with the reason.
func Start() (*Server, func()) {
	switch mode := os.Getenv(ModeEnv); mode {
	case "":
	case "skip":
		return &Server{skip: ModeEnv + "=skip: the tests that need PostgreSQL are skipped (a developer escape hatch; CI never sets it)"}, func() {}
	default:
		return &Server{err: fmt.Errorf("%s=%q: the only value it takes is \"skip\"", ModeEnv, mode)}, func() {}
	}
	if raw := os.Getenv(URLEnv); raw != "" {
		s, err := connect(raw, true)
		if err != nil {
			return &Server{err: fmt.Errorf("%s: %w", URLEnv, err)}, func() {}
		}
		return s, s.admin.Close
	}

	local, err := startLocal(fastSettings)
	if err != nil {
		return &Server{err: fmt.Errorf("no PostgreSQL server for the tests: %w\n"+
			"Install PostgreSQL's server binaries (e.g. apt-get install postgresql), or set %s to the URL of a server "+
			"whose user may create databases. %s=skip skips these tests on a developer machine; CI never skips them",
			err, URLEnv, ModeEnv)}, func() {}
	}
	s, err := connect(local.url, false)
	if err != nil {
		local.stop()
		return &Server{err: fmt.Errorf("connect to the throw-away PostgreSQL server: %w\n%s", err, local.logTail())}, func() {}
	}
	return s, func() {
		s.admin.Close()
		local.stop()
	}
}

// connect opens the admin pool on the server at raw.
func connect(raw string, external bool) (*Server, error) {
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "postgres" && base.Scheme != "postgresql") {
		return nil, errors.New("not a postgres:// URL")
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	admin, err := pgxpool.New(ctx, raw)
	if err != nil {
		return nil, err
	}
	if err := admin.Ping(ctx); err != nil {
		admin.Close()
		return nil, err
	}
	return &Server{base: base, admin: admin, dropDatabases: external}, nil
}

// NewDatabase creates an empty database for the test and returns its URL. It fails
// the test when there is no server, and skips it under RACI_TEST_POSTGRES=skip.
// On a server of RACI_TEST_POSTGRES_URL the database is dropped when the test ends,
// after the test's own cleanups.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	if s.skip != "" {
		t.Skip(s.skip)
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	name := fmt.Sprintf("raci_test_%d_%d", os.Getpid(), s.next.Add(1))
	ctx := context.Background()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	if s.dropDatabases {
		// Registered before the caller opens the database, so it runs after the
		// caller's cleanups have closed their connections.
		t.Cleanup(func() {
			if _, err := s.admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
				t.Errorf("drop test database %s: %v", name, err)
			}
		})
	}
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// local is a throw-away server in a temporary directory.
type local struct {
	url      string
	dir      string
	bin      string // where initdb and postgres are
	owner    *owner
	settings []string // the -c settings postgres runs with
	cmd      *exec.Cmd
	log      string
	done     chan struct{} // closed when the server process has exited
}

// fastSettings make a throw-away server keep up with the tests on a busy machine:
// durability means nothing for a database thrown away after the tests.
var fastSettings = []string{"fsync=off", "synchronous_commit=off", "full_page_writes=off"}

// durableSettings are PostgreSQL's defaults, spelled out: how users run it.
var durableSettings = []string{"fsync=on", "synchronous_commit=on", "full_page_writes=on"}

// startLocal runs initdb and postgres, with the given settings, in a new temporary
// directory and waits until the server accepts connections on its Unix socket there.
func startLocal(settings []string) (*local, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	owner, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "raci-pgtest-")
	if err != nil {
		return nil, err
	}
	if err := owner.own(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	l := &local{dir: dir, log: filepath.Join(dir, "postgres.log"), bin: bin, owner: owner, settings: settings}
	data := filepath.Join(dir, "data")

	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--no-locale", "--no-sync")
	initdb.SysProcAttr = owner.attr(false)
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%s: %w\n%s", initdb, err, out)
	}
	if err := l.run(); err != nil {
		tail := l.logTail()
		l.stop()
		return nil, fmt.Errorf("%w\n%s", err, tail)
	}
	q := url.Values{"host": {dir}, "port": {strconv.Itoa(localPort)}, "sslmode": {"disable"}}
	l.url = (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres", RawQuery: q.Encode()}).String()
	if err := l.waitReady(); err != nil {
		tail := l.logTail()
		l.stop()
		return nil, fmt.Errorf("%w\n%s", err, tail)
	}
	return l, nil
}

// localPort only names the socket file: the server listens on no TCP port.
const localPort = 5432

// run starts the postgres process on the data directory, its output appended to
// the log.
func (l *local) run() error {
	logFile, err := os.OpenFile(l.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	args := []string{"-D", filepath.Join(l.dir, "data"), "-k", l.dir, "-p", strconv.Itoa(localPort), "-c", "listen_addresses="}
	for _, s := range l.settings {
		args = append(args, "-c", s)
	}
	l.cmd = exec.Command(filepath.Join(l.bin, "postgres"), args...)
	l.cmd.Stdout, l.cmd.Stderr = logFile, logFile
	l.cmd.SysProcAttr = l.owner.attr(true)
	l.done = make(chan struct{})
	if err := l.startProcess(); err != nil {
		return fmt.Errorf("start %s: %w", l.cmd.Path, err)
	}
	return nil
}

// startProcess starts the server from a goroutine that keeps its OS thread until the
// server exits: on Linux the server is told to stop when the thread that started it
// ends, which is then only when the test process ends, killed or not.
func (l *local) startProcess() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer close(l.done)
		if err := l.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = l.cmd.Wait() // stop reports how it ended, if it matters
	}()
	return <-started
}

// waitReady polls until the server accepts a connection, it exits, or startTimeout.
func (l *local) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, l.url)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-l.done:
			return fmt.Errorf("the PostgreSQL server exited while starting: %v", l.cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the PostgreSQL server did not accept connections within %s: %w", startTimeout, err)
		}
	}
}

// stop shuts the server down (fast shutdown: sessions are ended) and removes its
// directory.
func (l *local) stop() {
	if l.cmd != nil && l.cmd.Process != nil {
		_ = l.cmd.Process.Signal(os.Interrupt)
		select {
		case <-l.done:
		case <-time.After(30 * time.Second):
			_ = l.cmd.Process.Kill()
			<-l.done
		}
	}
	os.RemoveAll(l.dir)
}

// logTail returns the end of the server's log, for error messages.
func (l *local) logTail() string {
	b, err := os.ReadFile(l.log)
	if err != nil {
		return ""
	}
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return "PostgreSQL server log:\n" + string(bytes.TrimSpace(b))
}

// findBinaries returns the directory that holds initdb and postgres: the one
// pg_config names, else the one on PATH, else the newest of the usual install
// directories.
func findBinaries() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name+exeSuffix())); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		if out, err := exec.Command(pgConfig, "--bindir").Output(); err == nil {
			if dir := strings.TrimSpace(string(out)); has(dir) {
				return dir, nil
			}
		}
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		// Distributions link initdb onto PATH; the server binary lies beside the
		// link's target.
		if target, err := filepath.EvalSymlinks(initdb); err == nil && has(filepath.Dir(target)) {
			return filepath.Dir(target), nil
		}
		if has(filepath.Dir(initdb)) {
			return filepath.Dir(initdb), nil
		}
	}
	patterns := []string{
		"/usr/lib/postgresql/*/bin",         // Debian, Ubuntu
		"/usr/pgsql-*/bin",                  // PGDG packages on RHEL and Fedora
		"/usr/local/pgsql/bin",              // built from source
		"/opt/homebrew/opt/postgresql*/bin", // Homebrew on Apple silicon
		"/usr/local/opt/postgresql*/bin",    // Homebrew on Intel
		"/Applications/Postgres.app/Contents/Versions/*/bin",
		`C:\Program Files\PostgreSQL\*\bin`,
	}
	var found []string
	for _, p := range patterns {
		dirs, _ := filepath.Glob(p)
		for _, d := range dirs {
			if has(d) {
				found = append(found, d)
			}
		}
	}
	if len(found) > 0 {
		// The newest version: compare the numbers in the paths.
		slices.SortFunc(found, func(a, b string) int { return slices.Compare(versionOf(a), versionOf(b)) })
		return found[len(found)-1], nil
	}
	return "", fmt.Errorf("PostgreSQL's initdb and postgres were not found: not in `pg_config --bindir`, not on PATH, and not in %s",
		strings.Join(patterns, ", "))
}

// versionOf returns the numbers in a path, "/usr/lib/postgresql/15/bin" → [15].
func versionOf(path string) []int {
	var nums []int
	for _, f := range strings.FieldsFunc(path, func(r rune) bool { return r < '0' || r > '9' }) {
		n, _ := strconv.Atoi(f)
		nums = append(nums, n)
	}
	return nums
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// serverUser returns who runs the server: the current user, or, when that is root,
// which initdb and postgres refuse, the "postgres" user that PostgreSQL's packages
// create.
func serverUser() (*owner, error) {
	if os.Geteuid() != 0 {
		return &owner{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("the tests run as root, which PostgreSQL refuses to run as, and there is no \"postgres\" user to run it as: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("user postgres: uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("user postgres: gid %q: %w", u.Gid, err)
	}
	return &owner{uid: uid, gid: gid, other: true}, nil
}

// owner is the user the server runs as; other is false for the current user.
type owner struct {
	uid, gid int
	other    bool
}

// own gives the server's user the directory.
func (o *owner) own(dir string) error {
	if !o.other {
		return nil
	}
	if err := os.Chown(dir, o.uid, o.gid); err != nil {
		return fmt.Errorf("give %s to user postgres: %w", dir, err)
	}
	return nil
}
