// Command goatdb-wasm is the browser build of GoatDB: the same engine as
// the server and the Go API, compiled to WebAssembly and driven from
// JavaScript by web/goatdb.js, which is the API applications use. Build it
// with GOOS=js GOARCH=wasm (go generate ./web does); run natively it only
// says so.
//
// Everything JavaScript calls either answers at once from memory (reads,
// writes that become commits after the commit delay) or returns a
// promise whose work runs on a goroutine (opening, flushing, closing). A
// synchronous call must never wait for the browser — storage, network or
// WebCrypto — because Go's event loop cannot deliver the answer while a
// JavaScript callback is blocked: that is why reads need the repository
// opened first.
package main
