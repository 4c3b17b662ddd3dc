// Command goatdb runs a GoatDB server and works with data directories from
// the command line: put, get, keys, log and check. Run "goatdb help" for
// usage.
package main

import (
	"os"

	"goatdb/internal/bench"
	"goatdb/internal/cli"
)

func main() {
	bench.RunChildIfAsked() // `goatdb bench` times fresh processes by re-running this binary
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
