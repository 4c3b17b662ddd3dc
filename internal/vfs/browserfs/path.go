//go:build js && wasm

package browserfs

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"syscall/js"
	"time"
)

// errDotDot rejects paths that could climb out of the root: OPFS would
// reject them anyway, IndexedDB would not.
var errDotDot = fmt.Errorf("%w: path contains ..", fs.ErrInvalid)

// rel turns a caller's name into the worker's form: slash-separated,
// relative to the root, "" for the root itself. A leading slash is
// allowed, as the root is the only filesystem there is.
func rel(name string) (string, error) {
	if name == "" {
		return "", fs.ErrNotExist // as os.Open("") does
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return "", errDotDot
		}
	}
	return path.Clean("/" + name)[1:], nil
}

// codes maps the worker's errno names to the errors the os package would
// return, so callers can test them with errors.Is.
var codes = map[string]error{
	"ENOENT":    fs.ErrNotExist,
	"EEXIST":    fs.ErrExist,
	"EACCES":    fs.ErrPermission,
	"ENOTDIR":   syscall.ENOTDIR,
	"EISDIR":    syscall.EISDIR,
	"ENOTEMPTY": syscall.ENOTEMPTY,
	"EBUSY":     syscall.EBUSY,
	"EINVAL":    syscall.EINVAL,
	"EBADF":     syscall.EBADF,
	"ENOSPC":    syscall.ENOSPC,
	"EIO":       syscall.EIO,
}

// workerError keeps the browser's explanation and the errno it maps to.
type workerError struct {
	msg  string
	base error
}

func (e *workerError) Error() string { return e.msg + ": " + e.base.Error() }
func (e *workerError) Unwrap() error { return e.base }

func replyError(v js.Value) error {
	code, msg := v.Get("code").String(), v.Get("msg").String()
	base, ok := codes[code]
	if !ok {
		return errors.New(msg)
	}
	if msg == "" || msg == code {
		return base
	}
	return &workerError{msg: msg, base: base}
}

// num reads a numeric field of a reply; JavaScript numbers hold file
// sizes exactly up to 2^53.
func num(v js.Value, key string) int64 {
	x := v.Get(key)
	if x.Type() != js.TypeNumber {
		return 0
	}
	return int64(x.Float())
}

type fileInfo struct {
	name  string
	size  int64
	dir   bool
	mtime time.Time
}

func infoFrom(name string, v js.Value) *fileInfo {
	return &fileInfo{
		name:  name,
		size:  num(v, "size"),
		dir:   v.Get("dir").Truthy(),
		mtime: time.UnixMilli(num(v, "mtime")),
	}
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.dir }
func (fi *fileInfo) Sys() any           { return nil }

// Mode makes up permissions: neither backend stores any.
func (fi *fileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
