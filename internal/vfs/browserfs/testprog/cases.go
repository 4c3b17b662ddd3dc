//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"goatdb/internal/jsonlog"
	"goatdb/internal/vfs"
	"goatdb/internal/vfs/browserfs"
)

type testCase struct {
	name string
	fn   func(fsys *browserfs.FS, backend string) error
}

var cases = []testCase{
	{"append", testAppend},
	{"small appends", testSmallAppends},
	{"5 MiB write", testBigWrite},
	{"20 MB read", testReadLarge},
	{"buffered bytes visible", testBuffered},
	{"truncate", testTruncate},
	{"seek", testSeek},
	{"readat", testReadAt},
	{"O_EXCL", testExcl},
	{"missing", testMissing},
	{"rename", testRename},
	{"remove", testRemove},
	{"readdir", testReadDir},
	{"mkdirall", testMkdirAll},
	{"dotdot", testDotDot},
	{"closed and modes", testClosed},
	{"shared handle", testShared},
	{"syncdir", testSyncDir},
	{"many chunks", testChunks},
	{"jsonlog", testJSONLog},
	{"concurrent goroutines", testConcurrent},
}

func suite() error {
	if fsys, err := browserfs.Open("/no-such-worker.js", "x"); err == nil {
		fsys.Close()
		return errors.New("Open with a missing worker script succeeded")
	}
	run := time.Now().UnixNano()
	for _, b := range backends {
		root := fmt.Sprintf("suite-%s-%d", b.name, run)
		fsys, err := open(root, b.force, b.name)
		if err != nil {
			return fmt.Errorf("%s: open: %w", b.name, err)
		}
		for _, c := range cases {
			if err := c.fn(fsys, b.name); err != nil {
				return fmt.Errorf("%s: %s: %w", b.name, c.name, err)
			}
		}
		if err := fsys.Close(); err != nil {
			return fmt.Errorf("%s: close: %w", b.name, err)
		}
		if err := testReopen(root, b.force, b.name); err != nil {
			return fmt.Errorf("%s: reopen: %w", b.name, err)
		}
		fmt.Printf("%s: %d cases passed\n", b.name, len(cases)+1)
	}
	return nil
}

