package jsonlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"goatdb/internal/vfs"
)

// Options tune a Log. The zero value is ready to use.
type Options struct {
	// Logger receives reports of damaged lines and write failures.
	// Nil means slog.Default().
	Logger *slog.Logger
	// BatchDelay makes the writer wait this long after new work arrives
	// before writing, so that more appends and flushes share one write and
	// one fsync. Zero writes as soon as the writer is free, which already
	// batches everything that arrived while the previous write or fsync ran.
	BatchDelay time.Duration
	// ReadOnly reads the file without ever writing to it: a missing file is
	// read as empty and not created, a torn last line is reported in Stats
	// but not cut, and the Log accepts no appends.
	ReadOnly bool
	// CallerValidates hands every non-blank line to the callback without
	// checking that it is a JSON object, for callers whose own parsing
	// validates as it goes (checking twice doubles the cost of opening a
	// large log). Only an unterminated last line is still checked, since
	// telling a torn write from a complete record decides whether to cut.
	// Such a caller counts its own unparsable lines; IsObject helps it tell
	// them from well-formed records it rejects for other reasons.
	CallerValidates bool
}

// Open opens the log at path, creating it and its parent directories if
// missing, and reads all of it, calling each (if not nil) for every record
// in file order. A torn last line is cut off before Open returns; see the
// package documentation for what else is skipped.
//
// If each returns an error, Open stops, leaves the file untouched and
// returns that error wrapped.
func Open(fsys vfs.FS, path string, opts Options, each func(Record) error) (*Log, Stats, error) {
	var st Stats
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if each == nil {
		each = func(Record) error { return nil }
	}
	if opts.ReadOnly {
		return openReadOnly(fsys, path, logger, opts, each)
	}
	if err := ensureDir(fsys, filepath.Dir(path)); err != nil {
		return nil, st, fmt.Errorf("jsonlog: open %s: %w", path, err)
	}
	f, err := openOrCreate(fsys, path)
	if err != nil {
		return nil, st, fmt.Errorf("jsonlog: open %s: %w", path, err)
	}
	end, kind, err := load(f, path, logger, &st, opts.CallerValidates, each)
	if err == nil && kind == tailTorn {
		err = cut(f, end)
	}
	if err != nil {
		f.Close()
		return nil, st, fmt.Errorf("jsonlog: open %s: %w", path, err)
	}
	l := newLog(f, path, logger, opts.BatchDelay)
	l.unterminated = kind == tailObject
	go l.run()
	return l, st, nil
}

// openReadOnly reads the log at path without creating, cutting or writing
// anything. The Log it returns only closes.
func openReadOnly(fsys vfs.FS, path string, logger *slog.Logger, opts Options, each func(Record) error) (*Log, Stats, error) {
	var st Stats
	l := newLog(nil, path, logger, 0)
	l.readOnly = true
	close(l.done)
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return l, st, nil
	}
	if err != nil {
		return nil, st, fmt.Errorf("jsonlog: open %s: %w", path, err)
	}
	l.f = f
	if _, _, err := load(f, path, logger, &st, opts.CallerValidates, each); err != nil {
		f.Close()
		return nil, st, fmt.Errorf("jsonlog: open %s: %w", path, err)
	}
	return l, st, nil
}

// readChunk is how much load reads at a time when the caller validates
// lines itself: small enough that the caller gets to work on the first
// lines while the rest of the file is still being read, large enough that
// the reads cost no more than one big read.
const readChunk = 4 << 20

func load(f vfs.File, path string, logger *slog.Logger, st *Stats, callerValidates bool, each func(Record) error) (int64, tail, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, tailNone, err
	}
	size := info.Size()
	if !callerValidates {
		// One buffer for the whole file: records alias it instead of each
		// getting its own allocation. Validation runs over the whole buffer
		// on all cores at once, so there is nothing to overlap the read
		// with.
		buf := make([]byte, size)
		if len(buf) > 0 {
			n, err := f.ReadAt(buf, 0)
			if err != nil && !errors.Is(err, io.EOF) {
				return 0, tailNone, err
			}
			buf = buf[:n]
		}
		st.Bytes = int64(len(buf))
		return scan(buf, path, logger, st, false, each)
	}
	// The caller's parsing is most of the cost of opening a large log, so
	// the file is read in pieces and every line that a piece completes is
	// delivered before the next piece is read: the caller can hand lines to
	// other cores while the read goes on. Only the last line needs checking
	// here (see badTail), and it is known only once the whole file is read.
	//
	// The pieces are read into one buffer the size of the file, which
	// records alias. Allocating it at once, rather than a buffer per
	// piece, matters to the garbage collector: the heap grows in one step
	// instead of doubling again and again while the caller builds what it
	// keeps of the lines, each doubling a collection that marks all of
	// that. Memory fresh from the OS needs no zeroing, so the pages are
	// first touched by the reads, a piece at a time, while earlier lines
	// are being parsed.
	buf := make([]byte, size)
	var (
		done int64 // bytes delivered: buf[done:read] is a partial line
		read int64 // bytes read so far
	)
	for read < size {
		m, err := f.ReadAt(buf[read:min(read+readChunk, size)], read)
		read += int64(m)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break // the file shrank since Stat: read what is there
			}
			return 0, tailNone, err
		}
		if nl := bytes.LastIndexByte(buf[done:read], '\n'); nl >= 0 {
			end := done + int64(nl) + 1
			// buf[:end] ends with '\n', so it has no tail to judge.
			if _, _, err := scanFrom(buf[:end:end], int(done), 0, path, logger, st, true, each); err != nil {
				return 0, tailNone, err
			}
			done = end
		}
	}
	st.Bytes = read
	return scanFrom(buf[:read], int(done), 0, path, logger, st, true, each)
}

// cut removes the torn tail starting at end. The cut is synced so that no
// later append can land after a tail that a crash brings back.
func cut(f vfs.File, end int64) error {
	if err := f.Truncate(end); err != nil {
		return fmt.Errorf("cutting torn tail: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("cutting torn tail: %w", err)
	}
	return nil
}

// openOrCreate opens path for appending. A new file's directory entry is
// synced, or the whole file could vanish in a crash despite later fsyncs.
func openOrCreate(fsys vfs.FS, path string) (vfs.File, error) {
	const flag = os.O_RDWR | os.O_APPEND
	f, err := fsys.OpenFile(path, flag|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fsys.OpenFile(path, flag, 0)
	}
	if err != nil {
		return nil, err
	}
	if err := fsys.SyncDir(filepath.Dir(path)); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ensureDir creates dir and any missing parents, syncing the parent of each
// directory it creates so the new entries survive a crash.
func ensureDir(fsys vfs.FS, dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		_, err := fsys.Stat(d)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := fsys.SyncDir(filepath.Dir(missing[i])); err != nil {
			return err
		}
	}
	return nil
}
