package metrics

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync/atomic"
	"time"
)

// DefBuckets are Prometheus's default histogram buckets, in seconds: from
// 5ms to 10s, for the latency of network services.
var DefBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// ExponentialBuckets returns count buckets, the first at start and each
// factor times the one before. It panics unless start > 0, factor > 1 and
// count >= 1.
func ExponentialBuckets(start, factor float64, count int) []float64 {
	if !(start > 0) || !(factor > 1) || count < 1 || math.IsInf(start, 0) {
		panic(fmt.Sprintf("metrics: ExponentialBuckets(%v, %v, %d): need start > 0, factor > 1, count >= 1", start, factor, count))
	}
	b := make([]float64, count)
	for i := range b {
		b[i] = start
		start *= factor
	}
	return b
}

// Histogram counts observations, such as latencies, in buckets. Observe is
// lock-free and safe for concurrent use.
type Histogram struct {
	// bounds are the upper bounds of the finite buckets; the +Inf bucket
	// is counts[len(bounds)].
	bounds []float64
	// counts holds per-bucket counts, not cumulative ones, so an
	// observation is one atomic add; scrapes sum them. The total is their
	// sum rather than a counter of its own, so _count always equals the
	// +Inf bucket within a scrape.
	counts []atomic.Uint64
	sum    atomicFloat
	// les are the bounds formatted for the le label, +Inf last, shared by
	// a family's children.
	les []string
}

func newHistogram(bounds []float64, les []string) *Histogram {
	return &Histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1), les: les}
}

// linearMax is the bucket count up to which a linear scan beats a binary
// search, which branches unpredictably.
const linearMax = 16

// Observe records v. Like Prometheus's le ("less than or equal"), a value
// exactly on a bound counts in that bound's bucket. NaN counts only in the
// +Inf bucket, and makes the sum NaN.
func (h *Histogram) Observe(v float64) {
	var i int
	if b := h.bounds; len(b) <= linearMax {
		// !(v <= b[i]) rather than v > b[i], so that NaN falls through.
		for i < len(b) && !(v <= b[i]) {
			i++
		}
	} else {
		i = sort.Search(len(b), func(i int) bool { return v <= b[i] })
	}
	h.counts[i].Add(1)
	h.sum.add(v)
}

// ObserveDuration records d in seconds, the unit Prometheus expects.
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(d.Seconds()) }

// ObserveSince records the seconds elapsed since start, for timing with
//
//	defer metrics.ObserveSince(h, time.Now())
func ObserveSince(h *Histogram, start time.Time) { h.ObserveDuration(time.Since(start)) }

// write appends the cumulative buckets, the sum and the count.
func (h *Histogram) write(w *textWriter, d *desc, values []string) {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
		w.sample(d.name, "_bucket", d.labels, values, "le", h.les[i], float64(n))
	}
	w.sample(d.name, "_sum", d.labels, values, "", "", h.sum.load())
	w.sample(d.name, "_count", d.labels, values, "", "", float64(n))
}

// HistogramVec is a family of histograms told apart by label values.
type HistogramVec struct {
	v *vec[Histogram]
}

// With returns the histogram for the given label values, as
// CounterVec.With does for counters.
func (hv *HistogramVec) With(labelValues ...string) *Histogram {
	return hv.v.with(labelValues)
}

type histogramFamily struct {
	d *desc
	h *Histogram
}

func (f *histogramFamily) desc() *desc { return f.d }

func (f *histogramFamily) write(w *textWriter) { f.h.write(w, f.d, nil) }

type histogramVecFamily struct{ v *vec[Histogram] }

func (f *histogramVecFamily) desc() *desc { return f.v.d }

func (f *histogramVecFamily) write(w *textWriter) {
	for _, c := range f.v.children() {
		c.metric.write(w, f.v.d, c.values)
	}
}

// NewHistogram registers and returns a histogram without labels, with the
// given bucket upper bounds; the +Inf bucket is implicit. It panics as
// NewCounter does, if name_bucket, name_sum or name_count is taken, or if
// the bounds are empty or not strictly increasing.
func (r *Registry) NewHistogram(name, help string, buckets []float64) *Histogram {
	d := newDesc(name, help, "histogram", nil)
	bounds := checkBuckets(name, buckets)
	f := &histogramFamily{d: d, h: newHistogram(bounds, leValues(bounds))}
	r.register(f)
	return f.h
}

// NewHistogramVec registers and returns a family of histograms with the
// given buckets and label names. It panics as NewHistogram and
// NewCounterVec do, or if a label is named "le", which the buckets use.
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labelNames ...string) *HistogramVec {
	d := newDesc(name, help, "histogram", labelNames)
	if slices.Contains(labelNames, "le") {
		panic(fmt.Sprintf("metrics: %s: label name \"le\" is reserved for histogram buckets", name))
	}
	bounds := checkBuckets(name, buckets)
	les := leValues(bounds)
	hv := &HistogramVec{v: newVec(d, func() *Histogram { return newHistogram(bounds, les) })}
	r.register(&histogramVecFamily{v: hv.v})
	return hv
}

// checkBuckets returns a copy of buckets, so that a caller changing its
// slice, DefBuckets say, cannot change a histogram. A trailing +Inf is
// dropped since that bucket is always there.
func checkBuckets(name string, buckets []float64) []float64 {
	b := slices.Clone(buckets)
	if n := len(b); n > 0 && math.IsInf(b[n-1], 1) {
		b = b[:n-1]
	}
	if len(b) == 0 {
		panic(fmt.Sprintf("metrics: %s: no buckets; DefBuckets suits latencies in seconds", name))
	}
	for i, v := range b {
		if math.IsNaN(v) || i > 0 && !(b[i-1] < v) {
			panic(fmt.Sprintf("metrics: %s: buckets %v are not strictly increasing", name, buckets))
		}
	}
	return b
}

// leValues formats bounds for the le label, with the +Inf bucket's last.
func leValues(bounds []float64) []string {
	les := make([]string, 0, len(bounds)+1)
	for _, b := range bounds {
		les = append(les, string(appendFloat(nil, b)))
	}
	return append(les, "+Inf")
}
