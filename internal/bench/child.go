package bench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// childEnv, when set to "<system>\n<dir>", makes the process a child of
// the "fresh process" row: it opens the big repository of that system
// and exits, so the parent can time a whole process start.
const childEnv = "GOATDB_BENCH_OPEN_CHILD"

// childMemEnv makes the child print its resident set and Go heap after
// opening, for the memory row.
const childMemEnv = "GOATDB_BENCH_CHILD_MEM"

// RunChildIfAsked runs the child side of the fresh-process row and exits
// when this process is such a child; otherwise it returns at once. Programs
// that run Run call it first thing in main.
func RunChildIfAsked() {
	v, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	name, dir, _ := strings.Cut(v, "\n")
	if err := openInChild(name, dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func openInChild(name, dir string) error {
	for _, sys := range systems {
		if sys.name != name {
			continue
		}
		st, err := openStore(sys, dir)
		if err != nil {
			return err
		}
		if err := st.openRepo(bigRepo); err != nil {
			return err
		}
		if os.Getenv(childMemEnv) != "" {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			rss, err := vmRSS()
			if err != nil {
				return err
			}
			fmt.Printf("rss %d heap %d\n", rss, ms.HeapAlloc)
			runtime.KeepAlive(st) // measured with the repository loaded
		}
		// Closing is not part of what the row measures, and exiting
		// loses nothing: every dataset was flushed when it was built.
		return nil
	}
	return fmt.Errorf("unknown system %q", name)
}

// openBigProcess times a new process that opens the N-item dataset: the
// runtime's start, opening the instance and loading the repository.
func openBigProcess(r *runner, sys system) (op, func(), error) {
	dir, err := r.bigDir(sys)
	if err != nil {
		return nil, nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	return func(int) (time.Duration, error) {
		cmd := exec.CommandContext(r.ctx, exe)
		cmd.Env = append(os.Environ(), childEnv+"="+sys.name+"\n"+dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
		}
		return d, nil
	}, func() {}, nil
}
