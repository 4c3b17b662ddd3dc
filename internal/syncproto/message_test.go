package syncproto

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"goatdb/internal/bloom"
)

const canonical = `{"ver":50595584,"f":{"__t":"E","__v":{"d":"CQ==","s":[7503609104470820,7102456599121594]}},"s":2,"c":[{"id":"a","k":"x"},{"id":"b","p":["a"]}],"ad":[]}`

func TestMessage_Decode_Canonical(t *testing.T) {
	m, err := DecodeMessage([]byte(canonical))
	if err != nil {
		t.Fatal(err)
	}
	if m.Ver != 50595584 || m.Size != 2 || len(m.Commits) != 2 || m.AccessDenied != nil {
		t.Fatalf("decoded %+v", m)
	}
	if m.Filter.ByteSize() != 1 || m.Filter.NumHashes() != 2 {
		t.Fatalf("filter %s", m.Filter.AppendJSON(nil))
	}
	if string(m.Commits[1]) != `{"id":"b","p":["a"]}` {
		t.Fatalf("commit 1 = %s", m.Commits[1])
	}
	if got := m.AppendJSON(nil); string(got) != canonical {
		t.Fatalf("re-encoded\n%s\nwant\n%s", got, canonical)
	}
}

// TestMessage_Decode_TolerantAsJSONParse feeds forms JSON.parse reads the
// same as the canonical message; each must encode to the canonical bytes.
func TestMessage_Decode_TolerantAsJSONParse(t *testing.T) {
	for name, in := range map[string]string{
		"key order": `{"ad":[],"c":[{"id":"a","k":"x"},{"id":"b","p":["a"]}],"s":2,"f":{"__v":{"s":[7503609104470820,7102456599121594],"d":"CQ=="},"__t":"E"},"ver":50595584}`,
		"whitespace": " \r\n\t{ \"ver\" : 50595584 ,\n \"f\" : { \"__t\" : \"E\" , \"__v\" : { \"d\" : \"CQ==\" , \"s\" : [ 7503609104470820 , 7102456599121594 ] } } ,\n" +
			` "s" : 2 , "c" : [ {"id":"a","k":"x"} , {"id":"b","p":["a"]} ] , "ad" : [ ] } ` + "\n",
		"duplicates, last wins": `{"ver":"old","s":-1,"c":7,` + canonical[1:],
		"escaped keys":          `{"v\u0065r":50595584,"\u0066":{"__\u0074":"\u0045","__v":{"d":"CQ==","s":[7503609104470820,7102456599121594]}},"s":2,"c":[{"id":"a","k":"x"},{"id":"b","p":["a"]}],"ad":[]}`,
		"unknown keys":          `{"x":{"y":[1,{"z":"]}"}]},` + canonical[1:len(canonical)-1] + `,"zz":null}`,
		"number forms":          strings.Replace(strings.Replace(canonical, `"ver":50595584`, `"ver":5.0595584e7`, 1), `"s":2,`, `"s":2.0,`, 1),
	} {
		m, err := DecodeMessage([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := m.AppendJSON(nil); string(got) != canonical {
			t.Errorf("%s: re-encoded\n%s\nwant\n%s", name, got, canonical)
		}
	}
}

func TestMessage_Decode_OptionalFields(t *testing.T) {
	// Upstream defaults "c" and "ad" to []; the encoder always writes both.
	m, err := DecodeMessage([]byte(`{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":0}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.AppendJSON(nil)); got != `{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":0,"c":[],"ad":[]}` {
		t.Fatalf("got %s", got)
	}
}

func TestMessage_Decode_KeepsCommitBytes(t *testing.T) {
	// Commits are relayed verbatim, whitespace, escapes and number forms
	// included; only their framing is rewritten.
	in := `{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":1,"c":[ { "id" : "\u0061", "n": 1.0 } ],"ad":["x"]}`
	m, err := DecodeMessage([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Commits[0]) != `{ "id" : "\u0061", "n": 1.0 }` || string(m.AccessDenied) != `["x"]` {
		t.Fatalf("commit %s, ad %s", m.Commits[0], m.AccessDenied)
	}
	want := `{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":1,"c":[{ "id" : "\u0061", "n": 1.0 }],"ad":["x"]}`
	if got := string(m.AppendJSON(nil)); got != want {
		t.Fatalf("got %s", got)
	}
}

func TestMessage_Decode_Rejects(t *testing.T) {
	f := `{"__t":"E","__v":{"d":"AA==","s":[5]}}`
	msg := func(ver, filter, s, rest string) string {
		return `{"ver":` + ver + `,"f":` + filter + `,"s":` + s + rest + `}`
	}
	for name, in := range map[string]string{
		"empty":              ``,
		"not JSON":           `{"ver":1,`,
		"trailing garbage":   msg("1", f, "0", "") + `x`,
		"two values":         msg("1", f, "0", "") + ` {}`,
		"array":              `[` + msg("1", f, "0", "") + `]`,
		"null":               `null`,
		"missing ver":        `{"f":` + f + `,"s":0}`,
		"missing f":          `{"ver":1,"s":0}`,
		"missing s":          `{"ver":1,"f":` + f + `}`,
		"ver string":         msg(`"1"`, f, "0", ""),
		"ver null":           msg(`null`, f, "0", ""),
		"ver overflows":      msg(`1e400`, f, "0", ""),
		"s negative":         msg("1", f, "-1", ""),
		"s fraction":         msg("1", f, "1.5", ""),
		"s too large":        msg("1", f, "9007199254740994", ""),
		"s string":           msg("1", f, `"2"`, ""),
		"s bool":             msg("1", f, `true`, ""),
		"f bare":             msg("1", `{"d":"AA==","s":[5]}`, "0", ""),
		"f array":            msg("1", `[]`, "0", ""),
		"f tag S":            msg("1", `{"__t":"S","__v":{"d":"AA==","s":[5]}}`, "0", ""),
		"f tag number":       msg("1", `{"__t":1,"__v":{"d":"AA==","s":[5]}}`, "0", ""),
		"f value array":      msg("1", `{"__t":"E","__v":[]}`, "0", ""),
		"f bad base64":       msg("1", `{"__t":"E","__v":{"d":"A","s":[5]}}`, "0", ""),
		"f empty bits":       msg("1", `{"__t":"E","__v":{"d":"","s":[5]}}`, "0", ""),
		"f no seeds":         msg("1", `{"__t":"E","__v":{"d":"AA==","s":[]}}`, "0", ""),
		"f seed null":        msg("1", `{"__t":"E","__v":{"d":"AA==","s":[null]}}`, "0", ""),
		"c object":           msg("1", f, "0", `,"c":{}`),
		"c null":             msg("1", f, "0", `,"c":null`),
		"c string element":   msg("1", f, "0", `,"c":[{},"x"]`),
		"c array element":    msg("1", f, "0", `,"c":[[]]`),
		"c null element":     msg("1", f, "0", `,"c":[null]`),
		"ad object":          msg("1", f, "0", `,"ad":{}`),
		"ad number element":  msg("1", f, "0", `,"ad":["a",1]`),
		"duplicate bad last": msg("1", f, "0", `,"s":"x"`),
	} {
		m, err := DecodeMessage([]byte(in))
		if err == nil {
			t.Errorf("%s: decoded %+v", name, m)
			continue
		}
		if !errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: error %v is not plain ErrMalformed", name, err)
		}
		if !strings.HasPrefix(err.Error(), "syncproto: ") {
			t.Errorf("%s: error %q", name, err)
		}
	}
}

func TestMessage_AppendJSON_NilParts(t *testing.T) {
	var nilMsg *Message
	if got := string(nilMsg.AppendJSON([]byte("x"))); got != "xnull" {
		t.Fatalf("nil message: %s", got)
	}
	m := &Message{Ver: 3.5, Size: 7}
	got := m.AppendJSON(nil)
	if string(got) != `{"ver":3.5,"f":{"__t":"E","__v":{"d":"AA==","s":[1,2]}},"s":7,"c":[],"ad":[]}` {
		t.Fatalf("nil filter: %s", got)
	}
	// The stand-in is an empty filter: it contains nothing.
	back, err := DecodeMessage(got)
	if err != nil {
		t.Fatal(err)
	}
	if back.Filter.Has("anything") {
		t.Fatal("nil filter written as a filter that has an id")
	}
}

func TestMessage_AppendJSON_Numbers(t *testing.T) {
	// Upstream writes numbers with JavaScript's rules.
	for ver, want := range map[float64]string{
		50595584: "50595584", 0.1: "0.1", 1e21: "1e+21", 1e-7: "1e-7", -0.0: "0", 123456789012: "123456789012",
	} {
		f := bloom.FromSeeds([]byte{0}, []float64{9007199254740991})
		got := string((&Message{Ver: ver, Filter: f}).AppendJSON(nil))
		if !strings.HasPrefix(got, `{"ver":`+want+`,"f":{"__t":"E","__v":{"d":"AA==","s":[9007199254740991]}}`) {
			t.Errorf("ver %v: %s", ver, got)
		}
	}
}

func TestMessage_Decode_AliasesInput(t *testing.T) {
	b := []byte(canonical)
	m, err := DecodeMessage(b)
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage = m.Commits[0]
	if &raw[0] != &b[strings.Index(canonical, `{"id":"a"`)] {
		t.Fatal("commit copied, documented as aliasing the input")
	}
}
