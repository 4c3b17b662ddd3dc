package syncproto

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// The decoders check their input while they walk it (see walk.go): every
// byte of an accepted body has passed the validator below, which follows
// the grammar of RFC 8259, what JSON.parse accepts. Like JSON.parse behind
// a TextDecoder (and like json.Valid, which a fuzz test holds it to), it
// does not reject invalid UTF-8 inside strings.
//
// It exists because json.Valid ran at about 200 MB/s and, with a second
// pass to find the commits, took most of a message's decoding time. Sync
// bodies are mostly long strings (ids, signatures, base64), which this
// scans eight bytes at a time, and each commit is checked once, as it is
// cut out.

// validate checks that b is exactly one JSON value, with optional
// whitespace around it.
func validate(b []byte) error {
	v := validator{b: b}
	if i := v.value(skipWS(b, 0)); i >= 0 {
		return v.end(i)
	}
	return v.syntaxErr()
}

// maxDepth is the deepest nesting accepted, encoding/json's bound. Values
// are checked recursively, so it also bounds the stack.
const maxDepth = 10000

type validator struct {
	b     []byte
	depth int
	bad   int // where the input went wrong
}

// fail records the offset of the fault and returns -1, the error result of
// every method below that returns an index.
func (v *validator) fail(i int) int {
	v.bad = i
	return -1
}

// syntaxErr describes the fault fail recorded.
func (v *validator) syntaxErr() error {
	if v.bad >= len(v.b) {
		return errors.New("unexpected end of JSON input")
	}
	return fmt.Errorf("invalid JSON at byte %d (%q)", v.bad, v.b[v.bad])
}

// end checks that only whitespace follows the top-level value ending at
// b[i].
func (v *validator) end(i int) error {
	if i = skipWS(v.b, i); i != len(v.b) {
		v.fail(i)
		return v.syntaxErr()
	}
	return nil
}

// at returns b[i], or 0 (which starts no JSON token) past the end.
func (v *validator) at(i int) byte {
	if i < len(v.b) {
		return v.b[i]
	}
	return 0
}

// value returns the index just past the value at b[i], or -1.
func (v *validator) value(i int) int {
	b := v.b
	if i >= len(b) {
		return v.fail(i)
	}
	switch c := b[i]; {
	case c == '"':
		return v.str(i)
	case c == '{' || c == '[':
		return v.container(i)
	case c == '-' || (c >= '0' && c <= '9'):
		return v.number(i)
	case c == 't':
		return v.literal(i, "true")
	case c == 'f':
		return v.literal(i, "false")
	case c == 'n':
		return v.literal(i, "null")
	}
	return v.fail(i)
}

func (v *validator) literal(i int, lit string) int {
	if len(v.b)-i < len(lit) || string(v.b[i:i+len(lit)]) != lit {
		return v.fail(i)
	}
	return i + len(lit)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// stopMask flags, in the top bit of each byte, the bytes of x (eight
// string bytes, first byte lowest) a validating string scan must look at:
// '"', '\\' and control characters, and also non-ASCII bytes, which the
// subtractions cannot tell from a match. Borrows can flag bytes above a
// flagged byte, never below one, so the lowest flag is exact.
func stopMask(x uint64) uint64 {
	q := x ^ (ones * '"')
	s := x ^ (ones * '\\')
	return ((x - ones*0x20) | (q - ones) | (s - ones) | x) & highs
}

func (v *validator) str(i int) int {
	b := v.b
	for i++; ; {
		// Sixteen bytes a turn while there is nothing to look at: ids,
		// signatures and base64 are long runs of plain ASCII.
		for i+16 <= len(b) {
			m0 := stopMask(binary.LittleEndian.Uint64(b[i:]))
			m1 := stopMask(binary.LittleEndian.Uint64(b[i+8:]))
			if m0|m1 != 0 {
				if m0 != 0 {
					i += bits.TrailingZeros64(m0) >> 3
				} else {
					i += 8 + bits.TrailingZeros64(m1)>>3
				}
				break
			}
			i += 16
		}
		if i >= len(b) {
			return v.fail(i)
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(b) {
				return v.fail(len(b))
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) || !isHex(b[k]) {
						return v.fail(k)
					}
				}
				i += 6
			default:
				return v.fail(i + 1)
			}
		case c < 0x20:
			return v.fail(i)
		case c < 0x80:
			i++
		default: // not checked, as JSON.parse behind a TextDecoder does not
			for i++; i < len(b) && b[i] >= 0x80; i++ {
			}
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (v *validator) number(i int) int {
	b := v.b
	if b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if i = v.digits(i); i < 0 {
		return i
	}
	if i < len(b) && b[i] == '.' {
		if i = v.digits(i + 1); i < 0 {
			return i
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		return v.digits(i)
	}
	return i
}

// digits checks one or more digits at b[i].
func (v *validator) digits(i int) int {
	b := v.b
	if i >= len(b) || !isDigit(b[i]) {
		return v.fail(i)
	}
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// container checks the object or array that opens at b[i].
func (v *validator) container(i int) int {
	if v.depth++; v.depth > maxDepth {
		return v.fail(i)
	}
	i = v.members(i)
	v.depth--
	return i
}

func (v *validator) members(i int) int {
	b := v.b
	obj := b[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1
	}
	for {
		if obj {
			if i >= len(b) || b[i] != '"' {
				return v.fail(i)
			}
			if i = v.str(i); i < 0 {
				return i
			}
			if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
				return v.fail(i)
			}
			i = skipWS(b, i+1)
		}
		if i = v.value(i); i < 0 {
			return i
		}
		if i = skipWS(b, i); i >= len(b) {
			return v.fail(i)
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case closer:
			return i + 1
		default:
			return v.fail(i)
		}
	}
}
