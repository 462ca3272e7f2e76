// Package cli holds the binary's commands other than the provider itself: serve runs
// the RACI server, matrix prints what a server holds. main.go dispatches to them. It
// is also where the provider gets its stores (ProviderStores): with serve, the one
// place that picks concrete stores and clients.
package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/postgres"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
	"github.com/raci-dev/terraform-provider-raci/internal/web"
	"github.com/raci-dev/terraform-provider-raci/internal/webhook"
)

// Defaults for serve.
const (
	DefaultListen   = "127.0.0.1:8080"
	DefaultDatabase = "sqlite:raci.db"
)

// shutdownTimeout is how long requests in flight may take to finish after a stop
// signal before their connections are closed.
const shutdownTimeout = 10 * time.Second

// store is what serve needs of a database: the service plus a readiness probe and
// a way to close it.
type store interface {
	raci.Service
	Ping(context.Context) error
	Close() error
}

// Serve runs the RACI server until ctx is cancelled, then finishes the requests in
// flight and closes the database. The token comes from RACI_BOOTSTRAP_TOKEN.
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", DefaultListen, "`address` to listen on, host:port (port 0 picks a free one)")
	database := flags.String("database", DefaultDatabase, "database `URL`: sqlite:PATH for an SQLite file (created if missing), or postgres://USER@HOST/DB for PostgreSQL")
	tlsCert := flags.String("tls-cert", "", "PEM `file` of the TLS certificate (with its chain) to serve HTTPS with; needs --tls-key")
	tlsKey := flags.String("tls-key", "", "PEM `file` of the TLS certificate's private key; needs --tls-cert")
	var trusted []netip.Prefix
	webhookPoll := flags.Duration("webhook-poll", time.Second, "how often to look for webhook deliveries that are due")
	webhookBackoff := flags.Duration("webhook-backoff", time.Second, "wait after a webhook delivery's first failed attempt; it doubles with each further one, up to 5 minutes")
	webhookLease := flags.Duration("webhook-lease", time.Minute, "how long a server holds a webhook delivery it is sending before another may take it over; more than the 10s send timeout")
	webhookMaxAge := flags.Duration("webhook-max-age", 24*time.Hour, "how long after its change a webhook delivery is retried before it is marked failed")
	flags.Func("trusted-proxy", "`CIDR` or address of a reverse proxy in front of serve, whose X-Forwarded-Proto and X-Forwarded-For are believed; repeat it, or separate several with commas", func(v string) error {
		for _, part := range strings.Split(v, ",") {
			p, err := parseTrustedProxy(strings.TrimSpace(part))
			if err != nil {
				return err
			}
			trusted = append(trusted, p)
		}
		return nil
	})
	oidcIssuer := flags.String("oidc-issuer", "", "issuer `URL` of an OpenID Provider people sign in to the web pages with; needs --oidc-client-id, and the client secret in RACI_OIDC_CLIENT_SECRET")
	oidcClient := flags.String("oidc-client-id", "", "client `ID` registered with the OpenID Provider")
	oidcGroups := flags.String("oidc-groups-claim", web.DefaultGroupsClaim, "the ID token's `claim` that lists a person's groups, which raci_access grants name")
	oidcRedirect := flags.String("oidc-redirect-url", "", "`URL` the OpenID Provider sends browsers back to: this server's public URL followed by "+web.OIDCCallbackPath+
		"; register it with the provider (default: the listen address's)")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "Usage: terraform-provider-raci serve [--listen ADDR] [--database URL] [--tls-cert FILE --tls-key FILE] [--trusted-proxy CIDR]...\n"+
			"       [--oidc-issuer URL --oidc-client-id ID [--oidc-groups-claim CLAIM] [--oidc-redirect-url URL]]\n"+
			"       [--webhook-poll D] [--webhook-backoff D] [--webhook-lease D] [--webhook-max-age D]\n\n"+
			"Runs the RACI server. Every /v1 request needs a token. On a database without tokens, serve\n"+
			"creates an admin token named \"admin\" and prints its secret once; or set RACI_BOOTSTRAP_TOKEN\n"+
			"to a secret of your choosing, accepted as an admin token named \"bootstrap\".\n\n"+
			"/healthz, /readyz and /metrics (Prometheus) answer without a token. The metrics count\n"+
			"requests per route and store errors, never names; if they must not be public, bind --listen\n"+
			"to a private address and publish only /v1 through the load balancer.\n\n"+
			"Over HTTPS (--tls-cert and --tls-key, or X-Forwarded-Proto: https from a --trusted-proxy),\n"+
			"the web pages' cookies are Secure and every answer carries Strict-Transport-Security.\n\n"+
			"With --oidc-issuer, people sign in to the web pages with the OpenID Provider (authorization\n"+
			"code flow with PKCE); raci_access grants give them scopes by group or verified email. Tokens\n"+
			"still sign in, for administrators and machines.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return UsageError{err}
	}
	if flags.NArg() > 0 {
		return UsageError{fmt.Errorf("unexpected argument %q: serve takes only flags (see --help)", flags.Arg(0))}
	}
	if (*oidcIssuer == "") != (*oidcClient == "") {
		return errors.New("--oidc-issuer and --oidc-client-id go together: give both to sign people in with an OpenID Provider, or neither")
	}
	if *oidcIssuer == "" && *oidcRedirect != "" {
		return errors.New("--oidc-redirect-url needs --oidc-issuer and --oidc-client-id")
	}
	if *webhookPoll <= 0 || *webhookBackoff <= 0 || *webhookMaxAge <= 0 || *webhookLease <= 0 {
		return errors.New("--webhook-poll, --webhook-backoff, --webhook-lease and --webhook-max-age must be positive durations, such as 1s or 24h")
	}
	var tlsConfig *tls.Config
	switch {
	case (*tlsCert == "") != (*tlsKey == ""):
		return errors.New("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither")
	case *tlsCert != "":
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return fmt.Errorf("--tls-cert %s and --tls-key %s: %w", *tlsCert, *tlsKey, err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	// Registered first, so that it runs last: every line, the final ones too, is
	// written before Serve returns.
	logs := newLogBuffer(stderr)
	defer logs.Close()
	logger := slog.New(slog.NewTextHandler(logs, nil))
	db, err := openStore(ctx, *database, server.DefaultCommitWait)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			logger.Error("close database", "error", err)
		}
	}()

	token := os.Getenv("RACI_BOOTSTRAP_TOKEN")
	if token == "" {
		if err := firstAdminToken(ctx, db, stdout, logger); err != nil {
			return err
		}
	}

	if queue, ok := db.(raci.DeliveryQueue); ok {
		claimer, err := deliveryClaimer()
		if err != nil {
			return err
		}
		sender := &webhook.Sender{
			Queue: queue, Claimer: claimer, Poll: *webhookPoll, Lease: *webhookLease, MaxAge: *webhookMaxAge, Logger: logger,
			Backoff: webhook.Doubling(*webhookBackoff, 5*time.Minute),
		}
		sendCtx, stopSending := context.WithCancel(context.WithoutCancel(ctx))
		sent := make(chan struct{})
		go func() { defer close(sent); sender.Run(sendCtx) }()
		// Before the database closes: a send in flight records its outcome first.
		defer func() { stopSending(); <-sent }()
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	var signIn *web.OIDC
	if *oidcIssuer != "" {
		redirect := *oidcRedirect
		if redirect == "" {
			redirect = scheme + "://" + ln.Addr().String() + web.OIDCCallbackPath
		}
		signIn, err = web.NewOIDC(ctx, web.OIDCConfig{
			Issuer: *oidcIssuer, ClientID: *oidcClient, ClientSecret: os.Getenv("RACI_OIDC_CLIENT_SECRET"),
			RedirectURL: redirect, GroupsClaim: *oidcGroups,
		}, nil)
		if err != nil {
			_ = ln.Close()
			return err
		}
		logger.Info("people sign in with OpenID Connect", "issuer", *oidcIssuer, "redirect_url", redirect, "groups_claim", *oidcGroups)
	}
	srv := &http.Server{
		Handler:   serveHandler(db, token, logger, trusted, signIn),
		TLSConfig: tlsConfig,
		// Bound how long a slow client may hold a connection before its request is
		// read; bodies are small (1 MiB at most).
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("RACI server listening", "addr", ln.Addr().String(), "database", redactDatabase(*database), "url", scheme+"://"+ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("RACI server shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Cut the connections of requests still running, rather than leave them to
		// the database that is closed next.
		_ = srv.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	}
	logger.Info("RACI server stopped")
	return nil
}

// serveHandler routes the JSON API (/v1), the probes and /metrics to the API server
// and every other path to the web pages. trusted are the reverse proxies whose
// X-Forwarded-Proto and X-Forwarded-For it believes; signIn, when not nil, signs
// people in with an OpenID Provider.
func serveHandler(db store, token string, logger *slog.Logger, trusted []netip.Prefix, signIn *web.OIDC) http.Handler {
	tokens, _ := db.(raci.TokenService)
	return &apiOrWeb{
		api:     server.New(db, server.Options{Token: token, Logger: logger, Ready: db.Ping}),
		web:     web.New(db, tokens, web.Options{Token: token, Logger: logger, TrustedProxies: trusted, OIDC: signIn}),
		trusted: trusted,
	}
}

// hsts is the Strict-Transport-Security of every answer over HTTPS: browsers then
// use HTTPS only, for a year. It does not cover subdomains, which serve may not own.
const hsts = "max-age=31536000"

// apiOrWeb splits requests between the API and the web pages by path. It is a test
// of the path, not a ServeMux: each side routes with its own ServeMux, which cleans
// paths and redirects as well, so a third route lookup per request would add
// nothing but its cost. Over HTTPS, every answer carries HSTS.
type apiOrWeb struct {
	api, web http.Handler
	trusted  []netip.Prefix
}

func (h *apiOrWeb) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if web.OverHTTPS(r, h.trusted) {
		w.Header().Set("Strict-Transport-Security", hsts)
	}
	if isAPIPath(r.URL.Path) {
		h.api.ServeHTTP(w, r)
		return
	}
	h.web.ServeHTTP(w, r)
}

// isAPIPath reports whether a request path is the API's: as it is, or once clean.
// An unclean path ("//v1/tenants") is the API's when its clean form is, so that the
// API answers it with problem details rather than the web pages with HTML; and one
// under /v1/ stays the API's ("/v1/../healthz"), whose router redirects it.
func isAPIPath(p string) bool {
	switch p {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	for _, q := range []string{p, path.Clean("/" + p)} {
		if q == "/v1" || strings.HasPrefix(q, "/v1/") {
			return true
		}
	}
	return false
}

// deliveryClaimer names this process in the claims it makes on webhook
// deliveries: the host, the process and a random part, so that two replicas never
// share a name.
func deliveryClaimer() (string, error) {
	host, _ := os.Hostname()
	id, err := raci.NewDeliveryID()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), id[:8]), nil
}

