package orderstamp

import (
	"slices"
	"sync"
	"testing"
)

// TestConcurrent uses the package-level Generator and a private one from
// several goroutines (run with -race) and checks every result.
func TestConcurrent(t *testing.T) {
	g := New(nil, nil)
	lo, hi := From(1), From(2)
	var wg sync.WaitGroup
	results := make([][]string, 8)
	for w := range results {
		wg.Go(func() {
			gen := Between
			if w%2 == 0 {
				gen = g.Between
			}
			for range 500 {
				results[w] = append(results[w], gen(lo, hi), BetweenN(lo, hi, 10, w), End())
			}
		})
	}
	wg.Wait()
	var all []string
	for _, r := range results {
		for k := 0; k < len(r); k += 3 {
			checkBetween(t, lo, hi, r[k])
			checkBetween(t, lo, hi, r[k+1])
			if k > 0 && !(r[k-1] < r[k+2]) {
				t.Fatalf("End not increasing within a goroutine: %q then %q", r[k-1], r[k+2])
			}
		}
		all = append(all, r...)
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != len(results)*1500 {
		t.Fatal("duplicate stamps across goroutines")
	}
}
