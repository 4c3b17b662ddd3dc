package commit

import (
	"bytes"
	"testing"

	"goatdb/internal/jsjson"
)

func TestEncodePresenceRules(t *testing.T) {
	c := &Commit{
		Ver: 50595584, ID: "c1", Key: "k1", Session: "sess1", TS: 1700000000000, Org: "localhost",
		Record: []byte(`{"s":"test/1","d":{"title":"hi"},"n":true,"cs":"2125109973"}`),
	}
	want := `{"ver":50595584,"id":"c1","k":"k1","s":"sess1","ts":1700000000000,"org":"localhost","c":{"r":{"s":"test/1","d":{"title":"hi"},"n":true,"cs":"2125109973"}},"cid":""}`
	if got := c.Encode(); string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if !bytes.Equal(c.Raw, []byte(want)) {
		t.Fatal("Encode did not set Raw")
	}

	c = &Commit{
		Ver: 50595584, ID: "m", Key: "k", Session: "s", TS: 1, Org: "o",
		Parents: []string{"p1", "p2"}, AF: []byte(`{"d":"AA==","s":[1,2,3]}`), AC: 6,
		Base: "b1", Edit: []byte(`{"sc":"1","dc":"2","c":{}}`),
		Sig: "sig_==", MergeBase: "mb1", MergeLeader: "ml1", ConnID: "cid1",
	}
	want = `{"ver":50595584,"id":"m","k":"k","s":"s","ts":1,"org":"o","p":["p1","p2"],"af":{"d":"AA==","s":[1,2,3]},"ac":6,"c":{"b":"b1","e":{"sc":"1","dc":"2","c":{}}},"sig":"sig_==","mb":"mb1","ml":"ml1","cid":"cid1"}`
	if got := c.Encode(); string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	raw := c.Raw
	wantUnsigned := `{"ver":50595584,"id":"m","k":"k","s":"s","ts":1,"org":"o","p":["p1","p2"],"af":{"d":"AA==","s":[1,2,3]},"ac":6,"c":{"b":"b1","e":{"sc":"1","dc":"2","c":{}}},"mb":"mb1","ml":"ml1","cid":"cid1"}`
	if got := c.EncodeUnsigned(); string(got) != wantUnsigned {
		t.Fatalf("unsigned: got  %s\nwant %s", got, wantUnsigned)
	}
	if &c.Raw[0] != &raw[0] {
		t.Fatal("EncodeUnsigned replaced Raw")
	}
}

func TestEncodeStringsAsJavaScript(t *testing.T) {
	c := &Commit{ID: "<&>\u2028\"\\\x01", Key: "🐐", Session: "s", Record: []byte(`{}`), ConnID: "c"}
	want := `{"ver":0,"id":"<&>` + "\u2028" + `\"\\\u0001","k":"🐐","s":"s","ts":0,"org":"","c":{"r":{}},"cid":"c"}`
	if got := c.Encode(); string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestEncodeWithoutContents(t *testing.T) {
	c := &Commit{ID: "a", Key: "k", Session: "s"}
	if _, err := Parse(c.Encode()); err == nil {
		t.Fatal("a commit without contents encoded to something Parse accepts")
	}
}

func TestAncestors(t *testing.T) {
	af, ac := NewAncestors([]string{"x1", "x2", "x3", "x2"})
	if ac != 3 {
		t.Fatalf("ac = %d", ac)
	}
	c := &Commit{ID: "a", Key: "k", Session: "s", AF: af, AC: ac, Record: []byte(`{}`)}
	parsed, err := Parse(c.Encode())
	if err != nil {
		t.Fatal(err)
	}
	f, err := parsed.Ancestors()
	if err != nil {
		t.Fatal(err)
	}
	if f.ByteSize() != 2 || f.NumHashes() != 3 {
		t.Fatalf("filter of 3: %d bytes, %d hashes; upstream sizes it 2 / 3", f.ByteSize(), f.NumHashes())
	}
	for _, id := range []string{"x1", "x2", "x3"} {
		if !f.Has(id) {
			t.Fatalf("filter lost %s", id)
		}
	}

	af, ac = NewAncestors(nil)
	if ac != 0 || len(af) == 0 {
		t.Fatalf("no ancestors: af %s, ac %d", af, ac)
	}

	none := &Commit{ID: "a"}
	f, err = none.Ancestors()
	if err != nil || f.ByteSize() != 1 || f.Has("a") {
		t.Fatalf("commit without af: %v, %v", f, err)
	}

	bad := &Commit{ID: "a", AF: []byte(`{"d":"","s":[1]}`)}
	if _, err := bad.Ancestors(); err == nil {
		t.Fatal("accepted an empty filter")
	}
}

func TestAppendJSStringMatchesJSJSON(t *testing.T) {
	for _, s := range []string{
		"", "a", "abcdefgh", "abcdefghi", "i1vyq0r33rzg716856sr2f3x", "pmrgsir2ejtxsojwpb4gs5linjudq2lghbsg_==",
		`a"b`, `abcdefgh\`, "abcdefg\x1f", "\x7f", "é", "abcdefgé", "🐐 goat", "\u2028<&>",
		"bad \xff utf8", "abcdefgh\xc3", "\ufffd",
	} {
		if got, want := appendJSString(nil, s), jsjson.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSString(f *testing.F) {
	f.Add("i1vyq0r33rzg716856sr2f3x")
	f.Add("abcdefgh\"")
	f.Add("héllo\x01")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSString(nil, s), jsjson.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}
