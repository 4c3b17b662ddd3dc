package jsonlog

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"goatdb/internal/vfs"
)

// helperEnv names the log file TestHelperWriter appends to when this test
// binary runs as TestKillWhileAppending's child.
const helperEnv = "JSONLOG_HELPER_LOG"

// TestHelperWriter is the child process of TestKillWhileAppending: it
// continues the sequence in the log, announcing "ready <next seq>" and then
// "ack <seq>" after each Flush, until it is killed.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		return // runs only as the child of TestKillWhileAppending
	}
	next := 0
	l, _, err := Open(vfs.OS, path, quiet, func(r Record) error {
		next = seqOf(t, r.Line) + 1
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "ready %d\n", next)
	rng := rand.New(rand.NewPCG(uint64(next), 7))
	// A bound in case the parent dies without killing us.
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); {
		for range 1 + rng.IntN(20) {
			l.Append(seqLine(next))
			next++
		}
		if err := l.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "ack %d\n", next-1)
	}
	t.Fatal("not killed")
}

// TestKillWhileAppending kills a real process that is appending and
// flushing, at a random moment, then checks that the file reopens cleanly
// with every acknowledged line intact. Runs come in chains that share a
// file, so each child also recovers whatever the previous kill left; chains
// are short so the file, which every run reads twice, stays small.
func TestKillWhileAppending(t *testing.T) {
	const chain = 5
	runs := 50
	if testing.Short() {
		runs = 10
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(2024, 11))
	var path string
	var acked, total int
	for run := range runs {
		if run%chain == 0 {
			path = filepath.Join(dir, strconv.Itoa(run), "log.jsonl")
			acked = -1
		}
		delay := time.Duration(5+rng.IntN(46)) * time.Millisecond
		ready, lastAck := killChild(t, path, delay)
		if ready <= acked {
			t.Fatalf("run %d: child resumed at seq %d, but %d was acknowledged", run, ready, acked)
		}
		acked = max(acked, lastAck)

		var seqs []int
		l, st, err := Open(vfs.OS, path, quiet, func(r Record) error {
			seqs = append(seqs, seqOf(t, r.Line))
			return nil
		})
		if err != nil {
			t.Fatalf("run %d: reopen: %v", run, err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		checkSeqs(t, seqs, acked)
		if st.Unparsable != 0 || st.Blank != 0 {
			t.Fatalf("run %d: reopened with damage: %+v", run, st)
		}
		total += max(0, lastAck-ready+1)
	}
	t.Logf("%d runs acknowledged %d lines", runs, total)
}

// killChild runs TestHelperWriter on path, kills it with SIGKILL delay after
// it reports ready, and returns the sequence number it started at and the
// last one it acknowledged (-1 if none).
func killChild(t *testing.T, path string, delay time.Duration) (ready, lastAck int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := func() { cmd.Process.Kill() } // SIGKILL on Unix
	watchdog := time.AfterFunc(time.Minute, kill)
	defer watchdog.Stop()

	ready, lastAck = -1, -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		kind, num, _ := strings.Cut(sc.Text(), " ")
		n, err := strconv.Atoi(num)
		switch {
		case err != nil:
		case kind == "ready" && ready < 0:
			ready = n
			defer time.AfterFunc(delay, kill).Stop()
		case kind == "ack":
			lastAck = n
		}
	}
	err = cmd.Wait()
	if ready < 0 {
		t.Fatalf("child never became ready: %v\n%s", err, stderr.Bytes())
	}
	if cmd.ProcessState.Exited() {
		t.Fatalf("child exited instead of being killed: %v\n%s", err, stderr.Bytes())
	}
	return ready, lastAck
}
