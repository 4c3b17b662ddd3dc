package jsonlog

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"goatdb/internal/vfs"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestReadOnlyNeverWrites(t *testing.T) {
	fsys := vfs.NewMem()
	torn := []byte("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\nnot json\n{\"id\":\"c\"}\n{\"id\":\"d\",\"x\":")
	fsys.MkdirAll("/d", 0o755)
	if err := fsys.WriteFile("/d/log.jsonl", torn, 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	l, st, err := Open(fsys, "/d/log.jsonl", Options{ReadOnly: true, Logger: discard}, func(r Record) error {
		got = append(got, string(r.Line))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || st.Unparsable != 1 || st.TornTailBytes == 0 {
		t.Fatalf("records %q stats %+v", got, st)
	}
	l.Append([]byte(`{"id":"e"}`))
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := fsys.ReadFile("/d/log.jsonl")
	if !bytes.Equal(after, torn) {
		t.Fatalf("read-only open changed the file:\n%q", after)
	}
	// A missing file is read as empty and not created.
	l, _, err = Open(fsys, "/d/missing.jsonl", Options{ReadOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := fsys.Stat("/d/missing.jsonl"); err == nil {
		t.Fatal("read-only open created a file")
	}
}

func TestCallerValidates(t *testing.T) {
	fsys := vfs.NewMem()
	data := []byte("{\"id\":\"a\"}\nnot json\n\n{\"id\":\"b\"}\n{\"id\":\"c\",")
	fsys.WriteFile("/log.jsonl", data, 0o644)
	var got []string
	l, st, err := Open(fsys, "/log.jsonl", Options{CallerValidates: true, Logger: discard}, func(r Record) error {
		got = append(got, string(r.Line))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// The interior garbage reaches the caller; the torn tail is still cut.
	if len(got) != 3 || got[1] != "not json" || st.TornTailBytes != int64(len(`{"id":"c",`)) {
		t.Fatalf("records %q stats %+v", got, st)
	}
	if IsObject([]byte("not json")) || !IsObject([]byte(` {"a":[1]} `)) || IsObject([]byte(`[1]`)) {
		t.Fatal("IsObject")
	}
}

// TestFlushCutsBatchDelayShort: a long BatchDelay gathers appends, but a
// Flush must not wait for it.
func TestFlushCutsBatchDelayShort(t *testing.T) {
	fsys := vfs.NewMem()
	l, _, err := Open(fsys, "/log.jsonl", Options{BatchDelay: time.Hour, Logger: discard}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Append([]byte(`{"id":"a"}`))
	l.Append([]byte(`{"id":"b"}`))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Flush(ctx); err != nil {
		t.Fatalf("Flush waited for the batch delay: %v", err)
	}
	got, _ := fsys.ReadFile("/log.jsonl")
	if string(got) != "{\"id\":\"a\"}\n{\"id\":\"b\"}\n" {
		t.Fatalf("file %q", got)
	}
}
