package server

import (
	"net/http"
	"strconv"
	"time"

	"goatdb"
	"goatdb/internal/metrics"
)

// serverMetrics are what GET /metrics shows, in Prometheus's text format.
type serverMetrics struct {
	reg        *metrics.Registry
	requests   *metrics.CounterVec
	latency    *metrics.HistogramVec
	received   *metrics.Counter
	rejected   *metrics.Counter
	sent       *metrics.Counter
	syncRounds *metrics.Histogram
	verify     *metrics.Histogram
	peers      *metrics.Gauge
}

func newServerMetrics() *serverMetrics {
	reg := &metrics.Registry{}
	return &serverMetrics{
		reg: reg,
		requests: reg.NewCounterVec("goatdb_http_requests_total",
			"HTTP requests served, by endpoint and status code.", "endpoint", "code"),
		latency: reg.NewHistogramVec("goatdb_http_request_duration_seconds",
			"Time to serve an HTTP request, by endpoint.", metrics.ExponentialBuckets(0.0001, 4, 10), "endpoint"),
		received: reg.NewCounter("goatdb_sync_commits_received_total",
			"Commits peers sent that were verified, authorized and stored."),
		rejected: reg.NewCounter("goatdb_sync_commits_rejected_total",
			"Commits peers sent that were refused: malformed, unauthentic or not allowed."),
		sent: reg.NewCounter("goatdb_sync_commits_sent_total",
			"Commits sent to peers in sync replies."),
		syncRounds: reg.NewHistogram("goatdb_sync_round_duration_seconds",
			"Time to handle one sync batch: verifying and storing what arrived, building the reply.",
			metrics.ExponentialBuckets(0.0001, 4, 10)),
		verify: reg.NewHistogram("goatdb_verify_duration_seconds",
			"Time spent verifying the signatures of the commits one request or push frame brought.",
			metrics.ExponentialBuckets(0.0001, 4, 10)),
		peers: reg.NewGauge("goatdb_connected_peers",
			"Peers connected for realtime push."),
	}
}

func (m *serverMetrics) request(endpoint string, code int, d time.Duration) {
	m.requests.With(endpoint, strconv.Itoa(code)).Inc()
	m.latency.With(endpoint).ObserveDuration(d)
}

func (m *serverMetrics) sync(st goatdb.SyncStats, d time.Duration) {
	m.received.Add(float64(st.Received))
	m.rejected.Add(float64(st.Rejected))
	m.sent.Add(float64(st.Sent))
	m.syncRounds.ObserveDuration(d)
	if st.Received+st.Rejected > 0 {
		m.verify.ObserveDuration(st.Verify)
	}
}

func (m *serverMetrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.reg.ServeHTTP(w, r)
}
