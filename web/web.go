// Package web holds the browser client — goatdb.js, its OPFS worker and
// the engine compiled to WebAssembly — and the demo app, embedded so that
// `goatdb serve --demo` serves them from the one binary.
//
// goatdb.wasm and wasm_exec.js are built, not checked in: run
// `go generate ./web` before building a binary that serves the demo.
package web

import (
	"embed"
	"io/fs"
)

//go:generate go run gen.go

//go:embed static
var static embed.FS

// Static is the demo app and the browser client, rooted at the directory
// the server serves.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Built reports whether this binary carries the compiled engine.
func Built() bool {
	_, err := fs.Stat(static, "static/goatdb.wasm")
	return err == nil
}
