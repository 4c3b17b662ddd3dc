package ordered

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

const benchN = 100_000

func benchTree(keys []int) *Tree[int] {
	tr := New(cmp.Compare[int])
	for _, k := range keys {
		tr.Insert(k)
	}
	return tr
}

// benchKeys returns benchN distinct keys in random order; even, so odd keys
// are known to be absent.
func benchKeys() []int {
	keys := rand.New(rand.NewPCG(1, 2)).Perm(benchN)
	for i := range keys {
		keys[i] *= 2
	}
	return keys
}

// BenchmarkInsert builds a tree of 100k elements in random order; one op
// is the whole build, and ns/insert the average over its sizes.
func BenchmarkInsert(b *testing.B) {
	keys := benchKeys()
	for b.Loop() {
		benchTree(keys)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/insert")
}

// BenchmarkDelete empties a tree of 100k elements in random order; one op
// is the whole drain.
func BenchmarkDelete(b *testing.B) {
	keys := benchKeys()
	order := slices.Clone(keys)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for range b.N {
		b.StopTimer()
		tr := benchTree(keys)
		b.StartTimer()
		for _, k := range order {
			tr.Delete(k)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/delete")
}

// BenchmarkUpdate is what a live query does when a result's sort key
// changes: delete the old position and insert the new one, at a steady
// 100k results.
func BenchmarkUpdate(b *testing.B) {
	keys := benchKeys()
	tr := benchTree(keys)
	i := 0
	for b.Loop() {
		old := keys[i%benchN]
		tr.Delete(old)
		keys[i%benchN] = old ^ 2 // another even key, absent until now
		tr.Insert(old ^ 2)
		i++
	}
}

// BenchmarkUpdateSortedSlice is the same update on a sorted slice, the
// structure the tree replaces, for comparison.
func BenchmarkUpdateSortedSlice(b *testing.B) {
	keys := benchKeys()
	s := slices.Sorted(slices.Values(keys))
	i := 0
	for b.Loop() {
		old := keys[i%benchN]
		j, _ := slices.BinarySearch(s, old)
		s = slices.Delete(s, j, j+1)
		keys[i%benchN] = old ^ 2
		j, _ = slices.BinarySearch(s, old^2)
		s = slices.Insert(s, j, old^2)
		i++
	}
}

func BenchmarkAt(b *testing.B) {
	tr := benchTree(benchKeys())
	rng := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		tr.At(rng.IntN(benchN))
	}
}

func BenchmarkRank(b *testing.B) {
	tr := benchTree(benchKeys())
	rng := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		tr.Rank(rng.IntN(2 * benchN))
	}
}

func BenchmarkSearch(b *testing.B) {
	tr := benchTree(benchKeys())
	rng := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		q := rng.IntN(2 * benchN)
		tr.Search(func(v int) int { return cmp.Compare(q, v) })
	}
}

func BenchmarkSlice(b *testing.B) {
	tr := benchTree(benchKeys())
	b.ReportAllocs()
	for b.Loop() {
		tr.Slice()
	}
}

func BenchmarkAll(b *testing.B) {
	tr := benchTree(benchKeys())
	b.ReportAllocs()
	for b.Loop() {
		for range tr.All() {
		}
	}
}
