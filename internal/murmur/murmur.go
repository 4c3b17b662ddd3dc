// Package murmur owns upstream GoatDB's MurmurHash3 variant: x86_32
// MurmurHash3 fed with UTF-16 code units instead of bytes (the
// imurmurhash-js algorithm). Checksums, bloom filters and merge-leader
// election all hash through it, so every bit must match upstream, including
// its quirks: code units above 0xff overlap the bits of their neighbours, and
// the tail block is mixed in only when it is a positive int32.
package murmur

import (
	"math"
	"math/bits"
	"unicode/utf8"
)

// Seeds upstream uses, reduced to the 32 bits its bitwise XOR keeps.
const (
	ChecksumSeed   uint32 = 0x8A64AAC3 // 3172939476544195 mod 2^32
	RendezvousSeed uint32 = 0xE342FFDF // 7366173373169631 mod 2^32
)

// SeedFromFloat reduces a JavaScript number seed the way upstream's first
// XOR does: its integer part modulo 2^32.
func SeedFromFloat(f float64) uint32 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	m := math.Mod(math.Trunc(f), 4294967296)
	if m < 0 {
		m += 4294967296
	}
	return uint32(m)
}

// Hasher is an incremental hash state: writing "ab" then "c" sums like
// writing "abc". Hasher is a value type so a hot path can keep it on the
// stack.
type Hasher struct {
	h1   uint32
	k1   uint32
	pos  uint32 // position of the next unit inside the current block
	size uint32 // code units written
}

// New returns a hasher with the given seed.
func New(seed uint32) Hasher { return Hasher{h1: seed} }

func mixK(k1 uint32) uint32 {
	k1 *= 0xcc9e2d51
	k1 = bits.RotateLeft32(k1, 15)
	return k1 * 0x1b873593
}

// WriteUnit feeds one UTF-16 code unit.
func (h *Hasher) WriteUnit(c uint16) {
	u := uint32(c)
	switch h.pos {
	case 0:
		h.k1 ^= u
	case 1:
		h.k1 ^= u << 8
	case 2:
		h.k1 ^= u << 16
	case 3:
		h.k1 ^= (u&0xff)<<24 ^ (u&0xff00)>>8
	}
	h.size++
	h.pos++
	if h.pos == 4 {
		h.h1 ^= mixK(h.k1)
		h.h1 = bits.RotateLeft32(h.h1, 13)
		h.h1 = h.h1*5 + 0xe6546b64
		h.k1, h.pos = 0, 0
	}
}

// WriteString feeds s as JavaScript would see it: as UTF-16 code units.
// Invalid UTF-8 is read as U+FFFD, as a JS decoder would.
func (h *Hasher) WriteString(s string) {
	for i := 0; i < len(s); {
		// Fast path: at a block boundary, four ASCII bytes are four code
		// units that fill the block exactly as the byte-wise algorithm does.
		if h.pos == 0 && i+4 <= len(s) {
			w := uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
			if w&0x80808080 == 0 {
				h.h1 ^= mixK(w)
				h.h1 = bits.RotateLeft32(h.h1, 13)
				h.h1 = h.h1*5 + 0xe6546b64
				h.size += 4
				i += 4
				continue
			}
		}
		b := s[i]
		if b < utf8.RuneSelf {
			h.WriteUnit(uint16(b))
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		h.WriteRune(r)
	}
}

// WriteRune feeds one code point, as a surrogate pair when above the BMP.
func (h *Hasher) WriteRune(r rune) {
	if r >= 0x10000 {
		r -= 0x10000
		h.WriteUnit(uint16(0xd800 + (r >> 10)))
		h.WriteUnit(uint16(0xdc00 + (r & 0x3ff)))
		return
	}
	h.WriteUnit(uint16(r))
}

// Sum32 returns the hash of everything written so far without changing the
// state.
func (h *Hasher) Sum32() uint32 {
	h1 := h.h1
	// Upstream tests "k1 > 0" on a signed 32-bit value: a tail with its top
	// bit set (or all zero) is not mixed in.
	if int32(h.k1) > 0 {
		h1 ^= mixK(h.k1)
	}
	h1 ^= h.size
	h1 ^= h1 >> 16
	h1 *= 0x85ebca6b
	h1 ^= h1 >> 13
	h1 *= 0xc2b2ae35
	h1 ^= h1 >> 16
	return h1
}

// String hashes s with seed in one call.
func String(s string, seed uint32) uint32 {
	h := New(seed)
	h.WriteString(s)
	return h.Sum32()
}
