package syncproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeBatchRequest feeds arbitrary bodies to the request decoder, as a
// server receives them. It must never panic, must fail only with
// ErrMalformed, and whatever it accepts must encode to a body that decodes
// to the same entries and encodes to the same bytes again.
func FuzzDecodeBatchRequest(f *testing.F) {
	for _, e := range syncExchanges(f) {
		f.Add(e.Request.wire(f))
		// Replies carry the same messages under "res"; as requests they
		// give the fuzzer real commits and large filters to mutate.
		f.Add(bytes.ReplaceAll(e.Response.wire(f), []byte(`"res":`), []byte(`"msg":`)))
	}
	f.Add([]byte(`[]`))
	f.Add([]byte("\xef\xbb\xbf [ ] "))
	f.Add([]byte(`[{"path":"/a","msg":{"ver":1,"f":{"__t":"E","__v":{"d":"AA","s":[1.5,-0,1e300]}},"s":0,"c":[{ }],"ad":["x"]}}]`))
	f.Add([]byte(`[{"p\u0061th":"\ud800","msg":{"s":1,"ver":-1e-7,"f":{"__v":{"s":[1],"d":" A A = = "},"__t":"E"},"c":[{"a":[[[]]]}]}}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		entries, err := DecodeBatchRequest(body, DefaultLimits)
		if err == nil && !json.Valid(bytes.TrimPrefix(body, bom)) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		enc := AppendBatchRequest(nil, entries)
		again, err := DecodeBatchRequest(enc, DefaultLimits)
		if err != nil {
			t.Fatalf("re-encoded body refused: %v\n%s", err, enc)
		}
		if len(again) != len(entries) {
			t.Fatalf("%d entries, then %d", len(entries), len(again))
		}
		for i := range entries {
			a, b := entries[i], again[i]
			if a.Path != b.Path || a.Msg.Ver != b.Msg.Ver || a.Msg.Size != b.Msg.Size ||
				len(a.Msg.Commits) != len(b.Msg.Commits) || !bytes.Equal(a.Msg.AccessDenied, b.Msg.AccessDenied) {
				t.Fatalf("entry %d changed: %+v, then %+v", i, a, b)
			}
			if !bytes.Equal(a.Msg.Filter.Bytes(), b.Msg.Filter.Bytes()) {
				t.Fatalf("entry %d: filter changed", i)
			}
		}
		if enc2 := AppendBatchRequest(nil, again); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
	})
}

// FuzzValidate holds validate to encoding/json's json.Valid: both implement
// RFC 8259, and the decoders' walk relies on validate letting nothing else
// through.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		``, ` `, `0`, `-0`, `-`, `01`, `1.`, `1.5e`, `1e+5`, `1E-05`, `.5`, `+1`, `1e400`,
		`"`, `"\u00e9\ud800"`, `"\u00g0"`, `"\x"`, "\"\x01\"", "\"\xff\xfe\"", `"\/"`,
		`[]`, `[,]`, `[1,]`, `[1 2]`, `{}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{1:2}`, `{"a":1 "b":2}`,
		`true`, `tru`, `nulll`, `null x`, " \t\r\n[ \t\r\n] \t\r\n", "\v[]", `[[[[[[]]]]]]`, `[[[[[[]]]]]`,
	} {
		f.Add([]byte(s))
	}
	for _, e := range syncExchanges(f)[:8] {
		f.Add(e.Request.wire(f))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validate(b) == nil, json.Valid(b); got != want {
			t.Fatalf("validate %v, json.Valid %v for %q", got, want, b)
		}
	})
}

func TestValidate_Depth(t *testing.T) {
	for depth, want := range map[int]bool{maxDepth: true, maxDepth + 1: false} {
		b := append(bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth)...)
		if got := validate(b) == nil; got != want || json.Valid(b) != want {
			t.Errorf("depth %d: validate %v, json.Valid %v, want %v", depth, got, json.Valid(b), want)
		}
	}
}
