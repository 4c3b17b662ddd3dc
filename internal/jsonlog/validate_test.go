package jsonlog

import (
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func stdIsObject(b []byte) bool {
	return json.Valid(b) && b[skipSpace(b, 0)] == '{'
}

var validateCases = []string{
	``, ` `, `{}`, ` { } `, `{"a":1}`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":}`, `{"a" 1}`, `{1:2}`,
	`[]`, `[{}]`, `"s"`, `1`, `null`, `{}{}`, `{} x`, `{}]`, `{]`, `{"a":[}`, `{"a":[1,]}`,
	`{"a":[1,2,[3,{"b":null}]],"c":{"d":true,"e":false}}`, `{"a":-0.5e+10}`, `{"a":01}`,
	`{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":1E-2}`, `{"a":-01}`, `{"a":tru}`,
	`{"a":truex}`, `{"a":nul}`, `{"a":"\u00e9\n\"\\\/\b\f\r\t"}`, `{"a":"\x"}`, `{"a":"\u12g4"}`,
	`{"a":"\u12"}`, "{\"a\":\"\x01\"}", "{\"a\":\"\xff\xfe\"}", "{\"\xff\":1}", "{\t\"a\"\r:\n1 }",
	`{"a":"`, `{"a":"\`, `{"a":1`, `{"a":[`, `{"a":{`, `{"a":[1`, `{"a":{"b":1}`, `{"a":1}}`,
	`{"a":[]}`, `{"a":[ ]}`, `{"a":{ }}`, `{"a":[[]]}`, `{"a":[{}, {}]}`, `{"a":0e1}`, `{"a":-0}`,
}

func TestIsObjectMatchesEncodingJSON(t *testing.T) {
	cases := validateCases
	for _, depth := range []int{maxNestingDepth - 1, maxNestingDepth, maxNestingDepth + 1} {
		cases = append(cases,
			strings.Repeat("{\"a\":", depth-1)+"1"+strings.Repeat("}", depth-1),
			strings.Repeat("{\"a\":", depth-1)+"{}"+strings.Repeat("}", depth-1),
			"{\"a\":"+strings.Repeat("[", depth-1)+strings.Repeat("]", depth-1)+"}")
	}
	for _, c := range cases {
		if got, want := isObject([]byte(c)), stdIsObject([]byte(c)); got != want {
			t.Errorf("isObject(%.60q) = %v, encoding/json says %v", c, got, want)
		}
	}
}

func FuzzIsObject(f *testing.F) {
	for _, c := range validateCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := isObject(b), stdIsObject(b); got != want {
			t.Fatalf("isObject(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}

func TestBadLinesInParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var buf []byte
	var want []int
	for i := 0; len(buf) < 5*minChunk; i++ {
		switch {
		case i%1000 == 7:
			want = append(want, len(buf))
			buf = append(buf, `{"broken":`...)
		case i%700 == 3:
			buf = append(buf, " \r"...)
		default:
			buf = append(buf, `{"i":"`+strings.Repeat("x", i%300)+`"}`...)
		}
		buf = append(buf, '\n')
	}
	want = append(want, len(buf))
	buf = append(buf, `{"torn`...)
	if got := badLines(buf); !slices.Equal(got, want) {
		t.Errorf("badLines found %d bad lines, want %d; first %v vs %v", len(got), len(want), got[:min(5, len(got))], want[:5])
	}
	if got := checkLines(buf, 0); !slices.Equal(got, want) {
		t.Errorf("checkLines found %d bad lines, want %d", len(got), len(want))
	}
}

func TestSkipPlainFindsFirstSpecialByte(t *testing.T) {
	naive := func(b []byte, i int) int {
		for i < len(b) && plain[b[i]] {
			i++
		}
		return i
	}
	alphabet := []byte{'a', ' ', '"', '\\', 0x00, 0x01, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for j := range b {
			if rng.IntN(6) == 0 {
				b[j] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[j] = byte(0x20 + rng.IntN(0xe0))
			}
		}
		i := rng.IntN(len(b) + 1)
		if got, want := skipPlain(b, i), naive(b, i); got != want {
			t.Fatalf("skipPlain(%q, %d) = %d, want %d", b, i, got, want)
		}
	}
}
