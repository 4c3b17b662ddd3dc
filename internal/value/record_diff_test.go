package value

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"goatdb/internal/schema"
)

// fixtureRecords returns every record ({"s":…,"d":…}) found anywhere in
// the fixture files, at any depth and inside JSON carried in strings, as
// its original bytes.
func fixtureRecords(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	seen := map[string]bool{}
	var walk func(raw json.RawMessage, depth int)
	walk = func(raw json.RawMessage, depth int) {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || depth > 64 {
			return
		}
		switch raw[0] {
		case '{':
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				return
			}
			if s, d := m["s"], m["d"]; len(s) > 0 && s[0] == '"' && len(d) > 0 && d[0] == '{' {
				if !seen[string(raw)] {
					seen[string(raw)] = true
					out = append(out, raw)
				}
			}
			for _, v := range m {
				walk(v, depth+1)
			}
		case '[':
			var a []json.RawMessage
			if json.Unmarshal(raw, &a) != nil {
				return
			}
			for _, v := range a {
				walk(v, depth+1)
			}
		case '"':
			var s string
			if json.Unmarshal(raw, &s) == nil && strings.HasPrefix(strings.TrimSpace(s), "{") {
				walk(json.RawMessage(s), depth+1)
			}
		}
	}
	err := filepath.WalkDir(fixtureDir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".json") && !strings.HasSuffix(path, ".jsonl") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".jsonl") {
			for line := range bytes.SplitSeq(b, []byte("\n")) {
				walk(line, 0)
			}
		} else {
			walk(b, 0)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d fixture records found", len(out))
	}
	return out
}

// diffRegistries are the registries records are decoded with: the fixture
// schemas with allTypes, and the schemas of the checksum vectors.
func diffRegistries(t testing.TB) []*schema.Registry {
	var v checksumVectors
	if err := json.Unmarshal(readFixture(t, "vectors/checksum.json"), &v); err != nil {
		t.Fatal(err)
	}
	reg := fuzzRegistry(t)
	for _, s := range []*schema.Schema{wideSchema, oddSchema} {
		if err := reg.Register(*s); err != nil {
			t.Fatal(err)
		}
	}
	return []*schema.Registry{reg, registryOf(t, v.Schemas)}
}

// wideSchema has more fields than the decoder scans for by name.
var wideSchema = func() *schema.Schema {
	s := &schema.Schema{NS: "wide", Version: 1, Fields: schema.Fields{}}
	types := []schema.FieldType{schema.String, schema.Number, schema.Bool, schema.Date, schema.Set, schema.Map}
	for i := range 40 {
		s.Fields["f"+strconv.Itoa(i)] = schema.Field{Type: types[i%len(types)]}
	}
	// Names that are written escaped, or not as they are.
	s.Fields["\xff"] = schema.Field{Type: schema.String}
	s.Fields["\ufffd"] = schema.Field{Type: schema.Number}
	s.Fields["q\"\\\n\u2028"] = schema.Field{Type: schema.Bool}
	return s
}()

// oddSchema is wideSchema's odd names in a schema small enough for the
// decoder to scan its names.
var oddSchema = &schema.Schema{NS: "odd", Version: 1, Fields: schema.Fields{
	"\xff":          {Type: schema.String},
	"\ufffd":        {Type: schema.Number},
	"q\"\\\n\u2028": {Type: schema.Bool},
}}

