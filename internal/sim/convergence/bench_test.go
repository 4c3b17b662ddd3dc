package convergence

import "testing"

// BenchmarkSimulation reports the simulation's throughput in operations
// per second of wall time, faults, restarts and convergence checks
// included.
func BenchmarkSimulation(b *testing.B) {
	ops := 0
	seed := uint64(0)
	for b.Loop() {
		seed++
		st, err := Run(DefaultConfig(seed))
		if err != nil {
			b.Fatalf("seed %d: %v", seed, err)
		}
		ops += st.Ops
	}
	b.ReportMetric(float64(ops)/b.Elapsed().Seconds(), "ops/s")
}
