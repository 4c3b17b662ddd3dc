package bloom

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// decodeForgiving decodes base64 as the browser's atob does, which is what
// upstream decodes "d" with: ASCII whitespace is dropped, padding is
// optional, and unused trailing bits may be set.
func decodeForgiving(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\t\n\f\r ") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\f', '\r', ' ':
				return -1
			}
			return r
		}, s)
	}
	if len(s)%4 == 0 {
		s = strings.TrimSuffix(s, "=")
		s = strings.TrimSuffix(s, "=")
	}
	if len(s)%4 == 1 {
		return nil, fmt.Errorf("base64 length %d", len(s))
	}
	// RawStdEncoding rejects '=' and any other byte outside the alphabet,
	// but skips '\r' and '\n', which are gone by now anyway.
	return base64.RawStdEncoding.DecodeString(s)
}