// diffCases are hand-made records for the paths the fixtures do not take:
// each stored form, and everything that leaves the direct path.
var diffCases = []string{
	`{"s":"all/1","d":{"s":"","n":0,"b":true,"d":0,"tags":{"__t":"S","__v":[]}},"n":true,"cs":""}`,
	`{"s":"all/1","d":{"s":"x","n":-0,"b":false,"d":-271928397.247,"tags":{"__t":"S","__v":["a","a",1,1,-0,0,true,true,false,"",""]}},"n":true,"cs":"1"}`,
	`{"s":"all/1","d":{"n":-0.0,"d":1e12,"nums":{"__v":[0.5,0.50,5e-1,"0.5"],"__t":"S"}},"n":true}`,
	`{"s":"all/1","d":{"n":1e21,"d":999999999999.999,"nums":{"__t":"S","__v":[1e-7,1E+2,123456789012345678,9007199254740993,0.1,0.30000000000000004,1.7976931348623157e308,5e-324,2.2250738585072014e-308]}}}`,
	`{"s":"all/1","d":{"n":255,"tags":{"__t":"S","__v":[255,256,254.5,0,1,"\u0000","\u007f","\u0080","é","\ud83d\ude00","\ud800","a\"b"]}},"n":true}`,
	`{"s":"all/1","d":{"s":"\u00e9\n\t\"\\\/","n":12345678901234567890,"d":{"__t":"D","__v":1700000000.123}},"n":true}`,
	`{"s":"all/1","d":{"d":{"__v":1700000000123,"__t":"D"}}}`,
	`{"s":"all/1","d":{"d":{"__t":"D","__v":1,"x":2}}}`,
	`{"s":"all/1","d":{"d":{"__t":"D","__v":1,"__v":2}}}`,
	`{"s":"all/1","d":{"d":{"__t":"D","__t":"X","__v":2}}}`,
	`{"s":"all/1","d":{"d":{"__t":"X","__v":1}}}`,
	`{"s":"all/1","d":{"d":{"__t":"D"}}}`,
	`{"s":"all/1","d":{"d":{"__t":"D","__v":"1"}}}`,
	`{"s":"all/1","d":{"d":{}}}`,
	`{"s":"all/1","d":{"d":1e16}}`,
	`{"s":"all/1","d":{"d":-1e300}}`,
	`{"s":"all/1","d":{"d":"2024-01-01"}}`,
	`{"s":"all/1","d":{"d":null}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1],"x":[[[]]]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1],"__v":[2,2]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__t":"S","__v":[1]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"X","__v":[1]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":1,"__v":[1]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":{}}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[null]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1,{}]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1,[]]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1,]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1 2]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[01]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[tru]}}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S"}}}`,
	`{"s":"all/1","d":{"tags":{"__v":[]}}}`,
	`{"s":"all/1","d":{"tags":["a","1","true","\"x\"",1,true,false,"[1]"]}}`,
	`{"s":"all/1","d":{"tags":["a"]}}`,
	`{"s":"all/1","d":{"tags":[]},"n":true}`,
	`{"s":"all/1","d":{"tags":"a"}}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[` + strings.Repeat(`"x",1,`, 40) + strings.Repeat(`2,`, 40) + `"y"]}},"n":true}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[` + numList(33) + `,0,32]}},"n":true}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[` + numList(32) + `,0,31]}},"n":true}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[` + numList(300) + `]}},"n":true}`,
	`{"s":"all/1","d":{"m":{"k":[1,{"a":null}],"__t":"S"},"rt":{"root":{"children":[]}}}}`,
	`{"s":"all/1","d":{"m":[1]}}`,
	`{"s":"all/1","d":{"rt":{"root":}}}`,
	`{"s":"all/1","d":{"rt":1}}`,
	`{"s":"all/1","d":{"s":1}}`,
	`{"s":"all/1","d":{"s":null}}`,
	`{"s":"all/1","d":{"s":"a` + "\x01" + `"}}`,
	`{"s":"all/1","d":{"s":"a` + "\xff" + `b"}}`,
	`{"s":"all/1","d":{"s":"\ud800\uzzzz"}}`,
	`{"s":"all/1","d":{"s":"abc`,
	`{"s":"all/1","d":{"n":"1"}}`,
	`{"s":"all/1","d":{"n":null}}`,
	`{"s":"all/1","d":{"n":1e400}}`,
	`{"s":"all/1","d":{"n":-}}`,
	`{"s":"all/1","d":{"n":1.}}`,
	`{"s":"all/1","d":{"n":1e}}`,
	`{"s":"all/1","d":{"b":"true"}}`,
	`{"s":"all/1","d":{"b":nul}}`,
	`{"s":"all/1","d":{"b":truex}}`,
	`{"s":"all/1","d":{"isDeleted":true,"isDeleted":false,"zz":[1,{"a":[]}],"\u0073":"escaped key"}}`,
	`{"s":"all/1","d":{"s":"a","s":"b","s":"c"}}`,
	`{"s":"all/1","d":{"s":"a"},"d":{"n":1}}`,
	`{"d":{"s":"first"},"s":"all/1","d":{"s":"second"}}`,
	`{"d":{"s":"a"},"d":{"n":2},"s":"all/1"}`,
	`{"d":{"s":1},"s":"all/1"}`,
	`{"s":"all/1","d":{"s":"a"},"s":"task/1"}`,
	`{"s":"all/1","s":"task/1","d":{"title":"t"}}`,
	`{"s":"all/0","d":{"s":"latest"}}`,
	`{"s":"nope/1","d":{}}`,
	`{"s":1,"d":{}}`,
	`{"s":null,"d":{}}`,
	`{"d":{}}`,
	`{"s":"all/1"}`,
	`{"s":"all/1","d":[]}`,
	`{"s":"all/1","d":{},"n":1,"cs":2}`,
	`{"s":"all/1","d":{},"cs":"a","cs":7}`,
	`{"s":"all/1","d":{},"cs":"\u00e9"}`,
	`{"s":"all/1","d":{}} x`,
	`{"s":"all/1","d":{}`,
	` {"x":[1,{"y":null}], "d":{"zz":1,"s":"a","s":"b","nums":["1","\"1\"","true"],"tags":{"__v":[],"__t":"S"}}, "s":"all/0", "cs":"1"} `,
	`{"s":"all/1","d":` + strings.Repeat("[", 20000) + `}`,
	`{"s":"all/1","d":{"tags":{"__t":"S","__v":[1],"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}}}`,
	`{"s":"all/1","d":{"m":` + strings.Repeat(`{"a":`, 9999) + `1` + strings.Repeat("}", 9999) + `}}`,
	`{"s":"wide/1","d":{"f0":"a","f1":1,"f2":true,"f3":5,"f4":{"__t":"S","__v":["x"]},"f5":{"k":1},"f39":3,"f6":"b","nope":1,"f12":1}}`,
	`{"s":"all/1","d":{"s":"` + strings.Repeat("long ", 20000) + `","tags":{"__t":"S","__v":[` + numList(5000) + `]}},"cs":"` + strings.Repeat("9", 70000) + `"}`,
	`{"s":"odd/1","d":{"\ufffd":"a","` + "\xff" + `":"b","\ufffd":1,"q\"\\\n\u2028":true,"":"e"}}`,
	`{"s":"odd/1","d":{"` + "\xff" + `":"b","\ufffd":1,"q\"\\\n` + "\u2028" + `":true}}`,
	`{"s":"wide/1","d":{"` + "\xff" + `":"b","\ufffd":1,"\ufffd":2,"q\"\\\n\u2028":true}}`,
	`[]`,
	``,
}

