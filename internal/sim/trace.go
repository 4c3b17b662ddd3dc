package sim

import "fmt"

// Trace keeps the last lines logged to it, a bounded record of what led up
// to a failure: keeping everything would cost memory on long runs whose
// early history rarely matters. It is not safe for concurrent use.
type Trace struct {
	lines []string // ring buffer, oldest at next once full
	next  int
	total int
}

// NewTrace returns a trace that keeps the last k lines.
func NewTrace(k int) *Trace {
	if k <= 0 {
		panic(fmt.Sprintf("sim: trace of %d lines", k))
	}
	return &Trace{lines: make([]string, 0, k)}
}

// Logf records one line. Its signature fits Network.SetTrace, and callers
// may log their own events into the same trace.
func (t *Trace) Logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.total++
	if len(t.lines) < cap(t.lines) {
		t.lines = append(t.lines, line)
		return
	}
	t.lines[t.next] = line
	t.next = (t.next + 1) % len(t.lines)
}

// Lines returns the lines kept, oldest first.
func (t *Trace) Lines() []string {
	out := make([]string, 0, len(t.lines))
	out = append(out, t.lines[t.next:]...)
	return append(out, t.lines[:t.next]...)
}

// Total returns how many lines were logged, kept or not.
func (t *Trace) Total() int { return t.total }

// Dump writes the lines kept through log, one call per line, saying first
// how many older lines were forgotten. It takes testing.T's Log method:
// trace.Dump(t.Log).
func (t *Trace) Dump(log func(args ...any)) {
	if lost := t.total - len(t.lines); lost > 0 {
		log(fmt.Sprintf("(%d earlier trace lines not kept)", lost))
	}
	for _, line := range t.Lines() {
		log(line)
	}
}
