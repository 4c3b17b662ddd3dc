// Package vfs owns the filesystem seam so storage can be tested on memory and
// crash-simulating filesystems. Storage code takes an FS instead of calling
// the os package, production passes OS, and tests pass a MemFS that can lose
// unsynced data the way a power failure would.
package vfs

import (
	"io"
	"os"
)

// FS is the subset of filesystem operations storage needs. Paths use the
// host's separator, as with the os package.
type FS interface {
	// OpenFile opens name with os.O_* flags, like os.OpenFile.
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	MkdirAll(path string, perm os.FileMode) error
	Remove(name string) error
	Rename(oldpath, newpath string) error
	Stat(name string) (os.FileInfo, error)
	ReadDir(name string) ([]os.DirEntry, error)
	// SyncDir makes the entries of dir durable. A file that was created or
	// renamed is not guaranteed to survive a crash until its directory has
	// been synced, even if the file itself was synced.
	SyncDir(dir string) error
}

// File is an open file. *os.File satisfies it.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Closer
	// Sync makes the file's contents and size durable.
	Sync() error
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
	Seek(offset int64, whence int) (int64, error)
}
