package ordered

import (
	"cmp"
	"math"
	"math/rand/v2"
	"testing"
)

// TestLogarithmicCost shows Insert and Delete touch O(log n) of the tree,
// without timing anything: after every step of growing to 100k elements and
// shrinking again, in ascending, descending and random order (ascending is
// how timestamp-ordered results usually grow), the height stays within the
// worst-case B-tree bound, every node stays between half full and full,
// and no single Insert or Delete calls the comparator more than a small
// multiple of log2(n) times. An operation that rescanned, or a tree that
// degenerated towards a list, would fail at this size by orders of
// magnitude.
func TestLogarithmicCost(t *testing.T) {
	const n = 100_000
	rng := rand.New(rand.NewPCG(3, 4))
	asc, desc := make([]int, n), make([]int, n)
	for i := range n {
		asc[i], desc[i] = i, n-1-i
	}
	for _, order := range []struct {
		name string
		keys []int
	}{{"ascending", asc}, {"descending", desc}, {"random", rng.Perm(n)}} {
		keys := order.keys
		t.Run(order.name, func(t *testing.T) {
			calls, most := 0, 0
			tr := New(func(a, b int) int { calls++; return cmp.Compare(a, b) })
			// Each level costs one binary search over at most maxItems
			// elements plus one comparison after a split.
			perLevel := int(math.Ceil(math.Log2(maxItems+1))) + 2
			step := func(op string, f func() bool) {
				calls = 0
				if !f() {
					t.Fatalf("%s failed at Len %d", op, tr.Len())
				}
				most = max(most, calls)
				if limit := perLevel * maxHeight(tr.Len()+1); calls > limit {
					t.Fatalf("%s at Len %d: %d comparisons, limit %d", op, tr.Len(), calls, limit)
				}
			}
			check := func() {
				if h, want := checkTree(t, tr), maxHeight(tr.Len()); h > want {
					t.Fatalf("height %d at Len %d, bound %d", h, tr.Len(), want)
				}
			}
			for i, k := range keys {
				step("Insert", func() bool { return tr.Insert(k) })
				if i%5000 == 0 {
					check()
				}
			}
			check()
			for i, j := range rng.Perm(n) {
				step("Delete", func() bool { return tr.Delete(keys[j]) })
				if i%5000 == 0 {
					check()
				}
			}
			check()
			t.Logf("at most %d comparisons per operation; log2(%d) = %.1f", most, n, math.Log2(n))
		})
	}
}
