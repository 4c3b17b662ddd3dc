package jsonlog

import (
	"context"
	"math/rand/v2"
	"syscall"
	"testing"

	"goatdb/internal/vfs"
)

// TestCrashRecovery appends and flushes at random, crashes the filesystem at
// random moments, possibly while the writer is mid-write, and reopens what
// survived, over several generations per seed. Every line a completed Flush
// (or Close) acknowledged must come back intact, and no two lines may ever
// run together. Some generations also suffer a short write.
func TestCrashRecovery(t *testing.T) {
	for seed := range uint64(300) {
		crashGenerations(t, seed)
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

func crashGenerations(t *testing.T, seed uint64) {
	const path = "/db/data/log.jsonl"
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
	fsys := vfs.NewMem()
	acked, faults := -1, int64(0)
	for gen := range 4 {
		var seqs []int
		l, st, err := Open(fsys, path, quiet, func(r Record) error {
			seqs = append(seqs, seqOf(t, r.Line))
			return nil
		})
		if err != nil {
			t.Fatalf("seed %d gen %d: %v", seed, gen, err)
		}
		next := checkSeqs(t, seqs, acked)
		if st.Unparsable > faults {
			t.Errorf("seed %d gen %d: %d unparsable lines after %d short writes", seed, gen, st.Unparsable, faults)
		}
		if gen == 3 {
			l.Close()
			return
		}

		if rng.IntN(4) == 0 {
			faults++
			fsys.SetFault(failNth(vfs.OpWrite, 1+rng.Int32N(4),
				&vfs.ShortWrite{N: rng.IntN(700), Err: syscall.ENOSPC}))
		}
		for range 1 + rng.IntN(30) {
			for range rng.IntN(8) {
				l.Append(seqLine(next))
				next++
			}
			if rng.IntN(3) == 0 {
				if l.Flush(context.Background()) != nil {
					break
				}
				acked = next - 1
			}
		}
		var crashed *vfs.MemFS
		if rng.IntN(4) == 0 {
			if l.Close() == nil {
				acked = next - 1
			}
			crashed = fsys.Crash(rng)
		} else {
			crashed = fsys.Crash(rng)
			l.Close()
		}
		fsys = crashed
	}
}

// checkSeqs checks that seqs holds 0, 1, 2, … without gaps, each at least
// once and in order, covering at least acked. It returns the next sequence
// number to write.
func checkSeqs(t *testing.T, seqs []int, acked int) int {
	t.Helper()
	want := 0
	for i, s := range seqs {
		switch {
		case s == want:
			want++
		case i > 0 && s == seqs[i-1]:
			// A short write that stopped at a '\n' boundary is rewritten.
		default:
			t.Fatalf("seq %d at position %d, want %d", s, i, want)
		}
	}
	if want <= acked {
		t.Fatalf("acknowledged lines lost: have up to %d, acknowledged up to %d", want-1, acked)
	}
	return want
}
