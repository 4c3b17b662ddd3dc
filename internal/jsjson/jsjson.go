// Package jsjson owns JavaScript-compatible JSON text: numbers formatted as
// Number#toString formats them, strings escaped as JSON.stringify escapes
// them, and upstream's stableStringify (the exact bytes GoatDB signs).
// encoding/json differs from JavaScript in string escaping (it escapes <, >,
// &, U+2028 and U+2029), so anything hashed, signed or compared byte for
// byte with upstream goes through this package.
package jsjson

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// AppendNumber appends f as JavaScript's String(f) would write it. NaN and
// the infinities are written as JavaScript's JSON.stringify writes them:
// null. Callers that need String(NaN) use FormatNumber.
func AppendNumber(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		return append(dst, '0') // also -0, as JavaScript does
	}
	abs := math.Abs(f)
	if abs < 1<<53 && f == math.Trunc(f) {
		// Exact integers print the same either way; this path is several
		// times faster than shortest-float formatting (seeds, timestamps).
		return strconv.AppendInt(dst, int64(f), 10)
	}
	if abs >= 1e-6 && abs < 1e21 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	// Go writes e-07 where JavaScript writes e-7.
	n := len(dst)
	if n-start >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}

// FormatNumber is String(f) in JavaScript.
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return string(AppendNumber(nil, f))
}

const hex = "0123456789abcdef"

// AppendString appends s quoted as JSON.stringify quotes it: only '"', '\\'
// and control characters below U+0020 are escaped. Invalid UTF-8 is written
// as U+FFFD.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// LessUTF16 orders strings as JavaScript's default sort does: by UTF-16 code
// units. It differs from Go's byte order only when a code point above the
// BMP meets one in U+E000..U+FFFF.
func LessUTF16(a, b string) bool {
	// Past the common prefix, byte order is UTF-16 order whenever either
	// byte is ASCII (an ASCII code unit sorts below every other), which
	// is nearly always: only then is the rune walk below needed.
	n := min(len(a), len(b))
	p := 0
	for p < n && a[p] == b[p] {
		p++
	}
	if p == n {
		return len(a) < len(b)
	}
	if a[p] < utf8.RuneSelf || b[p] < utf8.RuneSelf {
		return a[p] < b[p]
	}
	for p > 0 && !utf8.RuneStart(a[p]) {
		p--
	}
	a, b = a[p:], b[p:]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[j:])
		if ra != rb {
			return utf16Key(ra) < utf16Key(rb)
		}
		i += na
		j += nb
		if i == len(a) || j == len(b) {
			return i == len(a) && j < len(b)
		}
	}
	return len(a) < len(b)
}

// utf16Key maps a rune to the first code unit it would be written as, plus a
// tie-breaker so that distinct runes stay distinct.
func utf16Key(r rune) uint32 {
	if r >= 0x10000 {
		hi, lo := utf16.EncodeRune(r)
		return uint32(hi)<<16 | uint32(lo)
	}
	return uint32(r) << 16
}

// SortKeys sorts keys in JavaScript's default order.
func SortKeys(keys []string) {
	sort.Slice(keys, func(i, j int) bool { return LessUTF16(keys[i], keys[j]) })
}

// ErrNull is returned by Stable for a null anywhere in the value: upstream's
// stableStringify throws on null, so such a payload can never be signed.
var ErrNull = errors.New("jsjson: null cannot be stable-stringified")

// AppendStable appends upstream's stableStringify of v, a tree of the types
// encoding/json decodes into any (map[string]any, []any, string, float64,
// bool), plus json.Number-like strings via Number. Object keys are sorted in
// JavaScript order and arrays are written as objects keyed by their index
// strings, sorted as strings ("10" before "2"), exactly as upstream does.
func AppendStable(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return dst, ErrNull
	case string:
		return AppendString(dst, x), nil
	case float64:
		return AppendNumber(dst, x), nil
	case int:
		return AppendNumber(dst, float64(x)), nil
	case int64:
		return AppendNumber(dst, float64(x)), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		SortKeys(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = AppendStable(dst, x[k]); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case []any:
		keys := make([]string, len(x))
		for i := range x {
			keys[i] = strconv.Itoa(i)
		}
		sort.Strings(keys) // index strings are ASCII: byte order is JS order
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			idx, _ := strconv.Atoi(k)
			var err error
			if dst, err = AppendStable(dst, x[idx]); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	return dst, errors.New("jsjson: unsupported type in stable stringify")
}
