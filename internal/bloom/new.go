package bloom

import (
	"crypto/rand"
	"encoding/binary"
	"math"
)

// maxSeed is upstream's Number.MAX_SAFE_INTEGER, the exclusive bound of its
// seed draws.
const maxSeed = 1<<53 - 1

// New returns an empty filter sized like upstream's
// new BloomFilter({size, fpr, maxHashes}) (see Sizes), with fresh seeds.
//
// rng, when not nil, returns numbers in [0, 1) as Math.random does and is
// used to draw the seeds (tests and reproducible runs); nil draws them from
// crypto/rand. Seeds are integers in [1, 2^53-1): never 0, because upstream
// swaps a decoded seed of 0 for a random one and would then disagree with
// the filter's contents.
func New(size int, fpr float64, maxHashes int, rng func() float64) *Filter {
	byteSize, numHashes := Sizes(size, fpr, maxHashes)
	seeds := make([]float64, numHashes)
	for i := range seeds {
		seeds[i] = drawSeed(rng)
	}
	return FromSeeds(make([]byte, byteSize), seeds)
}

// Empty returns what upstream's Commit.ancestorsFilter returns for a commit
// without "af": new BloomFilter({size: 1, fpr: 0.5}), all bits clear, so it
// contains nothing.
func Empty() *Filter { return New(1, 0.5, 0, nil) }

func drawSeed(rng func() float64) float64 {
	if rng == nil {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("bloom: crypto/rand failed: " + err.Error()) // never returns an error since Go 1.24
		}
		return float64(1 + binary.LittleEndian.Uint64(b[:])%(maxSeed-1))
	}
	s := math.Floor(rng() * maxSeed)
	if !(s >= 1) {
		return 1
	}
	return math.Min(s, maxSeed-1)
}
