package commit

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// The scanner works on indices into the line. The skip functions return the
// index just past what they skipped, or ^pos (a negative number) for a
// syntax error at pos; only the callers that report errors build one, which
// keeps the hot loops free of error values.

func at(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	// No JSON token starts with a NUL byte, so the end of input falls into
	// every caller's error branch.
	return 0
}

func malformed(b []byte, i int, what string) error {
	if i >= len(b) {
		return fmt.Errorf("%w: %s at end of input", ErrMalformed, what)
	}
	return fmt.Errorf("%w: %s at offset %d", ErrMalformed, what, i)
}

func skipWS(b []byte, i int) int {
	for i < len(b) {
		// Compact JSON has no whitespace; leave on the first test.
		if c := b[i]; c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return i
		}
		i++
	}
	return i
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainMask flags, in the top bit of each byte, the bytes of x (eight string
// bytes, first byte lowest) that a string scan must look at: '"', '\\',
// controls and non-ASCII. A subtraction sets a byte's top bit either for a
// match or because that byte is non-ASCII (flagged anyway); borrows can flag
// bytes above a flagged byte, never below one, so the lowest flag is exact.
func plainMask(x uint64) uint64 {
	q := x ^ (ones * '"')
	s := x ^ (ones * '\\')
	return ((x - ones*0x20) | (q - ones) | (s - ones) | x) & highs
}

// skipString checks the JSON string starting at b[i] == '"' and also
// reports whether it holds escapes. Escapes must be well formed and the text
// valid UTF-8: upstream writes files through a UTF-8 encoder, so invalid
// bytes mean a damaged line.
func skipString(b []byte, i int) (end int, escaped bool) {
	return skipStringFrom(b, i+1)
}

// skipStringFrom is skipString resumed at b[i], inside the string, with
// everything before b[i] already checked.
func skipStringFrom(b []byte, i int) (end int, escaped bool) {
	for {
		// Sixteen bytes a turn while there is nothing to look at: long
		// strings (signatures, text) are plain ASCII almost always.
		for i+16 <= len(b) {
			m0 := plainMask(binary.LittleEndian.Uint64(b[i:]))
			m1 := plainMask(binary.LittleEndian.Uint64(b[i+8:]))
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
			return ^i, false
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, escaped
		case c == '\\':
			escaped = true
			switch at(b, i+1) {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if !isHex(at(b, i+2)) || !isHex(at(b, i+3)) || !isHex(at(b, i+4)) || !isHex(at(b, i+5)) {
					return ^i, false
				}
				i += 6
			default:
				return ^i, false
			}
		case c < 0x20:
			return ^i, false
		case c < utf8.RuneSelf:
			i++
		default:
			// A UTF-8 sequence is all non-ASCII bytes, so a run of them is
			// valid exactly when utf8.Valid says so.
			j := i + 1
			for j < len(b) && b[j] >= utf8.RuneSelf {
				j++
			}
			if !utf8.Valid(b[i:j]) {
				return ^i, false
			}
			i = j
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) rune {
	switch {
	case c <= '9':
		return rune(c - '0')
	case c >= 'a':
		return rune(c - 'a' + 10)
	}
	return rune(c - 'A' + 10)
}

// appendUnescaped appends the decoded body of a string skipString accepted.
// A lone surrogate, which a JavaScript string can hold and a Go string
// cannot, becomes U+FFFD.
func appendUnescaped(out, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch s[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(s[i+2:])
			i += 6
			if r >= 0xd800 && r < 0xdc00 && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if lo := hex4(s[i+2:]); lo >= 0xdc00 && lo < 0xe000 {
					r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
					i += 6
				}
			}
			out = utf8.AppendRune(out, r) // surrogates left over encode as U+FFFD
			continue
		default: // '"', '\\', '/'
			out = append(out, s[i+1])
		}
		i += 2
	}
	return out
}

func hex4(s []byte) rune {
	return hexVal(s[0])<<12 | hexVal(s[1])<<8 | hexVal(s[2])<<4 | hexVal(s[3])
}

// skipNumber checks the JSON number starting at b[i].
func skipNumber(b []byte, i int) int {
	if at(b, i) == '-' {
		i++
	}
	switch c := at(b, i); {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i = skipDigits(b, i+1)
	default:
		return ^i
	}
	return skipFraction(b, i)
}

// skipFraction checks the optional fraction and exponent of a number whose
// integer part ended at b[i].
func skipFraction(b []byte, i int) int {
	if at(b, i) == '.' {
		if c := at(b, i+1); c < '0' || c > '9' {
			return ^i
		}
		i = skipDigits(b, i+1)
	}
	if c := at(b, i); c == 'e' || c == 'E' {
		i++
		if c := at(b, i); c == '+' || c == '-' {
			i++
		}
		if c := at(b, i); c < '0' || c > '9' {
			return ^i
		}
		i = skipDigits(b, i+1)
	}
	return i
}

func skipDigits(b []byte, i int) int {
	// Seeds and timestamps run to 13-16 digits: eight at a time.
	for i+8 <= len(b) {
		if m := nonDigitMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// nonDigitMask flags the bytes of x outside '0'..'9', exact for the lowest
// one as in plainMask: adding 0x46 carries into the top bit from ':' up, and
// cannot carry out of a byte below 0x80; subtracting '0' borrows only below
// '0'.
func nonDigitMask(x uint64) uint64 {
	return (x | (x + ones*0x46) | (x - ones*'0')) & highs
}

func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return ^i
	}
	return i + len(lit)
}

// maxDepth matches encoding/json's nesting limit, so that whatever Parse
// accepts, the code that later decodes Record or Edit accepts too.
const maxDepth = 10000

// skipValue checks the JSON value starting at b[i] (whitespace already
// skipped) and returns the index just past it.
func skipValue(b []byte, i int) (int, error) {
	end := skip(b, i)
	if end < 0 {
		if end == errDepth {
			return 0, malformed(b, i, "nesting too deep")
		}
		return 0, malformed(b, ^end, "invalid JSON")
	}
	return end, nil
}

// errDepth is skip's answer for nesting beyond maxDepth; no input is long
// enough for it to be mistaken for ^pos.
const errDepth = -1 << 62

// skip walks containers with a bit stack instead of recursion, so hostile
// nesting costs neither stack nor much memory. It is the hot loop of Parse:
// records are mostly short keys and values in compact JSON, so each token
// takes its common case first, inline, and whitespace is looked for only
// where a byte is not what compact JSON would have. The innermost 64 levels
// live in one register (bit 0: the innermost container is an object), which
// keeps the loop's state in registers; deeper levels spill to a slice.
func skip(b []byte, i int) int {
	var objs uint64 // bit per open container, innermost lowest: 1 for an object
	var deep []uint64
	depth := 0
	needKey := false // b[i] must be a member key
	for {
		c := at(b, i)
		if c == '"' {
			// Keys and string values share this site; only the closing
			// quote is expected among the flagged bytes.
			j := i + 1
			for ; j+8 <= len(b); j += 8 {
				if m := plainMask(wordAt(b, j)); m != 0 {
					j += bits.TrailingZeros64(m) >> 3
					break
				}
			}
			if j < len(b) && b[j] == '"' {
				i = j + 1
			} else if i, _ = skipStringFrom(b, j); i < 0 {
				return i
			}
			if needKey {
				if at(b, i) != ':' {
					i = skipWS(b, i)
					if at(b, i) != ':' {
						return ^i
					}
				}
				i++
				if at(b, i) <= ' ' {
					i = skipWS(b, i)
				}
				needKey = false
				continue
			}
		} else {
			switch {
			case needKey:
				return ^i
			case c >= '1' && c <= '9':
				i = skipDigits(b, i+1)
				if c := at(b, i); c == '.' || c == 'e' || c == 'E' {
					if i = skipFraction(b, i); i < 0 {
						return i
					}
				}
			case c == '{' || c == '[':
				if depth == maxDepth {
					return errDepth
				}
				if depth >= 64 {
					deep = append(deep, objs>>63)
				}
				objs <<= 1
				if c == '{' {
					objs |= 1
				}
				depth++
				i++
				if at(b, i) <= ' ' {
					i = skipWS(b, i)
				}
				if at(b, i) != c+2 { // '{'+2 == '}', '['+2 == ']'
					needKey = c == '{'
					continue
				}
				i++
				depth--
				objs >>= 1
				if depth >= 64 {
					objs |= deep[len(deep)-1] << 63
					deep = deep[:len(deep)-1]
				}
			case c == '0' || c == '-':
				if i = skipNumber(b, i); i < 0 {
					return i
				}
			case c == 't':
				if i = skipLiteral(b, i, "true"); i < 0 {
					return i
				}
			case c == 'f':
				if i = skipLiteral(b, i, "false"); i < 0 {
					return i
				}
			case c == 'n':
				if i = skipLiteral(b, i, "null"); i < 0 {
					return i
				}
			default:
				return ^i
			}
		}
		// A value ended at b[i]: close containers until one continues.
		for {
			if depth == 0 {
				return i
			}
			c := at(b, i)
			if c <= ' ' {
				i = skipWS(b, i)
				c = at(b, i)
			}
			if c == ',' {
				i++
				if at(b, i) <= ' ' {
					i = skipWS(b, i)
				}
				needKey = objs&1 != 0
				break
			}
			if c != ']'+byte(objs&1)*('}'-']') { // '}' closes an object, ']' an array
				return ^i
			}
			depth--
			i++
			objs >>= 1
			if depth >= 64 {
				objs |= deep[len(deep)-1] << 63
				deep = deep[:len(deep)-1]
			}
		}
	}
}

// wordAt reads the little-endian word at b[j:j+8], which the caller has
// checked is in range: without the slice expression the compiler would
// otherwise emit for b[j:], the scanning loops keep their state in
// registers.
func wordAt(b []byte, j int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), j)), 8))
}
