package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Attribute values shared by both configurations, so that a raci row and a
// terraform_data resource carry about the same data.
const (
	rowCategory    = "Operations"
	rowDescription = "Monitor the installation, answer its alerts and keep its runbooks current."
	vendorHolder   = "infrastructure engineer"
)

// Shapes of configuration that users write, each measured against the same shape
// over terraform_data.
const (
	// shapeCount is one resource block with count.
	shapeCount = "count"
	// shapeBlocks is several resource blocks with count, each spread over the
	// tenants, as a team writes one block per kind of duty.
	shapeBlocks = "blocks"
	// shapeForEach is one resource block with for_each over the rows that
	// provider::raci::parse_matrix reads from a Markdown table in the configuration,
	// the table's rows for every tenant (examples/from-markdown).
	shapeForEach = "for_each"
)

var allShapes = []string{shapeCount, shapeBlocks, shapeForEach}

// blocks is how many resource blocks the blocks shape spreads the rows over.
const blocks = 10

// raciConfig declares tenants tenants of two parties each and rows responsibilities
// spread over them in the given shape, the tenant names starting with prefix so that
// each run creates its own objects. The provider reads RACI_ENDPOINT and RACI_TOKEN.
func raciConfig(shape, prefix string, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    raci = {
      source = "raci-dev/raci"
    }
  }
}

provider "raci" {}

locals {
  tenants = %d
  rows    = %d
}

resource "raci_tenant" "t" {
  count            = local.tenants
  name             = "%s-tenant-${count.index}"
  deployment_model = "dedicated_saas"
}

resource "raci_party" "vendor" {
  count  = local.tenants
  tenant = raci_tenant.t[count.index].name
  name   = "vendor"
  kind   = "vendor"
}

resource "raci_party" "customer" {
  count  = local.tenants
  tenant = raci_tenant.t[count.index].name
  name   = "customer"
  kind   = "customer"
}
`, tenants, rows, prefix)
	switch shape {
	case shapeForEach:
		b.WriteString(matrixLocals(rows))
		fmt.Fprintf(&b, `
resource "raci_responsibility" "row" {
  for_each    = local.matrix_rows
  tenant      = raci_tenant.t[each.value.tenant].name
  key         = each.value.key
  title       = each.value.title
  category    = %q
  notes       = each.value.notes
  assignments = each.value.assignments
  depends_on  = [raci_party.vendor, raci_party.customer]
}
`, rowCategory)
	default:
		for _, blk := range blockCounts(shape, rows) {
			fmt.Fprintf(&b, `
resource "raci_responsibility" %q {
  count       = %d
  tenant      = raci_tenant.t[count.index %% local.tenants].name
  key         = "%srow-${count.index}"
  title       = "Task ${count.index}"
  category    = %q
  description = %q
  assignments = [
    { party = raci_party.vendor[count.index %% local.tenants].name, roles = ["R", "A"], holder = %q },
    { party = raci_party.customer[count.index %% local.tenants].name, roles = ["C", "I"] },
  ]
}
`, blk.name, blk.count, blk.keyPrefix, rowCategory, rowDescription, vendorHolder)
		}
	}
	return b.String()
}

// baselineConfig declares rows terraform_data resources holding what a raci row
// holds, in the same shape: Terraform's own cost for the same number of resources
// of the same size, written the same way. The for_each shape calls the provider's
// parse_matrix as the raci configuration does, so that only the resource type
// differs.
func baselineConfig(shape, prefix string, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `locals {
  tenants = %d
  rows    = %d
}
`, tenants, rows)
	switch shape {
	case shapeForEach:
		b.WriteString(`
terraform {
  required_providers {
    raci = {
      source = "raci-dev/raci"
    }
  }
}
`)
		b.WriteString(matrixLocals(rows))
		fmt.Fprintf(&b, `
resource "terraform_data" "row" {
  for_each = local.matrix_rows
  input = {
    tenant      = "%s-tenant-${each.value.tenant}"
    key         = each.value.key
    title       = each.value.title
    category    = %q
    notes       = each.value.notes
    assignments = each.value.assignments
  }
}
`, prefix, rowCategory)
	default:
		for _, blk := range blockCounts(shape, rows) {
			fmt.Fprintf(&b, `
