package orderstamp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBetweenNOrdered checks that bulk stamps, each from a separate call,
// are strictly increasing in i and strictly between the bounds.
func TestBetweenNOrdered(t *testing.T) {
	g := seeded(6)
	tight := g.From(1)
	pairs := [][2]string{
		{g.Start(), g.End()},
		{g.From(1), g.From(2)},
		{tight, tight[:len(tight)-1] + string(tight[len(tight)-1]+1)},
		{"a", "a!"},
		{"a", "a\x00\x01"},
		{"a~~~", "b"},
		{"", ""},
		{"x", "x"},
	}
	for _, p := range pairs {
		for _, n := range []int{1, 2, 3, 45, 91, 92, 93, 1000, 9000} {
			prev := ""
			for i := range n {
				s := g.BetweenN(p[1], p[0], n, i) // reversed on purpose
				if p[0] == p[1] {
					if s <= p[0] {
						t.Fatalf("BetweenN(%q, %q, %d, %d) = %q, not after the bound", p[0], p[1], n, i, s)
					}
					checkStamp(t, s)
				} else {
					checkBetween(t, p[0], p[1], s)
				}
				if i > 0 && !(prev < s) {
					t.Fatalf("BetweenN(.., %d, %d) = %q not after i-1: %q", n, i, s, prev)
				}
				prev = s
			}
		}
	}
}

// TestBetweenNHuge samples indexes of very large n, where the spread
// arithmetic would overflow 64 bits.
func TestBetweenNHuge(t *testing.T) {
	g := seeded(7)
	a, b := g.From(1), g.From(2)
	r := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{1 << 40, math.MaxInt} {
		idx := []int{0, 1, 2, n / 2, n - 2, n - 1}
		for range 50 {
			idx = append(idx, r.IntN(n))
		}
		for _, i := range idx {
			s, s1 := g.BetweenN(a, b, n, i), ""
			checkBetween(t, a, b, s)
			if i+1 < n {
				s1 = g.BetweenN(a, b, n, i+1)
				if !(s < s1) {
					t.Fatalf("n=%d: stamp %d %q not before stamp %d %q", n, i, s, i+1, s1)
				}
			}
		}
	}
}

// TestBetweenNLength checks bulk stamps stay short: all the same length,
// about log(n)/log(92) characters beyond the branching point.
func TestBetweenNLength(t *testing.T) {
	g := seeded(8)
	a, b := "", "~" // 91 alphabet characters fit between
	for _, c := range []struct{ n, extra int }{{1, 1}, {50, 1}, {1000, 2}, {100000, 3}} {
		for _, i := range []int{0, c.n / 2, c.n - 1} {
			if got := len(g.BetweenN(a, b, c.n, i)); got != c.extra+suffixLen {
				t.Errorf("n=%d i=%d: length %d, want %d", c.n, i, got, c.extra+suffixLen)
			}
		}
	}
}

func TestBetweenNPanics(t *testing.T) {
	for _, c := range [][2]int{{0, 0}, {-1, 0}, {3, 3}, {3, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("BetweenN(n=%d, i=%d) did not panic", c[0], c[1])
				}
			}()
			BetweenN("a", "b", c[0], c[1])
		}()
	}
}
