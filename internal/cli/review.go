package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/planreview"
)

// Exit statuses of Review.
const (
	ReviewOK     = 0
	ReviewBad    = 1 // bad input, or the input cannot be read
	ReviewFailed = 2 // a -fail-on kind occurs, or the command line is wrong
)

const reviewUsage = `Usage: terraform-provider-raci review [-format markdown|json] [-fail-on KINDS] [FILE]

Reads the JSON of a saved plan (terraform show -json PLANFILE) from FILE, or from
standard input without FILE or with "-", and reports what it does to the RACI
matrices: the letters each party gains and loses in each row, renamed parties,
accountability moves, effects across each tenant, rules the planned matrix breaks,
checklist changes, and values known only after apply. It needs no server.

Exit status: 2 when one of the -fail-on kinds occurs (or the command line is
wrong), 1 on bad input, 0 otherwise.

`

// UsageError is a command line the command does not take: an unknown flag, a
// stray argument, an unknown subcommand. main exits 2 on it, as for an unknown
// command, where other errors exit 1.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }

func (e UsageError) Unwrap() error { return e.Err }

// failWords says what each -fail-on kind found, for the message of a failing run.
var failWords = map[string]string{
	planreview.FailAccountability: "an accountability move",
	planreview.FailRemoval:        "a removal",
	planreview.FailViolation:      "a rule violation",
	planreview.FailUnassigned:     "a row left without an Accountable party",
}

// Review prints the review of a plan's JSON and returns the exit status.
func Review(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("review", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	formatName := flags.String("format", "markdown", "the output `form`: markdown (a pull-request comment) or json")
	failOn := flags.String("fail-on", "", "exit 2 when one of these `kinds` occurs, comma-separated: "+strings.Join(planreview.FailKinds, ", "))
	usage := func() {
		fmt.Fprint(stderr, reviewUsage)
		flags.SetOutput(stderr)
		flags.PrintDefaults()
		flags.SetOutput(io.Discard)
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "terraform-provider-raci review: "+format+"\n\n", args...)
		usage()
		return ReviewFailed
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, reviewUsage)
			flags.SetOutput(stdout)
			flags.PrintDefaults()
			return ReviewOK
		}
		return bad("%s", err)
	}
	if *formatName != "markdown" && *formatName != "json" {
		return bad("-format %q is not supported: use markdown or json", *formatName)
	}
	var kinds []string
	if *failOn != "" {
		for _, k := range strings.Split(*failOn, ",") {
			k = strings.TrimSpace(k)
			known := false
			for _, f := range planreview.FailKinds {
				known = known || f == k
			}
			if !known {
				return bad("-fail-on %q is not a kind: use a comma-separated list of %s", k, strings.Join(planreview.FailKinds, ", "))
			}
			kinds = append(kinds, k)
		}
	}
	if flags.NArg() > 1 {
		return bad("review reads one plan; got %d arguments: %s", flags.NArg(), strings.Join(flags.Args(), " "))
	}

	in, name := stdin, "standard input"
	if flags.NArg() == 1 && flags.Arg(0) != "-" {
		name = flags.Arg(0)
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "terraform-provider-raci review: %s\n", Printable(err.Error()))
			return ReviewBad
		}
		defer f.Close()
		in = f
	}
	rv, err := planreview.Read(in)
	if err != nil {
		fmt.Fprintf(stderr, "terraform-provider-raci review: %s: %s\n", Printable(name), Printable(err.Error()))
		return ReviewBad
	}
	var out string
	if *formatName == "json" {
		out = string(rv.JSON())
	} else {
		out = Printable(rv.Markdown())
	}
	if _, err := io.WriteString(stdout, out); err != nil {
		fmt.Fprintf(stderr, "terraform-provider-raci review: writing the review: %s\n", err)
		return ReviewBad
	}
	var occurred []string
	for _, k := range kinds {
		if rv.Occurs(k) {
			occurred = append(occurred, failWords[k]+" ("+k+")")
		}
	}
	if len(occurred) > 0 {
		fmt.Fprintf(stderr, "terraform-provider-raci review: -fail-on: the plan has %s\n", strings.Join(occurred, ", "))
		return ReviewFailed
	}
	return ReviewOK
}
