package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

// Load scenarios.
const (
	loadTenant      = "load"  // 2 parties, 100 rows: the GETs read it
	loadWriteTenant = "loadw" // the PUTs write it, so the snapshot read stays at 100 rows
	loadRows        = 100
	putKeysPerConn  = 25 // each connection replaces its own rows in turn
	warmUp          = 500 * time.Millisecond
	// maxSamples bounds the latencies kept per connection.
	maxSamples = 1 << 20
)

// scenario is one measured request pattern against one server.
type scenario struct {
	store, name string
	method      string
	url         func(conn, seq int) string
	body        func(conn, seq int) []byte
	token       string
	// baseline names the fixed-body scenario this one is compared with.
	baseline string
	// read scenarios have the latency target.
	read bool
	// serverPID is the process answering, databasePID the PostgreSQL postmaster
	// behind it (0 for none): their CPU time is measured.
	serverPID, databasePID int
	// metricsURL is the RACI server's /metrics, "" for the fixed body.
	metricsURL string
}

type loadResult struct {
	scenario
	ok, failed int
	rps        float64
	p50, p99   time.Duration
	firstError string
	// cpu is the CPU time each party spent per request measured.
	cpu cpuSample
	// fraction is rps over the fixed body's of the same round (0 for none); in a
	// summary, the median of the rounds' fractions.
	fraction float64
}

func benchLoad(ctx context.Context, cfg config, dir string) error {
	fmt.Printf("\n==> Server load: %d connections, %s per scenario after %s of warm-up, %d rounds, all on 127.0.0.1\n", cfg.conns, cfg.load, warmUp, cfg.runs)

	// SQLite first: its seeded tenant also sets the sizes of the fixed bodies.
	sqliteSrv, err := startRaciServer(ctx, cfg.provider, "sqlite:"+filepath.Join(dir, "sqlite", "raci.db"), filepath.Join(dir, "sqlite"))
	if err != nil {
		return err
	}
	defer sqliteSrv.stop()
	rowSize, snapSize, err := seed(ctx, sqliteSrv)
	if err != nil {
		return fmt.Errorf("seed the SQLite server: %w", err)
	}

	fixed, err := startFixed(ctx, rowSize, snapSize)
	if err != nil {
		return err
	}
	defer fixed.stop()

	selected := func(store string, srv *raciServer) []scenario {
		var out []scenario
		for _, s := range raciScenarios(store, srv) {
			if strings.Contains(s.store+" "+s.name, cfg.loadOnly) {
				out = append(out, s)
			}
		}
		return out
	}
	scenarios := append(fixedScenarios(fixed.url, rowSize, snapSize), selected("sqlite", sqliteSrv)...)
	for i := range scenarios {
		if scenarios[i].store == "fixed body" {
			scenarios[i].serverPID = fixed.cmd.Process.Pid
		} else {
			scenarios[i].serverPID = sqliteSrv.cmd.Process.Pid
			scenarios[i].metricsURL = sqliteSrv.url + "/metrics"
		}
	}

	pgNote := ""
	if len(selected("postgres", &raciServer{})) == 0 {
		pgNote = fmt.Sprintf("PostgreSQL rows not run: -load-only %q matches none.", cfg.loadOnly)
	} else if bin := findPostgres(); bin == "" {
		pgNote = "PostgreSQL rows pending: no initdb and postgres binaries were found (pg_config --bindir, PATH, /usr/lib/postgresql/*/bin)."
	} else {
		pg, err := startPostgres(ctx, bin)
		if err != nil {
			return err
		}
		defer pg.stop()
		pgSrv, err := startRaciServer(ctx, cfg.provider, pg.url, filepath.Join(dir, "postgres"))
		if err != nil {
			return err
		}
		defer pgSrv.stop()
		if _, _, err := seed(ctx, pgSrv); err != nil {
			return fmt.Errorf("seed the PostgreSQL server: %w", err)
		}
		for _, s := range selected("postgres", pgSrv) {
			s.serverPID, s.databasePID = pgSrv.cmd.Process.Pid, pg.cmd.Process.Pid
			s.metricsURL = pgSrv.url + "/metrics"
			scenarios = append(scenarios, s)
		}
	}

	// Rounds of every scenario in turn, so that a slow spell of the machine falls
	// on all of them and each fraction compares figures taken minutes apart at
	// most. The servers stay up throughout; an idle one costs nothing.
	rounds := make([][]loadResult, len(scenarios))
	for round := range cfg.runs {
		fmt.Printf("  round %d of %d\n", round+1, cfg.runs)
		fixedRPS := map[string]float64{}
		for i, s := range scenarios {
			r, err := generate(ctx, cfg.conns, cfg.load, s)
			if err != nil {
				return err
			}
			if s.store == "fixed body" {
				fixedRPS[fixedKey(s.name)] = r.rps
			} else if f := fixedRPS[s.baseline]; f > 0 {
				r.fraction = r.rps / f
			}
			fmt.Printf("    %-10s %-32s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %d errors\n", r.store, r.name, r.rps, ms(r.p50), ms(r.p99), r.failed)
			rounds[i] = append(rounds[i], r)
		}
	}
	results := make([]loadResult, len(scenarios))
	for i, rs := range rounds {
		results[i] = summarizeRounds(rs)
	}
	printLoad(os.Stdout, cfg, results, pgNote)
	return nil
}

