package orderstamp

// anchor is a place where a new stamp can branch off between two bounds:
// every string that starts with prefix followed by one of alphabet[lo:hi]
// sorts strictly between them, whatever follows. Stamps built on an anchor
// are prefix + one or more alphabet characters + random suffix.
type anchor struct {
	prefix string
	lo, hi int
}

// bias says which bound a new stamp should hug. Staying next to the stamp
// that was just created keeps the rest of the gap free, so chains of
// insertions at the same spot grow slowly; without that knowledge the
// middle is the best guess.
type bias int

const (
	middle   bias = iota
	nearLow       // hug the lower bound
	nearHigh      // hug the upper bound
)

// findAnchor returns an anchor between a and b (a < b): the middle one if
// there is one, else the shortest on the side given by bi, else the
// shortest overall (the low side on a tie). ok is false only when b is a
// followed by NUL bytes alone, which leaves no room for an anchor.
//
// With p the length of the common prefix, the candidates are:
//   - a[:p] + a character strictly between a[p] and b[p] ("middle");
//   - a[:m] + a character above a[m], for m > p ("low side"; always exists
//     when a is not a prefix of b, at worst with m = len(a));
//   - b[:m] + a character below b[m], for m > p ("high side").
//
// A character written after a[:m] is ASCII and above a[m], so a[m] is ASCII
// and the cut keeps valid UTF-8; b is only cut before a rune start.
func findAnchor(a, b string, bi bias) (anchor, bool) {
	p := commonPrefix(a, b)
	lo := 0
	if p < len(a) {
		lo = atMost[a[p]]
	}
	if hi := below[b[p]]; lo < hi {
		return anchor{a[:p], lo, hi}, true
	}
	low, hasLow := lowSide(a, p)
	high, hasHigh := highSide(b, p)
	switch {
	case !hasLow && !hasHigh:
		return rawAnchor(a, b, p)
	case !hasHigh:
		return low, true
	case !hasLow:
		return high, true
	case bi == nearLow:
		return low, true
	case bi == nearHigh:
		return high, true
	case len(high.prefix) < len(low.prefix):
		return high, true
	default:
		return low, true
	}
}

// lowSide finds the shortest low-side anchor; there is none when a is a
// prefix of b.
func lowSide(a string, p int) (anchor, bool) {
	if p >= len(a) {
		return anchor{}, false
	}
	for m := p + 1; m < len(a); m++ {
		if lo := atMost[a[m]]; lo < radix {
			return anchor{a[:m], lo, radix}, true
		}
	}
	return anchor{a, 0, radix}, true
}

// highSide finds the shortest high-side anchor.
func highSide(b string, p int) (anchor, bool) {
	for m := p + 1; m < len(b); m++ {
		if c := b[m]; runeStart(c) && below[c] > 0 {
			return anchor{b[:m], 0, below[c]}, true
		}
	}
	return anchor{}, false
}

// rawAnchor covers the degenerate case where a is a prefix of b and the
// rest of b holds only bytes <= '!', below which no alphabet character
// fits. It lowers the first non-NUL byte of that rest by one, which makes
// a prefix that every extension of keeps strictly between a and b; the
// lowered byte is the only character not taken from the alphabet or the
// inputs. Neither this package nor upstream creates such pairs in practice.
func rawAnchor(a, b string, p int) (anchor, bool) {
	for j := p; j < len(b); j++ {
		if b[j] != 0 {
			return anchor{b[:j] + string([]byte{b[j] - 1}), 0, radix}, true
		}
	}
	return anchor{}, false
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
