// Package bench compares goatdb with SQLite on upstream GoatDB's benchmark
// workload (create, read, update, bulk, open, query, count, keys, sync),
// for `goatdb bench`. Systems run in turn within every sample so that
// drift of a noisy machine hits all of them alike.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"time"
)

// Config selects what to run.
type Config struct {
	Items    int            // size of the big dataset (the "100k" rows)
	Samples  int            // samples per row; 0 means each row's default
	Rows     *regexp.Regexp // nil runs every row
	Progress io.Writer      // a terminal for a line redrawn in place, or nil
}

// Result is one cell of the table.
type Result struct {
	Row       string `json:"row"`
	System    string `json:"system"`
	MedianNS  int64  `json:"median_ns"`
	P95NS     int64  `json:"p95_ns"`
	Samples   int    `json:"samples"`
	P99NS     int64  `json:"p99_ns,omitempty"`
	RSSBytes  int64  `json:"rss_bytes,omitempty"`
	HeapBytes int64  `json:"go_heap_bytes,omitempty"`
}

// runner holds what rows share: the scratch directory, the datasets
// built so far and the progress line.
type runner struct {
	ctx   context.Context
	cfg   Config
	dir   string
	big   map[string]string // system name → directory holding the N-item "big" repository
	seq   int
	lastP time.Time
}

// Run runs the selected rows and returns their results in table order.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Items <= 0 {
		return nil, fmt.Errorf("bench: items must be positive")
	}
	dir, err := os.MkdirTemp("", "goatdb-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	r := &runner{ctx: ctx, cfg: cfg, dir: dir, big: map[string]string{}}
	defer r.progress("") // leave the terminal on a clean line
	var out []Result
	for _, rw := range rowTable() {
		if cfg.Rows != nil && !cfg.Rows.MatchString(rw.name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res, err := r.runRow(rw)
		if err != nil {
			return out, fmt.Errorf("%s: %w", rw.name, err)
		}
		out = append(out, res...)
	}
	return out, nil
}

// newDir returns a fresh directory under the scratch directory.
func (r *runner) newDir(name string) string {
	r.seq++
	return fmt.Sprintf("%s/%s-%d", r.dir, name, r.seq)
}

// progress redraws the status line at most ten times a second; an empty
// message clears it.
func (r *runner) progress(format string, args ...any) {
	if r.cfg.Progress == nil {
		return
	}
	if format == "" {
		fmt.Fprint(r.cfg.Progress, "\r\033[K")
		return
	}
	if time.Since(r.lastP) < 100*time.Millisecond {
		return
	}
	r.lastP = time.Now()
	fmt.Fprintf(r.cfg.Progress, "\r\033[K"+format, args...)
}

// runRow sets every system up, then takes the samples round-robin.
func (r *runner) runRow(rw row) ([]Result, error) {
	if rw.custom != nil {
		return rw.custom(r, rw)
	}
	n := rw.samples
	if r.cfg.Samples > 0 {
		n = r.cfg.Samples
	}
	ops := make([]op, len(systems))
	for i, sys := range systems {
		r.progress("%s: setting up %s", rw.name, sys.name)
		op, done, err := rw.setup(r, sys)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sys.name, err)
		}
		defer done()
		ops[i] = op
	}
	times := make([][]time.Duration, len(systems))
	for s := range n {
		r.progress("%s: sample %d/%d", rw.name, s+1, n)
		for i, op := range ops {
			d, err := op(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", systems[i].name, err)
			}
			times[i] = append(times[i], d)
		}
	}
	out := make([]Result, len(systems))
	for i, sys := range systems {
		out[i] = summarize(rw.name, sys.name, times[i])
		out[i].P99NS = 0 // only the sync row reports it
	}
	return out, nil
}

// summarize computes the nearest-rank percentiles of the samples.
func summarize(row, sys string, d []time.Duration) Result {
	slices.Sort(d)
	q := func(p float64) int64 { return int64(d[int(p*float64(len(d)-1)+0.5)]) }
	return Result{Row: row, System: sys, MedianNS: q(0.5), P95NS: q(0.95), P99NS: q(0.99), Samples: len(d)}
}
