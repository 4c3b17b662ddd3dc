//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "goatdb-wasm runs in a browser: build it with GOOS=js GOARCH=wasm (go generate ./web)")
	os.Exit(2)
}
