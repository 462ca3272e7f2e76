package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseRequestsTotal(t *testing.T) {
	const text = `# HELP raci_http_requests_total HTTP requests answered, by route pattern, method and status.
# TYPE raci_http_requests_total counter
raci_http_requests_total{method="GET",route="/metrics",status="200"} 7
raci_http_requests_total{method="GET",route="/readyz",status="200"} 3
raci_http_requests_total{method="GET",route="/v1/tenants/{tenant}/snapshot",status="200"} 10
raci_http_requests_total{method="GET",route="/v1/tenants/{tenant}/snapshot",status="404"} 2
raci_http_requests_total{method="PUT",route="/v1/tenants/{tenant}/responsibilities/{key}",status="201"} 1e+03
raci_http_request_duration_seconds_count{method="GET",route="/v1/tenants/{tenant}/snapshot"} 12
`
	got, err := parseRequestsTotal(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"GET /v1/tenants/{tenant}/snapshot":               12,
		"PUT /v1/tenants/{tenant}/responsibilities/{key}": 1000,
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if total(got) != 1012 {
		t.Errorf("total = %v, want 1012: the benchmark's own /metrics and /readyz calls must not count", total(got))
	}
}

func TestParseLabels_escapes(t *testing.T) {
	got, err := parseLabels(`a="x\"y",b="p\\q",c=""`)
	if err != nil {
		t.Fatal(err)
	}
	if got["a"] != `x"y` || got["b"] != `p\q` || got["c"] != "" {
		t.Errorf("got %q", got)
	}
	if _, err := parseLabels(`a="unterminated`); err == nil {
		t.Error("an unterminated value parsed")
	}
}

func TestCountLog(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "server.log")
	lines := `time=2025-01-01T00:00:00Z level=INFO msg="RACI server listening" addr=127.0.0.1:1234
time=2025-01-01T00:00:00Z level=INFO msg=request method=GET route=/readyz status=200 duration=1ms
time=2025-01-01T00:00:00Z level=INFO msg=request method=GET route="GET /v1/tenants/{tenant}/snapshot" status=200 duration=1ms actor=bootstrap
time=2025-01-01T00:00:00Z level=INFO msg=request method=GET route="GET /v1/tenants/{tenant}/snapshot" status=200 duration=1ms actor=bootstrap
`
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &requestCounter{srv: &raciServer{log: log}, source: "request log"}
	got, err := c.countLog()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["GET /v1/tenants/{tenant}/snapshot"] != 2 {
		t.Errorf("got %v, want 2 snapshot reads and no probe", got)
	}
}

func TestMedianAndPercentile(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3 = %v, want 2", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4 = %v, want 2.5", m)
	}
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	if p := percentile(sorted, 0.99); p != 99*time.Millisecond {
		t.Errorf("p99 = %v, want 99ms", p)
	}
	if p := percentile(sorted, 0.5); p != 50*time.Millisecond {
		t.Errorf("p50 = %v, want 50ms", p)
	}
}

func TestFixedBody(t *testing.T) {
	for _, size := range []int{11, 438, 44620} {
		b := fixedBody(size)
		if len(b) != size {
			t.Errorf("fixedBody(%d) has %d bytes", size, len(b))
		}
		if !json.Valid(b) {
			t.Errorf("fixedBody(%d) is not JSON", size)
		}
	}
}

// Both configurations of a shape carry the same rows: same count, same tenant
// spread, written the same way.
func TestConfigs(t *testing.T) {
	for _, shape := range allShapes {
		raci, base := raciConfig(shape, "r1", 1000), baselineConfig(shape, "r1", 1000)
		for _, c := range []string{raci, base} {
			for _, want := range []string{"tenants = 10", "rows    = 1000", vendorHolder} {
				if !strings.Contains(c, want) {
					t.Errorf("%s: configuration lacks %q:\n%s", shape, want, c)
				}
			}
		}
		raciBlocks := strings.Count(raci, `resource "raci_responsibility"`)
		baseBlocks := strings.Count(base, `resource "terraform_data"`)
		wantBlocks := 1
		if shape == shapeBlocks {
			wantBlocks = blocks
		}
		if raciBlocks != wantBlocks || baseBlocks != wantBlocks {
			t.Errorf("%s: %d raci_responsibility and %d terraform_data blocks, want %d of each", shape, raciBlocks, baseBlocks, wantBlocks)
		}
		if shape == shapeForEach {
			for _, c := range []string{raci, base} {
				if !strings.Contains(c, "provider::raci::parse_matrix(local.matrix)") || !strings.Contains(c, "for_each") {
					t.Errorf("%s: configuration does not use for_each over parse_matrix:\n%s", shape, c)
				}
				if got := strings.Count(c, "|Task "); got != 100 {
					t.Errorf("%s: the matrix has %d rows, want 1000 over 10 tenants: 100", shape, got)
				}
			}
		}
	}
}

