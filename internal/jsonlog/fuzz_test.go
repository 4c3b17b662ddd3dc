package jsonlog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"goatdb/internal/vfs"
)

// FuzzRead opens arbitrary file contents: Open must not panic, must deliver
// only JSON objects found at their stated offsets, and must leave the file
// so that an appended line comes back after the records it delivered.
func FuzzRead(f *testing.F) {
	for _, tc := range readCases {
		f.Add([]byte(tc.file))
	}
	for _, seed := range []string{
		"\n", "{}", "{}\n{", "\r", "{\"a\":1}\r", "\x00\x00\x00", "{\"a\":\"\xff\"}\n", "[]\n{}\n",
		"{\"a\":1}\n \n\t\n{\"b\":2} \n{\"c\"",
	} {
		f.Add([]byte(seed))
	}
	if b, err := os.ReadFile(filepath.Join(damagedDir, "notes-stage2-after-upstream-recovery-and-append.jsonl")); err == nil {
		f.Add(b)
	}
	const extra = `{"appended":true}`
	f.Fuzz(func(t *testing.T, content []byte) {
		m := vfs.NewMem()
		if err := m.WriteFile("/log.jsonl", content, 0o644); err != nil {
			t.Fatal(err)
		}
		var first [][]byte
		l, st, err := Open(m, "/log.jsonl", quiet, func(r Record) error {
			if !json.Valid(r.Line) || r.Line[0] != '{' {
				t.Fatalf("delivered %q, not a JSON object", r.Line)
			}
			if end := r.Offset + int64(len(r.Line)); r.Offset < 0 || end > int64(len(content)) ||
				!bytes.Equal(content[r.Offset:end], r.Line) {
				t.Fatalf("record %q is not at offset %d", r.Line, r.Offset)
			}
			first = append(first, r.Line)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if st.Records != int64(len(first)) || st.Bytes != int64(len(content)) {
			t.Fatalf("stats %+v for %d records of %d bytes", st, len(first), len(content))
		}
		l.Append([]byte(extra))
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		second, st2 := readLog(t, m, "/log.jsonl")
		if want := append(first, []byte(extra)); !slices.EqualFunc(second, want, bytes.Equal) {
			t.Fatalf("after append and reopen:\n%q\nwant\n%q", second, want)
		}
		if st2.TornTailBytes != 0 || st2.Unparsable != st.Unparsable {
			t.Fatalf("reopened stats %+v after %+v", st2, st)
		}
	})
}
