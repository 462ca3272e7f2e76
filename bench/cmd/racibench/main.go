// Command racibench measures the provider and the server against the performance
// targets of CONTRIBUTING.md, in one run (see `make bench`):
//
//  1. Terraform at scale: for each N and each shape of configuration (one block
//     with count, several blocks, for_each over parse_matrix rows), terraform apply
//     and terraform plan over N raci_responsibility rows in 10 tenants, and over N
//     terraform_data resources of similar size in the same shape, run pair by pair;
//     the raci plan once more with the provider's lean paths off
//     (RACI_PROVIDER_LEAN=0); the API requests a plan's refresh makes; the provider
//     process's peak RSS.
//  2. Server load: requests per second and latency of the real server on SQLite
//     (and PostgreSQL when its binaries are there) next to a plain net/http handler
//     that returns a fixed body of the same size, measured the same way, in rounds
//     of every scenario in turn; with the CPU time the server, PostgreSQL and the
//     load generator spend per request.
//
// It prints tables and PASS or MISS for each target. It exits non-zero only when it
// could not measure, never because a target was missed. Every server it starts
// listens on 127.0.0.1 (PostgreSQL on a Unix socket only), and it sends nothing
// anywhere else.
//
// Environment: BENCH_N (default "100 1000 5000"), BENCH_SHAPES (default: all of
// "count blocks for_each" at N=1000, the target's size, and count at the others),
// BENCH_RUNS (3: runs per N, and
// rounds of the load scenarios), BENCH_LOAD_SECONDS (5), BENCH_CONNS (16),
// BENCH_TF_TIMEOUT (20m, per terraform command).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// tenants is how many tenants the rows are spread over, as in the target.
const tenants = 10

// config is what one run measures.
type config struct {
	provider string // the provider binary, bin/terraform-provider-raci
	// tfProvider is the binary Terraform runs as the provider: provider, unless a
	// profiling build (bench/cmd/profprovider) replaces it.
	tfProvider string
	peakRSS    string // the wrapper that records the provider's peak RSS
	terraform  string
	sizes      []int
	// shapes of configuration, measured at every size; when none are set, all of
	// them at the target's size and the count shape at the others.
	shapes    []string
	runs      int
	load      time.Duration
	conns     int
	tfTimeout time.Duration
	skipTF    bool
	skipLoad  bool
	// loadOnly, when set, runs only the server scenarios whose "store scenario"
	// contains it (the fixed-body ones always run): for profiling one of them.
	loadOnly string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == fixedServerCommand {
		if err := serveFixed(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "racibench:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "racibench:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var cfg config
	flag.StringVar(&cfg.provider, "provider", "bin/terraform-provider-raci", "the provider `binary` (make build)")
	flag.StringVar(&cfg.peakRSS, "peakrss", "bin/peakrss", "the peak RSS wrapper `binary` (go build ./bench/cmd/peakrss)")
	flag.StringVar(&cfg.tfProvider, "terraform-provider", "", "the `binary` Terraform runs as the provider, if not -provider: e.g. bin/profprovider, with PROFPROVIDER_DIR set")
	flag.BoolVar(&cfg.skipTF, "skip-terraform", false, "skip the Terraform measurements")
	flag.BoolVar(&cfg.skipLoad, "skip-load", false, "skip the server load measurements")
	flag.StringVar(&cfg.loadOnly, "load-only", "", "run only the server scenarios whose store and name contain `text`, e.g. \"sqlite GET snapshot\" (with bench/cmd/profserver as -provider, to profile one)")
	flag.Parse()

	var err error
	if cfg.sizes, err = envSizes("BENCH_N", "100 1000 5000"); err != nil {
		return err
	}
	if cfg.shapes, err = envShapes("BENCH_SHAPES"); err != nil {
		return err
	}
	if cfg.runs, err = envInt("BENCH_RUNS", 3, 1, 50); err != nil {
		return err
	}
	seconds, err := envInt("BENCH_LOAD_SECONDS", 5, 1, 120)
	if err != nil {
		return err
	}
	cfg.load = time.Duration(seconds) * time.Second
	if cfg.conns, err = envInt("BENCH_CONNS", 16, 1, 256); err != nil {
		return err
	}
	cfg.tfTimeout = 20 * time.Minute
	if s := os.Getenv("BENCH_TF_TIMEOUT"); s != "" {
		if cfg.tfTimeout, err = time.ParseDuration(s); err != nil || cfg.tfTimeout <= 0 {
			return fmt.Errorf("BENCH_TF_TIMEOUT=%q: want a duration such as 20m", s)
		}
	}
	if cfg.tfProvider == "" {
		cfg.tfProvider = cfg.provider
	}
	for _, p := range []*string{&cfg.provider, &cfg.peakRSS, &cfg.tfProvider} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
		if fi, err := os.Stat(*p); err != nil || fi.IsDir() {
			return fmt.Errorf("%s is missing: run `make bench`, which builds it", *p)
		}
	}
	if !cfg.skipTF {
		if cfg.terraform, err = lookTerraform(); err != nil {
			return err
		}
	}

	tmp, err := os.MkdirTemp("", "racibench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Printf("racibench: %d CPUs (shared: other work on this machine shows in the figures), Go %s\n", numCPU(), goVersion())
	if !cfg.skipTF {
		results, err := benchTerraform(ctx, cfg, filepath.Join(tmp, "terraform"))
		if err != nil {
			return err
		}
		printTerraform(os.Stdout, cfg, results)
	}
	if !cfg.skipLoad {
		if err := benchLoad(ctx, cfg, filepath.Join(tmp, "load")); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// envSizes reads a list of positive whole numbers, separated by spaces or commas.
func envSizes(name, def string) ([]int, error) {
	raw := os.Getenv(name)
	if strings.TrimSpace(raw) == "" {
		raw = def
	}
	var sizes []int
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < tenants || n > 100000 {
			return nil, fmt.Errorf("%s=%q: want whole numbers from %d to 100000, e.g. %q", name, raw, tenants, def)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) == 0 {
		return nil, fmt.Errorf("%s=%q names no size", name, raw)
	}
	return sizes, nil
}

// envShapes reads a list of configuration shapes, separated by spaces or commas;
// none when the variable is empty.
func envShapes(name string) ([]string, error) {
	raw := os.Getenv(name)
	var shapes []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !slices.Contains(allShapes, f) {
			return nil, fmt.Errorf("%s=%q: %q is not a shape; the shapes are %s", name, raw, f, strings.Join(allShapes, ", "))
		}
		if !slices.Contains(shapes, f) {
			shapes = append(shapes, f)
		}
	}
	return shapes, nil
}

// shapesAt returns the shapes measured at size n.
func (cfg config) shapesAt(n int) []string {
	switch {
	case len(cfg.shapes) > 0:
		return cfg.shapes
	case n == targetPlanN:
		return allShapes
	}
	return []string{shapeCount}
}

func envInt(name string, def, lo, hi int) (int, error) {
	raw := os.Getenv(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, raw, lo, hi)
	}
	return n, nil
}
