package goatdb

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const crashChildEnv = "GOATDB_CRASH_CHILD_DIR"

// TestCrashChildWriter is the child side of TestCrashSIGKILL: it writes
// items forever and prints the number of the last item each completed Flush
// covered.
func TestCrashChildWriter(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		return // only runs as the child of TestCrashSIGKILL
	}
	db, err := Open(context.Background(), dir, &Options{CommitDelay: -1, Trusted: true})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	db.Registry().Register(allTypes)
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		if _, err := db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": strings.Repeat("x", i%200), "n": float64(i)}); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		if i%7 == 0 {
			if err := db.Flush(context.Background()); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			fmt.Fprintf(out, "ack %d\n", i)
			out.Flush()
		}
	}
}

func TestCrashSIGKILL(t *testing.T) {
	// 25 directories × 2 lives = 50 kills; the second life of each
	// directory checks that recovery leaves a log that takes appends.
	runs := 25
	if testing.Short() {
		runs = 5
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range runs {
		dir := t.TempDir()
		acked := -1
		// Several kills into the same directory: each restart must find
		// everything acknowledged before, then keep appending.
		for range 2 {
			acked = crashOnce(t, dir, acked, time.Duration(5+rng.IntN(45))*time.Millisecond)
		}
	}
}

// crashOnce starts a writer child, kills it after delay (counted from its
// first acknowledged flush) and checks the directory. It returns the
// highest acknowledged item number so far.
func crashOnce(t *testing.T, dir string, prevAcked int, delay time.Duration) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChildWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := prevAcked
	sc := bufio.NewScanner(stdout)
	var timer *time.Timer
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "error") {
			cmd.Process.Kill()
			t.Fatalf("child: %s", line)
		}
		if n, ok := strings.CutPrefix(line, "ack "); ok {
			acked, _ = strconv.Atoi(n)
			if timer == nil {
				timer = time.AfterFunc(delay, func() { cmd.Process.Kill() })
			}
		}
	}
	cmd.Wait()

	// Reopen: every acknowledged write is there, and the directory checks
	// clean afterwards.
	db, err := Open(context.Background(), dir, &Options{CommitDelay: -1, Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Registry().Register(allTypes)
	for i := 0; i <= acked; i++ {
		d, err := db.Get(fmt.Sprintf("/data/all/k%d", i))
		if err != nil || d["n"] != float64(i) {
			t.Fatalf("acknowledged item k%d lost after SIGKILL: %v %v", i, d, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(context.Background(), dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	reports, err := ro.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Damaged() {
			t.Fatalf("check after reopen: %+v", r)
		}
	}
	return acked
}