// fixedKey is what a fixed-body scenario is the baseline of: "row size" or
// "snapshot size", from its name.
func fixedKey(name string) string {
	for _, key := range []string{"row size", "snapshot size"} {
		if strings.Contains(name, key) {
			return key
		}
	}
	return ""
}

// summarizeRounds gives one scenario's rounds as one result: the median of each figure,
// the errors of all of them.
func summarizeRounds(rs []loadResult) loadResult {
	out := rs[0]
	out.ok, out.failed, out.firstError = 0, 0, ""
	for _, r := range rs {
		out.ok += r.ok
		out.failed += r.failed
		if out.firstError == "" {
			out.firstError = r.firstError
		}
	}
	out.rps = medianOf(rs, func(r loadResult) float64 { return r.rps })
	out.fraction = medianOf(rs, func(r loadResult) float64 { return r.fraction })
	out.p50 = time.Duration(medianOf(rs, func(r loadResult) float64 { return float64(r.p50) }))
	out.p99 = time.Duration(medianOf(rs, func(r loadResult) float64 { return float64(r.p99) }))
	out.cpu = cpuSample{
		server:          time.Duration(medianOf(rs, func(r loadResult) float64 { return float64(r.cpu.server) })),
		database:        time.Duration(medianOf(rs, func(r loadResult) float64 { return float64(r.cpu.database) })),
		generator:       time.Duration(medianOf(rs, func(r loadResult) float64 { return float64(r.cpu.generator) })),
		revisionQueries: medianOf(rs, func(r loadResult) float64 { return r.cpu.revisionQueries }),
	}
	return out
}

// medianOf is the median of one figure over rs.
func medianOf(rs []loadResult, figure func(loadResult) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = figure(r)
	}
	return median(v)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func rowBody(title string) []byte {
	return fmt.Appendf(nil, `{"title":%q,"category":%q,"description":%q,"notes":"","assignments":[{"party":"vendor","roles":["R","A"],"holder":%q,"when":""},{"party":"customer","roles":["C","I"],"holder":"","when":""}]}`,
		title, rowCategory, rowDescription, vendorHolder)
}

// seed creates the tenants the scenarios use and returns the sizes of a row's and
// of the tenant snapshot's answers.
func seed(ctx context.Context, srv *raciServer) (rowSize, snapSize int, err error) {
	client := &http.Client{Timeout: 30 * time.Second}
	put := func(path string, body []byte) error {
		_, err := call(ctx, client, http.MethodPut, srv.url+path, srv.token, body)
		return err
	}
	for _, t := range []string{loadTenant, loadWriteTenant} {
		if err := put("/v1/tenants/"+t, []byte(`{"deployment_model":"dedicated_saas"}`)); err != nil {
			return 0, 0, err
		}
		for _, p := range []string{"vendor", "customer"} {
			if err := put("/v1/tenants/"+t+"/parties/"+p, fmt.Appendf(nil, `{"kind":%q}`, p)); err != nil {
				return 0, 0, err
			}
		}
	}
	for i := range loadRows {
		if err := put(fmt.Sprintf("/v1/tenants/%s/responsibilities/row-%d", loadTenant, i), rowBody(fmt.Sprintf("Task %d", i))); err != nil {
			return 0, 0, err
		}
	}
	row, err := call(ctx, client, http.MethodGet, srv.url+"/v1/tenants/"+loadTenant+"/responsibilities/row-0", srv.token, nil)
	if err != nil {
		return 0, 0, err
	}
	snap, err := call(ctx, client, http.MethodGet, srv.url+"/v1/tenants/"+loadTenant+"/snapshot", srv.token, nil)
	if err != nil {
		return 0, 0, err
	}
	return len(row), len(snap), nil
}

