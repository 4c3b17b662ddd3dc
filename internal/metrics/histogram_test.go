package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHistogramEdges(t *testing.T) {
	r := new(Registry)
	h := r.NewHistogram("h", "h", []float64{-1, 0, 1, 2.5})
	for _, v := range []float64{
		math.Inf(-1), -1, // le=-1
		-0.5, 0, math.Copysign(0, -1), // le=0: on a bound counts in it
		math.SmallestNonzeroFloat64, 1, // le=1
		math.Nextafter(1, 2), 2.5, // le=2.5
		math.Nextafter(2.5, 3), 1e300, math.Inf(1), math.NaN(), // le=+Inf only
	} {
		h.Observe(v)
	}
	want := `# HELP h h
# TYPE h histogram
h_bucket{le="-1"} 2
h_bucket{le="0"} 5
h_bucket{le="1"} 7
h_bucket{le="2.5"} 9
h_bucket{le="+Inf"} 13
h_sum NaN
h_count 13
`
	got := render(r)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, err := parseExposition(got); err != nil {
		t.Error(err)
	}
}

func TestHistogramSumAndInfBounds(t *testing.T) {
	r := new(Registry)
	// A trailing +Inf is the implicit bucket, not a second one.
	h := r.NewHistogram("h", "h", []float64{1, math.Inf(1)})
	h.Observe(0.5)
	h.Observe(2)
	want := "# HELP h h\n# TYPE h histogram\n" +
		"h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 2.5\nh_count 2\n"
	if got := render(r); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Above linearMax buckets Observe searches by bisection; both searches
// agree with counting by the definition of le.
func TestHistogramBucketSearch(t *testing.T) {
	for _, n := range []int{1, 2, linearMax, linearMax + 1, 40} {
		bounds := make([]float64, n)
		for i := range bounds {
			bounds[i] = float64(i) - float64(n)/2
		}
		r := new(Registry)
		h := r.NewHistogram("h", "h", bounds)
		want := make([]uint64, n+1)
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		for range 5000 {
			var v float64
			switch rng.IntN(3) {
			case 0: // exactly on a bound
				v = bounds[rng.IntN(n)]
			case 1: // just above one
				v = math.Nextafter(bounds[rng.IntN(n)], math.Inf(1))
			default:
				v = (rng.Float64() - 0.5) * float64(n+4)
			}
			h.Observe(v)
			i := n
			for j, b := range bounds {
				if v <= b {
					i = j
					break
				}
			}
			want[i]++
		}
		for i := range want {
			if got := h.counts[i].Load(); got != want[i] {
				t.Errorf("%d bounds: bucket %d has %d, want %d", n, i, got, want[i])
			}
		}
		if _, err := parseExposition(render(r)); err != nil {
			t.Errorf("%d bounds: %v", n, err)
		}
	}
}

func TestBuckets(t *testing.T) {
	want := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	if !slices.Equal(DefBuckets, want) {
		t.Errorf("DefBuckets = %v", DefBuckets)
	}
	if got := ExponentialBuckets(0.001, 2, 4); !slices.Equal(got, []float64{0.001, 0.002, 0.004, 0.008}) {
		t.Errorf("ExponentialBuckets = %v", got)
	}
	if got := ExponentialBuckets(1, 10, 1); !slices.Equal(got, []float64{1}) {
		t.Errorf("ExponentialBuckets one = %v", got)
	}
	// Registration copies the buckets, so changing DefBuckets afterwards
	// cannot change a histogram.
	saved := slices.Clone(DefBuckets)
	r := new(Registry)
	h := r.NewHistogram("h", "h", DefBuckets)
	DefBuckets[0] = 100
	h.Observe(0.001)
	copy(DefBuckets, saved)
	if !strings.Contains(render(r), `h_bucket{le="0.005"} 1`) {
		t.Errorf("histogram follows changes to DefBuckets:\n%s", render(r))
	}
}

func TestObserveSince(t *testing.T) {
	r := new(Registry)
	h := r.NewHistogram("h", "h", []float64{60})
	ObserveSince(h, time.Now().Add(-1500*time.Millisecond))
	h.ObserveDuration(250 * time.Millisecond)
	if got := h.sum.load(); got < 1.75 || got > 10 {
		t.Errorf("sum of observed seconds = %v, want about 1.75", got)
	}
	if got := h.counts[0].Load(); got != 2 {
		t.Errorf("le=60 count %d", got)
	}
}
