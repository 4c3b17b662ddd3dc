package commit

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// minimal is the smallest commit Parse accepts.
const minimal = `{"id":"a","k":"k","s":"s","c":{"r":{}}}`

// with returns minimal with extra members spliced in before "c".
func with(members string) string {
	return `{"id":"a","k":"k","s":"s",` + members + `,"c":{"r":{}}}`
}

func TestParseRejects(t *testing.T) {
	bad := map[string]string{
		"empty":               ``,
		"blank":               "  \n",
		"null":                `null`,
		"array":               `[]`,
		"string":              `"x"`,
		"open":                `{`,
		"empty object":        `{}`,
		"missing id":          `{"k":"k","s":"s","c":{"r":{}}}`,
		"empty id":            `{"id":"","k":"k","s":"s","c":{"r":{}}}`,
		"numeric id":          `{"id":1,"k":"k","s":"s","c":{"r":{}}}`,
		"null id":             `{"id":null,"k":"k","s":"s","c":{"r":{}}}`,
		"missing k":           `{"id":"a","s":"s","c":{"r":{}}}`,
		"missing s":           `{"id":"a","k":"k","c":{"r":{}}}`,
		"missing c":           `{"id":"a","k":"k","s":"s"}`,
		"empty c":             `{"id":"a","k":"k","s":"s","c":{}}`,
		"c array":             `{"id":"a","k":"k","s":"s","c":[]}`,
		"c without e":         `{"id":"a","k":"k","s":"s","c":{"b":"x"}}`,
		"c without b":         `{"id":"a","k":"k","s":"s","c":{"e":{}}}`,
		"r array":             `{"id":"a","k":"k","s":"s","c":{"r":[]}}`,
		"r null":              `{"id":"a","k":"k","s":"s","c":{"r":null}}`,
		"b number":            `{"id":"a","k":"k","s":"s","c":{"b":1,"e":{}}}`,
		"e string":            `{"id":"a","k":"k","s":"s","c":{"b":"x","e":"y"}}`,
		"c trailing comma":    `{"id":"a","k":"k","s":"s","c":{"r":{},}}`,
		"p string":            with(`"p":"x"`),
		"p number element":    with(`"p":["a",1]`),
		"p trailing comma":    with(`"p":["a",]`),
		"p leading comma":     with(`"p":[,"a"]`),
		"p unclosed":          with(`"p":["a"`),
		"ts string":           with(`"ts":"1"`),
		"ts fraction":         with(`"ts":1.5`),
		"ts unsafe":           with(`"ts":1e300`),
		"ts null":             with(`"ts":null`),
		"ac negative":         with(`"ac":-1`),
		"ac fraction":         with(`"ac":0.5`),
		"ver string":          with(`"ver":"1"`),
		"ver overflow":        with(`"ver":1e999`),
		"org number":          with(`"org":1`),
		"sig null":            with(`"sig":null`),
		"cid number":          with(`"cid":1`),
		"mb array":            with(`"mb":[]`),
		"ml bool":             with(`"ml":true`),
		"af string":           with(`"af":"x"`),
		"af bad inside":       with(`"af":{"d":"AA==","s":[1,]}`),
		"trailing garbage":    minimal + `x`,
		"two objects":         minimal + `{}`,
		"trailing comma":      `{"id":"a","k":"k","s":"s","c":{"r":{}},}`,
		"missing colon":       `{"id" "a","k":"k","s":"s","c":{"r":{}}}`,
		"single quotes":       `{'id':"a","k":"k","s":"s","c":{"r":{}}}`,
		"bare key":            `{id:"a","k":"k","s":"s","c":{"r":{}}}`,
		"literal typo":        with(`"x":tru`),
		"literal cut":         `{"id":"a","k":"k","s":"s","c":{"r":{}},"x":nul`,
		"array no comma":      with(`"x":[1 2]`),
		"object no colon":     with(`"x":{"a" 1}`),
		"object number key":   with(`"x":{1:2}`),
		"leading zero":        with(`"x":01`),
		"bare dot":            with(`"x":1.`),
		"bare minus":          with(`"x":-`),
		"leading dot":         with(`"x":.5`),
		"bare exponent":       with(`"x":1e`),
		"plus sign":           with(`"x":+1`),
		"hex number":          with(`"x":0x10`),
		"NaN":                 with(`"x":NaN`),
		"bad escape":          with(`"x":"\x"`),
		"bad unicode escape":  with(`"x":"\u12G4"`),
		"short unicode":       with(`"x":"\u12"`),
		"unterminated string": `{"id":"a","k":"k","s":"s","c":{"r":{}},"x":"abc`,
		"raw tab in string":   with("\"x\":\"a\tb\""),
		"raw newline in id":   "{\"id\":\"a\nb\",\"k\":\"k\",\"s\":\"s\",\"c\":{\"r\":{}}}",
		"control in key":      with("\"x\x01\":1"),
		"invalid UTF-8":       with("\"x\":\"\xff\""),
		"UTF-8 surrogate":     with("\"x\":\"\xed\xa0\x80\""),
		"invalid UTF-8 in r":  "{\"id\":\"a\",\"k\":\"k\",\"s\":\"s\",\"c\":{\"r\":{\"t\":\"\xc3\"}}}",
		"NUL byte":            with("\"x\":\x00"),
		"array closed by }":   with(`"x":[1}`),
		"object closed by ]":  with(`"x":{"a":1]`),
		"unclosed nesting":    with(`"x":[[[[`),
		"too deep":            with(`"x":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)),
		"bad revert":          with(`"revert":}`),
		"bad age":             with(`"age":-`),
		"comment":             with(`"x":1 /* c */`),
	}
	for name, in := range bad {
		c, err := Parse([]byte(in))
		if err == nil {
			t.Errorf("%s: accepted %q as %+v", name, in, c)
			continue
		}
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v does not wrap ErrMalformed", name, err)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name, in string
		want     Commit
	}{
		{"minimal", minimal, Commit{ID: "a", Key: "k", Session: "s", Record: []byte(`{}`)}},
		{
			"whitespace everywhere",
			" \t\r\n{ \"id\" : \"a\" ,\n\"k\":\"k\",\"s\":\"s\", \"p\" : [ \"x\" , \"y\" ] ,\"c\" : { \"r\" : { \"a\" : [ 1 , { } ] } } } \r\n",
			Commit{ID: "a", Key: "k", Session: "s", Parents: []string{"x", "y"}, Record: []byte(`{ "a" : [ 1 , { } ] }`)},
		},
		{
			"escaped key and values",
			`{"\u0069d":"a\"b\\c\/d\u00e9\ud83d\udc10\n\t\b\f\r","k":"\u4e2d","s":"s","c":{"\u0072":{}}}`,
			Commit{ID: "a\"b\\c/dé🐐\n\t\b\f\r", Key: "中", Session: "s", Record: []byte(`{}`)},
		},
		{
			"lone surrogates",
			`{"id":"\ud800x\udc00\ud800\ud800","k":"k","s":"s","c":{"r":{}}}`,
			Commit{ID: "\ufffdx\ufffd\ufffd\ufffd", Key: "k", Session: "s", Record: []byte(`{}`)},
		},
		{
			"last duplicate wins",
			`{"id":"a","id":"b","k":"k","s":"s","p":["x"],"p":[],"c":{"r":{}},"c":{"b":"base","e":{"sc":"1"}}}`,
			Commit{ID: "b", Key: "k", Session: "s", Base: "base", Edit: []byte(`{"sc":"1"}`)},
		},
		{
			"record wins over delta",
			`{"id":"a","k":"k","s":"s","c":{"b":"x","e":{},"r":{"n":true}}}`,
			Commit{ID: "a", Key: "k", Session: "s", Record: []byte(`{"n":true}`)},
		},
		{
			"ignored keys",
			`{"id":"a","k":"k","s":"s","revert":"m","age":3,"x":{"y":[null,true,false,-1.5e-3,"z"]},"c":{"r":{},"q":1}}`,
			Commit{ID: "a", Key: "k", Session: "s", Record: []byte(`{}`)},
		},
		{
			"all header fields",
			`{"ver":3.5,"id":"a","k":"k","s":"s","ts":-1700000000000,"org":"o","p":["x","y"],"af":{"d":"AA==","s":[1]},"ac":0,"c":{"r":{}},"sig":"g","mb":"m","ml":"l","cid":"c"}`,
			Commit{Ver: 3.5, ID: "a", Key: "k", Session: "s", TS: -1700000000000, Org: "o", Parents: []string{"x", "y"},
				AF: []byte(`{"d":"AA==","s":[1]}`), Record: []byte(`{}`), Sig: "g", MergeBase: "m", MergeLeader: "l", ConnID: "c"},
		},
		{
			"numbers",
			with(`"ts":1e3,"ac":2.0e1,"ver":-0`),
			Commit{ID: "a", Key: "k", Session: "s", TS: 1000, AC: 20, Record: []byte(`{}`)},
		},
		{
			"deep but allowed",
			`{"id":"a","k":"k","s":"s","c":{"r":{"x":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}}}`,
			Commit{ID: "a", Key: "k", Session: "s", Record: []byte(`{"x":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`)},
		},
	}
	for _, tc := range cases {
		c, err := Parse([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		tc.want.Raw = []byte(tc.in)
		if !reflect.DeepEqual(*c, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, *c, tc.want)
		}
	}
}

func TestParseKeepsSlicesOfLine(t *testing.T) {
	line := []byte(`{"id":"a","k":"k","s":"s","af":{"d":"AA==","s":[1]},"c":{"b":"x","e":{"c":{}}}}`)
	c, err := Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	if &c.Raw[0] != &line[0] {
		t.Error("Raw is a copy")
	}
	if cap(c.AF) != len(c.AF) || cap(c.Edit) != len(c.Edit) {
		t.Error("raw sub-values can be appended over")
	}
	c.Edit = append(c.Edit, 'x')
	if string(line) != `{"id":"a","k":"k","s":"s","af":{"d":"AA==","s":[1]},"c":{"b":"x","e":{"c":{}}}}` {
		t.Error("append changed the line")
	}
}
