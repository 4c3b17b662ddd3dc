//go:build js && wasm

package browserfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"syscall/js"

	"goatdb/internal/vfs"
)

// sendAt is how much File.Write gathers before sending it to the worker:
// a message and an OPFS write each cost about a millisecond, so batching
// makes many small appends cost about what one large one does.
const sendAt = 1 << 20

// File is an open file. Its writes are buffered in Go until sendAt bytes
// have built up or something must see them (see the package doc).
type File struct {
	fsys                      *FS
	name                      string // as the caller gave it, for errors
	path                      string // the worker's form
	h                         int    // the worker's handle, shared by the files open on path
	read, write, append, sync bool

	mu     sync.Mutex
	off    int64
	buf    []byte // written, not yet sent
	bufOff int64  // where buf goes, unless appending
	// err is a failed send or Sync. It sticks, as after a failed fsync:
	// what reached the file since the last good Sync is unknown.
	err    error
	closed bool
}

var _ vfs.File = (*File)(nil)

func (f *File) pathErr(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// check returns the error for using f; the caller holds f.mu.
func (f *File) check(op string, needWrite bool) error {
	switch {
	case f.closed:
		return f.pathErr(op, os.ErrClosed)
	case needWrite && !f.write, !needWrite && !f.read:
		return f.pathErr(op, syscall.EBADF)
	case needWrite && f.err != nil:
		return f.err
	}
	return nil
}

// settle sends buffered writes, other files' on the same path first, so
// what follows sees every byte written so far. It returns with f.mu held.
func (f *File) settle() error {
	f.fsys.settle(samePath(f.path), f)
	f.mu.Lock()
	return f.flushLocked()
}

// flushLocked sends f.buf. The caller holds f.mu.
func (f *File) flushLocked() error {
	if len(f.buf) == 0 {
		return nil
	}
	err := f.send(f.buf, f.bufOff)
	if cap(f.buf) > 4*sendAt {
		f.buf = nil // a one-off large write need not pin its buffer
	} else {
		f.buf = f.buf[:0]
	}
	return err
}

func (f *File) send(p []byte, at int64) error {
	v, err := f.fsys.call("write", map[string]any{"h": f.h, "at": at, "append": f.append}, p)
	if err != nil {
		f.err = f.pathErr("write", err)
		return f.err
	}
	if f.append {
		f.off = num(v, "size")
	}
	return nil
}

func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	if !f.append && len(f.buf) > 0 && f.bufOff+int64(len(f.buf)) != f.off {
		if err := f.flushLocked(); err != nil {
			return 0, err
		}
	}
	if len(f.buf) == 0 && len(p) >= sendAt {
		// Large enough to go as it is, without a copy into buf.
		at := f.off
		f.off += int64(len(p))
		if err := f.send(p, at); err != nil {
			return 0, err
		}
	} else {
		if len(f.buf) == 0 {
			f.bufOff = f.off
		}
		f.buf = append(f.buf, p...)
		f.off += int64(len(p))
		if len(f.buf) >= sendAt || f.sync {
			if err := f.flushLocked(); err != nil {
				return 0, err
			}
		}
	}
	if f.sync {
		if err := f.syncLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Sync sends what is buffered and has the worker flush the file to disk.
func (f *File) Sync() error {
	err := f.settle()
	defer f.mu.Unlock()
	if f.closed {
		return f.pathErr("sync", os.ErrClosed)
	}
	if err != nil {
		return err
	}
	if f.err != nil {
		return f.err
	}
	return f.syncLocked()
}

func (f *File) syncLocked() error {
	if _, err := f.fsys.call("flush", map[string]any{"h": f.h}, nil); err != nil {
		f.err = f.pathErr("sync", err)
		return f.err
	}
	return nil
}

// readAt reads into p at off in one round trip, however large p is.
func (f *File) readAt(p []byte, off int64) (int, error) {
	v, err := f.fsys.call("read", map[string]any{"h": f.h, "at": off, "len": len(p)}, nil)
	if err != nil {
		return 0, f.pathErr("read", err)
	}
	return js.CopyBytesToGo(p, v.Get("data")), nil
}

func (f *File) Read(p []byte) (int, error) {
	err := f.settle()
	defer f.mu.Unlock()
	if cerr := f.check("read", false); cerr != nil {
		return 0, cerr
	}
	if err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := f.readAt(p, f.off)
	f.off += int64(n)
	if err == nil && n == 0 {
		err = io.EOF
	}
	return n, err
}

func (f *File) ReadAt(p []byte, off int64) (int, error) {
	err := f.settle()
	defer f.mu.Unlock()
	if cerr := f.check("read", false); cerr != nil {
		return 0, cerr
	}
	if err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.pathErr("readat", errors.New("negative offset"))
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := f.readAt(p, off)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

func (f *File) Truncate(size int64) error {
	err := f.settle()
	defer f.mu.Unlock()
	if cerr := f.check("truncate", true); cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	if size < 0 {
		return f.pathErr("truncate", syscall.EINVAL)
	}
	if _, err := f.fsys.call("truncate", map[string]any{"h": f.h, "size": size}, nil); err != nil {
		return f.pathErr("truncate", err)
	}
	return nil
}

func (f *File) stat() (js.Value, error) {
	v, err := f.fsys.call("fstat", map[string]any{"h": f.h}, nil)
	if err != nil {
		return js.Value{}, f.pathErr("stat", err)
	}
	return v, nil
}

// Stat reports the size including bytes still buffered.
func (f *File) Stat() (os.FileInfo, error) {
	err := f.settle()
	defer f.mu.Unlock()
	if f.closed {
		return nil, f.pathErr("stat", os.ErrClosed)
	}
	if err != nil {
		return nil, err
	}
	v, err := f.stat()
	if err != nil {
		return nil, err
	}
	return infoFrom(base(f.path), v), nil
}

func (f *File) Seek(offset int64, whence int) (int64, error) {
	err := f.settle()
	defer f.mu.Unlock()
	if f.closed {
		return 0, f.pathErr("seek", os.ErrClosed)
	}
	if err != nil {
		return 0, err
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		v, err := f.stat()
		if err != nil {
			return 0, err
		}
		offset += num(v, "size")
	default:
		return 0, f.pathErr("seek", syscall.EINVAL)
	}
	if offset < 0 {
		return 0, f.pathErr("seek", syscall.EINVAL)
	}
	f.off = offset
	return offset, nil
}

// Close sends what is buffered and releases the file; the worker closes
// the sync access handle when the last file on the path is closed. It
// does not sync, as closing an os.File does not.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return f.pathErr("close", os.ErrClosed)
	}
	f.closed = true
	err := f.flushLocked()
	if _, cerr := f.fsys.call("close", map[string]any{"h": f.h}, nil); cerr != nil && err == nil {
		err = f.pathErr("close", cerr)
	}
	f.fsys.forget(f)
	return err
}
