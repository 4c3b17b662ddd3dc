package jsonlog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"goatdb/internal/vfs"
)

func openEmpty(t *testing.T, opts Options) (*vfs.MemFS, *Log) {
	t.Helper()
	m := vfs.NewMem()
	l, _, err := Open(m, "/log.jsonl", opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, l
}

func TestAppendWritesPlainLines(t *testing.T) {
	m, l := openEmpty(t, quiet)
	l.Append([]byte(objA), nil, []byte{}, []byte(objB))
	l.Append()
	if err := l.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	l.Append([]byte(objC))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := m.ReadFile("/log.jsonl"); string(b) != objA+"\n"+objB+"\n"+objC+"\n" {
		t.Errorf("file %q", b)
	}
}

func TestConcurrentAppends(t *testing.T) {
	const goroutines, each = 50, 200
	m, l := openEmpty(t, quiet)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				l.Append(seqLine(g*each + i))
				if i%50 == 49 {
					if err := l.Flush(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := l.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines, st := readLog(t, m, "/log.jsonl")
	if st.Records != goroutines*each || st.Blank+st.Unparsable+st.TornTailBytes != 0 {
		t.Fatalf("stats %+v", st)
	}
	// Every line is intact, and each goroutine's lines are in its own order.
	last := make([]int, goroutines)
	for i := range last {
		last[i] = -1
	}
	seen := map[int]bool{}
	for _, line := range lines {
		n := seqOf(t, line)
		g, i := n/each, n%each
		if seen[n] || i <= last[g] {
			t.Fatalf("seq %d duplicated or out of order", n)
		}
		seen[n], last[g] = true, i
	}
}

func TestAppendPreservesCallOrder(t *testing.T) {
	m, l := openEmpty(t, Options{Logger: quiet.Logger, BatchDelay: time.Millisecond})
	for i := range 1000 {
		l.Append(seqLine(i))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines, _ := readLog(t, m, "/log.jsonl")
	for i, line := range lines {
		if seqOf(t, line) != i {
			t.Fatalf("line %d holds seq %d", i, seqOf(t, line))
		}
	}
	if len(lines) != 1000 {
		t.Fatalf("%d lines", len(lines))
	}
}

func TestOneWritePerBatch(t *testing.T) {
	m, l := openEmpty(t, quiet)
	c := newOpCounter(vfs.OpWrite)
	m.SetFault(c.fault)
	l.Append(seqLine(0))
	<-c.held // the writer is inside its first write
	for i := 1; i <= 100; i++ {
		l.Append(seqLine(i)) // must not wait for that write
	}
	close(c.resume)
	if err := l.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := c.count(vfs.OpWrite); n != 2 {
		t.Errorf("%d write calls for 2 batches", n)
	}
	if n := c.count(vfs.OpSync); n != 1 {
		t.Errorf("%d syncs for 1 flush", n)
	}
	l.Close()
}

func TestNoSyncWithoutFlush(t *testing.T) {
	m, l := openEmpty(t, quiet)
	c := newOpCounter("")
	m.SetFault(c.fault)
	for i := range 10 {
		l.Append(seqLine(i))
	}
	waitFor(l.state(func(l *Log) bool { return l.written == l.queued }))
	if n := c.count(vfs.OpSync); n != 0 {
		t.Errorf("%d syncs without a Flush", n)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if n := c.count(vfs.OpSync); n != 1 {
		t.Errorf("%d syncs by Close, want 1", n)
	}
	if err := l.Flush(t.Context()); err == nil {
		t.Error("Flush after Close succeeded")
	}
}

func TestConcurrentFlushesShareOneSync(t *testing.T) {
	const flushers = 20
	m, l := openEmpty(t, quiet)
	c := newOpCounter(vfs.OpSync)
	m.SetFault(c.fault)
	l.Append(seqLine(0))
	first := make(chan error, 1)
	go func() { first <- l.Flush(context.Background()) }()
	<-c.held // the first fsync is in progress

	var wg sync.WaitGroup
	for i := 1; i <= flushers; i++ {
		wg.Go(func() {
			l.Append(seqLine(i))
			if err := l.Flush(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	total := int64(len(seqsBytes(0, flushers)))
	waitFor(l.state(func(l *Log) bool { return l.want == total && l.queued == total }))
	close(c.resume)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if n := c.count(vfs.OpSync); n != 2 {
		t.Errorf("%d syncs; want 2: the one in progress and one shared by %d flushes", n, flushers)
	}
	l.Close()
}

// seqsBytes is the number of bytes lines first..last take in the file.
func seqsBytes(first, last int) []byte {
	var b []byte
	for i := first; i <= last; i++ {
		b = append(append(b, seqLine(i)...), '\n')
	}
	return b
}

func TestFlushHonoursContext(t *testing.T) {
	m, l := openEmpty(t, quiet)
	c := newOpCounter(vfs.OpSync)
	m.SetFault(c.fault)
	l.Append(seqLine(0))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- l.Flush(ctx) }()
	<-c.held
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Flush = %v, want context.Canceled", err)
	}
	close(c.resume)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if lines, _ := readLog(t, m, "/log.jsonl"); len(lines) != 1 {
		t.Errorf("%d lines", len(lines))
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	m, l := openEmpty(t, quiet)
	l.Append([]byte(objA))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	l.Append([]byte(objB)) // dropped
	if err := l.Flush(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close = %v, want ErrClosed", err)
	}
	if b, _ := m.ReadFile("/log.jsonl"); string(b) != objA+"\n" {
		t.Errorf("file %q", b)
	}
}

func TestConcurrentClose(t *testing.T) {
	_, l := openEmpty(t, quiet)
	l.Append([]byte(objA))
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if err := l.Close(); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if err := l.Flush(context.Background()); err != nil && !errors.Is(err, ErrClosed) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestAppendRejectsNewlines(t *testing.T) {
	m, l := openEmpty(t, quiet)
	defer l.Close()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "newline") {
			t.Errorf("recover() = %v, want a panic about the newline", r)
		}
		l.Close()
		if b, _ := m.ReadFile("/log.jsonl"); len(b) != 0 {
			t.Errorf("part of a rejected call was written: %q", b)
		}
	}()
	l.Append([]byte(objA), []byte("{\n}"))
}

func TestBatchDelayStillFlushes(t *testing.T) {
	m, l := openEmpty(t, Options{Logger: quiet.Logger, BatchDelay: 2 * time.Millisecond})
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			l.Append(seqLine(i))
			if err := l.Flush(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Close must cut the delay short rather than wait it out; this only
	// checks it finishes.
	l.Append(seqLine(10))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines, _ := readLog(t, m, "/log.jsonl")
	var seqs []int
	for _, line := range lines {
		seqs = append(seqs, seqOf(t, line))
	}
	slices.Sort(seqs)
	if !slices.Equal(seqs, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Errorf("seqs %v", seqs)
	}
}