// The blocks shape spreads every row over its blocks, and no key twice.
func TestBlockCounts(t *testing.T) {
	got := blockCounts(shapeBlocks, 1005)
	total := 0
	prefixes := map[string]bool{}
	for _, b := range got {
		total += b.count
		prefixes[b.keyPrefix] = true
	}
	if len(got) != blocks || total != 1005 || len(prefixes) != blocks || got[0].count != 101 || got[9].count != 100 {
		t.Errorf("blockCounts(blocks, 1005) = %+v", got)
	}
	if got := blockCounts(shapeCount, 1000); len(got) != 1 || got[0].count != 1000 {
		t.Errorf("blockCounts(count, 1000) = %+v", got)
	}
}

func TestEnvShapes(t *testing.T) {
	t.Setenv("BENCH_SHAPES", "")
	got, err := envShapes("BENCH_SHAPES")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{shapes: got}
	if at := cfg.shapesAt(targetPlanN); len(at) != len(allShapes) {
		t.Errorf("unset: shapes at N=%d: %v, want every shape", targetPlanN, at)
	}
	if at := cfg.shapesAt(5000); len(at) != 1 || at[0] != shapeCount {
		t.Errorf("unset: shapes at N=5000: %v, want count", at)
	}
	t.Setenv("BENCH_SHAPES", "for_each,count for_each")
	got, err = envShapes("BENCH_SHAPES")
	if err != nil || len(got) != 2 || got[0] != shapeForEach || got[1] != shapeCount {
		t.Errorf("got %v, %v; want for_each, count", got, err)
	}
	if at := (config{shapes: got}).shapesAt(5000); len(at) != 2 {
		t.Errorf("set: shapes at N=5000: %v, want the two set", at)
	}
	t.Setenv("BENCH_SHAPES", "count modules")
	if _, err := envShapes("BENCH_SHAPES"); err == nil || !strings.Contains(err.Error(), "modules") {
		t.Errorf("an unknown shape was accepted: %v", err)
	}
}

func TestEnvSizes(t *testing.T) {
	t.Setenv("BENCH_N", "100, 1000 5000")
	got, err := envSizes("BENCH_N", "1")
	if err != nil || len(got) != 3 || got[0] != 100 || got[2] != 5000 {
		t.Fatalf("got %v, %v", got, err)
	}
	t.Setenv("BENCH_N", "100 lots")
	if _, err := envSizes("BENCH_N", "1"); err == nil {
		t.Error("a size that is not a number was accepted")
	}
}

func TestSummarizeRounds_mediansAndFractionsPerRound(t *testing.T) {
	// The middle round is slow for both the fixed body and the server: its
	// fraction is what was measured in it, and the medians drop the outliers.
	rounds := []loadResult{
		{rps: 1000, fraction: 0.50, p99: 3 * time.Millisecond, ok: 5000, cpu: cpuSample{server: 40 * time.Microsecond}},
		{rps: 400, fraction: 0.55, p99: 9 * time.Millisecond, ok: 2000, failed: 1, firstError: "boom", cpu: cpuSample{server: 90 * time.Microsecond}},
		{rps: 1100, fraction: 0.60, p99: 2 * time.Millisecond, ok: 5500, cpu: cpuSample{server: 38 * time.Microsecond}},
	}
	got := summarizeRounds(rounds)
	if got.rps != 1000 || got.fraction != 0.55 || got.p99 != 3*time.Millisecond || got.cpu.server != 40*time.Microsecond {
		t.Errorf("summary = %.0f req/s, fraction %.2f, p99 %s, server CPU %s; want the medians 1000, 0.55, 3ms, 40µs",
			got.rps, got.fraction, got.p99, got.cpu.server)
	}
	if got.ok != 12500 || got.failed != 1 || got.firstError != "boom" {
		t.Errorf("summary counts %d ok, %d failed (%q); want every round's: 12500, 1, boom", got.ok, got.failed, got.firstError)
	}
}

func TestProcessCPU_readsThisProcess(t *testing.T) {
	// Burn CPU until the process's own count (getrusage) has 200 ms more, however
	// busy the machine is, then ask /proc, which counts in clock ticks.
	own := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	before, ownBefore := processCPU(os.Getpid()), own()
	for deadline := time.Now().Add(30 * time.Second); own()-ownBefore < 200*time.Millisecond; {
		if time.Now().After(deadline) {
			t.Fatal("this process got less than 200 ms of CPU in 30 s")
		}
	}
	after := processCPU(os.Getpid())
	if after-before < 150*time.Millisecond {
		t.Errorf("CPU time went from %s to %s over 200 ms of busy work by the process's own count", before, after)
	}
	ppid, _, ok := readStat(os.Getpid())
	if !ok || ppid != os.Getppid() {
		t.Errorf("readStat: parent %d (ok %v), want %d", ppid, ok, os.Getppid())
	}
	if treeCPU(os.Getppid()) < processCPU(os.Getpid()) {
		t.Error("the parent's tree holds less CPU time than this process, one of its children")
	}
	if processCPU(-1) != 0 {
		t.Error("a process that does not exist has CPU time")
	}
}
