package commit

import (
	"bytes"
	"reflect"
	"testing"
)

func FuzzParse(f *testing.F) {
	_, lines := fixtureLines(f)
	// A full commit, a delta, a merge and a session commit with escapes.
	picks := map[string][]byte{}
	for _, l := range lines {
		switch {
		case bytes.Contains(l, []byte(`"mb":`)):
			picks["merge"] = l
		case bytes.Contains(l, []byte(`"c":{"b":`)):
			picks["delta"] = l
		case bytes.Contains(l, []byte(`sessions/1`)):
			picks["session"] = l
		default:
			picks["full"] = l
		}
	}
	for _, l := range picks {
		f.Add(l)
		f.Add(l[:len(l)/2])                                     // torn write
		f.Add(l[:len(l)-1])                                     // lost closing brace
		f.Add(bytes.Replace(l, []byte(`":`), []byte(`" :`), 3)) // spacing
		f.Add(bytes.Replace(l, []byte(`,`), []byte(`;`), 1))    // garbled separator
		f.Add(bytes.Replace(l, []byte(`"id"`), []byte(`"\u0069d"`), 1))
		g := bytes.Clone(l)
		g[len(g)/3] ^= 0x80 // a flipped bit
		f.Add(g)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(`{"id":"\ud800","k":"","s":"","c":{"b":"","e":{}},"ts":-0,"ver":1e300}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := Parse(line)
		if err != nil {
			return
		}
		if !validJSON(line) {
			t.Fatalf("accepted invalid JSON %q", line)
		}
		enc := c.Encode()
		c2, err := Parse(enc)
		if err != nil {
			t.Fatalf("Parse(Encode(c)) failed: %v\nline %q\nenc  %q", err, line, enc)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip changed the commit\n got %+v\nwant %+v", c2, c)
		}
		if enc2 := c2.Encode(); !bytes.Equal(enc, enc2) {
			t.Fatalf("Encode not stable\n%q\n%q", enc, enc2)
		}
	})
}
