//go:build ignore

// gen builds the engine for the browser into static/goatdb.wasm and copies
// the Go release's wasm_exec.js beside it (the two must come from the same
// Go version). Run it with `go generate ./web`.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "web/gen:", err)
		os.Exit(1)
	}
}

func run() error {
	out := filepath.Join("static", "goatdb.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "../cmd/goatdb-wasm")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the wasm engine: %w", err)
	}
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("static", "wasm_exec.js"), execJS, 0o644); err != nil {
		return err
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(wasm)
	w.Close()
	fmt.Printf("web/static/goatdb.wasm: %.2f MiB, %.2f MiB gzipped\n", float64(len(wasm))/(1<<20), float64(gz.Len())/(1<<20))
	return nil
}
