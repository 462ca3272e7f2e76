package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets from CONTRIBUTING.md.
const (
	targetPlanN         = 1000
	targetPlanRatio     = 1.3
	targetExtraRequests = 2 // requests per refresh ≤ tenants + this
	targetGetFraction   = 0.5
	targetP99           = 5 * time.Millisecond
)

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// summary is one row of the Terraform table: one shape at one size.
type summary struct {
	n                       int
	shape                   string
	raciPlan, basePlan      float64 // median seconds
	raciPlanOff             float64 // the same, lean paths off
	planRatio, applyRatio   float64 // median of the ratios run by run
	planRatioOff            float64 // the same, lean paths off
	requests                float64 // median per plan
	peakMiB                 float64
	routes                  map[string]float64 // of the last run
	providerCPU             float64            // median seconds per raci plan
	providerCPUOff          float64            // the same, lean paths off
	counting                string
	changedPlans, totalRuns int
}

func summarize(r sizeResult) summary {
	var raciPlan, raciPlanOff, basePlan, planRatio, planRatioOff, applyRatio, requests, cpu, cpuOff []float64
	s := summary{n: r.n, shape: r.shape, peakMiB: float64(r.peakKiB) / 1024, counting: r.counting, totalRuns: len(r.runs)}
	for _, run := range r.runs {
		raciPlan = append(raciPlan, run.raciPlan.Seconds())
		raciPlanOff = append(raciPlanOff, run.raciPlanOff.Seconds())
		basePlan = append(basePlan, run.baselinePlan.Seconds())
		planRatio = append(planRatio, run.raciPlan.Seconds()/run.baselinePlan.Seconds())
		planRatioOff = append(planRatioOff, run.raciPlanOff.Seconds()/run.baselinePlan.Seconds())
		applyRatio = append(applyRatio, run.raciApply.Seconds()/run.baselineApply.Seconds())
		requests = append(requests, run.requests)
		cpu = append(cpu, run.providerCPU.Seconds())
		cpuOff = append(cpuOff, run.providerCPUOff.Seconds())
		s.routes = run.routes
		if run.planChanged {
			s.changedPlans++
		}
	}
	s.raciPlan, s.raciPlanOff, s.basePlan = median(raciPlan), median(raciPlanOff), median(basePlan)
	s.planRatio, s.planRatioOff, s.applyRatio = median(planRatio), median(planRatioOff), median(applyRatio)
	s.requests = median(requests)
	s.providerCPU, s.providerCPUOff = median(cpu), median(cpuOff)
	return s
}

func printTerraform(w io.Writer, cfg config, results []sizeResult) {
	sums := make([]summary, len(results))
	for i, r := range results {
		sums[i] = summarize(r)
	}
	fmt.Fprintf(w, "\nTerraform at scale: %d tenants of 2 parties; medians of %d runs; ratios taken run by run (raci run i / terraform_data run i, same shape), then their median; \"lean off\" is the raci plan with RACI_PROVIDER_LEAN=0\n\n", tenants, cfg.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "N\t shape\t raci plan s\t lean off s\t baseline plan s\t plan ratio\t lean off ratio\t provider CPU s\t lean off CPU s\t requests per refresh\t apply ratio\t provider peak RSS MiB\t")
	for _, s := range sums {
		fmt.Fprintf(tw, "%d\t %s\t %.2f\t %.2f\t %.2f\t %.2f\t %.2f\t %.2f\t %.2f\t %.0f\t %.2f\t %.1f\t\n",
			s.n, s.shape, s.raciPlan, s.raciPlanOff, s.basePlan, s.planRatio, s.planRatioOff, s.providerCPU, s.providerCPUOff, s.requests, s.applyRatio, s.peakMiB)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, s := range sums {
		fmt.Fprintf(w, "N=%d %s: requests in the last raci plan (counted from the server's %s): %s\n", s.n, s.shape, s.counting, routeSummary(s.routes))
		if s.changedPlans > 0 {
			fmt.Fprintf(w, "N=%d %s: WARNING: %d of %d runs had a raci plan right after apply that was not empty\n", s.n, s.shape, s.changedPlans, s.totalRuns)
		}
	}

	fmt.Fprintln(w, "\nTargets (CONTRIBUTING.md):")
	measured := false
	for _, s := range sums {
		if s.n == targetPlanN {
			measured = true
			fmt.Fprintf(w, "  plan ratio at N=%d, %s, <= %.1f: %s (%.2f; lean paths off %.2f)\n",
				targetPlanN, s.shape, targetPlanRatio, verdict(s.planRatio <= targetPlanRatio), s.planRatio, s.planRatioOff)
		}
	}
	if !measured {
		fmt.Fprintf(w, "  plan ratio at N=%d <= %.1f: not measured: N=%d is not in BENCH_N\n", targetPlanN, targetPlanRatio, targetPlanN)
	}
	var worst []string
	pass := true
	for _, s := range sums {
		worst = append(worst, fmt.Sprintf("%.0f at N=%d %s", s.requests, s.n, s.shape))
		if s.requests > tenants+targetExtraRequests {
			pass = false
		}
	}
	fmt.Fprintf(w, "  requests per refresh <= tenants + %d = %d: %s (%s)\n", targetExtraRequests, tenants+targetExtraRequests, verdict(pass), strings.Join(worst, ", "))
}

func verdict(pass bool) string {
	if pass {
		return "PASS"
	}
	return "MISS  <-- target missed"
}

func numCPU() int       { return runtime.NumCPU() }
func goVersion() string { return runtime.Version() }
