package jsonlog

import (
	"bytes"
	"fmt"
	"time"
)

// maxSpare bounds the batch buffer kept for reuse, so that one burst of
// appends does not pin a large buffer for the life of the Log.
const maxSpare = 1 << 20

// run is the writer goroutine.
func (l *Log) run() {
	defer close(l.done)
	for {
		select {
		case <-l.wake:
		case <-l.closing:
			l.round(true)
			return
		}
		if l.delay > 0 && !l.flushWanted() {
			// Gather more appends into this write, unless a Flush or Close
			// is waiting. A Flush that comes during the wait pokes wake
			// (plain appends to a non-empty queue do not); one that came
			// before it set want, which flushWanted saw: Flush sets want
			// before it pokes, so no order of events loses it.
			t := time.NewTimer(l.delay)
			select {
			case <-t.C:
			case <-l.wake:
				t.Stop()
			case <-l.closing:
				t.Stop()
			}
		}
		l.round(false)
	}
}

// flushWanted reports whether a Flush is waiting for data to be synced.
func (l *Log) flushWanted() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.want > l.synced
}

// round writes everything queued in one write call, then fsyncs if a Flush
// is waiting or the Log is closing.
func (l *Log) round(closing bool) {
	l.mu.Lock()
	if l.err != nil && !closing {
		// After a failure only Close tries again: retrying on every
		// append would hammer a failing disk for data Flush will not vouch
		// for anyway.
		l.mu.Unlock()
		return
	}
	batch := l.pending
	l.pending, l.spare = l.spare[:0], nil
	wantSync := closing || l.want > l.synced
	written, synced := l.written, l.synced
	l.mu.Unlock()

	buf, lead := l.frame(batch)
	var werr, serr error
	if len(buf) > 0 {
		var n int
		n, werr = l.f.Write(buf)
		if werr == nil {
			l.unterminated = false
			written += int64(len(buf) - lead)
		} else {
			written += l.salvage(buf, lead, n)
		}
	}
	if werr == nil && wantSync && synced < written {
		if serr = l.f.Sync(); serr == nil {
			synced = written
		} else {
			// What a failed fsync leaves on disk is unknown, and the
			// next successful write must not extend a line that may be
			// only partly there.
			l.unterminated = true
		}
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	l.written, l.synced = written, synced
	if len(l.retry) == 0 && cap(buf) <= maxSpare {
		l.spare = buf[:0]
	}
	if err := l.fail(werr, serr); err != nil && l.err == nil {
		l.err = err
		l.logger.Error("jsonlog: write failed; Flush will report it until the log is reopened",
			"path", l.path, "err", err)
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *Log) fail(werr, serr error) error {
	switch {
	case werr != nil:
		return fmt.Errorf("jsonlog: appending to %s: %w", l.path, werr)
	case serr != nil:
		return fmt.Errorf("jsonlog: syncing %s: %w", l.path, serr)
	}
	return nil
}

// frame returns the bytes to write for batch: lines left over from a failed
// write come first, and if the file may end mid-line, a '\n' leads so the
// first line starts fresh. lead is the number of such framing bytes. With no
// lines to write it writes nothing, so that opening and closing a log
// leaves it untouched.
func (l *Log) frame(batch []byte) (buf []byte, lead int) {
	if len(l.retry) == 0 && (!l.unterminated || len(batch) == 0) {
		return batch, 0
	}
	if l.unterminated {
		buf = append(buf, '\n')
		lead = 1
	}
	buf = append(append(buf, l.retry...), batch...)
	l.retry = nil
	return buf, lead
}

// salvage handles a write of buf that failed after n bytes. Lines written
// completely count as written; the rest, including a line cut in the middle,
// is kept to be written again, whole and on a fresh line. It returns how
// many line bytes were written.
func (l *Log) salvage(buf []byte, lead, n int) int64 {
	// The file's tail is now unknown: a failing write may have stored more
	// or less than it reported.
	l.unterminated = true
	done := 0
	if n > lead {
		done = bytes.LastIndexByte(buf[lead:n], '\n') + 1
	}
	l.retry = buf[lead+done:]
	return int64(done)
}
