package jsonlog

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"

	"goatdb/internal/vfs"
)

// failNth makes the n-th call of op (1-based) fail with err.
func failNth(op string, n int32, err error) vfs.FaultFunc {
	var calls atomic.Int32
	return func(o, _ string) error {
		if o == op && calls.Add(1) == n {
			return err
		}
		return nil
	}
}

func TestWriteFailureIsSticky(t *testing.T) {
	m, l := openEmpty(t, quiet)
	l.Append([]byte(objA))
	if err := l.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	m.SetFault(failNth(vfs.OpWrite, 1, syscall.ENOSPC))
	l.Append([]byte(objB))
	err := l.Flush(t.Context())
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Flush = %v, want ENOSPC", err)
	}
	if !errors.Is(l.Err(), syscall.ENOSPC) {
		t.Errorf("Err = %v", l.Err())
	}
	// The error stays even though the next write would succeed.
	l.Append([]byte(objC))
	if err := l.Flush(t.Context()); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("second Flush = %v, want the sticky ENOSPC", err)
	}
	if b, _ := m.ReadFile("/log.jsonl"); string(b) != objA+"\n" {
		t.Errorf("wrote after a failure without being closed: %q", b)
	}
	for seed := range uint64(20) {
		lines, _ := readLog(t, m.Crash(rand.New(rand.NewPCG(seed, 0))), "/log.jsonl")
		if len(lines) == 0 || string(lines[0]) != objA {
			t.Fatalf("seed %d: flushed line lost: %q", seed, strs(lines))
		}
	}
	// Close makes a last attempt, which succeeds, but reports the failure.
	if err := l.Close(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Close = %v, want ENOSPC", err)
	}
	lines, st := readLog(t, m, "/log.jsonl")
	if !slices.Equal(strs(lines), []string{objA, objB, objC}) || st.Unparsable != 0 {
		t.Errorf("after Close: %q, %+v", strs(lines), st)
	}
}

func TestShortWriteRestartsOnAFreshLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int // bytes of "B\nC\n" the failing write stores
		file  string
		stats Stats
	}{
		{"nothing", 0, objA + "\n\n" + objB + "\n" + objC + "\n", Stats{Records: 3, Blank: 1}},
		{"mid line", 5, objA + "\n" + objB[:5] + "\n" + objB + "\n" + objC + "\n", Stats{Records: 3, Unparsable: 1}},
		{"line without newline", len(objB), objA + "\n" + objB + "\n" + objB + "\n" + objC + "\n", Stats{Records: 4}},
		{"whole line", len(objB) + 1, objA + "\n" + objB + "\n\n" + objC + "\n", Stats{Records: 3, Blank: 1}},
		{"mid second line", len(objB) + 3, objA + "\n" + objB + "\n" + objC[:2] + "\n" + objC + "\n", Stats{Records: 3, Unparsable: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, l := openEmpty(t, quiet)
			l.Append([]byte(objA))
			if err := l.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			m.SetFault(failNth(vfs.OpWrite, 1, &vfs.ShortWrite{N: tc.n, Err: syscall.ENOSPC}))
			l.Append([]byte(objB), []byte(objC))
			if err := l.Flush(t.Context()); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Flush = %v, want ENOSPC", err)
			}
			if err := l.Close(); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Close = %v, want ENOSPC", err)
			}
			if b, _ := m.ReadFile("/log.jsonl"); string(b) != tc.file {
				t.Errorf("file\n%q\nwant\n%q", b, tc.file)
			}
			lines, st := readLog(t, m, "/log.jsonl")
			st.Bytes = 0
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
			// Every line is there; a line cut at its '\n' can appear twice,
			// which callers deduplicate anyway.
			got := slices.Compact(strs(lines))
			if !slices.Equal(got, []string{objA, objB, objC}) {
				t.Errorf("lines %q", strs(lines))
			}
		})
	}
}

func TestSyncFailureIsSticky(t *testing.T) {
	m, l := openEmpty(t, quiet)
	l.Append([]byte(objA))
	if err := l.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	m.SetFault(failNth(vfs.OpSync, 1, syscall.EIO))
	l.Append([]byte(objB))
	if err := l.Flush(t.Context()); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Flush = %v, want EIO", err)
	}
	for seed := range uint64(20) {
		lines, _ := readLog(t, m.Crash(rand.New(rand.NewPCG(seed, 0))), "/log.jsonl")
		if len(lines) == 0 || string(lines[0]) != objA {
			t.Fatalf("seed %d: flushed line lost: %q", seed, strs(lines))
		}
	}
	l.Append([]byte(objC))
	if err := l.Close(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Close = %v, want EIO", err)
	}
	lines, st := readLog(t, m, "/log.jsonl")
	if !slices.Equal(strs(lines), []string{objA, objB, objC}) || st.Unparsable != 0 {
		t.Errorf("after Close: %q, %+v", strs(lines), st)
	}
}

func TestFailedFlushWakesWaiters(t *testing.T) {
	m, l := openEmpty(t, quiet)
	c := newOpCounter(vfs.OpWrite)
	m.SetFault(func(op, name string) error {
		c.fault(op, name)
		if op == vfs.OpWrite {
			return syscall.EIO
		}
		return nil
	})
	l.Append([]byte(objA))
	<-c.held
	errs := make(chan error, 10)
	for range 10 {
		go func() { errs <- l.Flush(t.Context()) }()
	}
	waitFor(l.state(func(l *Log) bool { return l.want == l.queued }))
	close(c.resume)
	for range 10 {
		if err := <-errs; !errors.Is(err, syscall.EIO) {
			t.Errorf("Flush = %v, want EIO", err)
		}
	}
	l.Close()
}
