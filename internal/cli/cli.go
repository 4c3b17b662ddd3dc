// Package cli owns the goatdb command line: one file per verb, a shared
// way to open a data directory with its schemas, and the exit-code
// contract (0 ok, 1 runtime error, 2 usage error; errors are one line on
// stderr).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// usageError marks an error as the caller's mistake (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what a verb runs with.
type env struct {
	ctx            context.Context // cancelled to stop long-running verbs
	stdin          io.Reader
	stdout, stderr io.Writer
}

type verb struct {
	name, synopsis string
	run            func(e env, args []string) error
}

func verbs() []verb {
	return []verb{
		{"serve", "serve [--dir D] [--addr A] [--peer URL]... [--org O] [--trusted] [--static DIR | --demo] [--schema FILE]   run the server on a data directory", runServe},
		{"put", "put --dir D [--schema FILE] [--type NS[/V]] PATH 'JSON'   create or update an item, print the commit id", runPut},
		{"get", "get --dir D [--schema FILE] PATH   print an item as JSON", runGet},
		{"keys", "keys --dir D [--all] REPO   list item keys", runKeys},
		{"log", "log --dir D [--raw] PATH   print an item's history, newest first", runLog},
		{"query", "query --dir D REPO [--where F=V]... [--sort F] [--desc] [--limit N]   print matching items as JSON lines", runQuery},
		{"check", "check --dir D [--verify-signatures]   verify every repository log", runCheck},
		{"sync", "sync --dir D --peer URL [REPO]...   sync with a server once, as a client", runSync},
		{"bench", "bench [--items N] [--samples K] [--json] [--rows REGEXP]   compare goatdb with SQLite on upstream's benchmark workload", runBench},
	}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Run(context.Background(), args, stdin, stdout, stderr)
}

// Run is Main with a context whose cancellation stops a running server as
// SIGINT would.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprintln(stderr, `goatdb: missing command (run "goatdb help")`)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return exitOK
	}
	for _, v := range verbs() {
		if v.name != args[0] {
			continue
		}
		err := v.run(e, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "goatdb %s: %v\n", v.name, oneLine(err))
			return exitUsage
		default:
			fmt.Fprintf(stderr, "goatdb %s: %v\n", v.name, oneLine(err))
			return exitRuntime
		}
	}
	fmt.Fprintf(stderr, "goatdb: unknown command %q (run \"goatdb help\")\n", args[0])
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: goatdb <command> [flags] [args]")
	fmt.Fprintln(w)
	for _, v := range verbs() {
		fmt.Fprintf(w, "  goatdb %s\n", v.synopsis)
	}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// newFlags returns a flag set whose errors become usage errors instead of
// exiting the process.
func newFlags(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("goatdb "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args and turns flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	// Flags may follow positional arguments (goatdb query --dir D REPO
	// --where F=V); everything after "--" is positional.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
