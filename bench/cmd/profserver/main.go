// Command profserver is the RACI server with a CPU profile: a benchmark-only build,
// never released, for finding where the server spends its time under load. It takes
// the arguments of `terraform-provider-raci serve` after the word serve, so that
// `racibench -skip-terraform -provider bin/profserver` drives it; each server it runs
// writes <pid>.pprof to $PROFSERVER_DIR when it stops. Read them with
// `go tool pprof -top bin/profserver DIR/*.pprof`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"syscall"

	"github.com/raci-dev/terraform-provider-raci/internal/cli"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "profserver:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) < 2 || os.Args[1] != "serve" {
		return fmt.Errorf("usage: profserver serve [serve's flags]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := os.Getenv("PROFSERVER_DIR")
	if dir == "" {
		return fmt.Errorf("set PROFSERVER_DIR to where the profiles go")
	}
	f, err := os.Create(filepath.Join(dir, strconv.Itoa(os.Getpid())+".pprof"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return cli.Serve(ctx, os.Args[2:], os.Stdout, os.Stderr)
}
