package commit

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// validJSON is the reference skipValue must agree with: encoding/json's
// syntax check (same nesting limit) plus valid UTF-8.
func validJSON(data []byte) bool { return json.Valid(data) && utf8.Valid(data) }

func skipsWhole(data []byte) bool {
	end := skip(data, skipWS(data, 0))
	return end >= 0 && skipWS(data, end) == len(data)
}

func TestSkipValueAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`0`, `-0`, `-0.0e+0`, `1E5`, `1e-5`, `123.456`, `true`, `false`, `null`,
		`""`, `"\""`, `"\\"`, `"\/"`, `"\b\f\n\r\t"`, `"\u0000"`, `"\uD83D\uDC10"`, `"é🐐"`,
		`[]`, `{}`, `[[]]`, `{"a":{}}`, `[1,"2",[3],{"4":5}]`, ` { "a" : [ 1 , 2 ] } `,
		`"12345678901234567"`, `"1234567\"9012345"`, `"abcdefg\u00e9hijklmnop"`,
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		// invalid
		``, ` `, `-`, `01`, `1.`, `.1`, `1e`, `1e+`, `+1`, `tru`, `nul`, `truex`,
		`"`, `"\`, `"\u123"`, `"\x"`, "\"\x1f\"", "\"\xff\"", "\"a\xc3\"",
		`[`, `]`, `[1,]`, `[,1]`, `[1 2]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{1:1}`, `{"a":1]`, `[1}`,
		`[] []`, `{}x`,
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	} {
		if got, want := skipsWhole([]byte(in)), validJSON([]byte(in)); got != want {
			t.Errorf("%.40q: skipValue %v, encoding/json %v", in, got, want)
		}
	}
}

func TestPlainMask(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			word := []byte("abcdefgh")
			word[pos] = byte(c)
			var x uint64
			for i := 7; i >= 0; i-- {
				x = x<<8 | uint64(word[i])
			}
			m := plainMask(x)
			special := c == '"' || c == '\\' || c < 0x20 || c >= 0x80
			if special != (m != 0) {
				t.Fatalf("byte %#x at %d: mask %#x", c, pos, m)
			}
			if special && m&(0x80<<(8*pos)) == 0 {
				t.Fatalf("byte %#x at %d not flagged at its position: %#x", c, pos, m)
			}
			if special && m&(1<<(8*pos)-1) != 0 {
				t.Fatalf("byte %#x at %d: flags below it: %#x", c, pos, m)
			}
		}
	}
}

func TestNonDigitMask(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			word := []byte("01234567")
			word[pos] = byte(c)
			var x uint64
			for i := 7; i >= 0; i-- {
				x = x<<8 | uint64(word[i])
			}
			m := nonDigitMask(x)
			other := c < '0' || c > '9'
			if other != (m != 0) || other && m&(1<<(8*pos)-1) != 0 || other && m&(0x80<<(8*pos)) == 0 {
				t.Fatalf("byte %#x at %d: mask %#x", c, pos, m)
			}
		}
	}
}

func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"d\u00e9"}`, `[1e5,-0.5,true,false]`, `"\ud83d\udc10"`, `{"a":"b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := skipsWhole(data), validJSON(data); got != want {
			t.Fatalf("%q: skipValue %v, encoding/json %v", data, got, want)
		}
	})
}
