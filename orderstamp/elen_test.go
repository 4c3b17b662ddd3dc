package orderstamp

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// elenVectors are outputs of npm elen 1.0.10, the version upstream's
// deno.lock pins: the first group is elen's own published test vectors,
// the rest were produced by running that package under Node.
var elenVectors = []struct {
	n    float64
	want string
}{
	{math.Copysign(0, -1), "<;;42047;;;2164503599627370495"},
	{0, ">00"},
	{-5e-324, "<;;42047;;;2164503599627370494"},
	{5e-324, ">0;1"},
	{-6, "<;;41022;;;2162251799813685247"},
	{6, ">;;41025;;;2162251799813685248"},
	{-9, "<;;41021;;;2163940649673949183"},
	{9, ">;;41026;;;215562949953421312"},
	{-7, "<;;41022;;;2161125899906842623"},
	{7, ">;;41025;;;2163377699720527872"},
	{-1, "<;;41024;;;2164503599627370495"},
	{1, ">;;410230"},
	{-2, "<;;41023;;;2164503599627370495"},
	{2, ">;;410240"},
	{math.Inf(-1), "<0;;;2164503599627370495"},
	{math.Inf(1), ">;;420470"},
	{math.NaN(), ">;;42047;;;2162251799813685248"},

	{0.5, ">;;410220"},
	{-0.5, "<;;41025;;;2164503599627370495"},
	{1.5, ">;;41023;;;2162251799813685248"},
	{123.456, ">;;41029;;;2164183844053827191"},
	{-123.456, "<;;41018;;;215319755573543304"},
	{1e-300, ">;;226;;;2161528457577689945"},
	{-1e-300, "<;;42021;;;2162975142049680550"},
	{2.2250738585072014e-308, ">;10"},
	{math.MaxFloat64, ">;;42046;;;2164503599627370495"},
	{-math.MaxFloat64, "<;10"},
	{9007199254740992, ">;;410760"},
	{1712345678901.234, ">;;41063;;;2162510168273408958"},
	{-1712345678901.234, "<;;3984;;;2161993431353961537"},
	{1234.5678, ">;;41033;;;215926086978140845"},
	{-1234.5678, "<;;41014;;;2163577512649229650"},
	{1e21, ">;;41092;;;2163125794903879504"},
	{1e100, ">;;41355;;;215643957962097533"},
	{-1e100, "<;;3692;;;2163859641665272962"},
	{42, ">;;41028;;;2161407374883553280"},
	{1000000, ">;;41042;;;2164086334964629504"},
}

func TestELENMatchesUpstream(t *testing.T) {
	for _, v := range elenVectors {
		if got := string(appendELEN(nil, v.n)); got != v.want {
			t.Errorf("ELEN(%v) = %q, want %q", v.n, got, v.want)
		}
		s := From(v.n)
		if !strings.HasPrefix(s, v.want) || len(s) != len(v.want)+suffixLen {
			t.Errorf("From(%v) = %q, want %q + %d suffix characters", v.n, s, v.want, suffixLen)
		}
		if !ownAlphabet(s) {
			t.Errorf("From(%v) = %q uses characters outside the alphabet", v.n, s)
		}
		checkStamp(t, s)
	}
	// Every NaN bit pattern encodes as JavaScript's NaN.
	const jsNaNELEN = ">;;42047;;;2162251799813685248"
	if got := string(appendELEN(nil, math.Float64frombits(0xFFF0000000000001))); got != jsNaNELEN {
		t.Errorf("negative signalling NaN encodes as %q", got)
	}
}

// TestFromMonotonic checks that From sorts exactly like the numbers, over
// a fixed list spanning every kind of float64 plus random values.
func TestFromMonotonic(t *testing.T) {
	negZero := math.Copysign(0, -1)
	fixed := []float64{
		math.Inf(-1), -math.MaxFloat64, -1e300, -1.7e12, -1e9, -1000.5, -1000, -999.999,
		-10, -9, -2, -1.5, -1, -0.75, -0.5, -1e-10, -2.2250738585072014e-308,
		-5e-324, negZero, 0, 5e-324, 1e-320, 2.2250738585072014e-308, 1e-10, 0.5,
		0.75, 1, 1 + 1e-15, 1.5, 2, 9, 10, 11, 99, 100, 1000, 1000.5, 1e9,
		1.7e12, 1.7e12 + 0.001, 9007199254740991, 9007199254740992, 1e21, 1e300,
		math.MaxFloat64, math.Inf(1), math.NaN(),
	}
	g := seeded(1)
	check := func(xs []float64) {
		t.Helper()
		for i := 1; i < len(xs); i++ {
			x, y := xs[i-1], xs[i]
			if sx, sy := g.From(x), g.From(y); !(sx < sy) {
				t.Fatalf("From(%v)=%q !< From(%v)=%q", x, sx, y, sy)
			}
		}
	}
	check(fixed)
	r := rand.New(rand.NewPCG(7, 7))
	for seed := range 200 {
		xs := make([]float64, 50)
		for i := range xs {
			switch seed % 4 {
			case 0: // any bit pattern
				xs[i] = math.Float64frombits(r.Uint64())
			case 1: // fractional, moderate
				xs[i] = (r.Float64() - 0.5) * 1e6
			case 2: // huge and tiny magnitudes
				xs[i] = math.Ldexp(r.Float64()-0.5, r.IntN(2000)-1000)
			default: // small integers, with duplicates
				xs[i] = float64(r.IntN(21) - 10)
			}
		}
		xs = slices.DeleteFunc(xs, math.IsNaN)
		slices.SortFunc(xs, cmpFloat)
		xs = slices.CompactFunc(xs, func(x, y float64) bool { return cmpFloat(x, y) == 0 })
		check(xs)
	}
}

// cmpFloat orders like From: -0 before +0.
func cmpFloat(x, y float64) int {
	if x == y && x == 0 {
		return int(math.Float64bits(y)>>63) - int(math.Float64bits(x)>>63)
	}
	if x < y {
		return -1
	}
	if x > y {
		return 1
	}
	return 0
}
