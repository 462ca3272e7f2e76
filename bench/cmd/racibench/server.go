package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// raciServer is a `terraform-provider-raci serve` process on 127.0.0.1.
type raciServer struct {
	url   string // http://127.0.0.1:PORT
	token string
	log   string // its stderr: the request log
	cmd   *exec.Cmd
	done  chan struct{}
}

// startTimeout bounds how long a server may take to become ready.
const startTimeout = 60 * time.Second

// listeningAddr finds the address in serve's "RACI server listening" log line.
var listeningAddr = regexp.MustCompile(`msg="RACI server listening" addr=(127\.0\.0\.1:[0-9]+)`)

// startRaciServer runs serve on a free loopback port against database, with a fresh
// random admin token, and waits until /readyz answers.
func startRaciServer(ctx context.Context, binary, database, dir string) (*raciServer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	s := &raciServer{token: token, log: filepath.Join(dir, "server.log"), done: make(chan struct{})}
	logFile, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	s.cmd = exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--database", database)
	s.cmd.Env = append(os.Environ(), "RACI_BOOTSTRAP_TOKEN="+token)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := startLocked(s.cmd, s.done); err != nil {
		return nil, fmt.Errorf("start the RACI server: %w", err)
	}

	deadline := time.Now().Add(startTimeout)
	for s.url == "" || !s.ready(ctx) {
		if s.url == "" {
			if b, _ := os.ReadFile(s.log); b != nil {
				if m := listeningAddr.FindSubmatch(b); m != nil {
					s.url = "http://" + string(m[1])
				}
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("the RACI server exited while starting:\n%s", tail(s.log))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the RACI server was not ready within %s:\n%s", startTimeout, tail(s.log))
		}
	}
	return s, nil
}

func (s *raciServer) ready(ctx context.Context) bool {
	if s.url == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop asks the server to shut down and waits for it, killing it after a while.
func (s *raciServer) stop() {
	stopProcess(s.cmd, s.done, syscall.SIGTERM, 15*time.Second)
}

// startLocked starts cmd from a goroutine that keeps its OS thread until the process
// exits: Pdeathsig fires when the thread that started the child ends, so this way it
// fires only when the benchmark itself dies. done is closed when the process exits.
func startLocked(cmd *exec.Cmd, done chan struct{}) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer close(done)
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
	}()
	return <-started
}

func stopProcess(cmd *exec.Cmd, done chan struct{}, sig syscall.Signal, grace time.Duration) {
	if cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	const keep = 3000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(bytes.TrimSpace(b))
}

// requestCounter counts the API requests a server answered, by route and method.
// It reads the server's /metrics (raci_http_requests_total) when the server has
// them, else it counts the lines of its request log.
type requestCounter struct {
	srv    *raciServer
	source string // "/metrics" or "request log"
}

// notCounted are the routes the benchmark itself calls: never the provider's.
var notCounted = map[string]bool{"/metrics": true, "/readyz": true, "/healthz": true}

func newRequestCounter(ctx context.Context, srv *raciServer) (*requestCounter, error) {
	c := &requestCounter{srv: srv, source: "/metrics"}
	if _, err := c.scrape(ctx); errors.Is(err, errNoMetrics) {
		c.source = "request log"
	} else if err != nil {
		return nil, err
	}
	return c, nil
}

var errNoMetrics = errors.New("the server has no /metrics")

// counts returns the requests answered so far, keyed "METHOD route".
func (c *requestCounter) counts(ctx context.Context) (map[string]float64, error) {
	if c.source == "/metrics" {
		return c.scrape(ctx)
	}
	return c.countLog()
}

func (c *requestCounter) scrape(ctx context.Context) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.srv.url+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the server's /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, errNoMetrics
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the server's /metrics: %s", resp.Status)
	}
	counts, err := parseRequestsTotal(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read the server's /metrics: %w", err)
	}
	return counts, nil
}

// parseRequestsTotal sums raci_http_requests_total in the Prometheus text format by
// method and route, over statuses, leaving out the routes in notCounted.
func parseRequestsTotal(r io.Reader) (map[string]float64, error) {
	const name = "raci_http_requests_total{"
	counts := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		end := strings.LastIndexByte(line, '}')
		if end < 0 {
			return nil, fmt.Errorf("malformed sample %q", line)
		}
		labels, err := parseLabels(line[len(name):end])
		if err != nil {
			return nil, fmt.Errorf("malformed sample %q: %w", line, err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			return nil, fmt.Errorf("malformed sample %q: %w", line, err)
		}
		if notCounted[labels["route"]] {
			continue
		}
		counts[labels["method"]+" "+labels["route"]] += v
	}
	return counts, sc.Err()
}

