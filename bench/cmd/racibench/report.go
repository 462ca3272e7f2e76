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

// Targets from DESIGN.md.
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

// summary is one row of the Terraform table.
type summary struct {
	n                       int
	raciPlan, basePlan      float64 // median seconds
	planRatio, applyRatio   float64 // median of the ratios run by run
	requests                float64 // median per plan
	peakMiB                 float64
	routes                  map[string]float64 // of the last run
	providerCPU             float64            // median seconds per raci plan
	counting                string
	changedPlans, totalRuns int
}

func summarize(r sizeResult) summary {
	var raciPlan, basePlan, planRatio, applyRatio, requests, cpu []float64
	s := summary{n: r.n, peakMiB: float64(r.peakKiB) / 1024, counting: r.counting, totalRuns: len(r.runs)}
	for _, run := range r.runs {
		raciPlan = append(raciPlan, run.raciPlan.Seconds())
		basePlan = append(basePlan, run.baselinePlan.Seconds())
		planRatio = append(planRatio, run.raciPlan.Seconds()/run.baselinePlan.Seconds())
		applyRatio = append(applyRatio, run.raciApply.Seconds()/run.baselineApply.Seconds())
		requests = append(requests, run.requests)
		cpu = append(cpu, run.providerCPU.Seconds())
		s.routes = run.routes
		if run.planChanged {
			s.changedPlans++
		}
	}
	s.raciPlan, s.basePlan = median(raciPlan), median(basePlan)
	s.planRatio, s.applyRatio = median(planRatio), median(applyRatio)
	s.requests = median(requests)
	s.providerCPU = median(cpu)
	return s
}

func printTerraform(w io.Writer, cfg config, results []sizeResult) {
	sums := make([]summary, len(results))
	for i, r := range results {
		sums[i] = summarize(r)
	}
	fmt.Fprintf(w, "\nTerraform at scale: %d tenants of 2 parties; medians of %d runs; ratios taken run by run (raci run i / terraform_data run i), then their median\n\n", tenants, cfg.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "N\t raci plan s\t baseline plan s\t plan ratio\t requests per refresh\t apply ratio\t provider peak RSS MiB\t")
	for _, s := range sums {
		fmt.Fprintf(tw, "%d\t %.2f\t %.2f\t %.2f\t %.0f\t %.2f\t %.1f\t\n", s.n, s.raciPlan, s.basePlan, s.planRatio, s.requests, s.applyRatio, s.peakMiB)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, s := range sums {
		fmt.Fprintf(w, "N=%d: requests in the last raci plan (counted from the server's %s): %s\n", s.n, s.counting, routeSummary(s.routes))
		fmt.Fprintf(w, "N=%d: CPU time of the provider processes during a raci plan: %.2f s of the plan's %.2f s wall time\n", s.n, s.providerCPU, s.raciPlan)
		if s.changedPlans > 0 {
			fmt.Fprintf(w, "N=%d: WARNING: %d of %d raci plans right after apply were not empty\n", s.n, s.changedPlans, s.totalRuns)
		}
	}

	fmt.Fprintln(w, "\nTargets (DESIGN.md):")
	planVerdict := fmt.Sprintf("not measured: N=%d is not in BENCH_N", targetPlanN)
	for _, s := range sums {
		if s.n == targetPlanN {
			planVerdict = fmt.Sprintf("%s (%.2f)", verdict(s.planRatio <= targetPlanRatio), s.planRatio)
		}
	}
	fmt.Fprintf(w, "  plan ratio at N=%d <= %.1f: %s\n", targetPlanN, targetPlanRatio, planVerdict)
	var worst []string
	pass := true
	for _, s := range sums {
		worst = append(worst, fmt.Sprintf("%.0f at N=%d", s.requests, s.n))
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
