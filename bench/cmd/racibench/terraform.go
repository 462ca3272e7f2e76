package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// raciConfig declares tenants tenants of two parties each and rows responsibilities
// spread over them, the tenant names starting with prefix so that each run creates
// its own objects. The provider reads RACI_ENDPOINT and RACI_TOKEN.
func raciConfig(prefix string, rows int) string {
	return fmt.Sprintf(`terraform {
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

resource "raci_responsibility" "row" {
  count       = local.rows
  tenant      = raci_tenant.t[count.index %% local.tenants].name
  key         = "row-${count.index}"
  title       = "Task ${count.index}"
  category    = %q
  description = %q
  assignments = [
    { party = raci_party.vendor[count.index %% local.tenants].name, roles = ["R", "A"], holder = %q },
    { party = raci_party.customer[count.index %% local.tenants].name, roles = ["C", "I"] },
  ]
}
`, tenants, rows, prefix, rowCategory, rowDescription, vendorHolder)
}

// baselineConfig declares rows terraform_data resources holding what a raci row
// holds: Terraform's own cost for the same number of resources of the same size.
func baselineConfig(prefix string, rows int) string {
	return fmt.Sprintf(`locals {
  tenants = %d
  rows    = %d
}

resource "terraform_data" "row" {
  count = local.rows
  input = {
    tenant      = "%s-tenant-${count.index %% local.tenants}"
    key         = "row-${count.index}"
    title       = "Task ${count.index}"
    category    = %q
    description = %q
    assignments = [
      { party = "vendor", roles = ["R", "A"], holder = %q },
      { party = "customer", roles = ["C", "I"], holder = "" },
    ]
  }
}
`, tenants, rows, prefix, rowCategory, rowDescription, vendorHolder)
}

// run is one pair of measurements at one size.
type pairRun struct {
	raciApply, raciPlan         time.Duration
	baselineApply, baselinePlan time.Duration
	requests                    float64            // API requests during the raci plan
	routes                      map[string]float64 // the same, by method and route
	planChanged                 bool               // the raci plan after apply was not empty
	// providerCPU is the CPU time of the provider processes the raci plan started,
	// and providers how many there were: the share of the plan's time that is the
	// provider's rather than Terraform's.
	providerCPU time.Duration
	providers   int
}

// sizeResult is everything measured at one size.
type sizeResult struct {
	n        int
	runs     []pairRun
	peakKiB  int64  // the largest peak RSS of any provider process
	counting string // how requests were counted
}

// benchTerraform measures every size, each on a fresh server and database.
func benchTerraform(ctx context.Context, cfg config, dir string) ([]sizeResult, error) {
	var results []sizeResult
	for _, n := range cfg.sizes {
		fmt.Printf("\n==> N=%d: %d runs of terraform apply and plan, raci and terraform_data in turn\n", n, cfg.runs)
		r, err := benchSize(ctx, cfg, filepath.Join(dir, strconv.Itoa(n)), n)
		if err != nil {
			return nil, fmt.Errorf("N=%d: %w", n, err)
		}
		results = append(results, r)
	}
	return results, nil
}

func benchSize(ctx context.Context, cfg config, dir string, n int) (sizeResult, error) {
	res := sizeResult{n: n}
	srv, err := startRaciServer(ctx, cfg.provider, "sqlite:"+filepath.Join(dir, "raci.db"), dir)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	counter, err := newRequestCounter(ctx, srv)
	if err != nil {
		return res, err
	}
	res.counting = counter.source

	// Terraform starts the peak RSS wrapper under the provider's name, from the
	// directory the dev_overrides block names; it starts the real provider.
	overrides := filepath.Join(dir, "provider")
	rssDir := filepath.Join(dir, "rss")
	for _, d := range []string{overrides, rssDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return res, err
		}
	}
	if err := os.Symlink(cfg.peakRSS, filepath.Join(overrides, "terraform-provider-raci")); err != nil {
		return res, err
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"raci-dev/raci\" = %q\n  }\n  direct {}\n}\n", overrides)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return res, err
	}
	tf := &terraform{
		binary:  cfg.terraform,
		timeout: cfg.tfTimeout,
		env: append(cleanEnv(),
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1",
			"TF_INPUT=0",
			"RACI_ENDPOINT="+srv.url,
			"RACI_TOKEN="+srv.token,
			"PEAKRSS_COMMAND="+cfg.tfProvider,
			"PEAKRSS_DIR="+rssDir,
		),
	}

	for i := 1; i <= cfg.runs; i++ {
		prefix := "r" + strconv.Itoa(i)
		raciDir, baseDir := filepath.Join(dir, prefix, "raci"), filepath.Join(dir, prefix, "baseline")
		if err := writeConfig(raciDir, raciConfig(prefix, n)); err != nil {
			return res, err
		}
		if err := writeConfig(baseDir, baselineConfig(prefix, n)); err != nil {
			return res, err
		}
		if i == 1 {
			// Untimed: catches a broken configuration early and warms the page cache
			// with Terraform and the provider.
			for _, d := range []string{raciDir, baseDir} {
				if _, _, err := tf.run(ctx, d, "validate", "-no-color"); err != nil {
					return res, err
				}
			}
		}
		var run pairRun
		var err error
		if run.raciApply, _, err = tf.run(ctx, raciDir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
			return res, err
		}
		if run.baselineApply, _, err = tf.run(ctx, baseDir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
			return res, err
		}
		before, err := counter.counts(ctx)
		if err != nil {
			return res, err
		}
		usageBefore, err := readUsage(rssDir)
		if err != nil {
			return res, err
		}
		var code int
		if run.raciPlan, code, err = tf.run(ctx, raciDir, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
			return res, err
		}
		run.planChanged = code == 2
		after, err := counter.counts(ctx)
		if err != nil {
			return res, err
		}
		run.routes = difference(before, after)
		run.requests = total(run.routes)
		usageAfter, err := readUsage(rssDir)
		if err != nil {
			return res, err
		}
		for pid, u := range usageAfter {
			if _, old := usageBefore[pid]; !old {
				run.providerCPU += u.cpu
				run.providers++
			}
		}
		if run.baselinePlan, _, err = tf.run(ctx, baseDir, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
			return res, err
		}
		fmt.Printf("    run %d: apply raci %.2fs, terraform_data %.2fs; plan raci %.2fs (provider CPU %.2fs in %d processes), terraform_data %.2fs; %.0f requests in the raci plan\n",
			i, run.raciApply.Seconds(), run.baselineApply.Seconds(), run.raciPlan.Seconds(), run.providerCPU.Seconds(), run.providers, run.baselinePlan.Seconds(), run.requests)
		if run.planChanged {
			fmt.Printf("    run %d: WARNING: the raci plan right after apply was not empty (see %s)\n", i, filepath.Join(raciDir, "plan.log"))
		}
		res.runs = append(res.runs, run)
	}
	res.peakKiB, err = largestPeak(rssDir)
	return res, err
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
