package orderstamp

import "unicode/utf8"

// alphabet holds every character this package chooses itself, in ascending
// byte order: printable ASCII from '!' to '~' without '"' and '\'. Stamps
// therefore need no backslash escapes in JSON or in Go and TypeScript string
// literals, stay one byte (and one UTF-16 code unit) per character, and
// never contain control, whitespace or non-ASCII characters. The ELEN
// characters '<', '>', ';' and '0'-'9' are members, so From stamps obey the
// same rule.
var alphabet = func() []byte {
	var a []byte
	for c := byte('!'); c <= '~'; c++ {
		if c != '"' && c != '\\' {
			a = append(a, c)
		}
	}
	return a
}()

// radix is the number of alphabet characters (checked by the tests).
const radix = 92

// below[x] counts alphabet characters < x and atMost[x] those <= x, so the
// alphabet characters above x are alphabet[atMost[x]:] and those below y
// are alphabet[:below[y]].
var below, atMost = func() (lt, le [256]int) {
	n := 0
	for x := 0; x < 256; x++ {
		lt[x] = n
		if n < len(alphabet) && alphabet[n] == byte(x) {
			n++
		}
		le[x] = n
	}
	return lt, le
}()

// runeStart reports whether a string may be cut just before byte c without
// splitting a UTF-8 sequence.
func runeStart(c byte) bool { return utf8.RuneStart(c) }
