package jsonlog

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"goatdb/internal/vfs"
)

const (
	objA = `{"id":"a"}`
	objB = `{"id":"b","n":[1,2]}`
	objC = `{"id":"c"}`
)

type readCase struct {
	name       string
	file       string
	want       []string
	offsets    []int64
	stats      Stats
	afterOpen  string // file contents after Open, before any append
	afterWrite string // file contents after appending objC and closing
}

var readCases = []readCase{
	{
		name: "empty", file: "",
		afterOpen: "", afterWrite: objC + "\n",
	},
	{
		name: "upstream blank lines", file: "\n" + objA + "\n\n" + objB + "\n",
		want: []string{objA, objB}, offsets: []int64{1, 13},
		stats:      Stats{Records: 2, Blank: 2},
		afterOpen:  "\n" + objA + "\n\n" + objB + "\n",
		afterWrite: "\n" + objA + "\n\n" + objB + "\n" + objC + "\n",
	},
	{
		name: "CRLF and whitespace", file: objA + "\r\n\r\n  \t\r\n " + objB + " \r\n",
		want: []string{objA, objB}, offsets: []int64{0, 20},
		stats:      Stats{Records: 2, Blank: 2},
		afterOpen:  objA + "\r\n\r\n  \t\r\n " + objB + " \r\n",
		afterWrite: objA + "\r\n\r\n  \t\r\n " + objB + " \r\n" + objC + "\n",
	},
	{
		name: "torn tail cut at line start", file: objA + "\n\n" + `{"id":"b","n":[1`,
		want: []string{objA}, offsets: []int64{0},
		stats:      Stats{Records: 1, Blank: 1, TornTailBytes: 16},
		afterOpen:  objA + "\n\n",
		afterWrite: objA + "\n\n" + objC + "\n",
	},
	{
		name: "torn tail of zeros", file: objA + "\n\x00\x00\x00",
		want: []string{objA}, offsets: []int64{0},
		stats:      Stats{Records: 1, TornTailBytes: 3},
		afterOpen:  objA + "\n",
		afterWrite: objA + "\n" + objC + "\n",
	},
	{
		name: "torn whitespace tail", file: objA + "\n \r",
		want: []string{objA}, offsets: []int64{0},
		stats:      Stats{Records: 1, TornTailBytes: 2},
		afterOpen:  objA + "\n",
		afterWrite: objA + "\n" + objC + "\n",
	},
	{
		name: "complete object without newline is kept", file: objA + "\n" + objB,
		want: []string{objA, objB}, offsets: []int64{0, 11},
		stats:      Stats{Records: 2},
		afterOpen:  objA + "\n" + objB,
		afterWrite: objA + "\n" + objB + "\n" + objC + "\n",
	},
	{
		name: "interior garbage skipped, not truncated",
		file: objA + "\n" + `{"id":"x"` + "\n[1]\n\"s\"\n" + objB + "\n{}{}\nnot json\n" + objC + "\n",
		want: []string{objA, objB, objC}, offsets: []int64{0, 29, 64},
		stats:      Stats{Records: 3, Unparsable: 5},
		afterOpen:  objA + "\n" + `{"id":"x"` + "\n[1]\n\"s\"\n" + objB + "\n{}{}\nnot json\n" + objC + "\n",
		afterWrite: objA + "\n" + `{"id":"x"` + "\n[1]\n\"s\"\n" + objB + "\n{}{}\nnot json\n" + objC + "\n" + objC + "\n",
	},
	{
		name: "upstream glued line", file: "\n" + objA + "\n\n" + `{"id":"b","n` + "\n" + objC + "\n",
		want: []string{objA, objC}, offsets: []int64{1, 26},
		stats:      Stats{Records: 2, Blank: 2, Unparsable: 1},
		afterOpen:  "\n" + objA + "\n\n" + `{"id":"b","n` + "\n" + objC + "\n",
		afterWrite: "\n" + objA + "\n\n" + `{"id":"b","n` + "\n" + objC + "\n" + objC + "\n",
	},
}

