// Package client is the RACI API over HTTP. *Client implements raci.Service,
// raci.SnapshotService, raci.ChecklistService and raci.EventService, manages
// tokens, and turns problem details back into *raci.Error with the server's code,
// message and problems, so code above it handles errors the same whether the data
// lives in a local SQLite file or behind a server.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var (
	_ raci.Service          = (*Client)(nil)
	_ raci.SnapshotService  = (*Client)(nil)
	_ raci.ChecklistService = (*Client)(nil)
)

// Defaults for retries: four attempts in all, the first retry after about 100ms.
const (
	DefaultAttempts  = 4
	DefaultBaseDelay = 100 * time.Millisecond
	// maxDelay caps the wait before one retry, whether computed or asked for in
	// Retry-After, so a run never stalls for long on one request.
	maxDelay = 30 * time.Second
	// maxErrorBody bounds how much of an error response is read.
	maxErrorBody = 64 << 10
	// defaultTimeout bounds one attempt when the caller brings no *http.Client, so a
	// server that stops answering fails the run instead of hanging it.
	defaultTimeout = 60 * time.Second
)

// Client talks to one RACI server.
type Client struct {
	base      *url.URL
	token     string
	http      *http.Client
	attempts  int
	baseDelay time.Duration
	userAgent string
	// sleep waits between attempts; tests replace it to observe the delays.
	sleep func(context.Context, time.Duration) error
}

// Option configures a Client.
type Option func(*Client)

// WithToken sends token as a bearer token on every request.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient uses hc for requests instead of the client's own (which gives each
// attempt 60 seconds), e.g. for custom transports, proxies or timeouts.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithRetries sets how many attempts a request makes in all (1 disables retries;
// less than 1 counts as 1) and the delay before the first retry, which doubles on
// each further retry, with jitter.
func WithRetries(maxAttempts int, baseDelay time.Duration) Option {
	return func(c *Client) {
		c.attempts = max(1, maxAttempts)
		c.baseDelay = baseDelay
	}
}

// WithUserAgent sets the User-Agent header, so server logs tell callers apart.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client for the server at endpoint, its root URL such as
// "https://raci.example.com" (the API lives under /v1 below it).
func New(endpoint string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return nil, fmt.Errorf("RACI endpoint %q is not a URL: %w", endpoint, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("RACI endpoint %q must be an absolute http or https URL, such as \"https://raci.example.com\" or \"http://127.0.0.1:8080\"", endpoint)
	}
	if u.User != nil {
		return nil, fmt.Errorf("RACI endpoint must not hold credentials: give the token separately")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("RACI endpoint %q must not have a query or fragment: give the server's root URL", endpoint)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	c := &Client{
		base:      u,
		http:      &http.Client{Timeout: defaultTimeout},
		attempts:  DefaultAttempts,
		baseDelay: DefaultBaseDelay,
		userAgent: "terraform-provider-raci",
		sleep:     sleep,
	}
	for _, opt := range opts {
		opt(c)
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultTimeout}
	}
	return c, nil
}

// Endpoint returns the server's root URL the client was made for.
func (c *Client) Endpoint() string { return c.base.String() }

// request is one API call: what to send, and the precondition to send it with.
type request struct {
	method string
	path   []string // unescaped segments after /v1
	query  url.Values
	body   any
	pre    raci.Precondition
}

// idempotent reports whether sending req twice has the effect of sending it once.
// PATCH is not: a resent item change that was already applied is applied again
// over whatever happened in between, or, carrying If-Match, fails as stale although
// it succeeded. Nor is POST: a resent token creation fails as a duplicate and the
// first one's secret is lost. So these are resent only when they never left or
// were refused unread.
func (req request) idempotent() bool {
	return req.method != http.MethodPatch && req.method != http.MethodPost
}

// do sends req, retrying where that is safe, decodes a 2xx body into out when out is
// not nil, and returns the response status.
func (c *Client) do(ctx context.Context, req request, out any) (int, error) {
	u := c.url(req.path, req.query)
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return 0, fmt.Errorf("encode request to %s %s: %w", req.method, u.Path, err)
		}
	}

	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, req, u, body)
		if err != nil {
			if ctx.Err() != nil {
				return 0, fmt.Errorf("%s %s: %w", req.method, u.Path, ctx.Err())
			}
			if !req.idempotent() && !notSent(err) {
				return 0, fmt.Errorf("%s %s: the RACI server did not answer, and the change may have been made; it was not sent again: read the object before retrying: %w", req.method, u.Path, err)
			}
			if attempt >= c.attempts {
				return 0, fmt.Errorf("RACI server not reachable after %d attempts: %w", attempt, err)
			}
			if err := c.sleep(ctx, c.backoff(attempt, "")); err != nil {
				return 0, fmt.Errorf("%s %s: %w", req.method, u.Path, err)
			}
			continue
		}

		if retryable(req, resp.StatusCode) && attempt < c.attempts {
			delay := c.backoff(attempt, resp.Header.Get("Retry-After"))
			discard(resp)
			if err := c.sleep(ctx, delay); err != nil {
				return 0, fmt.Errorf("%s %s: %w", req.method, u.Path, err)
			}
			continue
		}
		return resp.StatusCode, c.finish(req, u, resp, out)
	}
}

