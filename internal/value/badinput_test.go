package value

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"goatdb/internal/schema"
)

var required = &schema.Schema{NS: "req", Version: 1, Fields: schema.Fields{
	"title": {Type: schema.String, Required: true},
	"n":     {Type: schema.Number, Validate: func(d schema.Data) bool { f, _ := d["n"].(float64); return f >= 0 }},
}}

func TestNewItemErrors(t *testing.T) {
	cases := []struct {
		name string
		s    *schema.Schema
		d    schema.Data
		want error
		msg  string // part of the message
	}{
		{"string gets number", allTypes, schema.Data{"s": 1}, ErrType, `"s"`},
		{"number gets string", allTypes, schema.Data{"n": "1"}, ErrType, `"n"`},
		{"NaN", allTypes, schema.Data{"n": nanValue()}, ErrType, "NaN"},
		{"bool gets string", allTypes, schema.Data{"b": "true"}, ErrType, `"b"`},
		{"date gets number", allTypes, schema.Data{"d": 5}, ErrType, `"d"`},
		{"set gets string", allTypes, schema.Data{"tags": "a"}, ErrType, `"tags"`},
		{"set of objects", allTypes, schema.Data{"tags": []any{map[string]any{}}}, ErrType, "set element"},
		{"map gets array", allTypes, schema.Data{"m": []any{1}}, ErrType, `"m"`},
		{"map value func", allTypes, schema.Data{"m": map[string]any{"f": func() {}}}, ErrType, "not a JSON value"},
		{"rich text not JSON", allTypes, schema.Data{"rt": json.RawMessage(`{"root":`)}, ErrType, "malformed JSON"},
		{"rich text without root", allTypes, schema.Data{"rt": json.RawMessage(`{"x":1}`)}, ErrType, "children"},
		{"unknown field", allTypes, schema.Data{"nope": 1}, schema.ErrSchema, `unknown field "nope"`},
		{"missing required", required, schema.Data{"n": 1}, schema.ErrSchema, `missing required field "title"`},
		{"validate func", required, schema.Data{"title": "x", "n": -1}, schema.ErrSchema, `"n" failed`},
		{"isDeleted gets string", allTypes, schema.Data{"isDeleted": "yes"}, ErrType, "isDeleted"},
		{"nil schema", nil, schema.Data{}, schema.ErrSchema, "nil schema"},
	}
	for _, c := range cases {
		_, err := NewItem(c.s, c.d)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: message %q does not mention %q", c.name, err, c.msg)
		}
	}
}

func nanValue() float64 { z := 0.0; return z / z }

func TestNewItemCoercion(t *testing.T) {
	it, err := NewItem(allTypes, schema.Data{
		"n":    int64(3),
		"d":    time.Date(2024, 1, 2, 3, 4, 5, 678_900_000, time.FixedZone("x", 3600)),
		"tags": []string{"a", "b", "a"},
		"nums": []int{1, 1, 2},
		"m":    map[string]int{"k": 1},
		"rt":   `{ "root": { "children": [] } }`,
		"s":    nil, // absent
	})
	if err != nil {
		t.Fatal(err)
	}
	want := schema.Data{
		"n": 3.0, "b": false, "tags": []any{"a", "b"}, "nums": []any{1.0, 2.0},
		"m": map[string]any{"k": 1.0}, "rt": json.RawMessage(`{"root":{"children":[]}}`),
	}
	for k, v := range want {
		f, _ := allTypes.Field(k)
		if !valuesEqual(f.Type, it.Data[k], v) {
			t.Errorf("%s = %#v, want %#v", k, it.Data[k], v)
		}
	}
	if d := it.Data["d"].(time.Time); d.UnixMilli() != 1704161045678 || d.Location() != time.UTC {
		t.Errorf("date = %v", d)
	}
	if _, ok := it.Data["s"]; ok {
		t.Error("nil value kept")
	}
	if got := it.Get("b"); got != false {
		t.Errorf("Get(b) = %v", got)
	}
	empty, _ := NewItem(allTypes, nil)
	delete(empty.Data, "tags")
	if tags, ok := empty.Get("tags").([]any); !ok || len(tags) != 0 {
		t.Errorf("Get of an absent field with default = %#v", empty.Get("tags"))
	}
	if empty.Get("nope") != nil || empty.Get("s") != nil || empty.Deleted() {
		t.Error("Get of absent fields")
	}
}

