package bloom

import (
	"fmt"
	"math"
)

// Upstream writes ln(2)^2 as log(1/2^ln2). The two differ in the last bit,
// and m is rounded up, so the spelling is kept to get the same sizes.
var lnHalfPowLn2 = math.Log(1 / math.Pow(2, math.Log(2)))

// Sizes returns the byte size and number of hash functions upstream picks
// for a filter expecting size entries at false-positive rate fpr, with at
// most maxHashes hash functions (0 means no cap). It panics unless
// 0 < fpr < 1: upstream would build a filter that matches everything.
func Sizes(size int, fpr float64, maxHashes int) (byteSize, numHashes int) {
	if !(fpr > 0 && fpr < 1) {
		panic(fmt.Sprintf("bloom: false-positive rate %v outside (0, 1)", fpr))
	}
	n := float64(max(1, size))
	m := math.Ceil(n * math.Log(fpr) / lnHalfPowLn2)
	// k stays unrounded: upstream loops "for (i = 0; i < k; ++i)", which
	// creates ceil(k) hashes, and caps k before that loop.
	k := m / n * math.Ln2
	if maxHashes > 0 {
		k = math.Min(k, float64(maxHashes))
	}
	return int(math.Ceil(m / 8)), int(math.Ceil(k))
}
