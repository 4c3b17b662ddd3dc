package metrics

import (
	"strconv"
	"sync"
	"testing"
)

// Many goroutines update every kind of metric, creating labeled children
// as they go, while others scrape and register; the totals come out exact
// and every scrape is well formed. Run with -race.
func TestConcurrentUpdates(t *testing.T) {
	const goroutines, iterations, labels = 32, 2000, 8
	r := new(Registry)
	c := r.NewCounter("c_total", "h")
	frac := r.NewCounter("frac_total", "h")
	cv := r.NewCounterVec("cv_total", "h", "endpoint", "code")
	g := r.NewGauge("g", "h")
	gv := r.NewGaugeVec("gv", "h", "peer")
	h := r.NewHistogram("h_seconds", "h", []float64{1, 2, 3})
	hv := r.NewHistogramVec("hv_seconds", "h", []float64{1}, "alg")

	var scrapes sync.WaitGroup
	stop := make(chan struct{})
	scrapes.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := parseExposition(render(r)); err != nil {
				t.Error(err)
				return
			}
			if i < 50 {
				r.NewGauge("late_"+strconv.Itoa(i), "h").Set(float64(i))
			}
		}
	})

	var wg sync.WaitGroup
	for w := range goroutines {
		wg.Go(func() {
			for i := range iterations {
				c.Inc()
				frac.Add(0.25) // exact in binary, so the sum is exact
				cv.With("e"+strconv.Itoa(i%labels), strconv.Itoa(200+w%2)).Inc()
				g.Inc()
				g.Dec()
				g.Add(1)
				gv.With(strconv.Itoa(i % labels)).Add(2)
				h.Observe(float64(i%4) + 0.5) // one each in le=1, 2, 3 and +Inf
				hv.With("a" + strconv.Itoa(w%3)).Observe(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	scrapes.Wait()

	const total = goroutines * iterations
	fams, err := parseExposition(render(r))
	if err != nil {
		t.Fatal(err)
	}
	got := sampleValues(fams)
	sumOf := func(prefix string) float64 {
		var s float64
		for k, v := range got {
			if len(k) > len(prefix) && k[:len(prefix)] == prefix {
				s += v
			}
		}
		return s
	}
	for _, tc := range []struct {
		what      string
		got, want float64
	}{
		{"counter", c.Value(), total},
		{"fractional counter", frac.Value(), total / 4},
		{"labeled counters", sumOf("cv_total,"), total},
		{"one labeled counter", got[`cv_total,endpoint="e3",code="201"`], total / labels / 2},
		{"gauge", g.Value(), total},
		{"labeled gauges", sumOf("gv,"), 2 * total},
		{"histogram count", got["h_seconds_count"], total},
		{"histogram le=1", got[`h_seconds_bucket,le="1"`], total / 4},
		{"histogram le=3", got[`h_seconds_bucket,le="3"`], 3 * total / 4},
		{"histogram +Inf", got[`h_seconds_bucket,le="+Inf"`], total},
		{"histogram sum", got["h_seconds_sum"], total * 2},
		{"labeled histogram counts", sumOf("hv_seconds_count,"), total},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.what, tc.got, tc.want)
		}
	}
	if n := len(fams[0].samples); fams[0].name != "c_total" || n != 1 {
		t.Errorf("first family %s with %d samples", fams[0].name, n)
	}
}

// Updating an existing series allocates nothing, labeled or not.
func TestHotPathAllocations(t *testing.T) {
	r := new(Registry)
	c := r.NewCounter("c", "h")
	cv := r.NewCounterVec("cv", "h", "endpoint", "code")
	g := r.NewGaugeVec("g", "h", "peer")
	h := r.NewHistogramVec("h", "h", DefBuckets, "alg")
	cv.With("batch_sync", "200")
	g.With("p1")
	h.With("ES384")
	endpoint, code := "batch_sync", "200"
	for name, f := range map[string]func(){
		"Counter.Inc":       func() { c.Inc() },
		"Counter.Add":       func() { c.Add(0.5) },
		"CounterVec.With":   func() { cv.With(endpoint, code).Inc() },
		"GaugeVec.With":     func() { g.With("p1").Add(1) },
		"HistogramVec.With": func() { h.With("ES384").Observe(0.02) },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}
