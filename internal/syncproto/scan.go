package syncproto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// The helpers below walk small values the decoder has already checked
// (a filter, "ad"), so they assume valid JSON and have no error paths.

// isWS reports JSON whitespace, the same four bytes JSON.parse skips.
func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipWS returns the index of the first non-whitespace byte at or after i.
func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just past the string that opens at b[i].
func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b) // unreachable on valid input
		}
		i += j
		// The quote is escaped if an odd number of backslashes precede it.
		n := 0
		for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
}

// skipValue returns the index just past the value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default: // number, true, false, null
		for i < len(b) && !isWS(b[i]) && b[i] != ',' && b[i] != ']' && b[i] != '}' {
			i++
		}
		return i
	}
}

// kind names a JSON value by its first byte, for error messages.
func kind(v []byte) string {
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// eachField calls fn with the raw key (between its quotes) and the raw value
// of every member of the valid object obj, in order, stopping at the first
// error.
func eachField(obj []byte, fn func(key, val []byte) error) error {
	i := skipWS(obj, 1)
	for i < len(obj) && obj[i] == '"' {
		end := skipString(obj, i)
		key := obj[i+1 : end-1]
		i = skipWS(obj, end) + 1 // past ':'
		i = skipWS(obj, i)
		vend := skipValue(obj, i)
		if err := fn(key, obj[i:vend]); err != nil {
			return err
		}
		i = skipWS(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = skipWS(obj, i+1)
		}
	}
	return nil
}

// eachElem calls fn with the index and raw value of every element of the
// valid array arr, stopping at the first error.
func eachElem(arr []byte, fn func(i int, val []byte) error) error {
	i := skipWS(arr, 1)
	for n := 0; i < len(arr) && arr[i] != ']'; n++ {
		end := skipValue(arr, i)
		if err := fn(n, arr[i:end]); err != nil {
			return err
		}
		i = skipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipWS(arr, i+1)
		}
	}
	return nil
}

// unescapeKey returns the key named by the raw key k (the text between its
// quotes), undoing escapes as JSON.parse does: "v\u0065r" is "ver".
func unescapeKey(k []byte) []byte {
	if bytes.IndexByte(k, '\\') < 0 {
		return k
	}
	q := make([]byte, 0, len(k)+2)
	q = append(append(append(q, '"'), k...), '"')
	s, err := decodeString(q)
	if err != nil {
		return k
	}
	return []byte(s)
}

// decodeString returns the string value v. Invalid UTF-8 and lone
// surrogates become U+FFFD, as the TextDecoder in front of upstream's
// JSON.parse does for the first.
func decodeString(v []byte) (string, error) {
	if v[0] != '"' {
		return "", fmt.Errorf("%s, not a string", kind(v))
	}
	if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1]), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", err
	}
	return s, nil
}

// decodeNumber returns the number v. JSON.parse turns numbers too large for
// a double into Infinity, which JSON.stringify would write as null; those
// are refused.
func decodeNumber(v []byte) (float64, error) {
	if c := v[0]; c != '-' && (c < '0' || c > '9') {
		return 0, fmt.Errorf("%s, not a number", kind(v))
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil && math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %.40s out of range", v)
	}
	return f, nil
}
