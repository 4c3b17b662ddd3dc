package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Both implementations must behave alike for everything storage relies on,
// so the same checks run against the real filesystem and MemFS.
func forEachFS(t *testing.T, test func(t *testing.T, fsys FS, root string)) {
	t.Run("os", func(t *testing.T) { test(t, OS, t.TempDir()) })
	t.Run("mem", func(t *testing.T) { test(t, NewMem(), "/data") })
}

func mustWrite(t *testing.T, f File, s string) {
	t.Helper()
	if n, err := f.Write([]byte(s)); err != nil || n != len(s) {
		t.Fatalf("Write(%q) = %d, %v", s, n, err)
	}
}

func readAll(t *testing.T, fsys FS, name string) string {
	t.Helper()
	f, err := fsys.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpenErrors(t *testing.T) {
	forEachFS(t, func(t *testing.T, fsys FS, root string) {
		if err := fsys.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(root, "f")
		if _, err := fsys.OpenFile(name, os.O_RDONLY, 0); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("open missing: %v, want ErrNotExist", err)
		}
		if _, err := fsys.OpenFile(filepath.Join(root, "no", "f"), os.O_RDWR|os.O_CREATE, 0o644); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("create in missing dir: %v, want ErrNotExist", err)
		}
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if _, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644); !errors.Is(err, fs.ErrExist) {
			t.Errorf("exclusive create of existing file: %v, want ErrExist", err)
		}
		if _, err := fsys.Stat(filepath.Join(root, "missing")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stat missing: %v, want ErrNotExist", err)
		}
		if err := fsys.MkdirAll(filepath.Join(name, "sub"), 0o755); err == nil {
			t.Error("MkdirAll below a file succeeded")
		}
	})
}

func TestReadWriteSeekTruncate(t *testing.T) {
	forEachFS(t, func(t *testing.T, fsys FS, root string) {
		if err := fsys.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(root, "f")
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, f, "hello world")
		if _, err := f.Seek(6, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, f, "WORLD!")
		buf := make([]byte, 5)
		if n, err := f.ReadAt(buf, 0); n != 5 || err != nil || string(buf) != "hello" {
			t.Errorf("ReadAt(0) = %d, %v, %q", n, err, buf)
		}
		if n, err := f.ReadAt(buf, 9); n != 3 || err != io.EOF || string(buf[:n]) != "LD!" {
			t.Errorf("ReadAt past end = %d, %v, %q; want 3, EOF", n, err, buf[:n])
		}
		if pos, err := f.Seek(-3, io.SeekEnd); pos != 9 || err != nil {
			t.Errorf("Seek(-3, end) = %d, %v", pos, err)
		}
		if n, err := f.Read(buf); n != 3 || err != nil {
			t.Errorf("Read = %d, %v", n, err)
		}
		if n, err := f.Read(buf); n != 0 || err != io.EOF {
			t.Errorf("Read at end = %d, %v; want 0, EOF", n, err)
		}
		if err := f.Truncate(5); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(7); err != nil {
			t.Fatal(err)
		}
		if info, err := f.Stat(); err != nil || info.Size() != 7 || info.Name() != "f" || info.IsDir() {
			t.Errorf("Stat = %v, %v", info, err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, fsys, name); got != "hello\x00\x00" {
			t.Errorf("contents %q, want hello and two zero bytes", got)
		}
		if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
			t.Errorf("write after close: %v, want ErrClosed", err)
		}

		r, err := fsys.OpenFile(name, os.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Write([]byte("x")); err == nil {
			t.Error("write to read-only handle succeeded")
		}
		r.Close()
	})
}

func TestAppendAndTruncFlags(t *testing.T) {
	forEachFS(t, func(t *testing.T, fsys FS, root string) {
		if err := fsys.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(root, "log")
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, f, "one\n")
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, f, "two\n") // O_APPEND ignores the offset
		f.Close()
		if got := readAll(t, fsys, name); got != "one\ntwo\n" {
			t.Errorf("after appends: %q", got)
		}
		f, err = fsys.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, f, "3")
		f.Close()
		if got := readAll(t, fsys, name); got != "3" {
			t.Errorf("after O_TRUNC: %q", got)
		}
	})
}

func TestDirectoryOps(t *testing.T) {
	forEachFS(t, func(t *testing.T, fsys FS, root string) {
		dir := filepath.Join(root, "a", "b")
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("MkdirAll of existing dir: %v", err)
		}
		if info, err := fsys.Stat(dir); err != nil || !info.IsDir() || info.Name() != "b" {
			t.Fatalf("Stat(dir) = %v, %v", info, err)
		}
		for _, n := range []string{"z", "m"} {
			f, err := fsys.OpenFile(filepath.Join(dir, n), os.O_WRONLY|os.O_CREATE, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			mustWrite(t, f, n)
			f.Close()
		}
		if err := fsys.MkdirAll(filepath.Join(dir, "d"), 0o755); err != nil {
			t.Fatal(err)
		}
		var names []string
		entries, err := fsys.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names = append(names, e.Name())
			if e.IsDir() != (e.Name() == "d") {
				t.Errorf("%s: IsDir = %v", e.Name(), e.IsDir())
			}
		}
		if !slices.Equal(names, []string{"d", "m", "z"}) {
			t.Errorf("ReadDir = %v, want [d m z]", names)
		}

		if err := fsys.Rename(filepath.Join(dir, "m"), filepath.Join(dir, "z")); err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, fsys, filepath.Join(dir, "z")); got != "m" {
			t.Errorf("renamed over: %q", got)
		}
		if _, err := fsys.Stat(filepath.Join(dir, "m")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("old name after rename: %v", err)
		}
		if err := fsys.Rename(filepath.Join(dir, "m"), filepath.Join(dir, "y")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("rename of missing file: %v", err)
		}
		if err := fsys.SyncDir(dir); err != nil {
			t.Fatal(err)
		}
		if err := fsys.Remove(dir); err == nil {
			t.Error("removed a non-empty directory")
		}
		for _, n := range []string{"z", "d"} {
			if err := fsys.Remove(filepath.Join(dir, n)); err != nil {
				t.Fatal(err)
			}
		}
		if err := fsys.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := fsys.Remove(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("second remove: %v", err)
		}
	})
}

func TestOSReturnsUntypedNilOnError(t *testing.T) {
	f, err := OS.OpenFile(filepath.Join(t.TempDir(), "missing"), os.O_RDONLY, 0)
	if err == nil || f != nil {
		t.Fatalf("OpenFile = %#v, %v; want nil interface and an error", f, err)
	}
}

func TestOpenedHandleOutlivesName(t *testing.T) {
	forEachFS(t, func(t *testing.T, fsys FS, root string) {
		if err := fsys.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(root, "f")
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := fsys.Remove(name); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, f, "still here")
		buf := make([]byte, 10)
		if _, err := f.ReadAt(buf, 0); err != nil || !bytes.Equal(buf, []byte("still here")) {
			t.Errorf("ReadAt after remove = %q, %v", buf, err)
		}
	})
}
