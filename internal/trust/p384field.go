package trust

import (
	"math/big"
	"math/bits"
)

// The p384*.go files implement ECDSA P-384 verification only. crypto/ecdsa
// takes close to 1 ms per verification on a small server core, because its
// scalar multiplication is constant time, as signing must be. Verification
// handles only public data (key, message, signature), so it may take
// variable time, and a server that checks every commit a client pushes, or
// a peer that checks a whole repository, is bound by it. The variable-time
// path here is about 1.3 times faster for a new key and 3 times faster for
// a key seen before (see keyTables). It is checked against crypto/ecdsa by
// differential tests and a fuzz target; signing stays with crypto/ecdsa.

// fe is an element of the P-384 base field in Montgomery form (x·2^384 mod
// p), six little-endian 64-bit limbs, always fully reduced (< p).
type fe [6]uint64

// feP is p = 2^384 − 2^128 − 2^96 + 2^32 − 1.
var feP = fe{
	0x00000000ffffffff, 0xffffffff00000000, 0xfffffffffffffffe,
	0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff,
}

// fePInv is −p⁻¹ mod 2^64, the Montgomery reduction factor. p ≡ 2^32 − 1
// (mod 2^64) and (2^32 − 1)(2^32 + 1) = 2^64 − 1 ≡ −1, so it is 2^32 + 1.
const fePInv = 0x100000001

// feR2 is 2^768 mod p, which moves a plain integer into Montgomery form.
var feR2, feOne fe

func init() {
	p := feToBigPlain(&feP)
	r := new(big.Int).Lsh(big.NewInt(1), 384)
	feSetBigPlain(&feOne, new(big.Int).Mod(r, p))
	feSetBigPlain(&feR2, new(big.Int).Mod(new(big.Int).Mul(r, r), p))
}

// feReduceOnce sets z = (carry·2^384 + t) mod p for a value below 2p.
func feReduceOnce(z *fe, t *[6]uint64, carry uint64) {
	var u fe
	var b uint64
	for i := 0; i < 6; i++ {
		u[i], b = bits.Sub64(t[i], feP[i], b)
	}
	if carry != 0 || b == 0 {
		*z = u
	} else {
		*z = *t
	}
}

func feSqr(z, x *fe) { feMul(z, x, x) }

// feAdd sets z = x + y mod p.
func feAdd(z, x, y *fe) {
	var t [6]uint64
	var c uint64
	for i := 0; i < 6; i++ {
		t[i], c = bits.Add64(x[i], y[i], c)
	}
	feReduceOnce(z, &t, c)
}

// feSub sets z = x − y mod p.
func feSub(z, x, y *fe) {
	var b uint64
	for i := 0; i < 6; i++ {
		z[i], b = bits.Sub64(x[i], y[i], b)
	}
	if b != 0 {
		var c uint64
		for i := 0; i < 6; i++ {
			z[i], c = bits.Add64(z[i], feP[i], c)
		}
	}
}

func feIsZero(x *fe) bool {
	return x[0]|x[1]|x[2]|x[3]|x[4]|x[5] == 0
}

// feSetBytes sets z to the Montgomery form of the 48-byte big-endian b and
// reports whether b was below p.
func feSetBytes(z *fe, b []byte) bool {
	var t fe
	for i := 0; i < 6; i++ {
		o := 40 - 8*i
		t[i] = uint64(b[o])<<56 | uint64(b[o+1])<<48 | uint64(b[o+2])<<40 | uint64(b[o+3])<<32 |
			uint64(b[o+4])<<24 | uint64(b[o+5])<<16 | uint64(b[o+6])<<8 | uint64(b[o+7])
	}
	var br uint64
	for i := 0; i < 6; i++ {
		_, br = bits.Sub64(t[i], feP[i], br)
	}
	if br == 0 {
		return false
	}
	feMul(z, &t, &feR2)
	return true
}

// feSetBigPlain stores the integer v (0 ≤ v < 2^384) limb by limb, without
// conversion to Montgomery form.
func feSetBigPlain(z *fe, v *big.Int) {
	var b [48]byte
	v.FillBytes(b[:])
	for i := 0; i < 6; i++ {
		o := 40 - 8*i
		z[i] = uint64(b[o])<<56 | uint64(b[o+1])<<48 | uint64(b[o+2])<<40 | uint64(b[o+3])<<32 |
			uint64(b[o+4])<<24 | uint64(b[o+5])<<16 | uint64(b[o+6])<<8 | uint64(b[o+7])
	}
}

// feToBigPlain reads the limbs of x as an integer, without conversion.
func feToBigPlain(x *fe) *big.Int {
	v := new(big.Int)
	for i := 5; i >= 0; i-- {
		v.Lsh(v, 64)
		v.Or(v, new(big.Int).SetUint64(x[i]))
	}
	return v
}

// feFromBig returns the Montgomery form of v mod p.
func feFromBig(v *big.Int) fe {
	var t, z fe
	feSetBigPlain(&t, new(big.Int).Mod(v, feToBigPlain(&feP)))
	feMul(&z, &t, &feR2)
	return z
}

// feToBig returns the integer x represents.
func feToBig(x *fe) *big.Int {
	one := fe{1}
	var t fe
	feMul(&t, x, &one)
	return feToBigPlain(&t)
}

// feInv sets z = x⁻¹ (x^(p−2)); zero maps to zero. It is slow and used only
// to normalise the precomputed base-point table.
func feInv(z, x *fe) {
	e := new(big.Int).Sub(feToBigPlain(&feP), big.NewInt(2))
	r := feOne
	for i := e.BitLen() - 1; i >= 0; i-- {
		feSqr(&r, &r)
		if e.Bit(i) == 1 {
			feMul(&r, &r, x)
		}
	}
	*z = r
}
