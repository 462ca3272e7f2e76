package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

const tokenUsage = `Usage:
  terraform-provider-raci token create --database URL --name NAME --scope SCOPE [--scope SCOPE ...]
      create a token and print its secret, once
  terraform-provider-raci token list --database URL
      list tokens and their scopes (never their secrets)
  terraform-provider-raci token delete --database URL --name NAME
      revoke a token

Works on the database directly, the way serve opens it, so the first tokens of a
server need no token themselves. A SCOPE is ` + raci.ScopeRule + `.
`

// Token manages API tokens in the database a server runs on.
func Token(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return UsageError{errors.New("name a subcommand: create, list or delete")}
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return tokenList(ctx, args[1:], stdout, stderr)
	case "delete":
		return tokenDelete(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, tokenUsage)
		return nil
	}
	return UsageError{fmt.Errorf("unknown subcommand %q: use create, list or delete (see token --help)", args[0])}
}

// scopesFlag collects repeated --scope flags.
type scopesFlag []raci.Scope

func (s *scopesFlag) String() string {
	parts := make([]string, len(*s))
	for i, sc := range *s {
		parts[i] = string(sc)
	}
	return strings.Join(parts, ",")
}

func (s *scopesFlag) Set(v string) error {
	*s = append(*s, raci.Scope(strings.TrimSpace(v)))
	return nil
}

// tokenFlags parses a token subcommand's flags: --database always, --name when
// the subcommand takes it, and whatever define adds.
func tokenFlags(name string, args []string, stderr io.Writer, withName bool, define func(*flag.FlagSet)) (database, tokenName string, err error) {
	flags := flag.NewFlagSet("token "+name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&database, "database", DefaultDatabase, "database `URL`, as serve takes it")
	if withName {
		flags.StringVar(&tokenName, "name", "", "the token's `name` (required)")
	}
	if define != nil {
		define(flags)
	}
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), tokenUsage+"\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", "", err
		}
		return "", "", UsageError{err}
	}
	if flags.NArg() > 0 {
		return "", "", UsageError{fmt.Errorf("unexpected argument %q: token %s takes only flags (see --help)", flags.Arg(0), name)}
	}
	if withName && tokenName == "" {
		return "", "", errors.New("--name is required: name the token, e.g. --name ci-acme")
	}
	return database, tokenName, nil
}

// openTokens opens the database and returns its token store.
func openTokens(ctx context.Context, database string) (raci.TokenService, func(), error) {
	// Tokens are no part of any tenant's revision: their writes need no wait.
	db, err := openStore(ctx, database, 0)
	if err != nil {
		return nil, nil, err
	}
	tokens, ok := db.(raci.TokenService)
	if !ok {
		db.Close()
		return nil, nil, fmt.Errorf("the database %s keeps no tokens", redactDatabase(database))
	}
	return tokens, func() { db.Close() }, nil
}

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var scopes scopesFlag
	database, name, err := tokenFlags("create", args, stderr, true, func(f *flag.FlagSet) {
		f.Var(&scopes, "scope", "a `SCOPE` the token grants; repeat for more (required)")
	})
	if err != nil {
		return helpIsNoError(err)
	}
	if len(scopes) == 0 {
		return fmt.Errorf("--scope is required: give at least one of %s", raci.ScopeRule)
	}
	t := &raci.Token{Name: name, Scopes: scopes}
	// Refuse a bad token before the database is opened (and created, if missing).
	if err := t.Validate(); err != nil {
		return err
	}
	tokens, closeDB, err := openTokens(ctx, database)
	if err != nil {
		return err
	}
	defer closeDB()
	stored, secret, err := tokens.CreateToken(ctx, t)
	if err != nil {
		return fmt.Errorf("create token %q: %w", name, err)
	}
	// The secret alone on stdout, so that scripts can capture it; the rest for
	// people on stderr.
	if _, err := fmt.Fprintln(stdout, secret); err != nil {
		return fmt.Errorf("print the secret: %w", err)
	}
	fmt.Fprintf(stderr, "Created token %q with scopes %s. Its secret, above, will not be shown again: store it now.\n",
		stored.Name, (*scopesFlag)(&stored.Scopes).String())
	return nil
}

func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	database, _, err := tokenFlags("list", args, stderr, false, nil)
	if err != nil {
		return helpIsNoError(err)
	}
	tokens, closeDB, err := openTokens(ctx, database)
	if err != nil {
		return err
	}
	defer closeDB()
	list, err := tokens.ListTokens(ctx)
	if err != nil {
		return fmt.Errorf("list tokens: %w", err)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tCREATED\tSCOPES")
	for _, t := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\n", t.Name, t.CreatedAt.UTC().Format(time.RFC3339), (*scopesFlag)(&t.Scopes).String())
	}
	return w.Flush()
}

func tokenDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	database, name, err := tokenFlags("delete", args, stderr, true, nil)
	if err != nil {
		return helpIsNoError(err)
	}
	tokens, closeDB, err := openTokens(ctx, database)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := tokens.DeleteToken(ctx, name); err != nil {
		return fmt.Errorf("delete token %q: %w", name, err)
	}
	fmt.Fprintf(stderr, "Deleted token %q: requests with its secret fail from now on.\n", name)
	return nil
}

// helpIsNoError turns --help, which has printed the usage, into success.
func helpIsNoError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
