package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// planFile is a plan the real terraform made, from the provider's acceptance test:
// an A moved from segura to the customer, a row deleted and a party renamed.
var planFile = filepath.Join("..", "planreview", "testdata", "moved_deleted_renamed.plan.json")

func runReview(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Review(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestReviewFailOnExitStatus(t *testing.T) {
	for _, tc := range []struct {
		failOn string
		want   int
	}{
		{"", 0},
		{"accountability", 2},
		{"removal", 2},
		{"violation", 0},
		{"unassigned", 0},
		{"violation,unassigned", 0},
		{"violation, accountability", 2},
	} {
		args := []string{planFile}
		if tc.failOn != "" {
			args = []string{"-fail-on", tc.failOn, planFile}
		}
		code, stdout, stderr := runReview(t, "", args...)
		if code != tc.want {
			t.Errorf("-fail-on %q: exit %d, want %d; stderr %s", tc.failOn, code, tc.want, stderr)
		}
		if !strings.HasPrefix(stdout, "**RACI plan review:** 2 rows") {
			t.Errorf("-fail-on %q: the review is printed whatever the status; got %q", tc.failOn, stdout)
		}
		if tc.want == 2 && !strings.Contains(stderr, "-fail-on: the plan has") {
			t.Errorf("-fail-on %q: stderr does not say why it failed: %q", tc.failOn, stderr)
		}
	}
}

func TestReviewReadsStandardInputAsJSON(t *testing.T) {
	plan, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runReview(t, string(plan), "-format", "json", "-fail-on", "violation")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Accountability []struct{ Tenant, Row, From, To string }
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(got.Accountability) != 1 || got.Accountability[0].From != "segura" || got.Accountability[0].To != "customer" {
		t.Errorf("accountability %+v; want backing-up from segura to customer", got.Accountability)
	}
}

func TestReviewBadInputExitsOne(t *testing.T) {
	for _, tc := range []struct{ name, stdin, want string }{
		{"not JSON", "Plan: 1 to add", "not JSON"},
		{"not a plan", `{"format_version":"1.0","values":{}}`, "a Terraform state, not a plan"},
		{"unknown version", `{"format_version":"2.1","resource_changes":[]}`, `format_version is "2.1"`},
	} {
		code, stdout, stderr := runReview(t, tc.stdin)
		if code != 1 || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1, nothing, an error with %q", tc.name, code, stdout, stderr, tc.want)
		}
	}
	code, _, stderr := runReview(t, "", filepath.Join(t.TempDir(), "missing.json"))
	if code != 1 || !strings.Contains(stderr, "missing.json") {
		t.Errorf("a missing file: exit %d, %q", code, stderr)
	}
}

func TestReviewBadCommandLineExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"-bogus"},
		{"-format", "yaml", planFile},
		{"-fail-on", "accountability,everything", planFile},
		{planFile, planFile},
	} {
		code, stdout, stderr := runReview(t, "", args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "Usage: terraform-provider-raci review") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and the usage", args, code, stdout, stderr)
		}
	}
}
