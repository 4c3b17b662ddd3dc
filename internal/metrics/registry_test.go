package metrics

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// newGoldenRegistry builds a registry in the shape the server uses, with
// values that are exact in binary so the golden text is exact too.
func newGoldenRegistry() *Registry {
	r := new(Registry)
	req := r.NewCounterVec("goatdb_http_requests_total", "HTTP requests by endpoint and status code.", "endpoint", "code")
	req.With("batch_sync", "200").Add(3)
	req.With("auth_session", "401").Inc()
	req.With("batch_sync", "500").Inc()
	r.NewCounter("goatdb_commits_received_total", "Commits received from peers.").Add(1e6)
	r.NewCounterVec("goatdb_unused_total", "A family with no series writes nothing.", "x")
	peers := r.NewGauge("goatdb_peers_connected", "Connected peers.")
	peers.Set(3)
	peers.Dec()
	r.GaugeFunc("goatdb_repositories_loaded", "Repositories loaded.", func() float64 { return 7 })
	r.GaugeFunc("goatdb_load_progress_ratio", "Fraction of commits loaded.", func() float64 { return 0.25 })
	h := r.NewHistogram("goatdb_sync_round_seconds", "Sync round latency.", []float64{0.125, 0.5, 1})
	for _, v := range []float64{0.0625, 0.125, 0.75, 3} {
		h.Observe(v)
	}
	hv := r.NewHistogramVec("goatdb_signature_verify_seconds", "Signature verification time.", []float64{0.001, 0.01}, "alg")
	hv.With("ES384").Observe(0.0078125)
	return r
}

const golden = `# HELP goatdb_commits_received_total Commits received from peers.
# TYPE goatdb_commits_received_total counter
goatdb_commits_received_total 1000000
# HELP goatdb_http_requests_total HTTP requests by endpoint and status code.
# TYPE goatdb_http_requests_total counter
goatdb_http_requests_total{endpoint="auth_session",code="401"} 1
goatdb_http_requests_total{endpoint="batch_sync",code="200"} 3
goatdb_http_requests_total{endpoint="batch_sync",code="500"} 1
# HELP goatdb_load_progress_ratio Fraction of commits loaded.
# TYPE goatdb_load_progress_ratio gauge
goatdb_load_progress_ratio 0.25
# HELP goatdb_peers_connected Connected peers.
# TYPE goatdb_peers_connected gauge
goatdb_peers_connected 2
# HELP goatdb_repositories_loaded Repositories loaded.
# TYPE goatdb_repositories_loaded gauge
goatdb_repositories_loaded 7
# HELP goatdb_signature_verify_seconds Signature verification time.
# TYPE goatdb_signature_verify_seconds histogram
goatdb_signature_verify_seconds_bucket{alg="ES384",le="0.001"} 0
goatdb_signature_verify_seconds_bucket{alg="ES384",le="0.01"} 1
goatdb_signature_verify_seconds_bucket{alg="ES384",le="+Inf"} 1
goatdb_signature_verify_seconds_sum{alg="ES384"} 0.0078125
goatdb_signature_verify_seconds_count{alg="ES384"} 1
# HELP goatdb_sync_round_seconds Sync round latency.
# TYPE goatdb_sync_round_seconds histogram
goatdb_sync_round_seconds_bucket{le="0.125"} 2
goatdb_sync_round_seconds_bucket{le="0.5"} 2
goatdb_sync_round_seconds_bucket{le="1"} 3
goatdb_sync_round_seconds_bucket{le="+Inf"} 4
goatdb_sync_round_seconds_sum 3.9375
goatdb_sync_round_seconds_count 4
`

func TestGolden(t *testing.T) {
	r := newGoldenRegistry()
	var buf bytes.Buffer
	n, err := r.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d bytes", n, buf.Len())
	}
	if got := buf.String(); got != golden {
		t.Errorf("got:\n%s\nwant:\n%s", got, golden)
	}
	if _, err := parseExposition(buf.String()); err != nil {
		t.Error(err)
	}
	// Scraping changes nothing, so a second scrape is identical.
	var again bytes.Buffer
	r.WriteTo(&again)
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("second scrape differs")
	}
}

func TestEmptyRegistry(t *testing.T) {
	var buf bytes.Buffer
	if n, err := new(Registry).WriteTo(&buf); n != 0 || err != nil || buf.Len() != 0 {
		t.Errorf("WriteTo = %d, %v, %q", n, err, buf.String())
	}
}

func TestEmptyHelpOmitsHelpLine(t *testing.T) {
	r := new(Registry)
	r.NewGauge("g", "").Set(1)
	if got, want := render(r), "# TYPE g gauge\ng 1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestChildrenSortedByLabelValues(t *testing.T) {
	r := new(Registry)
	cv := r.NewCounterVec("c", "h", "a", "b")
	for _, vals := range [][2]string{{"b", "a"}, {"a", "b"}, {"a", "a"}, {"", "z"}, {"a", ""}, {"B", "x"}} {
		cv.With(vals[0], vals[1]).Inc()
	}
	fams, err := parseExposition(render(r))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range fams[0].samples {
		a, _ := s.label("a")
		b, _ := s.label("b")
		got = append(got, a+"/"+b)
	}
	want := []string{"/z", "B/x", "a/", "a/a", "a/b", "b/a"}
	if !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestFamiliesSortedByName(t *testing.T) {
	r := new(Registry)
	for _, name := range []string{"m_b", "a", "m_a", "Z", "m", "_x", ":y"} {
		r.NewCounter(name, "h").Inc()
	}
	fams, err := parseExposition(render(r))
	if err != nil {
		t.Fatal(err)
	}
	got := familyNames(fams)
	if !slices.IsSorted(got) || len(got) != 7 {
		t.Errorf("families %q not sorted", got)
	}
}

func TestServeHTTP(t *testing.T) {
	r := newGoldenRegistry()
	srv := httptest.NewServer(r)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != golden {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cl := resp.ContentLength; cl != int64(len(golden)) {
		t.Errorf("Content-Length %d, want %d", cl, len(golden))
	}

	resp, err = http.Head(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ContentType {
		t.Errorf("HEAD: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	resp, err = http.Post(srv.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

type failingWriter struct{ n int }

func (w failingWriter) Write(p []byte) (int, error) { return w.n, errors.New("disk full") }

func TestWriteToError(t *testing.T) {
	n, err := newGoldenRegistry().WriteTo(failingWriter{n: 10})
	if err == nil || n != 10 {
		t.Errorf("WriteTo = %d, %v; want 10, error", n, err)
	}
}

// A GaugeFunc may use the registry it is in, registering a metric say:
// scraping holds no lock while it runs.
func TestGaugeFuncCanUseRegistry(t *testing.T) {
	r := new(Registry)
	var late *Counter
	r.GaugeFunc("outer", "h", func() float64 {
		if late == nil {
			late = r.NewCounter("late_total", "h")
		}
		late.Inc()
		return 1
	})
	render(r)
	if got := render(r); !strings.Contains(got, "late_total 1\n") || !strings.Contains(got, "outer 1\n") {
		t.Errorf("second scrape %q", got)
	}
}

func render(r *Registry) string {
	var b strings.Builder
	r.WriteTo(&b)
	return b.String()
}