func (c *Client) send(ctx context.Context, req request, u *url.URL, body []byte) (*http.Response, error) {
	// A fresh reader per attempt: the body of an earlier one has been consumed.
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, u.String(), r)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Accept", "application/json, application/problem+json")
	hr.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.token)
	}
	if req.pre.IfMatch != 0 {
		// The server tags version N as "N".
		hr.Header.Set("If-Match", `"`+strconv.FormatInt(req.pre.IfMatch, 10)+`"`)
	}
	if req.pre.IfNoneMatch {
		hr.Header.Set("If-None-Match", "*")
	}
	return c.http.Do(hr)
}

// finish turns a final response into the decoded object or an error.
func (c *Client) finish(req request, u *url.URL, resp *http.Response, out any) error {
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(req.method, u, resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return raci.Errorf(raci.EINTERNAL, "%s %s: the RACI server answered %s with a body that is not the expected JSON: %v", req.method, u.Path, resp.Status, err)
	}
	return nil
}

// retryable reports whether a status says the server may succeed if asked again:
// too many requests, which the server refused before doing anything, or, for an
// idempotent request, a server or gateway failure, after which a non-idempotent one
// may or may not have been applied.
func retryable(req request, status int) bool {
	return status == http.StatusTooManyRequests || (status >= 500 && req.idempotent())
}

// notSent reports whether a transport error happened before the request could
// reach the server: no connection was made (refused, unreachable, DNS), so sending
// it again cannot apply it twice.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff returns the wait before the retry that follows attempt: Retry-After when
// the server sent one, else base * 2^(attempt-1) with jitter so that clients that
// failed together do not retry together; capped at maxDelay either way.
func (c *Client) backoff(attempt int, retryAfter string) time.Duration {
	if d, ok := parseRetryAfter(retryAfter, time.Now()); ok {
		return min(d, maxDelay)
	}
	if c.baseDelay <= 0 {
		return 0
	}
	d := c.baseDelay
	for i := 1; i < attempt && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	// Equal jitter: at least half the delay, so retries still back off.
	half := d / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// discard reads what is left of a response so its connection can be reused.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
}

func (c *Client) url(segments []string, query url.Values) *url.URL {
	u := *c.base
	raw := u.Path + "/v1"
	escaped := u.Path + "/v1"
	for _, s := range segments {
		raw += "/" + s
		escaped += "/" + url.PathEscape(s)
	}
	u.Path, u.RawPath = raw, escaped
	u.RawQuery = query.Encode()
	return &u
}

// problem is what the server sends for an error: RFC 9457 problem details.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code"`
	Errors []raci.Problem `json:"errors"`
}

// statusCode maps statuses back to codes when a problem carries no code we know;
// it mirrors the server's table.
var statusCode = map[int]string{
	http.StatusBadRequest:            raci.EINVALID,
	http.StatusUnprocessableEntity:   raci.EINVALID,
	http.StatusNotFound:              raci.ENOTFOUND,
	http.StatusConflict:              raci.ECONFLICT,
	http.StatusPreconditionFailed:    raci.EPRECONDITION,
	http.StatusUnauthorized:          raci.EUNAUTHORIZED,
	http.StatusForbidden:             raci.EUNAUTHORIZED,
	http.StatusRequestEntityTooLarge: raci.ETOOLARGE,
}

var knownCodes = map[string]bool{
	raci.ECONFLICT: true, raci.EINTERNAL: true, raci.EINVALID: true, raci.ENOTFOUND: true,
	raci.EPRECONDITION: true, raci.EUNAUTHORIZED: true, raci.ETOOLARGE: true,
}

// responseError turns an error response into a *raci.Error. Problem details keep
// the server's code, detail and problems; anything else (a proxy's HTML page, say)
// is EINTERNAL naming the status.
func responseError(method string, u *url.URL, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var p problem
	isProblem := isJSON(resp.Header.Get("Content-Type")) && json.Unmarshal(body, &p) == nil && (p.Code != "" || p.Detail != "")
	if !isProblem {
		if resp.StatusCode == http.StatusUnauthorized {
			return unauthorized("")
		}
		return raci.Errorf(raci.EINTERNAL, "%s %s: the RACI server answered %s without problem details.", method, u.Path, resp.Status)
	}
	code := p.Code
	if !knownCodes[code] {
		code = statusCode[resp.StatusCode]
		if code == "" {
			code = raci.EINTERNAL
		}
	}
	if resp.StatusCode == http.StatusForbidden {
		return forbidden(p.Detail)
	}
	if code == raci.EUNAUTHORIZED {
		return unauthorized(p.Detail)
	}
	msg := p.Detail
	if msg == "" {
		msg = fmt.Sprintf("%s %s: the RACI server answered %s.", method, u.Path, resp.Status)
	}
	return &raci.Error{Code: code, Message: msg, Problems: p.Errors}
}

// unauthorized says what to check, since the fix is nearly always the token.
func unauthorized(detail string) error {
	msg := "The RACI server rejected the request's credentials: check the token (the provider's token argument or RACI_TOKEN)."
	if detail != "" {
		msg = detail + " " + msg
	}
	return raci.Errorf(raci.EUNAUTHORIZED, "%s", msg)
}

// forbidden is EUNAUTHORIZED too, since the fix is another token, but says that
// this token is valid and lacks a scope.
func forbidden(detail string) error {
	msg := "The RACI server refused the request: the token is valid but lacks the scope it needs; ask an administrator for a token with that scope."
	if detail != "" {
		msg = detail + " Ask an administrator for a token with that scope."
	}
	return raci.Errorf(raci.EUNAUTHORIZED, "%s", msg)
}

func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == "application/problem+json" || mt == "application/json"
}