// oddRecords lists odd/1 records with the keys in every order, each name
// spelled as this package writes it, so that names that share a spelling
// are read where the decoder guesses by position.
func oddRecords() []string {
	keys := []string{`"\ufffd":"a"`, `"` + "\ufffd" + `":1`, `"q\"\\\n` + "\u2028" + `":true`, `"` + "\xff" + `":"c"`}
	var out []string
	var perm func(done []string, rest []string)
	perm = func(done []string, rest []string) {
		if len(rest) == 0 {
			out = append(out, `{"s":"odd/1","d":{`+strings.Join(done, ",")+`}}`)
			return
		}
		for i := range rest {
			r := append(append([]string{}, rest[:i]...), rest[i+1:]...)
			perm(append(done, rest[i]), r)
		}
	}
	perm(nil, keys)
	return out
}

func numList(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// checkDecodeSame fails unless DecodeRecord and the generic decoding agree
// on raw: the same error message, or the same item to the bit.
func checkDecodeSame(t *testing.T, raw []byte, reg *schema.Registry) {
	t.Helper()
	want, werr := decodeRecordGeneric(raw, reg)
	got, gerr := DecodeRecord(raw, reg)
	if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
		t.Fatalf("%.200q:\n got err %v\nwant err %v", raw, gerr, werr)
	}
	if werr != nil {
		return
	}
	if got.Schema != want.Schema || got.StoredChecksum() != want.StoredChecksum() || !sameData(got.Data, want.Data) {
		t.Fatalf("%.200q:\n got %s %q %#v\nwant %s %q %#v", raw, got.Schema.Marker(), got.StoredChecksum(), got.Data,
			want.Schema.Marker(), want.StoredChecksum(), want.Data)
	}
	if got.Checksum() != want.Checksum() {
		t.Fatalf("%.200q: checksum %s, want %s", raw, got.Checksum(), want.Checksum())
	}
}

