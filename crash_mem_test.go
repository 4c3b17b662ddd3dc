package goatdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"goatdb/internal/vfs"
)

// TestCrashMemFS simulates power loss at random moments on the crashable
// in-memory filesystem: whatever the disk kept, reopening finds every item
// whose write a completed Flush acknowledged, and the log checks clean.
func TestCrashMemFS(t *testing.T) {
	seeds := 100
	if testing.Short() {
		seeds = 40
	}
	ctx := context.Background()
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		fsys := vfs.NewMem()
		db, err := openFS(ctx, fsys, "/d", &Options{CommitDelay: -1, Trusted: true})
		if err != nil {
			t.Fatal(err)
		}
		db.Registry().Register(allTypes)
		acked, n := -1, 20+rng.IntN(200)
		for i := range n {
			if _, err := db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": "t", "n": float64(i)}); err != nil {
				t.Fatal(err)
			}
			// Later edits of acknowledged items must not endanger them.
			if i > 0 && rng.IntN(3) == 0 {
				it, _ := db.Item(fmt.Sprintf("/data/all/k%d", rng.IntN(i)))
				it.Set("ok", true)
			}
			if rng.IntN(8) == 0 {
				if err := db.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				acked = i
			}
		}
		crashed := fsys.Crash(rng) // the writer may be mid-write
		db.Close()

		re, err := openFS(ctx, crashed, "/d", &Options{CommitDelay: -1, Trusted: true})
		if err != nil {
			t.Fatalf("seed %d: reopen: %v", seed, err)
		}
		re.Registry().Register(allTypes)
		for i := 0; i <= acked; i++ {
			d, err := re.Get(fmt.Sprintf("/data/all/k%d", i))
			if err != nil || d["n"] != float64(i) {
				t.Fatalf("seed %d: acknowledged k%d lost: %v %v", seed, i, d, err)
			}
		}
		re.Close()
		ro, err := openFS(ctx, crashed, "/d", &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		reports, err := ro.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			if r.Damaged() {
				t.Fatalf("seed %d: damaged after recovery: %+v", seed, r)
			}
		}
		ro.Close()
	}
}
