package metrics

import "fmt"

// Gauge is a value that goes up and down, such as connected peers. Its
// methods are safe for concurrent use.
type Gauge struct {
	v atomicFloat
}

// Set sets the gauge to v.
func (g *Gauge) Set(v float64) { g.v.store(v) }

// Add adds v, which may be negative.
func (g *Gauge) Add(v float64) { g.v.add(v) }

// Inc adds 1.
func (g *Gauge) Inc() { g.v.add(1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { g.v.add(-1) }

// Value returns the current value.
func (g *Gauge) Value() float64 { return g.v.load() }

// GaugeVec is a family of gauges told apart by label values.
type GaugeVec struct {
	v *vec[Gauge]
}

// With returns the gauge for the given label values, as CounterVec.With
// does for counters.
func (gv *GaugeVec) With(labelValues ...string) *Gauge {
	return gv.v.with(labelValues)
}

type gaugeFamily struct {
	d  *desc
	fn func() float64
}

func (f *gaugeFamily) desc() *desc { return f.d }

func (f *gaugeFamily) write(w *textWriter) {
	w.sample(f.d.name, "", nil, nil, "", "", f.fn())
}

type gaugeVecFamily struct{ v *vec[Gauge] }

func (f *gaugeVecFamily) desc() *desc { return f.v.d }

func (f *gaugeVecFamily) write(w *textWriter) {
	for _, c := range f.v.children() {
		w.sample(f.v.d.name, "", f.v.d.labels, c.values, "", "", c.metric.Value())
	}
}

// NewGauge registers and returns a gauge without labels. It panics as
// NewCounter does.
func (r *Registry) NewGauge(name, help string) *Gauge {
	g := new(Gauge)
	r.register(&gaugeFamily{d: newDesc(name, help, "gauge", nil), fn: g.Value})
	return g
}

// NewGaugeVec registers and returns a family of gauges with the given label
// names. It panics as NewCounterVec does.
func (r *Registry) NewGaugeVec(name, help string, labelNames ...string) *GaugeVec {
	d := newDesc(name, help, "gauge", labelNames)
	gv := &GaugeVec{v: newVec(d, func() *Gauge { return new(Gauge) })}
	r.register(&gaugeVecFamily{v: gv.v})
	return gv
}

// GaugeFunc registers a gauge whose value fn computes at each scrape, for
// state that lives elsewhere, such as the number of repositories loaded or
// load progress: reading it when asked is cheaper and never stale. fn may
// be called from any goroutine, concurrently with itself, and may use r.
// It panics as NewGauge does, or if fn is nil.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	if fn == nil {
		panic(fmt.Sprintf("metrics: %s: nil GaugeFunc", name))
	}
	r.register(&gaugeFamily{d: newDesc(name, help, "gauge", nil), fn: fn})
}
