package vfs

import (
	"fmt"
	"io"
)

// Operation names passed to a FaultFunc.
const (
	OpOpen     = "open"
	OpRead     = "read" // Read and ReadAt
	OpWrite    = "write"
	OpSync     = "sync"
	OpTruncate = "truncate"
	OpClose    = "close"
	OpMkdir    = "mkdir"
	OpRemove   = "remove"
	OpRename   = "rename" // name is the old path
	OpStat     = "stat"   // FS.Stat, not File.Stat
	OpReadDir  = "readdir"
	OpSyncDir  = "syncdir"
)

// FaultFunc decides whether an operation on name fails. It runs before the
// operation, without MemFS's lock held, so it may block to hold an operation
// back, and it must be safe for concurrent use. A non-nil error fails the
// operation with nothing changed, except for a *ShortWrite on OpWrite.
type FaultFunc func(op, name string) error

// ShortWrite, returned by a FaultFunc for OpWrite, makes the write store its
// first N bytes and then fail with Err (io.ErrShortWrite if nil), the way a
// disk that fills up mid-write does.
type ShortWrite struct {
	N   int
	Err error
}

func (e *ShortWrite) Error() string {
	return fmt.Sprintf("short write after %d bytes: %v", e.N, e.Unwrap())
}

func (e *ShortWrite) Unwrap() error {
	if e.Err == nil {
		return io.ErrShortWrite
	}
	return e.Err
}

// SetFault installs f as the fault injector; nil removes it.
func (m *MemFS) SetFault(f FaultFunc) {
	if f == nil {
		m.fault.Store(nil)
		return
	}
	m.fault.Store(&f)
}

func (m *MemFS) inject(op, name string) error {
	if f := m.fault.Load(); f != nil {
		return (*f)(op, name)
	}
	return nil
}
