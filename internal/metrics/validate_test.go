package metrics

import (
	"math"
	"strings"
	"testing"
)

// mustPanic runs f and checks that it panics with a message containing
// want.
func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		p := recover()
		msg, _ := p.(string)
		if p == nil {
			t.Errorf("%s: no panic", name)
		} else if !strings.Contains(msg, want) {
			t.Errorf("%s: panic %q, want it to mention %q", name, p, want)
		}
	}()
	f()
}

func TestRegistrationPanics(t *testing.T) {
	r := new(Registry)
	r.NewCounter("taken_total", "h")
	r.NewHistogram("lat", "h", DefBuckets)
	r.NewGauge("x_count", "h")
	noop := func() float64 { return 0 }

	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"empty name", `invalid metric name ""`, func() { r.NewCounter("", "h") }},
		{"digit first", `invalid metric name "1a"`, func() { r.NewGauge("1a", "h") }},
		{"dash", `invalid metric name "a-b"`, func() { r.NewCounterVec("a-b", "h", "l") }},
		{"bad label", `invalid label name "a:b"`, func() { r.NewCounterVec("c1", "h", "a:b") }},
		{"empty label", `invalid label name ""`, func() { r.NewGaugeVec("c2", "h", "") }},
		{"reserved label", `"__name" is reserved`, func() { r.NewCounterVec("c3", "h", "__name") }},
		{"duplicate label", `duplicate label name "a"`, func() { r.NewCounterVec("c4", "h", "a", "b", "a") }},
		{"le label", `"le" is reserved`, func() { r.NewHistogramVec("c5", "h", DefBuckets, "le") }},
		{"duplicate", `metric "taken_total" is already registered`, func() { r.NewGauge("taken_total", "h") }},
		{"duplicate func", `already registered`, func() { r.GaugeFunc("taken_total", "h", noop) }},
		{"duplicate histogram", `metric "lat" is already registered`, func() { r.NewHistogramVec("lat", "h", DefBuckets, "l") }},
		{"bad help", `help "\xff" is not valid UTF-8`, func() { r.NewCounter("u", "\xff") }},
		{"histogram suffix", `"lat_sum" is already used by metric "lat"`, func() { r.NewCounter("lat_sum", "h") }},
		{"histogram over name", `"x_count" is already used by metric "x_count"`, func() { r.NewHistogram("x", "h", DefBuckets) }},
		{"nil func", "nil GaugeFunc", func() { r.GaugeFunc("f", "h", nil) }},
		{"no buckets", "no buckets", func() { r.NewHistogram("b1", "h", nil) }},
		{"only +Inf", "no buckets", func() { r.NewHistogram("b2", "h", []float64{math.Inf(1)}) }},
		{"equal buckets", "not strictly increasing", func() { r.NewHistogram("b3", "h", []float64{1, 1}) }},
		{"decreasing", "not strictly increasing", func() { r.NewHistogramVec("b4", "h", []float64{2, 1}, "l") }},
		{"NaN bucket", "not strictly increasing", func() { r.NewHistogram("b5", "h", []float64{math.NaN()}) }},
		{"NaN later", "not strictly increasing", func() { r.NewHistogram("b6", "h", []float64{1, math.NaN(), 3}) }},
		{"exp start", "ExponentialBuckets", func() { ExponentialBuckets(0, 2, 3) }},
		{"exp factor", "ExponentialBuckets", func() { ExponentialBuckets(1, 1, 3) }},
		{"exp count", "ExponentialBuckets", func() { ExponentialBuckets(1, 2, 0) }},
	} {
		mustPanic(t, tc.name, tc.want, tc.f)
	}
	// Failed registrations claim nothing.
	for _, name := range []string{"c1", "c4", "c5", "b1", "b3", "x", "x_bucket", "f", "u"} {
		r.NewGauge(name, "h")
	}
}

func TestUsePanics(t *testing.T) {
	r := new(Registry)
	cv := r.NewCounterVec("c", "h", "a", "b")
	gv := r.NewGaugeVec("g", "h", "a")
	hv := r.NewHistogramVec("hist", "h", DefBuckets, "a")
	mustPanic(t, "too few", `c: got 1 label values ["x"] for 2 label names ["a" "b"]`, func() { cv.With("x") })
	mustPanic(t, "too many", `got 3 label values`, func() { cv.With("x", "y", "z") })
	mustPanic(t, "none", `g: got 0 label values`, func() { gv.With() })
	mustPanic(t, "histogram", `hist: got 2 label values`, func() { hv.With("x", "y") })
	mustPanic(t, "bad UTF-8", `label value "\xff" is not valid UTF-8`, func() { gv.With("\xff") })
	mustPanic(t, "negative add", "counter cannot add -1", func() { r.NewCounter("n", "h").Add(-1) })
	mustPanic(t, "NaN add", "counter cannot add NaN", func() { r.NewCounter("m", "h").Add(math.NaN()) })
	// None of that created a series.
	if got := render(r); strings.Contains(got, "{") {
		t.Errorf("failed calls left series:\n%s", got)
	}
}

func TestCounterAdd(t *testing.T) {
	var c Counter
	c.Inc()
	c.Add(2)
	c.Add(0.5)
	c.Add(0)
	c.Add(0.25)
	if got := c.Value(); got != 3.75 {
		t.Errorf("Value = %v, want 3.75", got)
	}
	c.Add(math.Inf(1))
	if got := c.Value(); !math.IsInf(got, 1) {
		t.Errorf("Value = %v, want +Inf", got)
	}
}

func TestGauge(t *testing.T) {
	var g Gauge
	g.Set(10)
	g.Inc()
	g.Dec()
	g.Dec()
	g.Add(-0.5)
	if got := g.Value(); got != 8.5 {
		t.Errorf("Value = %v, want 8.5", got)
	}
	g.Set(math.Inf(-1))
	if got := g.Value(); !math.IsInf(got, -1) {
		t.Errorf("Value = %v", got)
	}
}
