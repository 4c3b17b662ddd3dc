package vfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// memFile is an open handle on a MemFS inode. Like a POSIX descriptor it
// keeps working after its name is removed or renamed.
type memFile struct {
	fs     *MemFS
	ino    *inode
	name   string
	off    int64
	read   bool
	write  bool
	append bool
	closed bool
}

func (f *memFile) pathErr(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// check returns the error for using f with m.mu held.
func (f *memFile) check(op string, needWrite bool) error {
	switch {
	case f.closed:
		return f.pathErr(op, os.ErrClosed)
	case needWrite && !f.write, !needWrite && !f.read:
		return f.pathErr(op, syscall.EBADF)
	}
	return nil
}

func (f *memFile) Read(p []byte) (int, error) {
	if err := f.fs.inject(OpRead, f.name); err != nil {
		return 0, f.pathErr("read", err)
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	if f.off >= int64(len(f.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.ino.data[f.off:])
	f.off += int64(n)
	return n, nil
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.fs.inject(OpRead, f.name); err != nil {
		return 0, f.pathErr("read", err)
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.pathErr("readat", errors.New("negative offset"))
	}
	if off >= int64(len(f.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.ino.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	n, injected := len(p), f.fs.inject(OpWrite, f.name)
	if injected != nil {
		var sw *ShortWrite
		if !errors.As(injected, &sw) {
			return 0, f.pathErr("write", injected)
		}
		n = max(0, min(sw.N, len(p)))
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	if f.append {
		f.off = int64(len(f.ino.data))
	}
	if n > 0 {
		f.ino.write(f.off, p[:n])
		f.off += int64(n)
	}
	if injected != nil {
		return n, f.pathErr("write", injected)
	}
	return n, nil
}

func (f *memFile) Sync() error {
	if err := f.fs.inject(OpSync, f.name); err != nil {
		return f.pathErr("sync", err)
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return f.pathErr("sync", os.ErrClosed)
	}
	f.ino.sync()
	return nil
}

func (f *memFile) Truncate(size int64) error {
	if err := f.fs.inject(OpTruncate, f.name); err != nil {
		return f.pathErr("truncate", err)
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("truncate", true); err != nil {
		return err
	}
	if size < 0 {
		return f.pathErr("truncate", syscall.EINVAL)
	}
	f.ino.truncate(size)
	return nil
}

func (f *memFile) Stat() (os.FileInfo, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return nil, f.pathErr("stat", os.ErrClosed)
	}
	return f.ino.info(filepath.Base(f.name)), nil
}

func (f *memFile) Seek(offset int64, whence int) (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return 0, f.pathErr("seek", os.ErrClosed)
	}
	switch whence {
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += int64(len(f.ino.data))
	case io.SeekStart:
	default:
		return 0, f.pathErr("seek", syscall.EINVAL)
	}
	if offset < 0 {
		return 0, f.pathErr("seek", syscall.EINVAL)
	}
	f.off = offset
	return offset, nil
}

func (f *memFile) Close() error {
	if err := f.fs.inject(OpClose, f.name); err != nil {
		return f.pathErr("close", err)
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return f.pathErr("close", os.ErrClosed)
	}
	f.closed = true
	return nil
}
