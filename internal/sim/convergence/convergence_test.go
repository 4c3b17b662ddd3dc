package convergence

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"goatdb/internal/sim"
)

var (
	seeds     = flag.Int("seeds", 500, "number of seeds TestConvergence runs")
	firstSeed = flag.Uint64("first-seed", 1, "first seed TestConvergence runs")
	oneSeed   = flag.Int64("seed", -1, "replay this one seed with a trace of its last events")
)

// TestConvergence runs many seeded simulations and fails with the seed
// and a replay command for the first that breaks a promise.
func TestConvergence(t *testing.T) {
	if *oneSeed >= 0 {
		replay(t, uint64(*oneSeed))
		return
	}
	n := *seeds
	if testing.Short() {
		n = min(n, 100)
	}
	start := time.Now()
	type failure struct {
		seed uint64
		err  error
	}
	var (
		mu       sync.Mutex
		failures []failure
		total    Stats
		wg       sync.WaitGroup
	)
	next := make(chan uint64)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range next {
				st, err := Run(DefaultConfig(seed))
				mu.Lock()
				if err != nil {
					failures = append(failures, failure{seed, err})
				}
				total.Ops += st.Ops
				total.Commits += st.Commits
				total.Merges += st.Merges
				total.Restarts += st.Restarts
				total.Crashes += st.Crashes
				total.MaxMergesPerKey = max(total.MaxMergesPerKey, st.MaxMergesPerKey)
				total.Net.Sent += st.Net.Sent
				total.Net.Dropped += st.Net.Dropped
				total.Net.Duplicated += st.Net.Duplicated
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		next <- *firstSeed + uint64(i)
	}
	close(next)
	wg.Wait()
	el := time.Since(start)
	t.Logf("%d seeds in %v (%.0f ops/s): %d ops, %d commits, %d merges (at most %d for one key), %d restarts (%d crashes), %d messages sent, %d dropped, %d duplicated",
		n, el.Round(time.Millisecond), float64(total.Ops)/el.Seconds(), total.Ops, total.Commits, total.Merges, total.MaxMergesPerKey,
		total.Restarts, total.Crashes, total.Net.Sent, total.Net.Dropped, total.Net.Duplicated)
	for i, f := range failures {
		if i == 5 {
			t.Errorf("… and %d more failing seeds", len(failures)-5)
			break
		}
		t.Errorf("seed %d: %v\nreplay: go test ./internal/sim/convergence -run 'TestConvergence$' -seed=%d -v", f.seed, f.err, f.seed)
	}
}

// replay runs one seed and prints the end of its trace.
func replay(t *testing.T, seed uint64) {
	tr := sim.NewTrace(400)
	cfg := DefaultConfig(seed)
	cfg.Trace = tr.Logf
	t.Logf("config: %+v", cfg)
	st, err := Run(cfg)
	t.Logf("stats: %+v", st)
	if err != nil {
		tr.Dump(t.Log)
		t.Fatalf("seed %d: %v", seed, err)
	}
}

// TestConvergenceDeterministic runs seeds twice and requires identical
// outcomes, commit for commit: a failing seed must replay exactly.
func TestConvergenceDeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		a, b := fingerprint(t, seed), fingerprint(t, seed)
		if a != b {
			t.Fatalf("seed %d ran differently twice:\n%s\n%s", seed, a, b)
		}
	}
}

func fingerprint(t *testing.T, seed uint64) string {
	t.Helper()
	tr := sim.NewTrace(1 << 16)
	cfg := DefaultConfig(seed)
	cfg.Trace = tr.Logf
	st, err := Run(cfg)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	return fmt.Sprintf("%+v %d %v", st, tr.Total(), tr.Lines()[max(0, len(tr.Lines())-50):])
}