// call makes one request and returns the body of a 2xx answer.
func call(ctx context.Context, client *http.Client, method, url, token string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
}

func fixedScenarios(base string, rowSize, snapSize int) []scenario {
	return []scenario{
		{store: "fixed body", name: fmt.Sprintf("GET %d B (row size)", rowSize), method: http.MethodGet,
			url: func(int, int) string { return base + "/small" }},
		{store: "fixed body", name: fmt.Sprintf("GET %d B (snapshot size)", snapSize), method: http.MethodGet,
			url: func(int, int) string { return base + "/large" }},
	}
}

func raciScenarios(store string, srv *raciServer) []scenario {
	return []scenario{
		{store: store, name: "GET responsibility", method: http.MethodGet, token: srv.token, read: true, baseline: "row size",
			url: func(conn, seq int) string {
				return fmt.Sprintf("%s/v1/tenants/%s/responsibilities/row-%d", srv.url, loadTenant, (conn*7+seq)%loadRows)
			}},
		{store: store, name: fmt.Sprintf("GET snapshot (%d rows)", loadRows), method: http.MethodGet, token: srv.token, read: true, baseline: "snapshot size",
			url: func(int, int) string { return srv.url + "/v1/tenants/" + loadTenant + "/snapshot" }},
		{store: store, name: "PUT responsibility", method: http.MethodPut, token: srv.token,
			url: func(conn, seq int) string {
				return fmt.Sprintf("%s/v1/tenants/%s/responsibilities/w-%d-%d", srv.url, loadWriteTenant, conn, seq%putKeysPerConn)
			},
			body: func(conn, seq int) []byte { return rowBody(fmt.Sprintf("Task %d.%d", conn, seq)) }},
	}
}

