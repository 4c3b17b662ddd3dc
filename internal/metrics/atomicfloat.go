package metrics

import (
	"math"
	"sync/atomic"
)

// atomicFloat is a float64 updated atomically through its bits; the zero
// value is 0.
type atomicFloat struct {
	bits atomic.Uint64
}

func (f *atomicFloat) load() float64   { return math.Float64frombits(f.bits.Load()) }
func (f *atomicFloat) store(v float64) { f.bits.Store(math.Float64bits(v)) }

// add adds v with a compare-and-swap loop, as there is no atomic float add.
func (f *atomicFloat) add(v float64) {
	for {
		old := f.bits.Load()
		next := math.Float64bits(math.Float64frombits(old) + v)
		if f.bits.CompareAndSwap(old, next) {
			return
		}
	}
}
