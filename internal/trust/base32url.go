package trust

import (
	"encoding/base32"
	"errors"
	"fmt"
)

// ErrBase32URL is returned, wrapped, for text that is not upstream base32url.
var ErrBase32URL = errors.New("trust: invalid base32url")

// EncodeBase32URL writes b the way upstream's encodeBase32URL does: RFC 4648
// base32 with '=' padding, then only the first '=' replaced by '_' (upstream
// calls String#replace with a string pattern), then lower-cased. A 96-byte
// signature therefore ends in "_=====". Signatures and signature envelopes
// use this form, so it must match byte for byte.
func EncodeBase32URL(b []byte) string {
	s := []byte(base32.StdEncoding.EncodeToString(b))
	replaced := false
	for i, c := range s {
		switch {
		case c == '=' && !replaced:
			s[i] = '_'
			replaced = true
		case c >= 'A' && c <= 'Z':
			s[i] = c + ('a' - 'A')
		}
	}
	return string(s)
}

// DecodeBase32URL reverses EncodeBase32URL as upstream's decodeBase32URL
// does: upper-case, first '_' back to '=', then strict padded base32. Text
// without an underscore is accepted when it is valid padded base32 (upstream
// accepts it too). Only ASCII is case-folded: JavaScript's toUpperCase would
// also turn 'ı' and 'ſ' into alphabet letters, which no encoder writes.
func DecodeBase32URL(s string) ([]byte, error) {
	buf := make([]byte, len(s))
	replaced := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c == '_' && !replaced:
			c = '='
			replaced = true
		case c >= 'A' && c <= 'Z', c >= '2' && c <= '7', c == '=':
		default:
			// Go's decoder would skip '\r' and '\n'; upstream rejects them.
			return nil, fmt.Errorf("%w: character %q at offset %d", ErrBase32URL, c, i)
		}
		buf[i] = c
	}
	if len(buf)%8 != 0 {
		return nil, fmt.Errorf("%w: length %d is not a multiple of 8", ErrBase32URL, len(buf))
	}
	out := make([]byte, base32.StdEncoding.DecodedLen(len(buf)))
	n, err := base32.StdEncoding.Decode(out, buf)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBase32URL, err)
	}
	return out[:n], nil
}