// generate runs conns closed-loop connections against the scenario: warm-up first,
// then d of measurement. Each connection makes one request at a time.
func generate(ctx context.Context, conns int, d time.Duration, s scenario) (loadResult, error) {
	transport := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}

	start := time.Now()
	measureFrom, end := start.Add(warmUp), start.Add(warmUp+d)
	type tally struct {
		latencies  []time.Duration
		ok, failed int
		firstError string
	}
	tallies := make([]tally, conns)
	var wg sync.WaitGroup
	var cpuFrom, cpuTo cpuSample
	wg.Go(func() {
		time.Sleep(time.Until(measureFrom))
		cpuFrom = sampleCPU(ctx, s)
		time.Sleep(time.Until(end))
		cpuTo = sampleCPU(ctx, s)
	})
	for c := range conns {
		wg.Go(func() {
			t := &tallies[c]
			for seq := 0; ctx.Err() == nil; seq++ {
				began := time.Now()
				if !began.Before(end) {
					return
				}
				err := once(ctx, client, s, c, seq)
				took := time.Since(began)
				if began.Before(measureFrom) {
					continue
				}
				if err != nil {
					t.failed++
					if t.firstError == "" {
						t.firstError = err.Error()
					}
					continue
				}
				t.ok++
				if len(t.latencies) < maxSamples {
					t.latencies = append(t.latencies, took)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return loadResult{}, err
	}
	r := loadResult{scenario: s}
	var all []time.Duration
	for _, t := range tallies {
		r.ok += t.ok
		r.failed += t.failed
		all = append(all, t.latencies...)
		if r.firstError == "" {
			r.firstError = t.firstError
		}
	}
	r.rps = float64(r.ok) / d.Seconds()
	if n := time.Duration(r.ok + r.failed); n > 0 {
		r.cpu = cpuSample{
			server:    (cpuTo.server - cpuFrom.server) / n,
			database:  (cpuTo.database - cpuFrom.database) / n,
			generator: (cpuTo.generator - cpuFrom.generator) / n,
			// The scrape itself sends none: /metrics is not a cached read.
			revisionQueries: (cpuTo.revisionQueries - cpuFrom.revisionQueries) / float64(n),
		}
	}
	slices.Sort(all)
	r.p50, r.p99 = percentile(all, 0.50), percentile(all, 0.99)
	if r.ok == 0 {
		return r, fmt.Errorf("%s %s: no request succeeded: %s", s.store, s.name, r.firstError)
	}
	return r, nil
}

// percentile of sorted latencies, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func once(ctx context.Context, client *http.Client, s scenario, conn, seq int) error {
	var body io.Reader
	var payload []byte
	if s.body != nil {
		payload = s.body(conn, seq)
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, s.method, s.url(conn, seq), body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, copyErr := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("%s %s: %s", s.method, req.URL.Path, resp.Status)
	}
	return copyErr
}

func printLoad(w io.Writer, cfg config, results []loadResult, pgNote string) {
	fmt.Fprintf(w, "\nServer load: %d connections, closed loop, %s per scenario, medians of %d rounds, load generator on the same machine\n\n", cfg.conns, cfg.load, cfg.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "store\t scenario\t req/s\t p50 ms\t p99 ms\t errors\t × fixed body\t CPU µs/req: server\t database\t load generator\t revision queries/req\t")
	for _, r := range results {
		frac, db, revs := "-", "-", "-"
		if r.fraction > 0 {
			frac = fmt.Sprintf("%.2f", r.fraction)
		}
		if r.databasePID != 0 {
			db = fmt.Sprintf("%.1f", us(r.cpu.database))
		}
		if r.read {
			revs = fmt.Sprintf("%.2f", r.cpu.revisionQueries)
		}
		fmt.Fprintf(tw, "%s\t %s\t %.0f\t %.2f\t %.2f\t %d\t %s\t %.1f\t %s\t %.1f\t %s\t\n",
			r.store, r.name, r.rps, ms(r.p50), ms(r.p99), r.failed, frac, us(r.cpu.server), db, us(r.cpu.generator), revs)
	}
	tw.Flush()
	for _, r := range results {
		if r.failed > 0 {
			fmt.Fprintf(w, "%s %s: %d requests failed, the first with: %s\n", r.store, r.name, r.failed, r.firstError)
		}
	}
	if pgNote != "" {
		fmt.Fprintln(w, pgNote)
	}
	fmt.Fprintln(w, "The CPU columns split each request's processor time between the server answering it,")
	fmt.Fprintln(w, "PostgreSQL and the load generator; they share the machine's cores, so their sum sets the")
	fmt.Fprintln(w, "throughput, and the fixed body's sum sets what the machine can do at all.")

	fmt.Fprintln(w, "\nTargets (CONTRIBUTING.md; the PUT rows have none):")
	for _, r := range results {
		if !r.read {
			continue
		}
		fmt.Fprintf(w, "  %s %s: throughput >= %.1f × fixed body (%.2f): %s; p99 < %s (%.2f ms): %s\n",
			r.store, r.name, targetGetFraction, r.fraction, verdict(r.fraction >= targetGetFraction && r.failed == 0),
			targetP99, ms(r.p99), verdict(r.p99 < targetP99))
	}
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// fixedServerCommand is the hidden subcommand that runs the fixed-body server: in a
// process of its own, as the RACI server is, so both are measured alike.
const fixedServerCommand = "serve-fixed"

// serveFixed answers GET /small and GET /large with fixed JSON bodies of the given
// sizes, on 127.0.0.1, until SIGTERM or SIGINT. It prints its address first.
func serveFixed(args []string) error {
	flags := flag.NewFlagSet(fixedServerCommand, flag.ContinueOnError)
	small := flags.Int("small", 1024, "size of GET /small in `bytes`")
	large := flags.Int("large", 32*1024, "size of GET /large in `bytes`")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mux := http.NewServeMux()
	for path, size := range map[string]int{"/small": *small, "/large": *large} {
		body := fixedBody(size)
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// fixedBody is a JSON object of exactly size bytes (at least 10).
func fixedBody(size int) []byte {
	const head, tail = `{"data":"`, `"}`
	n := max(0, size-len(head)-len(tail))
	return []byte(head + strings.Repeat("x", n) + tail)
}

type fixedServer struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startFixed(ctx context.Context, small, large int) (*fixedServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	f := &fixedServer{done: make(chan struct{})}
	f.cmd = exec.Command(self, fixedServerCommand, "-small", strconv.Itoa(small), "-large", strconv.Itoa(large))
	f.cmd.Stderr = os.Stderr
	f.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	out, err := f.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := startLocked(f.cmd, f.done); err != nil {
		return nil, fmt.Errorf("start the fixed-body server: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		addr <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		if a == "" {
			f.stop()
			return nil, errors.New("the fixed-body server printed no address")
		}
		f.url = "http://" + a
		return f, nil
	case <-f.done:
		return nil, errors.New("the fixed-body server exited while starting")
	case <-time.After(startTimeout):
		f.stop()
		return nil, errors.New("the fixed-body server did not start")
	case <-ctx.Done():
		f.stop()
		return nil, ctx.Err()
	}
}

func (f *fixedServer) stop() { stopProcess(f.cmd, f.done, syscall.SIGTERM, 10*time.Second) }
