package dashboard

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tradestat/query"
)

// metrics are what /metrics exposes in Prometheus's format: requests by route and status and
// their latencies, the reads the query layer computed and their times, the ingest totals as
// ingest_batches records them (whichever process loaded them), and the Go runtime's and the
// process's own. A registry of the Server's own, so that servers in one process (tests) do
// not share counters.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	queries  *prometheus.HistogramVec
	lookups  *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tradestat_http_requests_total", Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tradestat_http_request_duration_seconds", Help: "Time to answer HTTP requests (to the handler's end; downloads stream after it), by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5, 15},
		}, []string{"route"}),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tradestat_query_duration_seconds", Help: "Time of the reads computed from ClickHouse (cached results cost none), by kind.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5, 15},
		}, []string{"kind"}),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tradestat_cache_lookups_total", Help: "Lookups of a cached read, by result: hit (kept) or computed (read from ClickHouse, or awaited from a read under way).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.queries, m.lookups,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observeQuery records a read the query layer computed (query.Observed).
func (m *metrics) observeQuery(kind string, took time.Duration) {
	m.queries.WithLabelValues(kind).Observe(took.Seconds())
}

// countLookup records a lookup of a cached read (query.Counted).
func (m *metrics) countLookup(hit bool) {
	result := "computed"
	if hit {
		result = "hit"
	}
	m.lookups.WithLabelValues(result).Inc()
}

// watch has the ingest totals read from store.
func (m *metrics) watch(store *query.Store) { m.reg.MustRegister(ingestCollector{store}) }

// countRequests records every request once it has been answered (errors turned into their
// statuses here, so the status counted is the one sent). The route is the pattern that
// matched (/api/v1/summary, not its query string), so the number of series stays small;
// anything that matched no route counts as "other".
func (s *Server) countRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		err = s.handleError(c, err)
	}
	route, code := c.Route().Path, c.Response().StatusCode()
	if code == fiber.StatusNotFound {
		route = "other"
	}
	s.metrics.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	s.metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	return err
}

func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// ingestCollector reports the ingest totals at every scrape, read from ClickHouse.
type ingestCollector struct{ store *query.Store }

var (
	ingestFiles = prometheus.NewDesc("tradestat_ingest_files", "Files loaded so far (ingest_batches).", nil, nil)
	ingestRows  = prometheus.NewDesc("tradestat_ingest_rows", "Rows of the files loaded so far, by what became of them (read = loaded + rejected + skipped + duplicates).", []string{"outcome"}, nil)
	clickhouse  = prometheus.NewDesc("tradestat_clickhouse_up", "1 when ClickHouse answered this scrape's read, else 0.", nil, nil)
)

func (ingestCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- ingestFiles
	ch <- ingestRows
	ch <- clickhouse
}

func (c ingestCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t, err := c.store.Ingested(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(clickhouse, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(clickhouse, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(ingestFiles, prometheus.GaugeValue, float64(t.Files))
	for _, o := range []struct {
		outcome string
		n       uint64
	}{{"read", t.Read}, {"loaded", t.Loaded}, {"rejected", t.Rejected}, {"skipped", t.Skipped}, {"duplicates", t.Duplicates}} {
		ch <- prometheus.MustNewConstMetric(ingestRows, prometheus.GaugeValue, float64(o.n), o.outcome)
	}
}
