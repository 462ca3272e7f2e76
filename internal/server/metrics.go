package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// metricsPath serves the Prometheus metrics. It is public like the probes: a scraper
// has no token, and the metrics hold counts per route, never tenant names or ids. An
// operator who does not want them reachable binds --listen to a private address.
const metricsPath = "/metrics"

// unmatchedRoute labels requests no route matches, so that scanners probing random
// paths add one series, not one per path.
const unmatchedRoute = "unmatched"

// metrics are the server's Prometheus collectors. They live in a registry the Server
// owns, never the global default one, so that two servers in one process (tests,
// several replicas) never mix their counts.
type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	// cacheHits and cacheMisses count the reads answered from the read cache and
	// those that went to the store (see readcache.go).
	cacheHits, cacheMisses prometheus.Counter
	// series holds the collectors' children by seriesKey.
	series sync.Map
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "raci_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "raci_http_request_duration_seconds",
			Help: "Time from receiving a request to finishing its answer, by route pattern and method.",
			// Fine buckets below 10 ms, where a healthy server answers.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "raci_store_errors_total",
			Help: "Internal errors returned by the store, by API operation (method and route pattern).",
		}, []string{"operation"}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "raci_read_cache_hits_total",
			Help: "Reads answered from the read cache because the tenant had not changed since.",
		}),
		cacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "raci_read_cache_misses_total",
			Help: "Cacheable reads that went to the store.",
		}),
	}
	m.registry.MustRegister(
		m.requests, m.duration, m.storeErrors, m.cacheHits, m.cacheMisses,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// countRevisionQueries publishes sent, the revision queries the read cache has sent
// to the store: against the cache's hits and misses, how well concurrent reads of a
// tenant share them.
func (m *metrics) countRevisionQueries(sent *atomic.Int64) {
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "raci_revision_queries_total",
		Help: "Queries of a tenant's revision sent to the store by the read cache; concurrent reads of a tenant share them.",
	}, func() float64 { return float64(sent.Load()) }))
}

// handler serves the registry in the Prometheus exposition format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// observe records one answered request. pattern is the ServeMux pattern that matched
// ("GET /v1/tenants/{tenant}"), "" when none did; the raw path is never a label, so
// the number of series stays bounded whatever clients send.
func (m *metrics) observe(pattern, method string, status int, elapsed time.Duration) {
	key := seriesKey{pattern: pattern, method: methodLabel(method), status: status}
	s, ok := m.series.Load(key)
	if !ok {
		s, _ = m.series.LoadOrStore(key, m.newSeries(key))
	}
	se, _ := s.(*series) // the map holds nothing else
	se.requests.Inc()
	se.duration.Observe(elapsed.Seconds())
}

// seriesKey names the series one request adds to: label values, bounded as they are.
type seriesKey struct {
	pattern, method string
	status          int
}

// series holds a request's counter and histogram, found once per label values:
// finding them by label is a hash of every value, each request.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func (m *metrics) newSeries(key seriesKey) *series {
	route := unmatchedRoute
	if key.pattern != "" {
		// The method is a label of its own; a GET pattern also serves HEAD.
		_, path, found := strings.Cut(key.pattern, " ")
		if !found {
			path = key.pattern
		}
		route = path
	}
	return &series{
		requests: m.requests.WithLabelValues(route, key.method, strconv.Itoa(key.status)),
		duration: m.duration.WithLabelValues(route, key.method),
	}
}

// methodLabel keeps the method label to the methods HTTP defines: any other token a
// client invents is "other".
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// countStoreErrors wraps a route's handler to count the internal errors it returns:
// past decoding and validation, those come from the store. Errors about the HTTP
// exchange (statusError) are the client's or the probe's, not the store's. It also
// notes the actor the handler ran as, for the request log.
func (m *metrics) countStoreErrors(operation string, handle func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	// Created up front so that every operation shows 0 before its first error and
	// rate() works from the first scrape.
	counter := m.storeErrors.WithLabelValues(operation)
	return func(w http.ResponseWriter, r *http.Request) error {
		err := handle(w, r)
		var se *statusError
		if raci.ErrorCode(err) == raci.EINTERNAL && !errors.As(err, &se) {
			counter.Inc()
		}
		noteActor(w, r)
		return err
	}
}
