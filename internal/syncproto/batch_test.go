package syncproto

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"goatdb/internal/bloom"
)

func TestBatch_RoundTrip(t *testing.T) {
	f := bloom.FromSeeds([]byte{9}, []float64{1, 2})
	entries := []Entry{
		{Path: "/data/tasks", Msg: &Message{Ver: 50595584, Filter: f, Size: 1, Commits: []json.RawMessage{json.RawMessage(`{"id":"a"}`)}}},
		{Path: "/sys/sessions", Msg: &Message{Ver: 50595584, Filter: f}},
	}
	req := AppendBatchRequest(nil, entries)
	wantReq := `[{"path":"/data/tasks","msg":{"ver":50595584,"f":{"__t":"E","__v":{"d":"CQ==","s":[1,2]}},"s":1,"c":[{"id":"a"}],"ad":[]}},` +
		`{"path":"/sys/sessions","msg":{"ver":50595584,"f":{"__t":"E","__v":{"d":"CQ==","s":[1,2]}},"s":0,"c":[],"ad":[]}}]`
	if string(req) != wantReq {
		t.Fatalf("request\n%s\nwant\n%s", req, wantReq)
	}
	res := AppendBatchResponse([]byte("prefix:"), entries)
	if want := "prefix:" + strings.ReplaceAll(wantReq, `"msg":`, `"res":`); string(res) != want {
		t.Fatalf("response\n%s\nwant\n%s", res, want)
	}
	back, err := DecodeBatchRequest(req, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0].Path != "/data/tasks" || back[1].Msg.Size != 0 {
		t.Fatalf("decoded %+v", back)
	}
	// A request body is not a response body, nor the other way round.
	if _, err := DecodeBatchResponse(req, DefaultLimits); !errors.Is(err, ErrMalformed) {
		t.Fatalf("request read as response: %v", err)
	}
	if _, err := DecodeBatchRequest(res[len("prefix:"):], DefaultLimits); !errors.Is(err, ErrMalformed) {
		t.Fatalf("response read as request: %v", err)
	}
}

func TestBatch_Empty(t *testing.T) {
	for _, in := range []string{`[]`, ` [ ] `, "\xef\xbb\xbf[]"} {
		got, err := DecodeBatchRequest([]byte(in), DefaultLimits)
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("%q: %v, %v", in, got, err)
		}
	}
	if got := string(AppendBatchResponse(nil, nil)); got != "[]" {
		t.Fatalf("empty response %s", got)
	}
}

func TestBatch_Paths(t *testing.T) {
	// Paths are decoded as JSON.parse decodes them and written as
	// JSON.stringify writes them: "/" is not escaped, non-ASCII is raw.
	in := `[{"msg":{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":0},"path":"\/data\/caf\u00e9 \"x\"","extra":1}]`
	got, err := DecodeBatchRequest([]byte(in), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Path != `/data/café "x"` {
		t.Fatalf("path %q", got[0].Path)
	}
	out := string(AppendBatchRequest(nil, got))
	if !strings.HasPrefix(out, `[{"path":"/data/café \"x\"","msg":`) {
		t.Fatalf("encoded %s", out)
	}
}

func TestBatch_Rejects(t *testing.T) {
	m := `{"ver":1,"f":{"__t":"E","__v":{"d":"AA==","s":[5]}},"s":0}`
	for name, in := range map[string]string{
		"object body":    `{"path":"/a","msg":` + m + `}`,
		"string body":    `"[]"`,
		"entry string":   `["/a"]`,
		"entry null":     `[null]`,
		"missing path":   `[{"msg":` + m + `}]`,
		"missing msg":    `[{"path":"/a"}]`,
		"path number":    `[{"path":1,"msg":` + m + `}]`,
		"path null":      `[{"path":null,"msg":` + m + `}]`,
		"msg null":       `[{"path":"/a","msg":null}]`,
		"bad second":     `[{"path":"/a","msg":` + m + `},{"path":"/b","msg":{}}]`,
		"invalid JSON":   `[{"path":"/a","msg":` + m + `}`,
		"trailing comma": `[{"path":"/a","msg":` + m + `},]`,
		"BOM twice":      "\xef\xbb\xbf\xef\xbb\xbf[]",
	} {
		if _, err := DecodeBatchRequest([]byte(in), DefaultLimits); !errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := DecodeBatchRequest([]byte(`[{"path":"/data/x","msg":{}}]`), DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), `entry 0: "msg" of "/data/x": missing "ver"`) {
		t.Fatalf("error does not say where: %v", err)
	}
}

// TestBatch_RepeatedKeys: JSON.parse keeps the last of repeated keys, so a
// bad value followed by a good one is fine and the reverse is not; commits
// of a replaced value do not count against the limit.
func TestBatch_RepeatedKeys(t *testing.T) {
	f := `"f":{"__t":"E","__v":{"d":"AA==","s":[5]}}`
	good := `{"ver":1,` + f + `,"s":0,"c":[{},{}]}`
	lim := Limits{MaxCommits: 2}
	for in, ok := range map[string]bool{
		`[{"path":"/a","msg":"x","msg":` + good + `}]`:                         true,
		`[{"path":"/a","msg":` + good + `,"msg":"x"}]`:                         false,
		`[{"path":"/a","msg":` + good + `,"msg":` + good + `}]`:                true,
		`[{"path":"/a","msg":{"ver":1,"c":[{}],"c":[{},{}],` + f + `,"s":0}}]`: true,
		`[{"path":"/a","msg":{"ver":1,"c":7,"c":[{},{}],` + f + `,"s":0}}]`:    true,
		`[{"path":"/a","msg":{"ver":1,"c":[{},{}],"c":7,` + f + `,"s":0}}]`:    false,
		`[{"path":"/a","msg":{"c":[{},{}]},"msg":` + good + `}]`:               true,
		`[{"path":"/a","msg":` + good + `},{"path":"/b","msg":` + good + `}]`:  false, // 4 commits in the batch
	} {
		got, err := DecodeBatchRequest([]byte(in), lim)
		if ok && (err != nil || len(got[0].Msg.Commits) != 2) {
			t.Errorf("%s: %v", in, err)
		}
		if !ok && err == nil {
			t.Errorf("%s: accepted", in)
		}
	}
}