// parseTrustedProxy reads a --trusted-proxy value: a CIDR, or one address.
func parseTrustedProxy(v string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), nil
	}
	if ip, err := netip.ParseAddr(v); err == nil {
		ip = ip.Unmap()
		return netip.PrefixFrom(ip, ip.BitLen()), nil
	}
	return netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or fd00::/8, nor an address such as 10.0.0.5", v)
}

// firstAdminToken makes an empty database administrable: it creates an admin token
// and prints its secret once, on stdout rather than in the log, so that it is shown
// to the person who started the server and kept out of log collectors. A store
// without tokens leaves the API open, which only suits a server on loopback.
func firstAdminToken(ctx context.Context, db store, stdout io.Writer, logger *slog.Logger) error {
	tokens, ok := db.(raci.TokenService)
	if !ok {
		logger.Warn("RACI_BOOTSTRAP_TOKEN is not set and the database keeps no tokens: the API is unauthenticated, so anyone who can reach the address can read and change everything")
		return nil
	}
	n, err := tokens.CountTokens(ctx)
	if err != nil {
		return fmt.Errorf("count tokens: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, secret, err := tokens.CreateToken(ctx, &raci.Token{Name: firstAdminTokenName, Scopes: []raci.Scope{raci.AdminScope}})
	if raci.ErrorCode(err) == raci.ECONFLICT {
		// Another replica on the same database created it first and showed it.
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the first admin token: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "The database had no tokens, so serve created an admin token named %q.\n"+
		"Its secret follows. It will not be shown again: store it now, e.g. as RACI_TOKEN.\n\n"+
		"    %s\n\n"+
		"Create tokens for people and pipelines with: terraform-provider-raci token create --database URL --name NAME --scope SCOPE\n",
		firstAdminTokenName, secret)
	if err != nil {
		return fmt.Errorf("print the first admin token: %w", err)
	}
	return nil
}

// firstAdminTokenName names the token serve creates on an empty database.
const firstAdminTokenName = "admin"

// redactDatabase returns the --database URL fit for a log or an error: the
// password of its user, and the value of every query parameter that may hold a
// secret (PostgreSQL takes password and sslpassword there too), replaced. A value
// that does not parse as a URL is left out whole, as it may be anything.
func redactDatabase(database string) string {
	if strings.HasPrefix(database, "sqlite:") {
		return database
	}
	u, err := url.Parse(database)
	if err != nil {
		return "(a --database value that is not a URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for key := range q {
			if secretParameter(key) {
				q[key] = []string{"xxxxx"}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// secretParameter reports whether a connection URL's query parameter may carry a
// secret.
func secretParameter(key string) bool {
	key = strings.ToLower(key)
	for _, word := range []string{"pass", "secret", "token", "key"} {
		if strings.Contains(key, word) {
			return true
		}
	}
	return false
}

// openStore opens the database a --database URL names, its writes held back for
// commitWait after their commit (raci.CommitWaiter): a server needs that of every
// process writing to what it reads.
func openStore(ctx context.Context, database string, commitWait time.Duration) (store, error) {
	switch {
	case strings.HasPrefix(database, "sqlite:"):
		path := strings.TrimPrefix(database, "sqlite:")
		// Accept the URL-looking forms too: sqlite:///abs/raci.db and sqlite://raci.db.
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("--database %q names no file: use sqlite:PATH, e.g. sqlite:raci.db", database)
		}
		db, err := sqlite.Open(ctx, path, sqlite.WithCommitWait(commitWait))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		return db, nil
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		db, err := postgres.Open(ctx, database, postgres.WithCommitWait(commitWait))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", redactDatabase(database), err)
		}
		return db, nil
	default:
		return nil, fmt.Errorf("--database %q is not supported: use sqlite:PATH (e.g. sqlite:raci.db) or a postgres:// URL", redactDatabase(database))
	}
}
