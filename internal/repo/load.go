package repo

import (
	"runtime"
	"sync"

	"goatdb/internal/commit"
	"goatdb/internal/jsonlog"
)

type parsed struct {
	c   *commit.Commit
	err error
}

// parseAll parses every record on all cores. Parsing (which also
// validates) is most of the cost of opening a repository, and records are
// independent; only inserting them into the graph must follow file order.
func parseAll(recs []jsonlog.Record) []parsed {
	out := make([]parsed, len(recs))
	workers := min(runtime.GOMAXPROCS(0), len(recs)/2048+1)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(recs)/workers, (w+1)*len(recs)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i].c, out[i].err = commit.Parse(recs[i].Line)
			}
		})
	}
	wg.Wait()
	return out
}