func TestReadRules(t *testing.T) {
	for _, tc := range readCases {
		t.Run(tc.name, func(t *testing.T) {
			m := vfs.NewMem()
			if err := m.WriteFile("/log.jsonl", []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			var got []string
			var offsets []int64
			l, st, err := Open(m, "/log.jsonl", quiet, func(r Record) error {
				got = append(got, string(r.Line))
				offsets = append(offsets, r.Offset)
				if !bytes.Equal(r.Line, []byte(tc.file)[r.Offset:r.Offset+int64(len(r.Line))]) {
					t.Errorf("Offset %d does not locate %q", r.Offset, r.Line)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			tc.stats.Bytes = int64(len(tc.file))
			if !slices.Equal(got, tc.want) || !slices.Equal(offsets, tc.offsets) || st != tc.stats {
				t.Errorf("got %q at %v, %+v\nwant %q at %v, %+v", got, offsets, st, tc.want, tc.offsets, tc.stats)
			}
			if b, _ := m.ReadFile("/log.jsonl"); string(b) != tc.afterOpen {
				t.Errorf("after Open the file is %q, want %q", b, tc.afterOpen)
			}
			l.Append([]byte(objC))
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if b, _ := m.ReadFile("/log.jsonl"); string(b) != tc.afterWrite {
				t.Errorf("after an append the file is %q, want %q", b, tc.afterWrite)
			}
			again, _ := readLog(t, m, "/log.jsonl")
			if want := append(slices.Clone(tc.want), objC); !slices.Equal(strs(again), want) {
				t.Errorf("reopened: %q, want %q", strs(again), want)
			}
		})
	}
}

// Opening and closing a log without appending changes nothing but the cut
// of a torn tail.
func TestReadingDoesNotWrite(t *testing.T) {
	for _, tc := range readCases {
		m := vfs.NewMem()
		if err := m.WriteFile("/log.jsonl", []byte(tc.file), 0o644); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			readLog(t, m, "/log.jsonl")
			if b, _ := m.ReadFile("/log.jsonl"); string(b) != tc.afterOpen {
				t.Errorf("%s: after Open and Close the file is %q, want %q", tc.name, b, tc.afterOpen)
			}
		}
	}
}

func TestDamageIsLoggedWithPathAndOffset(t *testing.T) {
	m := vfs.NewMem()
	if err := m.WriteFile("/log.jsonl", []byte(objA+"\nbroken\n"+objB+"\n{\"id\""), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l, _, err := Open(m, "/log.jsonl", Options{Logger: slog.New(slog.NewTextHandler(&out, nil))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	log := out.String()
	for _, want := range []string{
		`not a JSON object" path=/log.jsonl offset=11 length=6 start="\"broken\""`,
		`torn last line" path=/log.jsonl offset=39 length=5`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestOpenCreatesMissingFileDurably(t *testing.T) {
	m := vfs.NewMem()
	l, st, err := Open(m, "/db/data/notes.jsonl", quiet, func(Record) error {
		t.Error("a new file has no records")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{}) {
		t.Errorf("stats of a new file: %+v", st)
	}
	l.Append([]byte(objA))
	if err := l.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The file and its directories must survive a crash, or the flushed
	// line would vanish with them.
	for seed := range uint64(20) {
		c := m.Crash(rand.New(rand.NewPCG(seed, 0)))
		if got, _ := readLog(t, c, "/db/data/notes.jsonl"); !slices.Equal(strs(got), []string{objA}) {
			t.Fatalf("seed %d: after crash %q", seed, strs(got))
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenOnRealFilesystem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "notes.jsonl")
	l, _, err := Open(vfs.OS, path, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Append([]byte(objA), []byte(objB))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != objA+"\n"+objB+"\n" {
		t.Fatalf("file %q, %v", b, err)
	}
	if err := os.WriteFile(path, []byte(objA+"\n"+objB+"\n{\"id"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, st := readLog(t, vfs.OS, path)
	if !slices.Equal(strs(got), []string{objA, objB}) || st.TornTailBytes != 4 {
		t.Errorf("got %q, %+v", strs(got), st)
	}
	if info, _ := os.Stat(path); info.Size() != int64(len(objA+objB))+2 {
		t.Errorf("torn tail not cut: size %d", info.Size())
	}
}

func TestCallbackErrorStopsOpen(t *testing.T) {
	m := vfs.NewMem()
	file := objA + "\n" + objB + "\n{\"torn"
	if err := m.WriteFile("/log.jsonl", []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	_, _, err := Open(m, "/log.jsonl", quiet, func(Record) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 || !strings.Contains(err.Error(), "/log.jsonl") {
		t.Errorf("Open = %v after %d calls; want the callback's error, with the path, after 1", err, calls)
	}
	if b, _ := m.ReadFile("/log.jsonl"); string(b) != file {
		t.Errorf("failed Open changed the file to %q", b)
	}
}

func TestOpenErrors(t *testing.T) {
	m := vfs.NewMem()
	if err := m.WriteFile("/file", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(m, "/file/log.jsonl", quiet, nil); err == nil || !strings.Contains(err.Error(), "/file/log.jsonl") {
		t.Errorf("Open below a file: %v", err)
	}
	if err := m.WriteFile("/log.jsonl", []byte(objA+"\n{"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.SetFault(func(op, _ string) error {
		if op == vfs.OpTruncate {
			return fs.ErrPermission
		}
		return nil
	})
	if _, _, err := Open(m, "/log.jsonl", quiet, nil); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Open when the torn tail cannot be cut: %v", err)
	}
}

func TestRecordsStayValid(t *testing.T) {
	m := vfs.NewMem()
	if err := m.WriteFile("/log.jsonl", []byte(objA+"\n"+objB+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var kept [][]byte
	l, _, err := Open(m, "/log.jsonl", quiet, func(r Record) error {
		kept = append(kept, r.Line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		l.Append([]byte(objC))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(strs(kept), []string{objA, objB}) {
		t.Errorf("retained records changed: %q", strs(kept))
	}
}
