package metrics

import (
	"io"
	"strconv"
	"testing"
)

func BenchmarkCounterInc(b *testing.B) {
	c := new(Registry).NewCounter("c", "h")
	for b.Loop() {
		c.Inc()
	}
}

func BenchmarkCounterIncParallel(b *testing.B) {
	c := new(Registry).NewCounter("c", "h")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

func BenchmarkCounterAddFraction(b *testing.B) {
	c := new(Registry).NewCounter("c", "h")
	for b.Loop() {
		c.Add(0.5)
	}
}

func BenchmarkGaugeAdd(b *testing.B) {
	g := new(Registry).NewGauge("g", "h")
	for b.Loop() {
		g.Add(1)
	}
}

// With on a series that exists: the cost of every labeled update in the
// server, which looks children up by endpoint and status code.
func BenchmarkCounterVecWith(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(strconv.Itoa(n)+"labels", func(b *testing.B) {
			names, values := make([]string, n), make([]string, n)
			for i := range n {
				names[i], values[i] = "l"+strconv.Itoa(i), "batch_sync"
			}
			cv := new(Registry).NewCounterVec("c", "h", names...)
			cv.With(values...).Inc()
			for b.Loop() {
				cv.With(values...).Inc()
			}
		})
	}
}

func BenchmarkCounterVecWithParallel(b *testing.B) {
	cv := new(Registry).NewCounterVec("c", "h", "endpoint", "code")
	endpoints := []string{"batch_sync", "auth_session", "healthy", "metrics"}
	for _, e := range endpoints {
		cv.With(e, "200")
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			cv.With(endpoints[i&3], "200").Inc()
			i++
		}
	})
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := new(Registry).NewHistogram("h", "h", DefBuckets)
	v := 0.0
	for b.Loop() {
		h.Observe(v)
		v += 0.001
		if v > 12 {
			v = 0
		}
	}
}

func BenchmarkHistogramObserveParallel(b *testing.B) {
	h := new(Registry).NewHistogram("h", "h", DefBuckets)
	b.RunParallel(func(pb *testing.PB) {
		v := 0.0
		for pb.Next() {
			h.Observe(v)
			v += 0.001
			if v > 12 {
				v = 0
			}
		}
	})
}

// Observe through a labeled child, as the server records signature
// verification time per algorithm.
func BenchmarkHistogramVecObserveParallel(b *testing.B) {
	hv := new(Registry).NewHistogramVec("h", "h", DefBuckets, "alg")
	hv.With("ES384")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			hv.With("ES384").Observe(0.003)
		}
	})
}

// A scrape of a registry the size of the server's.
func BenchmarkWriteTo(b *testing.B) {
	r := newGoldenRegistry()
	cv := r.NewCounterVec("goatdb_commits_total", "h", "repo_type", "direction")
	for _, t := range []string{"sys", "user", "data"} {
		cv.With(t, "received").Add(1000)
		cv.With(t, "sent").Add(1000)
	}
	for b.Loop() {
		r.WriteTo(io.Discard)
	}
}