func TestDecodeRecordErrors(t *testing.T) {
	reg := schema.NewRegistry()
	if err := reg.Register(*allTypes); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in   string
		want error
		msg  string
	}{
		{``, ErrSyntax, ""},
		{`[]`, ErrSyntax, ""},
		{`{"s":"all/1","d":{}`, ErrSyntax, ""},
		{`{"s":"all/1","d":{}} x`, ErrSyntax, ""},
		{"{\"s\":\"all/1\",\"d\":{\"s\":\"a\x01\"}}", ErrSyntax, "control"},
		{`{"s":"all/1","d":{"n":01}}`, ErrSyntax, ""},
		{`{"s":"all/1","d":{"n":1e400}}`, ErrSyntax, "range"},
		{`{"s":"all/1","d":{"s":"\ud800\uzzzz"}}`, ErrSyntax, "escape"},
		{`{"d":{}}`, ErrSyntax, "no schema"},
		{`{"s":1,"d":{}}`, ErrSyntax, "marker"},
		{`{"s":"nope/1","d":{}}`, ErrUnknownSchema, `"nope/1"`},
		{`{"d":{},"s":"all/9"}`, ErrUnknownSchema, `"all/9"`},
		{`{"s":"all/1","d":{"n":"1"}}`, ErrType, `"n"`},
		{`{"s":"all/1","d":{"n":null}}`, ErrType, `"n"`},
		{`{"s":"all/1","d":{"tags":["a"]}}`, ErrType, "legacy"},
		{`{"s":"all/1","d":{"tags":{"__t":"X","__v":[]}}}`, ErrType, "set wrapper"},
		{`{"s":"all/1","d":{"tags":{"__t":"S","__v":{}}}}`, ErrType, "set wrapper"},
		{`{"s":"all/1","d":{"tags":{"__t":"S","__v":[{}]}}}`, ErrType, "set element"},
		{`{"s":"all/1","d":{"m":[1]}}`, ErrType, `"m"`},
		{`{"s":"all/1","d":{"rt":{"root":}}}`, ErrSyntax, ""},
		{`{"s":"all/1","d":{"d":"2024-01-01"}}`, ErrType, `"d"`},
		{`{"s":"all/1","d":` + strings.Repeat("[", 20000) + `}`, ErrSyntax, ""},
	}
	for _, c := range cases {
		_, err := DecodeRecord([]byte(c.in), reg)
		if !errors.Is(err, c.want) {
			t.Errorf("%.60s: err = %v, want %v", c.in, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%.60s: message %q does not mention %q", c.in, err, c.msg)
		}
	}
}

