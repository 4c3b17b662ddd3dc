package jsonlog

import (
	"encoding/binary"
	"math/bits"
)

// isObject reports whether b is exactly one JSON object, with optional
// surrounding whitespace. It accepts precisely what
// json.Valid(b) && first non-space byte == '{' accepts, including
// encoding/json's nesting limit and its tolerance of invalid UTF-8 inside
// strings, but runs about five times faster: opening a large log spends most
// of its CPU time here, and json.Valid's per-byte state machine would
// dominate.
func isObject(b []byte) bool {
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return false
	}
	i = skipValue(b, i, 0)
	return i >= 0 && skipSpace(b, i) == len(b)
}

// The skip functions below take b[i] to be the first byte of what they
// skip, and return the index just after it, or -1 if it is malformed.

// skipValue skips the value at b[i], which sits inside depth containers.
func skipValue(b []byte, i, depth int) int {
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		return skipContainer(b, i, depth+1)
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	}
	return -1
}

// skipContainer skips the object or array at b[i], which is the depth-th
// container from the top.
func skipContainer(b []byte, i, depth int) int {
	if depth > maxNestingDepth {
		return -1
	}
	closer := b[i] + 2 // '{'+2 == '}', '['+2 == ']'
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1
	}
	for {
		if i == len(b) {
			return -1
		}
		if closer == '}' {
			if b[i] != '"' {
				return -1
			}
			if i = skipString(b, i); i < 0 {
				return -1
			}
			if i = skipSpace(b, i); i == len(b) || b[i] != ':' {
				return -1
			}
			if i = skipSpace(b, i+1); i == len(b) {
				return -1
			}
		}
		if i = skipValue(b, i, depth); i < 0 {
			return -1
		}
		if i = skipSpace(b, i); i == len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case closer:
			return i + 1
		default:
			return -1
		}
	}
}

// maxNestingDepth matches encoding/json's limit, so that both agree on
// what a valid line is.
const maxNestingDepth = 10000

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// plain marks bytes that stand for themselves inside a JSON string.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipPlain returns the index of the first byte at or after i that is not
// plain. Strings are most of a commit's bytes, so it looks at eight bytes at
// a time, flagging bytes that are '"', '\\' or below 0x20 with the classic
// SWAR tricks (haszero of x^c, hasless(x, 0x20)). Borrows can flag bytes
// above a flagged byte but never below one, so the lowest flag is exact.
func skipPlain(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q, s := w^(ones*'"'), w^(ones*'\\')
		flags := ((q - ones) &^ q) | ((s - ones) &^ s) | ((w - ones*0x20) &^ w)
		if flags &= highs; flags != 0 {
			return i + bits.TrailingZeros64(flags)/8
		}
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// skipString skips the string at b[i] == '"'.
func skipString(b []byte, i int) int {
	i++
	for {
		i = skipPlain(b, i)
		if i == len(b) {
			return -1
		}
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			if i+1 == len(b) {
				return -1
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return -1
				}
				i += 6
			default:
				return -1
			}
		default:
			return -1 // control character
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// skipNumber skips the number at b[i].
func skipNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i == len(b):
		return -1
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}
