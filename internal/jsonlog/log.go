package jsonlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"goatdb/internal/vfs"
)

// ErrClosed is returned by Flush on a closed Log.
var ErrClosed = errors.New("jsonlog: log is closed")

// Log appends lines to an open log file. Its methods are safe for
// concurrent use.
//
// Positions below (queued, written, synced, want) count the bytes of
// appended lines including their '\n', from the moment the Log was opened;
// they say how far each stage has got, not where bytes sit in the file.
type Log struct {
	f      vfs.File
	path   string
	logger *slog.Logger
	delay  time.Duration

	wake    chan struct{} // capacity 1: the writer has something to look at
	closing chan struct{} // closed by Close
	done    chan struct{} // closed when the writer goroutine exits

	mu      sync.Mutex
	pending []byte // appended lines not yet taken by the writer
	queued  int64
	written int64
	synced  int64
	want    int64 // the furthest position a Flush waits to see synced
	err     error // the first write or sync failure, reported ever after
	closed  bool
	changed chan struct{} // closed and replaced when synced or err change
	spare   []byte        // a drained batch buffer, handed back to pending

	// Owned by the writer goroutine.
	retry        []byte // lines taken for a write that failed, oldest first
	unterminated bool   // the file may not end with '\n'

	closeOnce sync.Once
	closeErr  error
	readOnly  bool // opened with Options.ReadOnly: no writer, f may be nil
}

func newLog(f vfs.File, path string, logger *slog.Logger, delay time.Duration) *Log {
	return &Log{
		f:       f,
		path:    path,
		logger:  logger,
		delay:   delay,
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
		changed: make(chan struct{}),
	}
}

// Append queues lines to be written in order, each followed by '\n'. Lines
// must be single-line (compact) JSON; a line containing '\n' would corrupt
// the file's structure, so Append panics on one. Empty lines are ignored.
// Append copies the lines and returns without waiting for any I/O; use Flush
// to wait until they are durable. Lines appended by one call stay together.
//
// Lines appended after Close are dropped, and logged as an error.
func (l *Log) Append(lines ...[]byte) {
	for _, line := range lines {
		if bytes.IndexByte(line, '\n') >= 0 {
			panic(fmt.Sprintf("jsonlog: Append to %s: line contains a newline", l.path))
		}
	}
	l.mu.Lock()
	if l.closed || l.readOnly {
		l.mu.Unlock()
		l.logger.Error("jsonlog: lines appended to a closed or read-only log were dropped", "path", l.path, "lines", len(lines))
		return
	}
	// Lines already pending mean the writer has been woken and has not
	// taken them yet; it will take these too. Waking it only on the first
	// line of a batch spares a channel operation, and often a thread
	// wake-up, per append.
	wasIdle := len(l.pending) == 0
	for _, line := range lines {
		if len(line) > 0 {
			l.pending = append(append(l.pending, line...), '\n')
			l.queued += int64(len(line)) + 1
		}
	}
	l.mu.Unlock()
	if wasIdle {
		l.poke()
	}
}

func (l *Log) poke() {
	select {
	case l.wake <- struct{}{}:
	default: // a wake-up is already pending; it will see this work too
	}
}

// Flush waits until every line appended before the call has been written
// and fsynced, the write path has failed, or ctx is done. It returns the
// Log's error if any write or sync has ever failed, since after such a
// failure it can no longer vouch for what is on disk; a caller that wants to
// go on should Close the Log and Open the file again.
func (l *Log) Flush(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.err != nil:
		return l.err
	case l.closed:
		return ErrClosed
	}
	target := l.queued
	if l.synced >= target {
		return nil
	}
	l.want = max(l.want, target)
	l.poke()
	for l.synced < target && l.err == nil {
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			l.mu.Lock()
			return ctx.Err()
		}
		l.mu.Lock()
	}
	return l.err
}

// Err returns the first write or sync failure, or nil.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Close writes and fsyncs everything appended, stops the writer and closes
// the file. After a failure it makes one last attempt to write what is
// still unwritten, but still returns the failure. Calling it again returns
// the same result.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()
		close(l.closing)
		<-l.done
		err := l.Err()
		if l.f == nil {
			return
		}
		if cerr := l.f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("jsonlog: closing %s: %w", l.path, cerr)
		}
		l.closeErr = err
	})
	return l.closeErr
}
