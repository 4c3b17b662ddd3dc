package metrics

import (
	"fmt"
	"math"
	"sync/atomic"
)

// Counter is a value that only goes up, such as requests served. Its
// methods are safe for concurrent use.
type Counter struct {
	// Whole increments, the common case, go to an integer: an atomic add
	// is cheaper than a compare-and-swap loop on float bits and does not
	// lose precision past 2^53. Fractions go to frac.
	whole atomic.Uint64
	frac  atomicFloat
}

// Inc adds 1.
func (c *Counter) Inc() { c.whole.Add(1) }

// Add adds v, which must not be negative or NaN: a counter that goes down
// would read as a restart to Prometheus.
func (c *Counter) Add(v float64) {
	if !(v >= 0) {
		panic(fmt.Sprintf("metrics: counter cannot add %v", v))
	}
	if v < 1<<63 && v == math.Trunc(v) {
		c.whole.Add(uint64(v))
		return
	}
	c.frac.add(v)
}

// Value returns the current count.
func (c *Counter) Value() float64 {
	return float64(c.whole.Load()) + c.frac.load()
}

// CounterVec is a family of counters told apart by label values.
type CounterVec struct {
	v *vec[Counter]
}

// With returns the counter for the given label values, one per label name
// in registration order, creating it on first use. It panics on the wrong
// number of values or on a value that is not valid UTF-8. Calls with values
// seen before are lock-free and do not allocate; callers on the hottest
// paths can also keep the result.
func (cv *CounterVec) With(labelValues ...string) *Counter {
	return cv.v.with(labelValues)
}

type counterFamily struct {
	d *desc
	c *Counter
}

func (f *counterFamily) desc() *desc { return f.d }

func (f *counterFamily) write(w *textWriter) {
	w.sample(f.d.name, "", nil, nil, "", "", f.c.Value())
}

type counterVecFamily struct{ v *vec[Counter] }

func (f *counterVecFamily) desc() *desc { return f.v.d }

func (f *counterVecFamily) write(w *textWriter) {
	for _, c := range f.v.children() {
		w.sample(f.v.d.name, "", f.v.d.labels, c.values, "", "", c.metric.Value())
	}
}

// NewCounter registers and returns a counter without labels. It panics if
// name is not a valid metric name or is already used in r.
func (r *Registry) NewCounter(name, help string) *Counter {
	f := &counterFamily{d: newDesc(name, help, "counter", nil), c: new(Counter)}
	r.register(f)
	return f.c
}

// NewCounterVec registers and returns a family of counters with the given
// label names. It panics if a name is invalid, a label name repeats or
// starts with "__", or name is already used in r.
func (r *Registry) NewCounterVec(name, help string, labelNames ...string) *CounterVec {
	d := newDesc(name, help, "counter", labelNames)
	cv := &CounterVec{v: newVec(d, func() *Counter { return new(Counter) })}
	r.register(&counterVecFamily{v: cv.v})
	return cv
}