// sameData is deep equality that also tells -0 from 0, nil from empty and
// one dynamic type from another.
func sameData(a, b schema.Data) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !sameTree(v, w) {
			return false
		}
	}
	return true
}

func sameTree(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x == y
	case json.RawMessage:
		y, ok := b.(json.RawMessage)
		return ok && (x == nil) == (y == nil) && bytes.Equal(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameTree(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameTree(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

func TestDecodeRecordMatchesGeneric(t *testing.T) {
	regs := diffRegistries(t)
	recs := fixtureRecords(t)
	for _, c := range append(diffCases, oddRecords()...) {
		recs = append(recs, []byte(c))
	}
	for _, reg := range regs {
		for _, raw := range recs {
			checkDecodeSame(t, raw, reg)
			// The same record again as this package writes it, and with the
			// key order and white space of other writers.
			if it, err := decodeRecordGeneric(raw, reg); err == nil {
				checkDecodeSame(t, it.AppendRecord(nil), reg)
			}
			var v any
			if json.Unmarshal(raw, &v) == nil {
				if b, err := json.Marshal(v); err == nil {
					checkDecodeSame(t, b, reg)
				}
				if b, err := json.MarshalIndent(v, " ", "\t"); err == nil {
					checkDecodeSame(t, b, reg)
				}
			}
		}
	}
}

// TestParserNumbers holds the number reader to strconv.ParseFloat, which
// rounds correctly.
func TestParserNumbers(t *testing.T) {
	for _, s := range numberSeeds {
		checkNumber(t, []byte(s))
	}
}

var numberSeeds = []string{
	"0", "-0", "-0.0", "0e400", "-0.000e-999", "1", "-1", "1.5", "1e21", "1E+21", "1e-7", "0.1", "0.3",
	"0.30000000000000004", "1700000000.123", "-86400.001", "4102444800.999", "123456789012345",
	"1234567890123456", "9007199254740991", "9007199254740992", "9007199254740993", "12345678901234567890",
	"1234567890123456789012", "0.000000000000000000001", "1.7976931348623157e308", "1.7976931348623159e308",
	"5e-324", "2.4703282292062327e-324", "2.2250738585072014e-308", "1e22", "1e23", "9007199254740991e22",
	"9007199254740993e-22", "4.35", "0.1e1", "10.0e-1", "100000000000000000000e-20", "1e400", "-1e400",
	"1e-400", "00", "01", "1.", ".5", "-", "1e", "1e+", "+1", "1.5e+0003", "18446744073709551616",
}

func checkNumber(t *testing.T, b []byte) {
	t.Helper()
	p := parser{b: b}
	got, err := p.num()
	text := string(b[:p.i])
	if err != nil {
		// Only values changed: errors are compared with the records'.
		return
	}
	want, werr := strconv.ParseFloat(text, 64)
	if werr != nil || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("%q: got %v (%x), ParseFloat %v (%x) %v", text, got, math.Float64bits(got), want, math.Float64bits(want), werr)
	}
}

// FuzzDecodeRecordDifferential holds DecodeRecord, which reads each field
// straight into its typed form, to the generic reading it replaced.
func FuzzDecodeRecordDifferential(f *testing.F) {
	for _, r := range fixtureRecords(f) {
		f.Add(r)
	}
	for _, c := range append(diffCases, oddRecords()...) {
		if len(c) < 4096 { // mutating the huge ones is slow and finds no more
			f.Add([]byte(c))
		}
	}
	for _, s := range numberSeeds {
		f.Add([]byte(s))
	}
	regs := diffRegistries(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, reg := range regs {
			checkDecodeSame(t, raw, reg)
		}
		if c := raw[0:min(len(raw), 1)]; len(c) == 1 && (c[0] == '-' || (c[0] >= '0' && c[0] <= '9')) {
			checkNumber(t, raw)
		}
	})
}
