//go:build !(js && wasm)

package trust

import (
	"runtime"
	"sync"
	"sync/atomic"

	"goatdb/internal/commit"
)

// VerifyAll verifies cs in parallel on all cores (GOMAXPROCS workers) and
// returns one error (nil for authentic) per commit, in order. Opening or
// receiving a repository means verifying thousands of commits, and each
// verification is pure CPU.
func (p *TrustPool) VerifyAll(cs []*commit.Commit) []error {
	errs := make([]error, len(cs))
	workers := min(runtime.GOMAXPROCS(0), len(cs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(cs) {
					return
				}
				errs[i] = p.Verify(cs[i])
			}
		})
	}
	wg.Wait()
	return errs
}