func testAppend(fsys *browserfs.FS, _ string) error {
	f, err := fsys.OpenFile("a.txt", os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	for _, s := range []string{"hello ", "world"} {
		if _, err := f.Write([]byte(s)); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := appendNoSync(fsys, "a.txt", "!"); err != nil {
		return err
	}
	// Read, not ReadAt, this time.
	f, err = fsys.OpenFile("a.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	got, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if string(got) != "hello world!" {
		return fmt.Errorf("read %q", got)
	}
	return f.Close()
}

func appendNoSync(fsys vfs.FS, name, s string) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, werr := f.Write([]byte(s))
	return errors.Join(werr, f.Close())
}

func testSmallAppends(fsys *browserfs.FS, backend string) error {
	const n, size = 10000, 200
	var want bytes.Buffer
	lines := make([][]byte, n)
	for i := range lines {
		l := fmt.Sprintf("%07d ", i) + strings.Repeat("x", size-9) + "\n"
		lines[i] = []byte(l)
		want.WriteString(l)
	}
	start := time.Now()
	f, err := fsys.OpenFile("small.jsonl", os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := f.Write(l); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	fmt.Printf("TIME %s: %d appends of %d bytes + Sync: %v\n", backend, n, size, time.Since(start).Round(time.Microsecond))
	if err := f.Close(); err != nil {
		return err
	}
	got, err := readFile(fsys, "small.jsonl")
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want.Bytes()) {
		return fmt.Errorf("read back %d bytes, want %d (equal lengths: %v)", len(got), want.Len(), len(got) == want.Len())
	}
	return nil
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func testBigWrite(fsys *browserfs.FS, _ string) error {
	data := randomBytes(5<<20, 5)
	if err := writeFile(fsys, "big.bin", data); err != nil {
		return err
	}
	got, err := readFile(fsys, "big.bin")
	if err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return fmt.Errorf("read back %d bytes differing from the %d written", len(got), len(data))
	}
	return nil
}

func testReadLarge(fsys *browserfs.FS, backend string) error {
	const total, piece = 20_000_000, 1_000_000
	data := randomBytes(total, 20)
	f, err := fsys.OpenFile("large.jsonl", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	start := time.Now()
	for off := 0; off < total; off += piece {
		if _, err := f.Write(data[off : off+piece]); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("TIME %s: write %d MB in 1 MB writes + Sync: %v\n", backend, total/1_000_000, time.Since(start).Round(time.Microsecond))
	start = time.Now()
	got, err := readFile(fsys, "large.jsonl")
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Printf("TIME %s: read %d MB file (open, Stat, one ReadAt): %v (%.0f MB/s)\n",
		backend, total/1_000_000, d.Round(time.Microsecond), float64(total)/1e6/d.Seconds())
	if sha256.Sum256(got) != sha256.Sum256(data) {
		return fmt.Errorf("read back %d bytes differing from the %d written", len(got), total)
	}
	return nil
}

func testBuffered(fsys *browserfs.FS, _ string) error {
	f, err := fsys.OpenFile("buf.txt", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	data := bytes.Repeat([]byte("b"), 100)
	if _, err := f.Write(data); err != nil {
		return err
	}
	if info, err := f.Stat(); err != nil || info.Size() != 100 {
		return fmt.Errorf("File.Stat before Sync: %v, %v", info, err)
	}
	if info, err := fsys.Stat("buf.txt"); err != nil || info.Size() != 100 || info.IsDir() || info.Name() != "buf.txt" {
		return fmt.Errorf("FS.Stat before Sync: %v, %v", info, err)
	}
	// Unsynced bytes written through one file are visible through another.
	if _, err := f.Write(data); err != nil {
		return err
	}
	g, err := fsys.OpenFile("buf.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer g.Close()
	got := make([]byte, 300)
	n, err := g.ReadAt(got, 0)
	if n != 200 || !errors.Is(err, io.EOF) || !bytes.Equal(got[:n], append(data, data...)) {
		return fmt.Errorf("ReadAt through another file: %d, %v", n, err)
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	entries, err := fsys.ReadDir(".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "buf.txt" {
			info, err := e.Info()
			if err != nil || info.Size() != 300 {
				return fmt.Errorf("ReadDir before Sync: %v, %v", info, err)
			}
			return nil
		}
	}
	return errors.New("ReadDir misses buf.txt")
}

func testTruncate(fsys *browserfs.FS, _ string) error {
	content := strings.Repeat("0123456789", 10)
	if err := writeFile(fsys, "t.txt", []byte(content)); err != nil {
		return err
	}
	f, err := fsys.OpenFile("t.txt", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Truncate(50); err != nil {
		return err
	}
	if info, err := f.Stat(); err != nil || info.Size() != 50 {
		return fmt.Errorf("Stat after Truncate(50): %v, %v", info, err)
	}
	if err := f.Truncate(80); err != nil {
		return err
	}
	want := content[:50] + strings.Repeat("\x00", 30)
	if err := wantContent(f, want); err != nil {
		return fmt.Errorf("after growing: %w", err)
	}
	// Buffered writes land before the cut.
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		return err
	}
	if _, err := f.Write([]byte("tail")); err != nil {
		return err
	}
	if err := f.Truncate(5); err != nil {
		return err
	}
	if _, err := f.Write([]byte("!")); err != nil { // at offset 84: a hole
		return err
	}
	if err := wantContent(f, content[:5]+strings.Repeat("\x00", 79)+"!"); err != nil {
		return fmt.Errorf("after cutting buffered bytes: %w", err)
	}
	if err := f.Truncate(-1); !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("Truncate(-1): %v", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	r, err := fsys.OpenFile("t.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Truncate(0); err == nil {
		return errors.New("Truncate on a read-only file succeeded")
	}
	w, err := fsys.OpenFile("t.txt", os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	defer w.Close()
	if info, err := w.Stat(); err != nil || info.Size() != 0 {
		return fmt.Errorf("after O_TRUNC: %v, %v", info, err)
	}
	return nil
}

// wantContent checks f's whole content through ReadAt.
func wantContent(f vfs.File, want string) error {
	got := make([]byte, len(want)+10)
	n, err := f.ReadAt(got, 0)
	if !errors.Is(err, io.EOF) {
		return fmt.Errorf("ReadAt past the end: %v", err)
	}
	if string(got[:n]) != want {
		return fmt.Errorf("content %q, want %q", got[:n], want)
	}
	return nil
}

func testSeek(fsys *browserfs.FS, _ string) error {
	if err := writeFile(fsys, "s.txt", []byte("0123456789abcdefghij")); err != nil {
		return err
	}
	f, err := fsys.OpenFile("s.txt", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	steps := []struct {
		off    int64
		whence int
		want   int64
	}{{10, io.SeekStart, 10}, {2, io.SeekCurrent, 12}, {-5, io.SeekEnd, 15}, {0, io.SeekCurrent, 15}}
	for _, s := range steps {
		if got, err := f.Seek(s.off, s.whence); err != nil || got != s.want {
			return fmt.Errorf("Seek(%d, %d) = %d, %v, want %d", s.off, s.whence, got, err, s.want)
		}
	}
	buf := make([]byte, 3)
	if n, err := f.Read(buf); err != nil || string(buf[:n]) != "fgh" {
		return fmt.Errorf("Read after Seek: %q, %v", buf[:n], err)
	}
	if _, err := f.Seek(-100, io.SeekStart); err == nil {
		return errors.New("Seek to a negative offset succeeded")
	}
	// Overwrite in the middle, then write past the end leaving a hole.
	if _, err := f.Seek(2, io.SeekStart); err != nil {
		return err
	}
	if _, err := f.Write([]byte("XY")); err != nil {
		return err
	}
	if _, err := f.Seek(25, io.SeekStart); err != nil {
		return err
	}
	if _, err := f.Write([]byte("Z")); err != nil {
		return err
	}
	if got, err := f.Seek(0, io.SeekEnd); err != nil || got != 26 {
		return fmt.Errorf("size after writing past the end: %d, %v", got, err)
	}
	return wantContent(f, "01XY456789abcdefghij\x00\x00\x00\x00\x00Z")
}

func testReadAt(fsys *browserfs.FS, _ string) error {
	if err := writeFile(fsys, "r.txt", []byte("0123456789abcdefghij")); err != nil {
		return err
	}
	f, err := fsys.OpenFile("r.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	checks := []struct {
		off, size int
		want      string
		eof       bool
	}{{3, 5, "34567", false}, {0, 20, "0123456789abcdefghij", false}, {15, 10, "fghij", true}, {20, 4, "", true}, {30, 4, "", true}}
	for _, c := range checks {
		buf := make([]byte, c.size)
		n, err := f.ReadAt(buf, int64(c.off))
		if string(buf[:n]) != c.want || errors.Is(err, io.EOF) != c.eof || (err != nil && !errors.Is(err, io.EOF)) {
			return fmt.Errorf("ReadAt(%d bytes, %d) = %q, %v", c.size, c.off, buf[:n], err)
		}
	}
	if _, err := f.ReadAt(make([]byte, 1), -1); err == nil {
		return errors.New("ReadAt at a negative offset succeeded")
	}
	return nil
}

func testExcl(fsys *browserfs.FS, _ string) error {
	const flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	_, err := fsys.OpenFile("a.txt", flag, 0o644)
	if err := wantErr(err, os.ErrExist); err != nil {
		return fmt.Errorf("closed file: %w", err)
	}
	f, err := fsys.OpenFile("a.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fsys.OpenFile("a.txt", flag, 0o644)
	if err := wantErr(err, os.ErrExist); err != nil {
		return fmt.Errorf("open file: %w", err)
	}
	g, err := fsys.OpenFile("excl-new.txt", flag, 0o644)
	if err != nil {
		return err
	}
	return g.Close()
}

func testMissing(fsys *browserfs.FS, _ string) error {
	checks := map[string]error{}
	_, checks["open"] = fsys.OpenFile("nope", os.O_RDONLY, 0)
	_, checks["open in a missing directory"] = fsys.OpenFile("nodir/x", os.O_RDWR|os.O_CREATE, 0o644)
	_, checks["stat"] = fsys.Stat("nope")
	checks["remove"] = fsys.Remove("nope")
	checks["rename"] = fsys.Rename("nope", "x")
	_, checks["readdir"] = fsys.ReadDir("nope")
	checks["syncdir"] = fsys.SyncDir("nope")
	for what, err := range checks {
		if err := wantErr(err, os.ErrNotExist); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := fsys.MkdirAll("adir", 0o755); err != nil {
		return err
	}
	if _, err := fsys.OpenFile("adir", os.O_RDONLY, 0); !errors.Is(err, syscall.EISDIR) {
		return fmt.Errorf("opening a directory: %v", err)
	}
	if _, err := fsys.ReadDir("a.txt"); !errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("listing a file: %v", err)
	}
	return nil
}

func testRename(fsys *browserfs.FS, _ string) error {
	if err := writeFile(fsys, "settings.json", []byte("old")); err != nil {
		return err
	}
	if err := replaceFile(fsys, "settings.json", []byte("new")); err != nil {
		return err
	}
	if err := wantFile(fsys, "settings.json", "new"); err != nil {
		return err
	}
	_, err := fsys.Stat("settings.json.tmp")
	if err := wantErr(err, os.ErrNotExist); err != nil {
		return fmt.Errorf("temporary file: %w", err)
	}
	if err := fsys.MkdirAll("moved", 0o755); err != nil {
		return err
	}
	if err := fsys.Rename("settings.json", "moved/settings.json"); err != nil {
		return err
	}
	if err := wantFile(fsys, "moved/settings.json", "new"); err != nil {
		return err
	}
	if err := fsys.Rename("moved/settings.json", "moved"); !errors.Is(err, syscall.EISDIR) {
		return fmt.Errorf("rename onto a directory: %v", err)
	}
	f, err := fsys.OpenFile("moved/settings.json", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := fsys.Rename("moved/settings.json", "back.json"); !errors.Is(err, syscall.EBUSY) {
		return fmt.Errorf("rename of an open file: %v", err)
	}
	if err := fsys.Rename("a.txt", "moved/settings.json"); !errors.Is(err, syscall.EBUSY) {
		return fmt.Errorf("rename onto an open file: %v", err)
	}
	return nil
}

func testRemove(fsys *browserfs.FS, _ string) error {
	if err := fsys.MkdirAll("rm/sub", 0o755); err != nil {
		return err
	}
	if err := writeFile(fsys, "rm/f", []byte("x")); err != nil {
		return err
	}
	if err := fsys.Remove("rm"); !errors.Is(err, syscall.ENOTEMPTY) {
		return fmt.Errorf("removing a full directory: %v", err)
	}
	f, err := fsys.OpenFile("rm/f", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	if err := fsys.Remove("rm/f"); !errors.Is(err, syscall.EBUSY) {
		return fmt.Errorf("removing an open file: %v", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, name := range []string{"rm/f", "rm/sub", "rm"} {
		if err := fsys.Remove(name); err != nil {
			return err
		}
		_, err := fsys.Stat(name)
		if err := wantErr(err, os.ErrNotExist); err != nil {
			return fmt.Errorf("%s after Remove: %w", name, err)
		}
	}
	return nil
}

func testReadDir(fsys *browserfs.FS, _ string) error {
	if err := fsys.MkdirAll("ls/d", 0o755); err != nil {
		return err
	}
	for _, name := range []string{"c", "a", "b"} {
		if err := writeFile(fsys, "ls/"+name, []byte(strings.Repeat(name, 7))); err != nil {
			return err
		}
	}
	entries, err := fsys.ReadDir("ls")
	if err != nil {
		return err
	}
	var got []string
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return err
		}
		got = append(got, fmt.Sprintf("%s:%v:%d", e.Name(), e.IsDir(), info.Size()))
	}
	if want := "a:false:7 b:false:7 c:false:7 d:true:0"; strings.Join(got, " ") != want {
		return fmt.Errorf("ReadDir = %v, want %s", got, want)
	}
	root, err := fsys.ReadDir("/")
	if err != nil {
		return err
	}
	for i := 1; i < len(root); i++ {
		if root[i-1].Name() >= root[i].Name() {
			return fmt.Errorf("root listing unsorted at %s", root[i].Name())
		}
	}
	return nil
}

func testMkdirAll(fsys *browserfs.FS, _ string) error {
	for range 2 { // the second time everything exists
		if err := fsys.MkdirAll("x/y/z", 0o755); err != nil {
			return err
		}
	}
	for _, d := range []string{"x", "x/y", "x/y/z", "/x/y/"} {
		if info, err := fsys.Stat(d); err != nil || !info.IsDir() {
			return fmt.Errorf("Stat(%s) = %v, %v", d, info, err)
		}
	}
	if err := writeFile(fsys, "x/y/z/f", []byte("deep")); err != nil {
		return err
	}
	if err := wantFile(fsys, "/x/y/z/f", "deep"); err != nil {
		return err
	}
	if err := fsys.MkdirAll("x/y/z/f/g", 0o755); !errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("MkdirAll below a file: %v", err)
	}
	return nil
}

func testDotDot(fsys *browserfs.FS, _ string) error {
	checks := map[string]error{}
	_, checks["open ../x"] = fsys.OpenFile("../x", os.O_RDWR|os.O_CREATE, 0o644)
	_, checks["open a/../b"] = fsys.OpenFile("x/../b", os.O_RDWR|os.O_CREATE, 0o644)
	_, checks["stat .."] = fsys.Stat("..")
	checks["mkdirall"] = fsys.MkdirAll("../q", 0o755)
	checks["remove"] = fsys.Remove("x/..")
	checks["rename"] = fsys.Rename("a.txt", "../b")
	_, checks["readdir"] = fsys.ReadDir("..")
	checks["syncdir"] = fsys.SyncDir("/..")
	for what, err := range checks {
		if err := wantErr(err, fs.ErrInvalid); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return wantFile(fsys, "a.txt", "hello world!")
}

func testClosed(fsys *browserfs.FS, _ string) error {
	f, err := fsys.OpenFile("a.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, syscall.EBADF) {
		return fmt.Errorf("Write on a read-only file: %v", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := f.Close(); !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("second Close: %v", err)
	}
	if _, err := f.Read(make([]byte, 1)); !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("Read after Close: %v", err)
	}
	if _, err := f.Stat(); !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("Stat after Close: %v", err)
	}
	w, err := fsys.OpenFile("a.txt", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	defer w.Close()
	if _, err := w.Read(make([]byte, 1)); !errors.Is(err, syscall.EBADF) {
		return fmt.Errorf("Read on a write-only file: %v", err)
	}
	return nil
}

func testShared(fsys *browserfs.FS, _ string) error {
	const flag = os.O_RDWR | os.O_CREATE | os.O_APPEND
	f1, err := fsys.OpenFile("shared.txt", flag, 0o644)
	if err != nil {
		return err
	}
	f2, err := fsys.OpenFile("shared.txt", flag, 0o644)
	if err != nil {
		return err
	}
	if _, err := f1.Write([]byte("one ")); err != nil {
		return err
	}
	if _, err := f2.Write([]byte("two ")); err != nil {
		return err
	}
	if err := f1.Close(); err != nil {
		return err
	}
	// f2 keeps the handle f1 shared.
	if _, err := f2.Write([]byte("three")); err != nil {
		return err
	}
	if err := f2.Sync(); err != nil {
		return err
	}
	if err := wantContent(f2, "one two three"); err != nil {
		return err
	}
	if err := f2.Close(); err != nil {
		return err
	}
	// Removing works only once the last file has let go of the handle.
	return fsys.Remove("shared.txt")
}

func testSyncDir(fsys *browserfs.FS, _ string) error {
	for _, d := range []string{".", "/", "x/y"} {
		if err := fsys.SyncDir(d); err != nil {
			return err
		}
	}
	if err := fsys.SyncDir("a.txt"); !errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("SyncDir on a file: %v", err)
	}
	return nil
}

// testChunks sends hundreds of separate writes, some overwriting, and a
// truncation, so the IndexedDB backend has to compact its chunks, and
// compares the result with a model.
func testChunks(fsys *browserfs.FS, _ string) error {
	f, err := fsys.OpenFile("chunks.bin", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	var model []byte
	write := func(off int64, p []byte) error {
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return err
		}
		if _, err := f.Write(p); err != nil {
			return err
		}
		if end := int(off) + len(p); end > len(model) {
			model = append(model, make([]byte, end-len(model))...)
		}
		copy(model[off:], p)
		return nil
	}
	// A start larger than two of the backend's 4 MiB compaction tiles, so
	// compaction has tiles to keep and tiles that overwrites spoil.
	if err := write(0, randomBytes(9<<20, 9)); err != nil {
		return err
	}
	// Overwrites mostly land in the last MiB, so that compaction can keep
	// the tiles before them, except one early in the file, which spoils
	// the first tile.
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 1000 {
		p := randomBytes(50+r.IntN(3000), uint64(i))
		off := int64(len(model))
		switch {
		case i == 700:
			off = 100
		case i%10 == 9:
			off -= int64(r.IntN(min(len(model), 1<<20)))
		}
		if err := write(off, p); err != nil {
			return err
		}
		if i == 400 {
			cut := len(model) * 2 / 3
			if err := f.Truncate(int64(cut)); err != nil {
				return err
			}
			model = model[:cut]
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := wantContent(f, string(model)); err != nil {
		return fmt.Errorf("%d bytes: %w", len(model), err)
	}
	return f.Close()
}

// testReopen opens root again with a new worker and checks what the
// suite left there.
func testReopen(root string, force bool, backend string) error {
	fsys, err := open(root, force, backend)
	if err != nil {
		return err
	}
	if err := checkReopened(fsys); err != nil {
		fsys.Close()
		return err
	}
	f, err := fsys.OpenFile("a.txt", os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	if err := fsys.Close(); err != nil {
		return err
	}
	if _, err := f.Stat(); !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("File.Stat after FS.Close: %v", err)
	}
	if err := fsys.Close(); !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("second FS.Close: %v", err)
	}
	return nil
}

func checkReopened(fsys *browserfs.FS) error {
	if err := wantFile(fsys, "a.txt", "hello world!"); err != nil {
		return err
	}
	if info, err := fsys.Stat("large.jsonl"); err != nil || info.Size() != 20_000_000 {
		return fmt.Errorf("large.jsonl: %v, %v", info, err)
	}
	entries, err := fsys.ReadDir("ls")
	if err != nil || len(entries) != 4 {
		return fmt.Errorf("ls: %d entries, %v", len(entries), err)
	}
	return nil
}

// testJSONLog runs the engine's log on the filesystem: appends, a flush,
// reopening, and the cut of a torn tail a crash would leave.
func testJSONLog(fsys *browserfs.FS, _ string) error {
	const name, n = "engine/repo.jsonl", 1000
	count := func() (*jsonlog.Log, int, error) {
		seen := 0
		l, _, err := jsonlog.Open(fsys, name, jsonlog.Options{}, func(jsonlog.Record) error {
			seen++
			return nil
		})
		return l, seen, err
	}
	l, seen, err := count()
	if err != nil || seen != 0 {
		return fmt.Errorf("new log: %d records, %v", seen, err)
	}
	for i := range n {
		l.Append([]byte(fmt.Sprintf(`{"id":%d}`, i)))
	}
	if err := l.Flush(context.Background()); err != nil {
		return err
	}
	if err := l.Close(); err != nil {
		return err
	}
	if err := appendNoSync(fsys, name, `{"torn":`); err != nil {
		return err
	}
	if l, seen, err = count(); err != nil || seen != n {
		return fmt.Errorf("reopened log: %d records, want %d, %v", seen, n, err)
	}
	l.Append([]byte(`{"id":"after"}`))
	if err := l.Close(); err != nil {
		return err
	}
	if l, seen, err = count(); err != nil || seen != n+1 {
		return fmt.Errorf("log after the cut: %d records, want %d, %v", seen, n+1, err)
	}
	return l.Close()
}

// testConcurrent has goroutines use the FS at once, so replies must find
// their callers among many outstanding requests.
func testConcurrent(fsys *browserfs.FS, _ string) error {
	const workers, rounds = 8, 50
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			name := fmt.Sprintf("conc-%d", w)
			var want bytes.Buffer
			for i := range rounds {
				line := fmt.Sprintf("worker %d line %d\n", w, i)
				want.WriteString(line)
				if err := appendSyncCreate(fsys, name, line); err != nil {
					errs[w] = err
					return
				}
				if _, err := fsys.Stat(name); err != nil {
					errs[w] = err
					return
				}
			}
			errs[w] = wantFile(fsys, name, want.String())
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func appendSyncCreate(fsys vfs.FS, name, s string) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write([]byte(s))
	serr := f.Sync()
	return errors.Join(werr, serr, f.Close())
}
