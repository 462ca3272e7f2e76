package main

import (
	"bytes"
	"strings"
	"testing"
)

// A first argument that is no command prints the usage and exits 2, rather than
// starting the plugin server (which only Terraform can talk to).
func TestRunUnknownCommandPrintsUsage(t *testing.T) {
	for _, args := range [][]string{{"reviews"}, {"plan.json"}, {"-bogus"}} {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "Usage:") || !strings.Contains(stderr.String(), "terraform-provider-raci review") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and the usage naming review", args, code, stderr.String())
		}
		if strings.Contains(stderr.String(), "This binary is a plugin") {
			t.Errorf("%q fell through to the plugin server", args)
		}
	}
}

func TestRunDispatchesReview(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"review", "-fail-on", "accountability", "internal/planreview/testdata/moved_deleted_renamed.plan.json"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stdout.String(), "`segura` → `customer`") {
		t.Errorf("review: exit %d, stdout %q, stderr %q; want 2 with the accountability move", code, stdout.String(), stderr.String())
	}
}

// An unknown flag or subcommand of a command exits 2 like an unknown command; a
// command that fails on good arguments exits 1.
func TestRunBadArgumentsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"matrix", "--bogus"},
		{"matrix", "--tenant", "acme", "extra"},
		{"serve", "--bogus"},
		{"token", "frob"},
		{"token"},
		{"token", "list", "--bogus"},
		{"review", "--bogus"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2; stderr %q", args, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"matrix", "--tenant", "acme", "--endpoint", ""}, &stdout, &stderr); code != 1 {
		t.Errorf("matrix without a server: exit %d, want 1; stderr %q", code, stderr.String())
	}
}
