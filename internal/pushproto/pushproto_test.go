package pushproto

import (
	"bytes"
	"errors"
	"testing"
)

func TestCommitsRoundTrip(t *testing.T) {
	lines := [][]byte{[]byte(`{"id":"a","k":"x"}`), []byte(`{"id":"b","k":"y","c":{"r":{"d":{"t":"\u00e9"}}}}`)}
	frame := AppendCommits(nil, "/data/tasks", lines)
	if TypeOf(frame) != TypeCommits {
		t.Fatalf("type of %s", frame)
	}
	f, err := DecodeCommits(frame)
	if err != nil || f.Path != "/data/tasks" || len(f.Commits) != 2 {
		t.Fatalf("%+v %v", f, err)
	}
	for i := range lines {
		if !bytes.Equal(f.Commits[i], lines[i]) {
			t.Errorf("commit %d: %s, want %s byte for byte", i, f.Commits[i], lines[i])
		}
	}
	if TypeOf(AppendHello(nil, `sig"with\quotes`)) != TypeHello || TypeOf(AppendWelcome(nil, "s")) != TypeWelcome {
		t.Fatal("hello or welcome frames do not decode")
	}
}

func TestDecodeCommitsRejects(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{"t":"c"}`, `{"t":"hello","path":"/a/b","c":[]}`,
		`{"t":"c","path":"/a/b","c":[1]}`, `{"t":"c","path":"/a/b","c":["x"]}`, `{"t":"c","path":3,"c":[]}`} {
		if _, err := DecodeCommits([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzDecodeCommits(f *testing.F) {
	f.Add([]byte(`{"t":"c","path":"/data/tasks","c":[{"id":"a"}]}`))
	f.Add(AppendCommits(nil, "/x/y", [][]byte{[]byte(`{}`)}))
	f.Add([]byte(`{"t":"hello","sig":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeCommits(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to a frame that decodes the same.
		again, err := DecodeCommits(AppendCommits(nil, fr.Path, fr.Commits))
		if err != nil || again.Path != fr.Path || len(again.Commits) != len(fr.Commits) {
			t.Fatalf("round trip of %q: %+v %v", b, again, err)
		}
	})
}