// parseLabels reads `a="x",b="y"` with the text format's escapes (\\, \", \n).
func parseLabels(s string) (map[string]string, error) {
	labels := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 1 || len(s) < eq+2 || s[eq+1] != '"' {
			return nil, errors.New("expected name=\"value\"")
		}
		key := strings.TrimSpace(s[:eq])
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				if s[i] == 'n' {
					val.WriteByte('\n')
					continue
				}
			}
			val.WriteByte(s[i])
		}
		if i >= len(s) {
			return nil, errors.New("unterminated value")
		}
		labels[key] = val.String()
		s = strings.TrimPrefix(s[i+1:], ",")
	}
	return labels, nil
}

// logRequest matches serve's request log lines: slog's text format.
var logRequest = regexp.MustCompile(`msg=request method=(\S+) route=(?:"([^"]*)"|(\S*))`)

func (c *requestCounter) countLog() (map[string]float64, error) {
	f, err := os.Open(c.srv.log)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	counts := map[string]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		m := logRequest.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		// The route is the ServeMux pattern, "GET /v1/tenants/{tenant}".
		route := m[2] + m[3]
		if _, path, ok := strings.Cut(route, " "); ok {
			route = path
		}
		if notCounted[route] {
			continue
		}
		counts[m[1]+" "+route]++
	}
	return counts, sc.Err()
}

// difference is after minus before, dropping routes that did not change.
func difference(before, after map[string]float64) map[string]float64 {
	d := map[string]float64{}
	for k, v := range after {
		if n := v - before[k]; n != 0 {
			d[k] = n
		}
	}
	return d
}

func total(counts map[string]float64) float64 {
	var sum float64
	for _, v := range counts {
		sum += v
	}
	return sum
}

// postgresServer is a throw-away PostgreSQL in a temporary directory, reachable only
// through a Unix socket there (no TCP port), run as the "postgres" user when the
// benchmark runs as root, which PostgreSQL refuses to run as.
type postgresServer struct {
	url  string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// findPostgres returns the directory holding initdb and postgres, or "" when there
// is none.
func findPostgres() string {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		if out, err := exec.Command(pgConfig, "--bindir").Output(); err == nil && has(strings.TrimSpace(string(out))) {
			return strings.TrimSpace(string(out))
		}
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		if resolved, err := filepath.EvalSymlinks(initdb); err == nil && has(filepath.Dir(resolved)) {
			return filepath.Dir(resolved)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if has(dirs[i]) {
			return dirs[i]
		}
	}
	return ""
}

// Its directory is made in the system's temporary directory rather than the
// benchmark's, which only root may enter.
func startPostgres(ctx context.Context, bin string) (*postgresServer, error) {
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, which PostgreSQL refuses, and there is no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	dir, err := os.MkdirTemp("", "racibench-pg-")
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	if cred != nil {
		_ = os.Chown(logPath, int(cred.Uid), int(cred.Gid))
	}
	const port = 5432 // names the socket file only: listen_addresses is empty
	// PostgreSQL's defaults otherwise (fsync and synchronous_commit on): the durable
	// setting a team would run.
	p := &postgresServer{dir: dir, done: make(chan struct{})}
	p.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-p", strconv.Itoa(port), "-c", "listen_addresses=")
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := startLocked(p.cmd, p.done); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	q := url.Values{"host": {dir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}
	p.url = (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres", RawQuery: q.Encode()}).String()

	deadline := time.Now().Add(startTimeout)
	for {
		if b, _ := os.ReadFile(logPath); bytes.Contains(b, []byte("ready to accept connections")) {
			if _, err := os.Stat(filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port))); err == nil {
				return p, nil
			}
		}
		select {
		case <-p.done:
			err := fmt.Errorf("postgres exited while starting:\n%s", tail(logPath))
			os.RemoveAll(dir)
			return nil, err
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("postgres did not start within %s:\n%s", startTimeout, tail(logPath))
		}
	}
}

// stop shuts PostgreSQL down (fast shutdown) and removes its directory.
func (p *postgresServer) stop() {
	stopProcess(p.cmd, p.done, syscall.SIGINT, 30*time.Second)
	os.RemoveAll(p.dir)
}
