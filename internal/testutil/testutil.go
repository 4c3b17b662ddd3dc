// Package testutil owns helpers shared by tests: locating the upstream
// fixtures and copying them to scratch directories, since tests must never
// change ../shared.
package testutil

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Fixtures returns the absolute path of the upstream 0.5.1 fixture folder.
func Fixtures(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "fixtures", "upstream-0.5.1")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("fixtures not found at %s: %v", dir, err)
	}
	return dir
}

// CopyDir copies the tree at src into a new temporary directory, with
// write permission (the fixtures are read-only), and returns it.
func CopyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}
