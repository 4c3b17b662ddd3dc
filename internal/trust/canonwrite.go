package trust

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"goatdb/internal/jsjson"
)

// appendStable appends upstream's stableStringify of v (base/json.ts): the
// bytes that are signed. Object keys are sorted as JavaScript's default
// sort does; arrays are written as objects keyed by their index strings,
// sorted as strings ("10" before "2"); scalars as JSON.stringify writes
// them. null makes upstream throw, so it is an error here too.
func appendStable(dst []byte, v *jval) ([]byte, error) {
	switch v.kind {
	case jNull:
		return dst, fmt.Errorf("%w: null cannot be signed (upstream's stableStringify throws on it)", ErrBadJSON)
	case jFalse:
		return append(dst, "false"...), nil
	case jTrue:
		return append(dst, "true"...), nil
	case jNumber:
		return jsjson.AppendNumber(dst, v.num), nil
	case jString:
		return appendJSString(dst, v.str), nil
	case jArray:
		dst = append(dst, '{')
		for n, i := range arrayKeyOrder(len(v.vals)) {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = strconv.AppendInt(dst, int64(i), 10)
			dst = append(dst, '"', ':')
			var err error
			if dst, err = appendStable(dst, v.vals[i]); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	order := make([]int, len(v.keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if lessJS(v.keys[a], v.keys[b]) {
			return -1
		}
		return 1 // keys are distinct
	})
	dst = append(dst, '{')
	for n, i := range order {
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSString(dst, v.keys[i])
		dst = append(dst, ':')
		var err error
		if dst, err = appendStable(dst, v.vals[i]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// arrayKeyOrder lists 0…n−1 in the order of their decimal strings.
func arrayKeyOrder(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if n > 10 {
		names := make([]string, n)
		for i := range names {
			names[i] = strconv.Itoa(i)
		}
		slices.SortFunc(order, func(a, b int) int {
			if names[a] < names[b] {
				return -1
			}
			return 1
		})
	}
	return order
}

// appendCompact appends JSON.stringify(v): no white space, object keys in
// JavaScript's property order (integer keys ascending, then the others in
// insertion order). It writes the "d" member of signatures, which upstream
// produces with JSON.stringify.
func appendCompact(dst []byte, v *jval) []byte {
	switch v.kind {
	case jNull:
		return append(dst, "null"...)
	case jFalse, jTrue, jNumber, jString:
		out, _ := appendStable(dst, v)
		return out
	case jArray:
		dst = append(dst, '[')
		for i, e := range v.vals {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCompact(dst, e)
		}
		return append(dst, ']')
	}
	var ints, rest []int
	for i, k := range v.keys {
		if isArrayIndex(k) {
			ints = append(ints, i)
		} else {
			rest = append(rest, i)
		}
	}
	slices.SortFunc(ints, func(a, b int) int {
		na, _ := strconv.ParseUint(v.keys[a], 10, 32)
		nb, _ := strconv.ParseUint(v.keys[b], 10, 32)
		if na < nb {
			return -1
		}
		return 1
	})
	dst = append(dst, '{')
	for n, i := range append(ints, rest...) {
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSString(dst, v.keys[i])
		dst = append(dst, ':')
		dst = appendCompact(dst, v.vals[i])
	}
	return append(dst, '}')
}

// isArrayIndex reports whether k is a canonical array index ("0" to
// "4294967294"), which JavaScript objects enumerate first.
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	n, err := strconv.ParseUint(k, 10, 64)
	return err == nil && n < 1<<32-1
}

// truthy is JavaScript's ToBoolean: upstream includes extData and sigData
// in the signed container only when they are truthy.
func truthy(v *jval) bool {
	switch v.kind {
	case jNull, jFalse:
		return false
	case jNumber:
		return v.num == v.num && v.num != 0
	case jString:
		return v.str != ""
	}
	return true
}

// appendJSString appends s quoted as JSON.stringify quotes it: '"', '\\'
// and control characters escaped (short forms where JSON has them), lone
// surrogates (WTF-8 in s) as lowercase \udxxx, everything else verbatim.
func appendJSString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c != '"' && c != '\\' && c != 0xed:
			i++
			continue
		case c == 0xed && i+2 < len(s) && s[i+1] >= 0xa0:
			dst = append(dst, s[start:i]...)
			u := rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
			dst = append(dst, `\u`...)
			dst = append(dst, fmt.Sprintf("%04x", u)...)
			i += 3
			start = i
			continue
		case c == 0xed:
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		default:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// lessJS orders keys as JavaScript's default sort does: by UTF-16 code
// units. Keys holding lone surrogates (WTF-8) take the slow path.
func lessJS(a, b string) bool {
	if utf8.ValidString(a) && utf8.ValidString(b) {
		return jsjson.LessUTF16(a, b)
	}
	ua, ub := wtf8ToUTF16(a), wtf8ToUTF16(b)
	return slices.Compare(ua, ub) < 0
}

func wtf8ToUTF16(s string) []uint16 {
	var out []uint16
	for i := 0; i < len(s); {
		if s[i] == 0xed && i+2 < len(s) && s[i+1] >= 0xa0 {
			out = append(out, uint16(s[i]&0x0f)<<12|uint16(s[i+1]&0x3f)<<6|uint16(s[i+2]&0x3f))
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		out = utf16.AppendRune(out, r)
		i += size
	}
	return out
}