func TestDecodeRecordLenient(t *testing.T) {
	reg := schema.NewRegistry()
	if err := reg.Register(*allTypes); err != nil {
		t.Fatal(err)
	}
	// Unknown keys are dropped, "d" may come before "s", the legacy set
	// form holds JSON texts, duplicate keys keep the last value, and data
	// not marked normalised is normalised.
	it, err := DecodeRecord([]byte(` {"x":[1,{"y":null}], "d":{"zz":1,"s":"a","s":"b","nums":["1","\"1\"","true"],"tags":{"__v":[],"__t":"S"}}, "s":"all/0", "cs":"1"} `), reg)
	if err != nil {
		t.Fatal(err)
	}
	if it.Data["s"] != "b" || !setsEqual(it.Data["nums"].([]any), []any{1.0, "1", true}) {
		t.Errorf("data = %v", it.Data)
	}
	if it.Data["b"] != false || len(it.Data["tags"].([]any)) != 0 {
		t.Errorf("defaults not filled: %v", it.Data)
	}
	if it.StoredChecksum() != "1" || it.Checksum() == "1" {
		t.Errorf("stored %q, computed %q", it.StoredChecksum(), it.Checksum())
	}
	// With "n":true upstream skips normalisation, and so does this.
	it, err = DecodeRecord([]byte(`{"s":"all/1","d":{"nums":{"__t":"S","__v":[]}},"n":true}`), reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := it.Data["nums"]; !ok {
		t.Error("normalised a record marked normalised")
	}
	if _, ok := it.Data["b"]; ok {
		t.Error("filled a default in a record marked normalised")
	}
}

func TestDecodeEditErrors(t *testing.T) {
	fd := func(body string) string { return `{"sc":"1","dc":"2","c":{"n":[{"__t":"E","__v":` + body + `}]}}` }
	cases := []struct {
		in   string
		want error
	}{
		{`{"sc":"1","dc":"2"}`, ErrSyntax},
		{`{"sc":1,"dc":"2","c":{}}`, ErrSyntax},
		{`{"sc":"1","dc":"2","c":[]}`, ErrSyntax},
		{`{"sc":"1","dc":"2","c":{"n":{}}}`, ErrSyntax},
		{`{"sc":"1","dc":"2","c":{"n":[1]}}`, ErrSyntax},
		{`{"sc":"1","dc":"2","c":{"n":[{"changeType":"fd"}]}}`, ErrSyntax},
		{fd(`{"changeType":"zz"}`), ErrSyntax},
		{fd(`{"changeType":"fd","operation":2,"vType":"number","value":1}`), ErrSyntax},
		{fd(`{"changeType":"fd","operation":1,"vType":"int","value":1}`), ErrSyntax},
		{fd(`{"changeType":"fd","operation":1,"vType":"number"}`), ErrSyntax},
		{fd(`{"changeType":"fd","operation":1,"vType":"number","value":"1"}`), ErrType},
		{fd(`{"changeType":"fd","operation":1,"vType":"set","value":[{}]}`), ErrType},
		{fd(`{"changeType":"fd","operation":1,"value":1}`), ErrSyntax}, // no vType, no schema
	}
	for _, c := range cases {
		_, _, _, err := DecodeEdit([]byte(c.in), nil)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.in, err, c.want)
		}
	}
	// A missing vType is taken from the schema when it declares the field.
	_, _, ch, err := DecodeEdit([]byte(fd(`{"changeType":"fd","operation":1,"value":1}`)), allTypes)
	if err != nil || ch["n"][0].Type != schema.Number {
		t.Errorf("vType from schema: %v %v", ch, err)
	}
	// Rich-text changes and the schema key are carried.
	raw := `{"sc":"1","dc":"2","c":{"rt":[{"__t":"E","__v":{"changeType":"rt","op":-2,"start":3,"end":5}}]},"s":"all/2"}`
	_, _, ch, err = DecodeEdit([]byte(raw), allTypes)
	if err != nil || ch["rt"][0].Op != -2 || ch["rt"][0].RT == nil {
		t.Fatalf("rich-text change: %v %v", ch, err)
	}
	if !sameJSON(t, AppendEdit(nil, "1", "2", ch), []byte(`{"sc":"1","dc":"2","c":{"rt":[{"__t":"E","__v":{"changeType":"rt","op":-2,"start":3,"end":5}}]}}`)) {
		t.Error("rich-text change not relayed")
	}
}

func TestFromTaggedErrors(t *testing.T) {
	cases := []struct {
		in   string
		want error
		msg  string
	}{
		{`[]`, ErrSyntax, "object"},
		{`{"s":}`, ErrSyntax, ""},
		{`{"nope":1}`, schema.ErrSchema, `"nope"`},
		{`{"s":1}`, ErrType, `"s"`},
		{`{"n":{"$num":"x"}}`, ErrType, "$num"},
		{`{"d":{"$date":"yesterday"}}`, ErrType, "RFC 3339"},
		{`{"d":{"$date":9e99}}`, ErrType, "range"},
		{`{"tags":{"$set":[[1]]}}`, ErrType, "set element"},
		{`{"tags":"a"}`, ErrType, `"tags"`},
		{`{"m":{"$map":1}}`, ErrType, `"m"`},
		{`{"rt":{"$richtext":1}}`, ErrType, "rich text"},
		{`{"isDeleted":"no"}`, ErrType, "isDeleted"},
	}
	for _, c := range cases {
		_, err := FromTagged(allTypes, []byte(c.in))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.in, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: message %q does not mention %q", c.in, err, c.msg)
		}
	}
}
