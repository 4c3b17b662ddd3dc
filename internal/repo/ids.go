package repo

import (
	"encoding/binary"
	"math/rand/v2"
	"unicode/utf8"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns upstream's id form: 24 characters of [a-z0-9]. The
// generator is math/rand/v2's ChaCha8, seeded from the OS, so ids are
// unpredictable and 36^24 ≈ 2^124 makes collisions negligible.
func NewID() string {
	var b [idLen]byte
	newIDInto(&b, rand.Uint64)
	return string(b[:])
}

// idLen is the length of the ids NewID returns.
const idLen = 24

// newIDInto writes a fresh id into b, for callers that keep ids in memory
// they allocate anyway.
func newIDInto(b *[idLen]byte, random func() uint64) {
	var bits uint64
	left := 0
	for i := 0; i < len(b); {
		if left == 0 {
			bits, left = random(), 8
		}
		c := byte(bits)
		bits >>= 8
		left--
		// 252 = 7*36: dropping the top four byte values keeps every
		// character equally likely, as upstream's ids are.
		if c < 252 {
			b[i] = idAlphabet[c%36]
			i++
		}
	}
}

// utf16Len is the length JavaScript reports for the UTF-8 text b.
func utf16Len(b []byte) int {
	// ASCII, the usual case, is one unit per byte; check it eight bytes at
	// a time.
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	n := i
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// randUint64, randFloat64 and randN draw from Options.Rand when it is set,
// else from the process-wide generator.
func (r *Repo) randUint64() uint64 {
	if r.opts.Rand != nil {
		return r.opts.Rand.Uint64()
	}
	return rand.Uint64()
}

func (r *Repo) randFloat64() float64 {
	if r.opts.Rand != nil {
		return r.opts.Rand.Float64()
	}
	return rand.Float64()
}

func (r *Repo) randN(n int) int {
	if r.opts.Rand != nil {
		return r.opts.Rand.IntN(n)
	}
	return rand.IntN(n)
}
