package jsonlog

import (
	"bytes"
	"fmt"
	"log/slog"
)

// Record is one line of the log that holds a JSON object.
type Record struct {
	// Line is the object, without surrounding whitespace or the '\n'. It
	// aliases the buffer the whole file was read into: it stays valid after
	// the callback returns and this package never modifies it, but callers
	// must not modify it either, and keeping any Line keeps that whole
	// buffer alive, so copy lines that outlive the load.
	Line []byte
	// Offset is the file offset of Line[0].
	Offset int64
}

// Stats describes what Open found in the file.
type Stats struct {
	Records    int64 // lines delivered to the callback
	Blank      int64 // empty or whitespace-only lines, skipped
	Unparsable int64 // interior lines that are not a JSON object, skipped and logged
	// TornTailBytes is the length of an unterminated, unparsable last line,
	// which Open cut off. Zero when the file ended cleanly.
	TornTailBytes int64
	Bytes         int64 // file size as read, before any cut
}

// tail is what follows the last '\n' of a file.
type tail int

const (
	tailNone   tail = iota // the file is empty or ends with '\n'
	tailObject             // a complete object without its '\n': kept
	tailTorn               // anything else: an interrupted write, cut off
)

// scan reads the lines of buf in order, delivering objects to each. It
// returns the start offset and kind of the final unterminated segment.
// Lines are validated up front, possibly in parallel (see badLines), so the
// callbacks run one after another in file order. Damaged interior lines are counted, logged and skipped: truncating at one
// would throw away every good line after it, which is how upstream loses
// data (see goatdb-internals §7.3).
func scan(buf []byte, path string, logger *slog.Logger, st *Stats, callerValidates bool, each func(Record) error) (int64, tail, error) {
	return scanFrom(buf, 0, 0, path, logger, st, callerValidates, each)
}

// scanFrom is scan for the lines of buf from offset start, which is 0 or
// just after a '\n'. buf[0] is at offset base of the file; the offsets it
// reports and returns are file offsets.
func scanFrom(buf []byte, start int, base int64, path string, logger *slog.Logger, st *Stats, callerValidates bool, each func(Record) error) (int64, tail, error) {
	var bad []int
	if callerValidates {
		bad = badTail(buf[start:], start)
	} else {
		bad = badLinesAt(buf[start:], start)
	}
	for start < len(buf) {
		n := bytes.IndexByte(buf[start:], '\n')
		end := start + n
		if n < 0 {
			end = len(buf)
		}
		from, to := trimSpace(buf, start, end)
		switch {
		case from == to:
			if n < 0 {
				// Whitespace without a newline could be the start of a
				// torn write; cutting it loses nothing.
				st.TornTailBytes = int64(end - start)
				return base + int64(start), tailTorn, nil
			}
			st.Blank++
		case len(bad) == 0 || bad[0] != start:
			st.Records++
			if err := each(Record{Line: buf[from:to:to], Offset: base + int64(from)}); err != nil {
				return 0, tailNone, fmt.Errorf("record at offset %d: %w", base+int64(from), err)
			}
			if n < 0 {
				return base + int64(start), tailObject, nil
			}
		case n < 0:
			st.TornTailBytes = int64(end - start)
			logger.Warn("jsonlog: torn last line",
				"path", path, "offset", base+int64(start), "length", end-start,
				"cause", "an interrupted append; cut unless read-only")
			return base + int64(start), tailTorn, nil
		default:
			bad = bad[1:]
			st.Unparsable++
			logger.Warn("jsonlog: skipping line that is not a JSON object",
				"path", path, "offset", base+int64(start), "length", end-start, "start", preview(buf[from:to]))
		}
		start = end + 1
	}
	return base + int64(len(buf)), tailNone, nil
}

// trimSpace narrows buf[from:to] to exclude JSON whitespace at either end.
func trimSpace(buf []byte, from, to int) (int, int) {
	for from < to && isSpace(buf[from]) {
		from++
	}
	for to > from && isSpace(buf[to-1]) {
		to--
	}
	return from, to
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// preview quotes the first bytes of a damaged line for the log, so that an
// operator can recognise it without the log carrying a whole commit.
func preview(b []byte) string {
	const limit = 80
	if len(b) > limit {
		return fmt.Sprintf("%q…", b[:limit])
	}
	return fmt.Sprintf("%q", b)
}
