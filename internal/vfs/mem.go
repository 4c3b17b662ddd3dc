package vfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// MemFS is an in-memory FS that remembers what a power loss would keep, so
// tests can crash it (see Crash) and inject errors (see SetFault). It is safe
// for concurrent use.
//
// Durability model, deliberately simple:
//   - File contents: bytes become durable when the file is synced. Unsynced
//     writes and truncations survive a crash only as an ordered prefix, the
//     last write possibly torn.
//   - File names: a create, rename or remove survives a crash only once its
//     parent directory has been synced with SyncDir.
//   - Directories are durable as soon as they are created or removed. On a
//     real filesystem a new directory also needs its parent synced, so
//     storage code should still call SyncDir on the parent; MemFS accepts
//     the call and simply has nothing more to make durable.
type MemFS struct {
	mu      sync.Mutex
	dirs    map[string]os.FileMode
	files   map[string]*inode // the names a running program sees
	durable map[string]*inode // the names a crash would leave
	fault   atomic.Pointer[FaultFunc]
}

// NewMem returns an empty MemFS. The roots "/" and "." always exist.
func NewMem() *MemFS {
	return &MemFS{
		dirs:    map[string]os.FileMode{},
		files:   map[string]*inode{},
		durable: map[string]*inode{},
	}
}

func clean(name string) string { return filepath.Clean(name) }

func isRoot(p string) bool { return filepath.Dir(p) == p }

// isDir reports whether p names a directory. The caller holds m.mu.
func (m *MemFS) isDir(p string) bool {
	if isRoot(p) {
		return true
	}
	_, ok := m.dirs[p]
	return ok
}

// parentErr reports why p cannot be created, or nil if its parent is a
// directory. The caller holds m.mu.
func (m *MemFS) parentErr(p string) error {
	parent := filepath.Dir(p)
	if m.isDir(parent) {
		return nil
	}
	if _, ok := m.files[parent]; ok {
		return syscall.ENOTDIR
	}
	return fs.ErrNotExist
}

func (m *MemFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	if err := m.inject(OpOpen, name); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	if m.isDir(p) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	}
	writable := flag&(os.O_WRONLY|os.O_RDWR) != 0
	ino := m.files[p]
	switch {
	case ino == nil && flag&os.O_CREATE == 0:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	case ino == nil:
		if err := m.parentErr(p); err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		ino = &inode{mode: perm.Perm(), modTime: time.Now()}
		m.files[p] = ino
	case flag&(os.O_CREATE|os.O_EXCL) == os.O_CREATE|os.O_EXCL:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrExist}
	}
	if flag&os.O_TRUNC != 0 && writable {
		ino.truncate(0)
	}
	return &memFile{
		fs:     m,
		ino:    ino,
		name:   name,
		read:   flag&os.O_WRONLY == 0,
		write:  writable,
		append: flag&os.O_APPEND != 0,
	}, nil
}

func (m *MemFS) MkdirAll(path string, perm os.FileMode) error {
	if err := m.inject(OpMkdir, path); err != nil {
		return &fs.PathError{Op: "mkdir", Path: path, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var missing []string
	for p := clean(path); !m.isDir(p); p = filepath.Dir(p) {
		if _, ok := m.files[p]; ok {
			return &fs.PathError{Op: "mkdir", Path: path, Err: syscall.ENOTDIR}
		}
		missing = append(missing, p)
	}
	for _, p := range missing {
		m.dirs[p] = perm.Perm()
	}
	return nil
}

func (m *MemFS) Remove(name string) error {
	if err := m.inject(OpRemove, name); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	if _, ok := m.files[p]; ok {
		delete(m.files, p)
		return nil
	}
	if isRoot(p) {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.EBUSY}
	}
	if _, ok := m.dirs[p]; !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	if len(m.children(p)) > 0 {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
	}
	delete(m.dirs, p)
	// Directories are durable immediately, so the names a crash could have
	// resurrected inside this one go with it.
	for q := range m.durable {
		if filepath.Dir(q) == p {
			delete(m.durable, q)
		}
	}
	return nil
}

// Rename moves a file. Renaming directories is not supported.
func (m *MemFS) Rename(oldpath, newpath string) error {
	if err := m.inject(OpRename, oldpath); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	op, np := clean(oldpath), clean(newpath)
	ino, ok := m.files[op]
	var err error
	switch {
	case m.isDir(op):
		err = syscall.EINVAL
	case !ok:
		err = fs.ErrNotExist
	case m.isDir(np):
		err = syscall.EISDIR
	default:
		err = m.parentErr(np)
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	delete(m.files, op)
	m.files[np] = ino
	return nil
}

func (m *MemFS) Stat(name string) (os.FileInfo, error) {
	if err := m.inject(OpStat, name); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	if info := m.info(p); info != nil {
		return info, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// info describes p, or returns nil if nothing is there. The caller holds m.mu.
func (m *MemFS) info(p string) os.FileInfo {
	if ino, ok := m.files[p]; ok {
		return ino.info(filepath.Base(p))
	}
	if m.isDir(p) {
		return &fileInfo{name: filepath.Base(p), mode: fs.ModeDir | m.dirs[p]}
	}
	return nil
}

// children lists the names directly inside dir. The caller holds m.mu.
func (m *MemFS) children(dir string) []string {
	var names []string
	for p := range m.files {
		if filepath.Dir(p) == dir {
			names = append(names, p)
		}
	}
	for p := range m.dirs {
		if filepath.Dir(p) == dir && p != dir {
			names = append(names, p)
		}
	}
	slices.Sort(names)
	return names
}

func (m *MemFS) ReadDir(name string) ([]os.DirEntry, error) {
	if err := m.inject(OpReadDir, name); err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	if !m.isDir(p) {
		err := error(fs.ErrNotExist)
		if _, ok := m.files[p]; ok {
			err = syscall.ENOTDIR
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	var out []os.DirEntry
	for _, c := range m.children(p) {
		out = append(out, fs.FileInfoToDirEntry(m.info(c)))
	}
	return out, nil
}

func (m *MemFS) SyncDir(dir string) error {
	if err := m.inject(OpSyncDir, dir); err != nil {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(dir)
	if !m.isDir(p) {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: fs.ErrNotExist}
	}
	for q := range m.durable {
		if filepath.Dir(q) == p {
			delete(m.durable, q)
		}
	}
	for q, ino := range m.files {
		if filepath.Dir(q) == p {
			m.durable[q] = ino
		}
	}
	return nil
}

// WriteFile creates or replaces name with data, durably: as if it had been
// written, synced and its directory synced. The parent must exist. It is
// meant for setting up test fixtures.
func (m *MemFS) WriteFile(name string, data []byte, perm os.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(name)
	if m.isDir(p) {
		return &fs.PathError{Op: "write", Path: name, Err: syscall.EISDIR}
	}
	if err := m.parentErr(p); err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	ino := &inode{
		data:    slices.Clone(data),
		synced:  slices.Clone(data),
		mode:    perm.Perm(),
		modTime: time.Now(),
	}
	m.files[p] = ino
	m.durable[p] = ino
	return nil
}

// ReadFile returns the current contents of name, durable or not.
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ino, ok := m.files[clean(name)]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(ino.data), nil
}
