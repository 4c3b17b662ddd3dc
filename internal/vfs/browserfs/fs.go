//go:build js && wasm

package browserfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall/js"

	"goatdb/internal/vfs"
)

// Options tune Open.
type Options struct {
	// ForceIndexedDB stores files in IndexedDB even where OPFS sync access
	// handles exist, so the fallback can be tested in any browser.
	ForceIndexedDB bool
}

// FS is a vfs.FS kept by the storage worker. It is safe for concurrent
// use by goroutines; see the package comment for why no method may be
// called from inside a js.FuncOf callback.
type FS struct {
	worker js.Value
	owned  bool // started by Open, so Close terminates it
	onMsg  js.Func
	onErr  js.Func

	backend string

	// mu guards the fields below. The worker's replies take it on the
	// event loop, so it is never held across anything that blocks.
	mu       sync.Mutex
	nextID   int
	pending  map[int]chan reply
	broken   error // set once the worker is unusable
	detached bool
	open     map[string][]*File // open files by path, to send their buffers
}

var _ vfs.FS = (*FS)(nil)

type reply struct {
	v   js.Value
	err error
}

var uint8Array = js.Global().Get("Uint8Array")

// Open starts the worker script at workerURL (web/static/opfs-worker.js) and
// roots the filesystem in the directory root, which is created if
// missing: an OPFS directory, or with the IndexedDB fallback the database
// "goatdb-browserfs:"+root. A root must be open in one FS at a time, in
// one tab: OPFS enforces that with its locks, IndexedDB does not.
func Open(workerURL, root string, opts ...Options) (_ *FS, err error) {
	ctor := js.Global().Get("Worker")
	if ctor.Type() != js.TypeFunction {
		return nil, errors.New("browserfs: this context cannot start workers")
	}
	var w js.Value
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("browserfs: starting worker %s: %v", workerURL, r)
			}
		}()
		w = ctor.New(workerURL)
	}()
	if err != nil {
		return nil, err
	}
	return start(w, true, root, opts)
}

// OpenWorker is Open on a worker the caller started from
// web/static/opfs-worker.js. The FS takes over its message handlers, and Close
// leaves it running.
func OpenWorker(worker js.Value, root string, opts ...Options) (*FS, error) {
	return start(worker, false, root, opts)
}

func start(w js.Value, owned bool, root string, opts []Options) (*FS, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	r, err := rel(root)
	if err != nil || r == "" {
		return nil, fmt.Errorf("browserfs: root %q must name a directory below the origin's root", root)
	}
	fsys := &FS{worker: w, owned: owned, pending: map[int]chan reply{}, open: map[string][]*File{}}
	fsys.onMsg = js.FuncOf(func(_ js.Value, args []js.Value) any {
		// Runs on the event loop: must not block (see the package doc).
		data := args[0].Get("data")
		id := data.Get("id")
		if id.Type() != js.TypeNumber {
			return nil
		}
		fsys.mu.Lock()
		ch := fsys.pending[id.Int()]
		delete(fsys.pending, id.Int())
		fsys.mu.Unlock()
		if ch != nil {
			ch <- reply{v: data} // buffered, and each id is answered once
		}
		return nil
	})
	fsys.onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "failed to load or crashed"
		if m := args[0].Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		}
		fsys.fail(fmt.Errorf("browserfs: worker: %s", msg))
		return nil
	})
	w.Set("onmessage", fsys.onMsg)
	w.Set("onerror", fsys.onErr)
	w.Set("onmessageerror", fsys.onErr)
	v, err := fsys.call("init", map[string]any{"root": r, "forceIDB": o.ForceIndexedDB}, nil)
	if err != nil {
		fsys.detach()
		return nil, fmt.Errorf("browserfs: open %s: %w", root, err)
	}
	fsys.backend = v.Get("backend").String()
	return fsys, nil
}

// Backend names where the files are kept: "opfs" or "indexeddb".
func (fsys *FS) Backend() string { return fsys.backend }

// fail ends every pending and future call with err.
func (fsys *FS) fail(err error) {
	fsys.mu.Lock()
	if fsys.broken == nil {
		fsys.broken = err
	}
	pending := fsys.pending
	fsys.pending = map[int]chan reply{}
	fsys.mu.Unlock()
	for _, ch := range pending {
		ch <- reply{err: err}
	}
}

// detach lets go of the worker, once.
func (fsys *FS) detach() {
	fsys.mu.Lock()
	done := fsys.detached
	fsys.detached = true
	fsys.mu.Unlock()
	if done {
		return
	}
	fsys.fail(os.ErrClosed)
	for _, k := range []string{"onmessage", "onerror", "onmessageerror"} {
		fsys.worker.Set(k, js.Null())
	}
	if fsys.owned {
		fsys.worker.Call("terminate")
	}
	fsys.onMsg.Release()
	fsys.onErr.Release()
}

// call sends one request and waits for its reply. data, if not nil, goes
// along as a transferred Uint8Array.
func (fsys *FS) call(op string, args map[string]any, data []byte) (js.Value, error) {
	ch := make(chan reply, 1)
	fsys.mu.Lock()
	if err := fsys.broken; err != nil {
		fsys.mu.Unlock()
		return js.Value{}, err
	}
	fsys.nextID++
	id := fsys.nextID
	fsys.pending[id] = ch
	fsys.mu.Unlock()

	msg := js.Global().Get("Object").New()
	msg.Set("id", id)
	msg.Set("op", op)
	for k, v := range args {
		msg.Set(k, v)
	}
	transfer := []any{}
	if data != nil {
		u8 := uint8Array.New(len(data))
		js.CopyBytesToJS(u8, data)
		msg.Set("data", u8)
		transfer = append(transfer, u8.Get("buffer"))
	}
	fsys.worker.Call("postMessage", msg, transfer)

	r := <-ch
	if r.err != nil {
		return js.Value{}, r.err
	}
	if e := r.v.Get("err"); e.Truthy() {
		return js.Value{}, replyError(e)
	}
	return r.v, nil
}

