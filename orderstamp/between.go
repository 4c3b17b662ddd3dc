package orderstamp

import (
	"fmt"
	"math/big"
)

// Between returns a stamp that sorts strictly between a and b; the order of
// the arguments does not matter. The result is a prefix of one of the
// inputs, one character of the stamp alphabet and a random suffix, so it is
// valid UTF-8 whenever a and b are.
//
// When one argument is a stamp this Generator returned from a recent
// Between call, the result is placed right next to it, leaving the rest of
// the gap for further insertions in the same direction; otherwise it is
// placed in the middle of the gap (see Growth in the package docs).
//
// Edge cases: if a == b the result is a followed by a suffix, which sorts
// after a and before everything greater than a that does not start with a.
// When b is a followed only by characters up to '!', no alphabet character
// fits and the result holds one ASCII character just below one of b's.
// No string at all lies strictly between a and a+"\x00"; for such a pair,
// and generally when b is a followed only by NUL bytes, the result is b
// without its last byte. The empty string is the smallest string, so
// Between("", b) sorts before b, not after it.
func (g *Generator) Between(a, b string) string {
	if a > b {
		a, b = b, a
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	an, c := anchor{a, 0, radix}, 0
	if a != b {
		bi := middle
		switch ra, rb := g.remembers(a), g.remembers(b); {
		case ra && !rb:
			bi = nearLow
		case rb && !ra:
			bi = nearHigh
		}
		var ok bool
		if an, ok = findAnchor(a, b, bi); !ok {
			return b[:len(b)-1]
		}
		switch bi {
		case nearLow:
			c = an.lo
		case nearHigh:
			c = an.hi - 1
		default:
			c = an.lo + (an.hi-an.lo)/2
		}
	}
	buf := make([]byte, 0, len(an.prefix)+1+suffixLen)
	buf = append(buf, an.prefix...)
	buf = append(buf, alphabet[c])
	s := string(g.appendSuffix(buf))
	g.remember(s)
	return s
}

// BetweenN returns stamp i (counting from 0) of n stamps spread evenly
// between a and b, for inserting n items at once: for fixed a, b and n the
// results are strictly increasing in i and all lie strictly between a and
// b, even when computed by separate calls or Generators. They are shorter
// than a chain of n Between calls: all n have the same length, a prefix
// where a and b part, just enough characters to tell n stamps apart (about
// log(n)/log(92)) and the suffix. BetweenN(a, b, 1, 0) places its stamp
// where Between does without a recent neighbour.
//
// Arguments are ordered as in Between; a == b spreads the stamps over
// everything that starts with a. When b is a followed only by NUL bytes
// there is no room for a spread and every i gets Between's result.
// BetweenN panics if n < 1 or i is not in [0, n).
func (g *Generator) BetweenN(a, b string, n, i int) string {
	if n < 1 || i < 0 || i >= n {
		panic(fmt.Sprintf("orderstamp: BetweenN index %d out of range [0, %d)", i, n))
	}
	if a > b {
		a, b = b, a
	}
	an := anchor{a, 0, radix}
	if a != b {
		var ok bool
		if an, ok = findAnchor(a, b, middle); !ok {
			return b[:len(b)-1]
		}
	}
	digits := spread(an.hi-an.lo, n, i)
	buf := make([]byte, 0, len(an.prefix)+len(digits)+suffixLen)
	buf = append(buf, an.prefix...)
	buf = append(buf, alphabet[an.lo+digits[0]])
	for _, d := range digits[1:] {
		buf = append(buf, alphabet[d])
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return string(g.appendSuffix(buf))
}

// spread returns the digits of the i-th of n evenly spaced points in a
// mixed-radix number whose first digit has r values and whose other digits
// have radix values, using the fewest digits that give at least n values.
// Point i is the centre of the i-th of n equal slices, so neighbours differ
// by at least one and equal-length digit strings keep the order whatever
// suffix follows them. math/big keeps this exact for any int n.
func spread(r, n, i int) []int {
	count := big.NewInt(int64(r))
	k := big.NewInt(int64(radix))
	width := 1
	for count.Cmp(big.NewInt(int64(n))) < 0 {
		count.Mul(count, k)
		width++
	}
	x := big.NewInt(int64(i))
	x.Lsh(x, 1).Add(x, big.NewInt(1)).Mul(x, count)
	x.Quo(x, new(big.Int).Lsh(big.NewInt(int64(n)), 1))
	digits := make([]int, width)
	d := new(big.Int)
	for j := width - 1; j > 0; j-- {
		x.QuoRem(x, k, d)
		digits[j] = int(d.Int64())
	}
	digits[0] = int(x.Int64())
	return digits
}