resource "terraform_data" %q {
  count = %d
  input = {
    tenant      = "%s-tenant-${count.index %% local.tenants}"
    key         = "%srow-${count.index}"
    title       = "Task ${count.index}"
    category    = %q
    description = %q
    assignments = [
      { party = "vendor", roles = ["R", "A"], holder = %q },
      { party = "customer", roles = ["C", "I"], holder = "" },
    ]
  }
}
`, blk.name, blk.count, prefix, blk.keyPrefix, rowCategory, rowDescription, vendorHolder)
		}
	}
	return b.String()
}

// block is one resource block with count.
type block struct {
	name      string
	count     int
	keyPrefix string // keeps keys unique across blocks
}

// blockCounts spreads rows over the shape's resource blocks: one for count, blocks
// for blocks, the first ones taking any remainder.
func blockCounts(shape string, rows int) []block {
	if shape != shapeBlocks {
		return []block{{name: "row", count: rows}}
	}
	out := make([]block, blocks)
	for i := range out {
		n := rows / blocks
		if i < rows%blocks {
			n++
		}
		out[i] = block{name: fmt.Sprintf("row_%d", i), count: n, keyPrefix: fmt.Sprintf("b%d-", i)}
	}
	return out
}

// matrixLocals declares a Markdown matrix of rows/tenants tasks (rows in all over
// the tenants) and local.matrix_rows, its rows for every tenant as parse_matrix reads
// them, keyed "<tenant index>/<row key>" for for_each.
func matrixLocals(rows int) string {
	var b strings.Builder
	b.WriteString("\nlocals {\n  matrix = <<-EOT\n    |Task|Vendor|Customer|Notes|\n    |---|---|---|---|\n")
	perTenant := (rows + tenants - 1) / tenants
	for i := 0; i < perTenant; i++ {
		fmt.Fprintf(&b, "    |Task %d|R, A (%s)|C, I|%s|\n", i, vendorHolder, rowDescription)
	}
	b.WriteString(`  EOT
  matrix_rows = {
    for pair in setproduct(range(local.tenants), provider::raci::parse_matrix(local.matrix)) :
    "${pair[0]}/${pair[1].key}" => merge(pair[1], { tenant = pair[0] })
  }
}
`)
	return b.String()
}

// pairRun is one run of a shape at one size: raci and terraform_data applied, then
// planned, raci with the lean paths on and off.
type pairRun struct {
	raciApply, baselineApply time.Duration
	// raciPlan is with the lean paths (the default), raciPlanOff with
	// RACI_PROVIDER_LEAN=0.
	raciPlan, raciPlanOff, baselinePlan time.Duration
	requests                            float64            // API requests during the raci plan
	routes                              map[string]float64 // the same, by method and route
	planChanged                         bool               // a raci plan after apply was not empty
	// providerCPU is the CPU time of the provider processes the raci plan started,
	// and providers how many there were: the share of the plan's time that is the
	// provider's rather than Terraform's. providerCPUOff is the same with the lean
	// paths off.
	providerCPU, providerCPUOff time.Duration
	providers                   int
}

// sizeResult is everything measured of one shape at one size.
type sizeResult struct {
	n        int
	shape    string
	runs     []pairRun
	peakKiB  int64  // the largest peak RSS of any provider process
	counting string // how requests were counted
}

// benchTerraform measures every size, each on a fresh server and database.
func benchTerraform(ctx context.Context, cfg config, dir string) ([]sizeResult, error) {
	var results []sizeResult
	for _, n := range cfg.sizes {
		fmt.Printf("\n==> N=%d: %d runs of terraform apply and plan for the shapes %s, raci (lean paths on and off) and terraform_data in turn\n",
			n, cfg.runs, strings.Join(cfg.shapesAt(n), ", "))
		r, err := benchSize(ctx, cfg, filepath.Join(dir, strconv.Itoa(n)), n)
		if err != nil {
			return nil, fmt.Errorf("at N=%d: %w", n, err)
		}
		results = append(results, r...)
	}
	return results, nil
}

// benchSize measures every shape at one size, shape after shape within each run so
// that a slow spell of the machine falls on all of them.
func benchSize(ctx context.Context, cfg config, dir string, n int) ([]sizeResult, error) {
	srv, err := startRaciServer(ctx, cfg.provider, "sqlite:"+filepath.Join(dir, "raci.db"), dir)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	counter, err := newRequestCounter(ctx, srv)
	if err != nil {
		return nil, err
	}

	// Terraform starts the peak RSS wrapper under the provider's name, from the
	// directory the dev_overrides block names; it starts the real provider.
	overrides := filepath.Join(dir, "provider")
	if err := os.MkdirAll(overrides, 0o755); err != nil {
		return nil, err
	}
	if err := os.Symlink(cfg.peakRSS, filepath.Join(overrides, "terraform-provider-raci")); err != nil {
		return nil, err
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"raci-dev/raci\" = %q\n  }\n  direct {}\n}\n", overrides)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return nil, err
	}
	env := append(cleanEnv(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"RACI_ENDPOINT="+srv.url,
		"RACI_TOKEN="+srv.token,
		"PEAKRSS_COMMAND="+cfg.tfProvider,
	)

	shapes := cfg.shapesAt(n)
	results := make([]sizeResult, len(shapes))
	for s, shape := range shapes {
		results[s] = sizeResult{n: n, shape: shape, counting: counter.source}
		for _, d := range []string{shape, shape + "-off"} {
			if err := os.MkdirAll(filepath.Join(dir, "rss", d), 0o755); err != nil {
				return nil, err
			}
		}
	}
	for i := 1; i <= cfg.runs; i++ {
		for s, shape := range shapes {
			rssDir := filepath.Join(dir, "rss", shape)
			// Terraform passes its environment on to the provider processes it starts.
			lean := &terraform{binary: cfg.terraform, timeout: cfg.tfTimeout, env: append(slices.Clip(env), "PEAKRSS_DIR="+rssDir)}
			// The plans without the lean paths record their usage apart, so that the
			// peak RSS reported is that of the provider as it ships.
			plain := &terraform{binary: cfg.terraform, timeout: cfg.tfTimeout, env: append(slices.Clip(env), "PEAKRSS_DIR="+rssDir+"-off", "RACI_PROVIDER_LEAN=0")}
			run, err := benchShape(ctx, lean, plain, counter, rssDir, filepath.Join(dir, fmt.Sprintf("r%d", i), shape), shape, i, n)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", shape, err)
			}
			results[s].runs = append(results[s].runs, run)
		}
	}
	for s := range results {
		if results[s].peakKiB, err = largestPeak(filepath.Join(dir, "rss", results[s].shape)); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// benchShape is run i of one shape: both configurations applied, then planned,
// raci once with the lean paths (lean) and once without (plain), the order of the
// two alternating from run to run.
func benchShape(ctx context.Context, lean, plain *terraform, counter *requestCounter, rssDir, dir, shape string, i, n int) (pairRun, error) {
	var run pairRun
	// Tenant names are slugs: no underscore.
	prefix := fmt.Sprintf("r%d-%s", i, strings.ReplaceAll(shape, "_", ""))
	raciDir, baseDir := filepath.Join(dir, "raci"), filepath.Join(dir, "baseline")
	if err := writeConfig(raciDir, raciConfig(shape, prefix, n)); err != nil {
		return run, err
	}
	if err := writeConfig(baseDir, baselineConfig(shape, prefix, n)); err != nil {
		return run, err
	}
	if i == 1 {
		// Untimed: catches a broken configuration early and warms the page cache
		// with Terraform and the provider.
		for _, d := range []string{raciDir, baseDir} {
			if _, _, err := lean.run(ctx, d, "validate", "-no-color"); err != nil {
				return run, err
			}
		}
	}
	var err error
	if run.raciApply, _, err = lean.run(ctx, raciDir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return run, err
	}
	if run.baselineApply, _, err = lean.run(ctx, baseDir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return run, err
	}

	planLean := func() error {
		before, err := counter.counts(ctx)
		if err != nil {
			return err
		}
		var changed bool
		if run.raciPlan, run.providerCPU, run.providers, changed, err = planWithCPU(ctx, lean, raciDir, rssDir); err != nil {
			return err
		}
		run.planChanged = run.planChanged || changed
		after, err := counter.counts(ctx)
		if err != nil {
			return err
		}
		run.routes = difference(before, after)
		run.requests = total(run.routes)
		return nil
	}
	planPlain := func() error {
		var changed bool
		var err error
		run.raciPlanOff, run.providerCPUOff, _, changed, err = planWithCPU(ctx, plain, raciDir, rssDir+"-off")
		run.planChanged = run.planChanged || changed
		return err
	}
	planBaseline := func() (err error) {
		run.baselinePlan, _, err = lean.run(ctx, baseDir, "plan", "-input=false", "-no-color", "-detailed-exitcode")
		return err
	}
	order := []func() error{planLean, planBaseline, planPlain}
	if i%2 == 0 {
		order = []func() error{planPlain, planBaseline, planLean}
	}
	for _, plan := range order {
		if err := plan(); err != nil {
			return run, err
		}
	}
	fmt.Printf("    run %d, %s: apply raci %.2fs, terraform_data %.2fs; plan raci %.2fs (provider CPU %.2fs in %d processes), lean paths off %.2fs (provider CPU %.2fs), terraform_data %.2fs; %.0f requests in the raci plan\n",
		i, shape, run.raciApply.Seconds(), run.baselineApply.Seconds(), run.raciPlan.Seconds(), run.providerCPU.Seconds(), run.providers,
		run.raciPlanOff.Seconds(), run.providerCPUOff.Seconds(), run.baselinePlan.Seconds(), run.requests)
	if run.planChanged {
		fmt.Printf("    run %d, %s: WARNING: a raci plan right after apply was not empty (see %s)\n", i, shape, filepath.Join(raciDir, "plan.log"))
	}
	return run, nil
}

// planWithCPU runs terraform plan in dir and returns its wall time, the CPU time of
// the provider processes it started (recorded by the wrapper in rssDir) and how many
// there were, and whether it planned changes.
func planWithCPU(ctx context.Context, tf *terraform, dir, rssDir string) (time.Duration, time.Duration, int, bool, error) {
	usageBefore, err := readUsage(rssDir)
	if err != nil {
		return 0, 0, 0, false, err
	}
	elapsed, code, err := tf.run(ctx, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if err != nil {
		return 0, 0, 0, false, err
	}
	usageAfter, err := readUsage(rssDir)
	if err != nil {
		return 0, 0, 0, false, err
	}
	var cpu time.Duration
	var providers int
	for pid, u := range usageAfter {
		if _, old := usageBefore[pid]; !old {
			cpu += u.cpu
			providers++
		}
	}
	return elapsed, cpu, providers, code == 2, nil
}

func writeConfig(dir, text string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(text), 0o644)
}

// cleanEnv is the environment without the variables that would change what
// Terraform or the provider does here.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "RACI_") || strings.HasPrefix(name, "PEAKRSS_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// usage is what the wrapper recorded of one provider process.
type usage struct {
	peakKiB int64
	cpu     time.Duration
}

// readUsage reads the wrapper's records, by process id.
func readUsage(dir string) (map[string]usage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.rusage"))
	if err != nil {
		return nil, err
	}
	usages := map[string]usage{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var u usage
		var cpu float64
		if _, err := fmt.Sscanf(string(b), "%d %f", &u.peakKiB, &cpu); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		u.cpu = time.Duration(cpu * float64(time.Second))
		usages[strings.TrimSuffix(filepath.Base(f), ".rusage")] = u
	}
	return usages, nil
}

// largestPeak returns the largest peak RSS the wrapper recorded, in KiB.
func largestPeak(dir string) (int64, error) {
	usages, err := readUsage(dir)
	if err != nil {
		return 0, err
	}
	if len(usages) == 0 {
		return 0, fmt.Errorf("no provider process recorded its peak RSS in %s: did Terraform start the wrapper?", dir)
	}
	var peak int64
	for _, u := range usages {
		peak = max(peak, u.peakKiB)
	}
	return peak, nil
}

// terraform runs the Terraform CLI with a fixed environment.
type terraform struct {
	binary  string
	env     []string
	timeout time.Duration
}

// run runs one command in dir and returns its wall time and exit code; its output
// goes to <command>.log in dir. An exit code other than 0 is an error, except 2 from
// plan -detailed-exitcode (changes planned).
func (t *terraform) run(ctx context.Context, dir string, args ...string) (time.Duration, int, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	logPath := filepath.Join(dir, args[0]+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return 0, 0, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, t.binary, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = t.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Interrupted, Terraform stops its providers and writes its state; it is killed
	// only if it does not finish.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	code := 0
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		code = exit.ExitCode()
		if code == 2 && contains(args, "-detailed-exitcode") {
			err = nil
		}
	}
	if ctx.Err() != nil {
		return elapsed, code, fmt.Errorf("terraform %s in %s: stopped after %s: %w", args[0], dir, t.timeout, ctx.Err())
	}
	if err != nil {
		return elapsed, code, fmt.Errorf("terraform %s in %s: %w\n%s", args[0], dir, err, tail(logPath))
	}
	return elapsed, code, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func lookTerraform() (string, error) {
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("terraform is not on PATH: the benchmark runs the real Terraform (1.11 or later)")
	}
	return p, nil
}

// routeSummary prints counts by route, most first: "10 GET /v1/tenants/{tenant}/snapshot".
func routeSummary(routes map[string]float64) string {
	keys := make([]string, 0, len(routes))
	for k := range routes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if routes[keys[i]] != routes[keys[j]] {
			return routes[keys[i]] > routes[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%.0f × %s", routes[k], k)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
