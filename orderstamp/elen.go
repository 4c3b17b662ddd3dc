package orderstamp

import (
	"math"
	"strconv"
)

// IEEE 754 binary64 field limits, as named by npm elen.
const (
	maxExponent = 1<<11 - 1
	maxMantissa = 1<<52 - 1
	// jsNaN is the bit pattern JavaScript engines store for NaN; elen
	// encodes that pattern, so every Go NaN is mapped to it.
	jsNaN = 0x7FF8000000000000
)

// appendELEN appends the ELEN encoding of n, byte-for-byte what npm elen
// 1.0.10 (used by upstream's from()) produces: a sign character ('<' for a
// set sign bit, '>' otherwise), then the exponent field and then the
// mantissa field, each as an ELEN natural number. For negative numbers both
// fields are subtracted from their maximum so that larger magnitudes sort
// first. Both naturals are self-delimiting, so byte order of the encodings
// is the numeric order, with -0 just below +0 and NaN above +Inf.
func appendELEN(dst []byte, n float64) []byte {
	bits := math.Float64bits(n)
	if n != n {
		bits = jsNaN
	}
	exp := bits >> 52 & maxExponent
	mant := bits & maxMantissa
	if bits>>63 != 0 {
		dst = append(dst, '<')
		exp, mant = maxExponent-exp, maxMantissa-mant
	} else {
		dst = append(dst, '>')
	}
	dst = appendNatural(dst, exp)
	return appendNatural(dst, mant)
}

// appendNatural appends Seymour's encoding of a natural number: "0" for
// zero, otherwise ';' followed by the encoded digit count (when there is
// more than one digit) and the decimal digits. Longer numbers sort later
// because ';' sorts above every digit.
func appendNatural(dst []byte, n uint64) []byte {
	if n == 0 {
		return append(dst, '0')
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], n, 10)
	dst = append(dst, ';')
	if len(digits) > 1 {
		dst = appendNatural(dst, uint64(len(digits)))
	}
	return append(dst, digits...)
}
