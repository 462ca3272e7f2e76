package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/raci-dev/terraform-provider-raci/internal/client"
	"github.com/raci-dev/terraform-provider-raci/internal/format"
)

// Matrix prints a tenant's matrix, as a RACI server holds it, as a Markdown table.
// The endpoint defaults to RACI_ENDPOINT and the token comes from RACI_TOKEN.
func Matrix(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("matrix", flag.ContinueOnError)
	flags.SetOutput(stderr)
	endpoint := flags.String("endpoint", os.Getenv("RACI_ENDPOINT"), "the RACI server's `URL` (default $RACI_ENDPOINT)")
	tenant := flags.String("tenant", "", "the tenant's `name` (required)")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "Usage: terraform-provider-raci matrix --tenant NAME [--endpoint URL]\n\n"+
			"Prints the tenant's matrix as a Markdown table. Set RACI_TOKEN when the server requires a token.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return UsageError{err}
	}
	if flags.NArg() > 0 {
		return UsageError{fmt.Errorf("unexpected argument %q: matrix takes only flags (see --help)", flags.Arg(0))}
	}
	if *tenant == "" {
		return errors.New("--tenant is required: name the tenant whose matrix to print")
	}
	if *endpoint == "" {
		return errors.New("no server: pass --endpoint URL or set RACI_ENDPOINT, e.g. http://127.0.0.1:8080")
	}

	c, err := client.New(*endpoint, client.WithToken(os.Getenv("RACI_TOKEN")))
	if err != nil {
		return err
	}
	snap, err := c.Snapshot(ctx, *tenant)
	if err != nil {
		return fmt.Errorf("read tenant %q: %w", *tenant, err)
	}
	if _, err := io.WriteString(stdout, Printable(format.Markdown(snap))); err != nil {
		return fmt.Errorf("write matrix: %w", err)
	}
	return nil
}

// Printable returns s fit for a terminal: without control characters other than
// newline and tab, so that a title someone stored with ESC or BEL in it cannot move
// the cursor, recolour or retitle the terminal of whoever prints it.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}
