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
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/raci-dev/terraform-provider-raci/internal/cli"
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
	// As the released binary does (main.go, quietSDKLogs): the plugin libraries'
	// logs off unless asked for, so that the profile is of what users run.
	if os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == "" {
		for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
			if os.Getenv(name) == "" {
				os.Setenv(name, "off")
			}
		}
	}
	// And with main.go's garbage collector target (relaxGC).
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
	go heapProfiles(ctx, filepath.Join(dir, strconv.Itoa(os.Getpid())+".heap.pprof"))
	return tf6server.Serve("registry.terraform.io/raci-dev/raci", provider.NewServer("profile", cli.ProviderStores()))
}

// heapProfiles writes a heap profile to path each time the heap in use reaches a new
// high, checked every 200 ms: the profile of the fullest moment, which is what
// decides the process's peak RSS and the garbage collector's work.
func heapProfiles(ctx context.Context, path string) {
	var high uint64
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse <= high+high/10 {
			continue
		}
		high = m.HeapInuse
		f, err := os.Create(path)
		if err != nil {
			return
		}
		_ = pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
}
