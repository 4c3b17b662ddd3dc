package repo

import (
	"runtime"
	"sync"
	"sync/atomic"

	"goatdb/internal/commit"
	"goatdb/internal/jsonlog"
)

type parsed struct {
	c   *commit.Commit
	err error
}

// loadChunk is how many records a parse worker takes at a time: large
// enough to amortise coordination, small enough that inserting can start
// early.
const loadChunk = 2048

// parseInOrder parses every record on all cores and calls add for each
// result in file order. Parsing (which also validates) and inserting into
// the graph are the two costs of opening a repository; parsing is
// independent per record, inserting must follow file order, so the two run
// as a pipeline: workers parse chunks ahead while the caller inserts.
func parseInOrder(recs []jsonlog.Record, add func(i int, p parsed)) {
	nChunks := (len(recs) + loadChunk - 1) / loadChunk
	if nChunks == 0 {
		return
	}
	out := make([]parsed, len(recs))
	done := make([]chan struct{}, nChunks)
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), nChunks)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= nChunks {
					return
				}
				hi := min((k+1)*loadChunk, len(recs))
				for i := k * loadChunk; i < hi; i++ {
					out[i].c, out[i].err = commit.Parse(recs[i].Line)
				}
				close(done[k])
			}
		})
	}
	for k := range nChunks {
		<-done[k]
		hi := min((k+1)*loadChunk, len(recs))
		for i := k * loadChunk; i < hi; i++ {
			add(i, out[i])
			out[i] = parsed{} // let the slice stop holding it
		}
	}
	wg.Wait()
}
