// Package bloom owns upstream GoatDB's bloom filter: the ancestors filter
// every commit carries and the filter a sync peer sends to say which commits
// it already has. Both travel between Go and TypeScript peers, so sizing,
// hashing, bit order and the serialised form follow upstream's base/bloom.ts
// bit for bit.
package bloom

import "goatdb/internal/murmur"

// Filter is a bloom filter over strings. It is not safe for concurrent
// writers; concurrent Has calls on a filter nobody writes are fine.
type Filter struct {
	bits []byte
	// seeds are kept as the JavaScript numbers upstream serialises; hashes
	// are the 32 bits of each that murmur actually uses.
	seeds  []float64
	hashes []uint32
}

// FromSeeds builds a filter over bytes (kept, not copied) hashed with seeds,
// the way upstream decodes {d, s}: the bit size is 8*len(bytes) and there is
// one hash function per seed.
//
// Upstream replaces a seed of exactly 0 by a random one when it decodes a
// filter, which makes such a filter useless to it; here seed 0 hashes
// deterministically, and New never draws it.
func FromSeeds(bytes []byte, seeds []float64) *Filter {
	f := &Filter{
		bits:   bytes,
		seeds:  append([]float64(nil), seeds...),
		hashes: make([]uint32, len(seeds)),
	}
	for i, s := range seeds {
		f.hashes[i] = murmur.SeedFromFloat(s)
	}
	return f
}

// Add inserts s.
func (f *Filter) Add(s string) {
	if len(f.bits) == 0 {
		return
	}
	n := uint32(len(f.bits)) * 8
	for _, seed := range f.hashes {
		idx := murmur.String(s, seed) % n
		f.bits[idx>>3] |= 1 << (idx & 7)
	}
}

// Has reports whether s may have been added. False positives happen at
// roughly the rate the filter was sized for; false negatives never do.
func (f *Filter) Has(s string) bool {
	n := uint32(len(f.bits)) * 8
	for _, seed := range f.hashes {
		if n == 0 {
			return false // upstream reads undefined at index NaN
		}
		idx := murmur.String(s, seed) % n
		if f.bits[idx>>3]&(1<<(idx&7)) == 0 {
			return false
		}
	}
	return true
}

// ByteSize is the length of the bit array in bytes.
func (f *Filter) ByteSize() int { return len(f.bits) }

// NumHashes is the number of hash functions (seeds).
func (f *Filter) NumHashes() int { return len(f.hashes) }

// Seeds returns a copy of the seeds as they are serialised.
func (f *Filter) Seeds() []float64 { return append([]float64(nil), f.seeds...) }

// Bytes returns the bit array itself; callers must not modify it.
func (f *Filter) Bytes() []byte { return f.bits }
