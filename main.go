// Command terraform-provider-raci is the RACI Terraform provider and its server in one
// binary: started by Terraform with no arguments it serves the provider; `serve` runs
// the RACI server; `matrix` prints a tenant's matrix; `token` manages API tokens;
// `review` reviews a saved plan's JSON; `version` prints the version. Any other
// command prints the usage and exits 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/raci-dev/terraform-provider-raci/internal/cli"
	"github.com/raci-dev/terraform-provider-raci/internal/provider"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

// providerAddress is the provider's source address, as Terraform resolves it.
const providerAddress = "registry.terraform.io/raci-dev/raci"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if len(args) > 0 {
		var err error
		switch args[0] {
		case "serve":
			err = cli.Serve(ctx, args[1:], stdout, stderr)
		case "matrix":
			err = cli.Matrix(ctx, args[1:], stdout, stderr)
		case "token":
			err = cli.Token(ctx, args[1:], stdout, stderr)
		case "review":
			return cli.Review(args[1:], os.Stdin, stdout, stderr)
		case "version", "--version":
			fmt.Fprintf(stdout, "terraform-provider-raci %s\n", version)
			return 0
		case "help", "-h", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		default:
			if strings.HasPrefix(args[0], "-") {
				// The provider's own flags (-debug); serveProvider refuses others.
				return serveProvider(ctx, args, stderr)
			}
			fmt.Fprintf(stderr, "terraform-provider-raci: unknown command %q\n\n", cli.Printable(args[0]))
			fmt.Fprint(stderr, usage)
			return 2
		}
		if err != nil {
			// An error may carry what a server holds (a name, a title): printable only.
			fmt.Fprintf(stderr, "terraform-provider-raci %s: %s\n", args[0], cli.Printable(err.Error()))
			var usageErr cli.UsageError
			if errors.As(err, &usageErr) {
				return 2
			}
			return 1
		}
		return 0
	}
	return serveProvider(ctx, args, stderr)
}

// serveProvider runs the Terraform provider over protocol 6, as Terraform starts it.
func serveProvider(ctx context.Context, args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("terraform-provider-raci", flag.ContinueOnError)
	flags.SetOutput(stderr)
	debug := flags.Bool("debug", false, "run the provider with support for debuggers like delve")
	if err := flags.Parse(args); err != nil {
		fmt.Fprint(stderr, usage)
		return 2
	}
	quietSDKLogs()
	relaxGC()
	var opts []tf6server.ServeOpt
	if *debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(providerAddress, provider.NewServer(version, cli.ProviderStores()), opts...)
	if err != nil {
		log.New(stderr, "", 0).Print(err)
		return 1
	}
	return 0
}

// sdkLogSettings are the plugin libraries' own log levels. Unset, they log every
// request at trace level, a large share of the provider's CPU time on a large plan,
// only for Terraform to throw the lines away.
var sdkLogSettings = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietSDKLogs turns the plugin libraries' logging off unless someone asked for
// logs: TF_LOG or TF_LOG_PROVIDER (which Terraform passes on to its providers), or
// one of the SDK's own settings.
func quietSDKLogs() {
	for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, sdkLogSettings...) {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range sdkLogSettings {
		os.Setenv(name, "off")
	}
}

// providerGCPercent is the garbage collector's target for the provider process:
// the heap may grow to three times what is live before a collection, not twice. A
// provider lives for one Terraform command and allocates mostly values that die
// within the request (the plugin framework's), so collections find little to keep:
// fewer of them cost less CPU time than the larger heap costs memory.
const providerGCPercent = 200

// relaxGC sets the provider's garbage collector target unless GOGC says otherwise.
func relaxGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(providerGCPercent)
	}
}

const usage = `Usage:
  terraform-provider-raci [-debug]       serve the Terraform provider (Terraform starts it)
  terraform-provider-raci serve [--listen ADDR] [--database sqlite:PATH]
                                         run the RACI server
  terraform-provider-raci matrix --tenant NAME [--endpoint URL]
                                         print a tenant's matrix as a Markdown table
  terraform-provider-raci token create --database URL --name NAME --scope SCOPE [--scope SCOPE ...]
                                         create an API token and print its secret once
                                         (also: token list, token delete)
  terraform-provider-raci review [-format markdown|json] [-fail-on KINDS] [FILE]
                                         review a saved plan (terraform show -json PLANFILE):
                                         who gains and loses which letter; needs no server
  terraform-provider-raci version        print the version
`
