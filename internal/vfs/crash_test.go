package vfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// createSynced makes a file whose name and contents are durable.
func createSynced(t *testing.T, m *MemFS, name, contents string) File {
	t.Helper()
	f, err := m.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, contents)
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := m.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	return f
}

func crashedContents(t *testing.T, m *MemFS, seed uint64, name string) (string, bool) {
	t.Helper()
	b, err := m.Crash(seeded(seed)).ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

func TestCrashKeepsSyncedAndAPrefixOfTheRest(t *testing.T) {
	m := NewMem()
	f := createSynced(t, m, "/f", "durable|")
	mustWrite(t, f, "abc")
	mustWrite(t, f, "defg")
	const full = "durable|abcdefg"
	seen := map[string]bool{}
	for seed := range uint64(400) {
		got, ok := crashedContents(t, m, seed, "/f")
		if !ok {
			t.Fatal("synced file vanished")
		}
		seen[got] = true
		if !strings.HasPrefix(got, "durable|") || len(got) > len(full) {
			t.Fatalf("seed %d: %q is not durable|+prefix", seed, got)
		}
		// The tail is a prefix of the unsynced bytes, whose end may read as zeros.
		tail := strings.TrimRight(got[len("durable|"):], "\x00")
		if !strings.HasPrefix("abcdefg", tail) {
			t.Fatalf("seed %d: %q has a tail that is not a prefix of the unsynced writes", seed, got)
		}
	}
	for _, want := range []string{"durable|", "durable|abc", full, "durable|abcd", "durable|ab\x00"} {
		if !seen[want] {
			t.Errorf("no seed produced %q; outcomes: %q", want, keys(seen))
		}
	}
	if b, _ := m.ReadFile("/f"); string(b) != full {
		t.Errorf("Crash changed the original: %q", b)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCrashIsReproducible(t *testing.T) {
	m := NewMem()
	for i := range 5 {
		f := createSynced(t, m, fmt.Sprintf("/f%d", i), "s")
		mustWrite(t, f, strings.Repeat("x", 100))
	}
	for seed := range uint64(20) {
		a, b := m.Crash(seeded(seed)), m.Crash(seeded(seed))
		for i := range 5 {
			name := fmt.Sprintf("/f%d", i)
			x, _ := a.ReadFile(name)
			y, _ := b.ReadFile(name)
			if !bytes.Equal(x, y) {
				t.Fatalf("seed %d %s: %q vs %q", seed, name, x, y)
			}
		}
	}
}

func TestSyncMakesEverythingDurable(t *testing.T) {
	m := NewMem()
	f := createSynced(t, m, "/f", "a")
	mustWrite(t, f, "bc")
	if err := f.Truncate(2); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, "XY")
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(50) {
		if got, _ := crashedContents(t, m, seed, "/f"); got != "abXY" {
			t.Fatalf("seed %d: %q, want abXY", seed, got)
		}
	}
}

func TestCrashReplaysTruncationInOrder(t *testing.T) {
	m := NewMem()
	f := createSynced(t, m, "/f", "abcdef")
	if err := f.Truncate(3); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, "XY")
	allowed := map[string]bool{
		"abcdef": true, "abc": true, "abcX": true, "abcXY": true,
		"abc\x00": true, "abcX\x00": true, "abc\x00\x00": true,
	}
	for seed := range uint64(200) {
		got, _ := crashedContents(t, m, seed, "/f")
		if !allowed[got] {
			t.Fatalf("seed %d: impossible outcome %q", seed, got)
		}
	}
}

func TestNamesNeedSyncDir(t *testing.T) {
	m := NewMem()
	if err := m.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := m.OpenFile("/d/new", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, "data")
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if _, ok := crashedContents(t, m, 1, "/d/new"); ok {
		t.Error("a file whose directory was never synced survived a crash")
	}
	if err := m.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	if got, ok := crashedContents(t, m, 1, "/d/new"); !ok || got != "data" {
		t.Errorf("after SyncDir: %q, %v", got, ok)
	}
	c := m.Crash(seeded(1))
	if info, err := c.Stat("/d"); err != nil || !info.IsDir() {
		t.Errorf("directory after crash: %v, %v", info, err)
	}

	if err := m.Rename("/d/new", "/d/renamed"); err != nil {
		t.Fatal(err)
	}
	if _, ok := crashedContents(t, m, 1, "/d/renamed"); ok {
		t.Error("unsynced rename survived a crash")
	}
	if _, ok := crashedContents(t, m, 1, "/d/new"); !ok {
		t.Error("old name lost by an unsynced rename")
	}
	if err := m.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	if _, ok := crashedContents(t, m, 1, "/d/new"); ok {
		t.Error("old name came back after a synced rename")
	}

	if err := m.Remove("/d/renamed"); err != nil {
		t.Fatal(err)
	}
	if _, ok := crashedContents(t, m, 1, "/d/renamed"); !ok {
		t.Error("an unsynced remove was durable")
	}
	if err := m.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	if _, ok := crashedContents(t, m, 1, "/d/renamed"); ok {
		t.Error("a synced remove was undone")
	}
}

func TestCrashedFSIsIndependent(t *testing.T) {
	m := NewMem()
	f := createSynced(t, m, "/f", "abc")
	c := m.Crash(seeded(1))
	g, err := c.OpenFile("/f", os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, g, "crashed")
	mustWrite(t, f, "original")
	if b, _ := m.ReadFile("/f"); string(b) != "abcoriginal" {
		t.Errorf("original: %q", b)
	}
	if b, _ := c.ReadFile("/f"); string(b) != "abccrashed" {
		t.Errorf("crashed copy: %q", b)
	}
}

func TestFaultInjection(t *testing.T) {
	m := NewMem()
	f := createSynced(t, m, "/f", "ok|")
	m.SetFault(func(op, name string) error {
		if op == OpWrite && name == "/f" {
			return syscall.ENOSPC
		}
		return nil
	})
	if n, err := f.Write([]byte("lost")); n != 0 || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Write = %d, %v; want 0, ENOSPC", n, err)
	}
	m.SetFault(func(op, _ string) error {
		if op == OpWrite {
			return &ShortWrite{N: 2, Err: syscall.ENOSPC}
		}
		return nil
	})
	if n, err := f.Write([]byte("half")); n != 2 || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("short Write = %d, %v; want 2, ENOSPC", n, err)
	}
	m.SetFault(func(op, _ string) error {
		if op == OpWrite {
			return &ShortWrite{N: 1}
		}
		return nil
	})
	if n, err := f.Write([]byte("xyz")); n != 1 || !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("short Write = %d, %v; want 1, ErrShortWrite", n, err)
	}
	m.SetFault(func(op, _ string) error {
		if op == OpSync {
			return syscall.EIO
		}
		return nil
	})
	if err := f.Sync(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Sync = %v, want EIO", err)
	}
	if b, _ := m.ReadFile("/f"); string(b) != "ok|hax" {
		t.Errorf("contents %q, want ok|hax", b)
	}
	for seed := range uint64(50) {
		got, _ := crashedContents(t, m, seed, "/f")
		if !strings.HasPrefix(got, "ok|") {
			t.Fatalf("seed %d: synced bytes lost: %q", seed, got)
		}
	}
	m.mu.Lock()
	synced := string(m.files["/f"].synced)
	m.mu.Unlock()
	if synced != "ok|" {
		t.Errorf("failed sync made %q durable, want only ok|", synced)
	}
	m.SetFault(nil)
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if got, _ := crashedContents(t, m, 0, "/f"); got != "ok|hax" {
		t.Errorf("after a successful sync: %q", got)
	}
	m.SetFault(func(op, name string) error {
		if op == OpOpen {
			return syscall.EMFILE
		}
		return nil
	})
	if _, err := m.OpenFile("/f", os.O_RDONLY, 0); !errors.Is(err, syscall.EMFILE) {
		t.Errorf("open with fault: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	m := NewMem()
	if err := m.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("/d/f%d", g)
			f, err := m.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			for i := range 200 {
				if _, err := f.Write([]byte("line\n")); err != nil {
					t.Error(err)
					return
				}
				if i%20 == 0 {
					f.Sync()
					m.SyncDir("/d")
				}
			}
		})
	}
	wg.Go(func() {
		for seed := range uint64(50) {
			m.Crash(seeded(seed))
			m.ReadDir("/d")
		}
	})
	wg.Wait()
	for g := range 8 {
		if b, _ := m.ReadFile(fmt.Sprintf("/d/f%d", g)); len(b) != 200*5 {
			t.Errorf("f%d: %d bytes", g, len(b))
		}
	}
}

func TestWriteFileIsDurable(t *testing.T) {
	m := NewMem()
	if err := m.WriteFile("/missing/f", []byte("x"), 0o644); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WriteFile without parent: %v", err)
	}
	if err := m.WriteFile("/f", []byte("fixture"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok := crashedContents(t, m, 3, "/f"); !ok || got != "fixture" {
		t.Errorf("after crash: %q, %v", got, ok)
	}
	info, err := m.Stat("/f")
	if err != nil || info.Mode() != 0o600 || info.Size() != 7 {
		t.Errorf("Stat = %v, %v", info, err)
	}
	if msg := (&ShortWrite{N: 3, Err: syscall.ENOSPC}).Error(); !strings.Contains(msg, "3 bytes") {
		t.Errorf("ShortWrite message %q", msg)
	}
}
