// Command profprovider is the RACI provider with a CPU profile: a benchmark-only
// build, never released, for finding where a slow `terraform plan` spends the
// provider's time. Point a dev_overrides block at a directory holding it under the
// name terraform-provider-raci; each provider process Terraform starts writes
// <pid>.pprof to $PROFPROVIDER_DIR when it stops. Read them with
// `go tool pprof -top bin/profprovider DIR/*.pprof`.
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

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/raci-dev/terraform-provider-raci/internal/provider"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "profprovider:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := os.Getenv("PROFPROVIDER_DIR")
	if dir == "" {
		return fmt.Errorf("set PROFPROVIDER_DIR to where the profiles go")
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
	return providerserver.Serve(ctx, provider.New("profile"), providerserver.ServeOpts{
		Address: "registry.terraform.io/raci-dev/raci",
	})
}
