package orderstamp

import "testing"

func BenchmarkBetween(b *testing.B) {
	g := seeded(10)
	lo, hi := g.From(1), g.From(2)
	for b.Loop() {
		g.Between(lo, hi)
	}
}

// BenchmarkBetweenChain measures chains of 1000 insertions at the same
// spot, where the Generator recognises its previous result.
func BenchmarkBetweenChain(b *testing.B) {
	g := seeded(11)
	start, hi := g.Start(), g.End()
	lo, k := start, 0
	for b.Loop() {
		if k++; k%1000 == 0 {
			lo = start
		}
		lo = g.Between(lo, hi)
	}
}

func BenchmarkBetweenN(b *testing.B) {
	g := seeded(12)
	lo, hi := g.From(1), g.From(2)
	i := 0
	for b.Loop() {
		g.BetweenN(lo, hi, 1000, i%1000)
		i++
	}
}

func BenchmarkFrom(b *testing.B) {
	g := seeded(13)
	for b.Loop() {
		g.From(1712345678901.234)
	}
}

func BenchmarkEnd(b *testing.B) {
	for b.Loop() {
		End()
	}
}

// BenchmarkBetweenParallel measures the shared package-level Generator
// under contention.
func BenchmarkBetweenParallel(b *testing.B) {
	lo, hi := From(1), From(2)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			Between(lo, hi)
		}
	})
}
