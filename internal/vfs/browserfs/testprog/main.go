//go:build js && wasm

// Command testprog exercises package browserfs in a real browser, for
// e2e/browserfs.test.mjs. Its first argument picks what to do:
//
//	suite   every case on OPFS, then on the IndexedDB fallback (default)
//	write   write data to persist, leaving files open as a page does
//	verify  after a reload, check that data and write more
//
// It prints timings on lines starting with TIME and, last, PASS or
// FAIL with the reason. The worker must be served at /opfs-worker.js.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"goatdb/internal/vfs"
	"goatdb/internal/vfs/browserfs"
)

const workerURL = "/opfs-worker.js"

var backends = []struct {
	name  string
	force bool
}{{"opfs", false}, {"indexeddb", true}}

func main() {
	mode := "suite"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	var err error
	switch mode {
	case "suite":
		err = suite()
	case "write":
		err = persistWrite()
	case "verify":
		err = persistVerify()
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Println("FAIL", err)
		return
	}
	fmt.Println("PASS")
}

func open(root string, force bool, want string) (*browserfs.FS, error) {
	fsys, err := browserfs.Open(workerURL, root, browserfs.Options{ForceIndexedDB: force})
	if err != nil {
		return nil, err
	}
	if fsys.Backend() != want {
		fsys.Close()
		return nil, fmt.Errorf("backend is %s, want %s", fsys.Backend(), want)
	}
	return fsys, nil
}

// The persistence check: a log appended in synced batches and a settings
// file replaced by rename, the way the engine writes them.
const persistLines = 1000

func logLine(i int) string {
	return fmt.Sprintf(`{"i":%d,"pad":"%0100d"}`+"\n", i, i)
}

func persistWrite() error {
	for _, b := range backends {
		fsys, err := open("persist-"+b.name, b.force, b.name)
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		if err := writePersist(fsys); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		// Neither the log nor the FS is closed: the page goes away with
		// them open, as a reloaded page does.
	}
	return nil
}

func writePersist(fsys *browserfs.FS) error {
	if err := fsys.MkdirAll("db/repo", 0o755); err != nil {
		return err
	}
	log, err := fsys.OpenFile("db/repo/log.jsonl", os.O_RDWR|os.O_CREATE|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	for i := range persistLines {
		if _, err := log.Write([]byte(logLine(i))); err != nil {
			return err
		}
		if i%100 == 99 {
			if err := log.Sync(); err != nil {
				return err
			}
		}
	}
	return replaceFile(fsys, "db/settings.json", []byte(`{"session":"persisted"}`))
}

func persistVerify() error {
	var want bytes.Buffer
	for i := range persistLines {
		want.WriteString(logLine(i))
	}
	for _, b := range backends {
		fsys, err := open("persist-"+b.name, b.force, b.name)
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		got, err := readFile(fsys, "db/repo/log.jsonl")
		if err == nil && !bytes.Equal(got, want.Bytes()) {
			err = fmt.Errorf("log has %d bytes, want %d", len(got), want.Len())
		}
		if err == nil {
			err = wantFile(fsys, "db/settings.json", `{"session":"persisted"}`)
		}
		if err == nil {
			_, err = fsys.Stat("db/settings.json.tmp")
			err = wantErr(err, fs.ErrNotExist)
		}
		if err == nil {
			// Appending proves the previous page's lock is gone.
			err = appendSync(fsys, "db/repo/log.jsonl", logLine(persistLines))
		}
		if err == nil {
			err = fsys.Close()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		fmt.Printf("%s: %d log bytes persisted\n", b.name, len(got))
	}
	return nil
}

// replaceFile writes name the way settings.json is: a temporary file,
// synced, renamed over the old one, directory synced.
func replaceFile(fsys vfs.FS, name string, data []byte) error {
	tmp := name + ".tmp"
	if err := writeFile(fsys, tmp, data); err != nil {
		return err
	}
	if err := fsys.Rename(tmp, name); err != nil {
		return err
	}
	return fsys.SyncDir(path.Dir(name))
}

func writeFile(fsys vfs.FS, name string, data []byte) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	return errors.Join(werr, serr, f.Close())
}

func appendSync(fsys vfs.FS, name, s string) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, werr := f.Write([]byte(s))
	serr := f.Sync()
	return errors.Join(werr, serr, f.Close())
}

// readFile reads name as the engine reads a log: Stat, then one ReadAt.
func readFile(fsys vfs.FS, name string) ([]byte, error) {
	f, err := fsys.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, info.Size())
	n, err := f.ReadAt(buf, 0)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

func wantFile(fsys vfs.FS, name, want string) error {
	got, err := readFile(fsys, name)
	if err != nil {
		return err
	}
	if string(got) != want {
		return fmt.Errorf("%s holds %q, want %q", name, trim(got), trim([]byte(want)))
	}
	return nil
}

func trim(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%s...(%d bytes)", b[:64], len(b))
	}
	return string(b)
}

// wantErr checks that err matches target and is wrapped the way the os
// package wraps it.
func wantErr(err, target error) error {
	if err == nil {
		return fmt.Errorf("no error, want %v", target)
	}
	if !errors.Is(err, target) {
		return fmt.Errorf("error %v, want %v", err, target)
	}
	var pe *fs.PathError
	var le *os.LinkError
	if !errors.As(err, &pe) && !errors.As(err, &le) {
		return fmt.Errorf("error %T %v is not a *fs.PathError or *os.LinkError", err, err)
	}
	return nil
}
