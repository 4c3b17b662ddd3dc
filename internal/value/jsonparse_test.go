package value

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParserMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`null`, `true`, `false`, `0`, `-0`, `1e21`, `1E-7`, `123456789012345678`, `0.30000000000000004`,
		`"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"`, `"\ud800"`, `"\udc00\ud800x"`, "\"\xff\"", `"日本"`,
		`[]`, `{}`, `[1,[2,[3]],{"a":{"b":[]}}]`, ` { "k" : [ 1 , 2 ] , "k" : 3 } `,
		`{"__proto__":1}`, `-1.5e+300`, `5e-324`,
	}
	for _, in := range inputs {
		var want any
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := parseJSON([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", in, got, want)
		}
	}
	invalid := []string{``, ` `, `nul`, `tru`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `"abc`, `"\x"`, `"\u12"`,
		`[1,]`, `{"a":1,}`, `{"a"}`, `{1:2}`, `[1 2]`, `"a` + "\n" + `"`, `1 2`, `NaN`, `Infinity`}
	for _, in := range invalid {
		if _, err := parseJSON([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzParser(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",null,true]}`, `"\ud83d\ude00"`, `-0.5e-3`, `[[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseJSON(b)
		var want any
		werr := json.Unmarshal(b, &want)
		if (err == nil) != (werr == nil) {
			// encoding/json accepts numbers beyond float64 range as errors
			// too, and both reject everything else alike.
			t.Fatalf("%q: parser err %v, encoding/json err %v", b, err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, want %#v", b, got, want)
		}
	})
}