// Close sends what open files have buffered, closes them in the worker
// and, if Open started the worker, stops it. Files still open fail from
// then on, with os.ErrClosed.
func (fsys *FS) Close() error {
	fsys.mu.Lock()
	done := fsys.detached
	fsys.mu.Unlock()
	if done {
		return os.ErrClosed
	}
	werr := fsys.settle(func(string) bool { return true }, nil)
	_, err := fsys.call("shutdown", nil, nil)
	fsys.detach()
	return errors.Join(werr, err)
}

// settle sends the buffered writes of the open files whose path match
// accepts, except skip's, so that what follows sees them as the os
// package would. It takes each file's lock in turn, holding no other.
func (fsys *FS) settle(match func(string) bool, skip *File) error {
	fsys.mu.Lock()
	var files []*File
	for p, list := range fsys.open {
		if match(p) {
			files = append(files, list...)
		}
	}
	fsys.mu.Unlock()
	var errs []error
	for _, f := range files {
		if f == skip {
			continue
		}
		f.mu.Lock()
		if !f.closed {
			errs = append(errs, f.flushLocked())
		}
		f.mu.Unlock()
	}
	return errors.Join(errs...)
}

func samePath(p string) func(string) bool { return func(q string) bool { return q == p } }

func (fsys *FS) forget(f *File) {
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	list := slices.DeleteFunc(fsys.open[f.path], func(g *File) bool { return g == f })
	if len(list) == 0 {
		delete(fsys.open, f.path)
	} else {
		fsys.open[f.path] = list
	}
}

// OpenFile opens name with os.O_* flags. perm is ignored: neither backend
// stores permissions.
func (fsys *FS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	p, err := rel(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	writable := flag&(os.O_WRONLY|os.O_RDWR) != 0
	trunc := flag&os.O_TRUNC != 0 && writable
	if trunc {
		// Earlier writes through other files must land before the cut.
		fsys.settle(samePath(p), nil)
	}
	v, err := fsys.call("open", map[string]any{
		"path":   p,
		"create": flag&os.O_CREATE != 0,
		"excl":   flag&os.O_EXCL != 0,
		"trunc":  trunc,
	}, nil)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	f := &File{
		fsys:   fsys,
		name:   name,
		path:   p,
		h:      v.Get("h").Int(),
		read:   flag&os.O_WRONLY == 0,
		write:  writable,
		append: flag&os.O_APPEND != 0,
		sync:   flag&os.O_SYNC != 0,
	}
	fsys.mu.Lock()
	fsys.open[p] = append(fsys.open[p], f)
	fsys.mu.Unlock()
	return f, nil
}

func (fsys *FS) MkdirAll(name string, perm os.FileMode) error {
	p, err := rel(name)
	if err == nil {
		_, err = fsys.call("mkdir", map[string]any{"path": p}, nil)
	}
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	return nil
}

// Remove removes a file or an empty directory. An open file cannot be
// removed (syscall.EBUSY).
func (fsys *FS) Remove(name string) error {
	p, err := rel(name)
	if err == nil {
		_, err = fsys.call("remove", map[string]any{"path": p}, nil)
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return nil
}

// Rename moves a file, replacing newpath if it is a file. Neither may be
// open (syscall.EBUSY), and directories cannot be renamed. With OPFS the
// replacement is atomic where the browser has FileSystemHandle.move, as
// all current ones do; with IndexedDB it is one transaction.
func (fsys *FS) Rename(oldpath, newpath string) error {
	op, err := rel(oldpath)
	np, nerr := rel(newpath)
	if err == nil {
		err = nerr
	}
	if err == nil {
		_, err = fsys.call("rename", map[string]any{"path": op, "to": np}, nil)
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

func (fsys *FS) Stat(name string) (os.FileInfo, error) {
	p, err := rel(name)
	var v js.Value
	if err == nil {
		fsys.settle(samePath(p), nil)
		v, err = fsys.call("stat", map[string]any{"path": p}, nil)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return infoFrom(base(p), v), nil
}

// ReadDir lists name sorted by file name, as os.ReadDir does.
func (fsys *FS) ReadDir(name string) ([]os.DirEntry, error) {
	p, err := rel(name)
	var v js.Value
	if err == nil {
		fsys.settle(func(q string) bool { return parent(q) == p }, nil)
		v, err = fsys.call("list", map[string]any{"path": p}, nil)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	list := v.Get("entries")
	out := make([]os.DirEntry, list.Length())
	for i := range out {
		e := list.Index(i)
		out[i] = fs.FileInfoToDirEntry(infoFrom(e.Get("name").String(), e))
	}
	slices.SortFunc(out, func(a, b os.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// SyncDir makes directory changes durable as far as the backend allows.
// OPFS has no directory fsync: the browser commits a creation, rename or
// removal as part of the call that made it, and what a power loss keeps
// is up to its storage, so there SyncDir only checks that dir is a
// directory. With IndexedDB it commits a strict transaction, which waits
// until every earlier change is on disk.
func (fsys *FS) SyncDir(dir string) error {
	p, err := rel(dir)
	if err == nil {
		_, err = fsys.call("syncdir", map[string]any{"path": p}, nil)
	}
	if err != nil {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: err}
	}
	return nil
}

func base(p string) string {
	if p == "" {
		return "."
	}
	return path.Base(p)
}

func parent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
