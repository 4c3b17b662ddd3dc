package jsonlog

import (
	"bytes"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"goatdb/internal/vfs"
)

var quiet = Options{Logger: slog.New(slog.DiscardHandler)}

// seqLine is the line the tests append for sequence number n. Its padding
// varies with n so that writes and torn tails come in many sizes, and it is
// a pure function of n so a reader can check every line byte for byte.
func seqLine(n int) []byte {
	b := strconv.AppendInt([]byte(`{"seq":`), int64(n), 10)
	b = append(b, `,"pad":"`...)
	b = append(b, seqPad(n)...)
	return append(b, `"}`...)
}

var pads = func() (p [26]string) {
	for i := range p {
		p[i] = strings.Repeat(string(rune('a'+i)), 600)
	}
	return p
}()

func seqPad(n int) string { return pads[n%26][:n*7919%600] }

// seqOf returns the sequence number of a line written by seqLine, failing
// the test unless the line is exactly that. It allocates nothing, because
// the kill test checks tens of thousands of lines per run.
func seqOf(t testing.TB, line []byte) int {
	t.Helper()
	rest, ok := bytes.CutPrefix(line, []byte(`{"seq":`))
	digits, rest, _ := bytes.Cut(rest, []byte(","))
	n, err := strconv.Atoi(string(digits))
	if ok && err == nil && n >= 0 {
		rest, ok = bytes.CutPrefix(rest, []byte(`"pad":"`))
		pad, ok2 := bytes.CutSuffix(rest, []byte(`"}`))
		if ok && ok2 && string(pad) == seqPad(n) {
			return n
		}
	}
	t.Fatalf("line is not a sequence line, or is garbled: %.120q", line)
	return 0
}

// readLog opens path, collects copies of its records and closes it again.
func readLog(t testing.TB, fsys vfs.FS, path string) ([][]byte, Stats) {
	t.Helper()
	var lines [][]byte
	l, st, err := Open(fsys, path, quiet, func(r Record) error {
		lines = append(lines, slices.Clone(r.Line))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return lines, st
}

func strs(lines [][]byte) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return out
}

// opCounter counts MemFS operations and can hold the first of a kind back.
type opCounter struct {
	mu     sync.Mutex
	counts map[string]int
	holdOp string
	held   chan struct{} // closed when the held operation has started
	resume chan struct{} // close to let it continue
}

func newOpCounter(holdOp string) *opCounter {
	return &opCounter{counts: map[string]int{}, holdOp: holdOp, held: make(chan struct{}), resume: make(chan struct{})}
}

func (c *opCounter) fault(op, _ string) error {
	c.mu.Lock()
	c.counts[op]++
	hold := op == c.holdOp && c.counts[op] == 1
	c.mu.Unlock()
	if hold {
		close(c.held)
		<-c.resume
	}
	return nil
}

func (c *opCounter) count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[op]
}

// waitFor yields until cond holds. The tests use it to wait for the writer
// goroutine to reach a state that no channel announces.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

func (l *Log) state(f func(l *Log) bool) func() bool {
	return func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return f(l)
	}
}
