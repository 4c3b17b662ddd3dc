package bench

import (
	"fmt"
	"time"
)

// op runs sample s of a row on one system and returns the time it took;
// each op stops its own clock so that setup and teardown stay out.
type op func(s int) (time.Duration, error)

type row struct {
	name    string
	samples int // default when Config.Samples is zero
	// setup prepares one system and returns its op and its teardown.
	setup func(r *runner, sys system) (op, func(), error)
	// custom replaces the round-robin for rows that are not one op per
	// system (memory, sync).
	custom func(r *runner, rw row) ([]Result, error)
}

func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// expect checks that an operation saw the number of items it should, so
// that a broken query cannot look fast.
func expect(what string, got, want int) error {
	if got != want {
		return fmt.Errorf("%s: got %d items, want %d", what, got, want)
	}
	return nil
}

const smallRepo, queryRepo, bigRepo = "small", "q100", "big"

// withStore opens a fresh store holding `preload` items in smallRepo (and
// in queryRepo when query is set), and hands it to mk for the op.
func withStore(preload int, query bool, mk func(st store) op) func(*runner, system) (op, func(), error) {
	return func(r *runner, sys system) (op, func(), error) {
		st, err := openStore(sys, r.newDir(sys.name))
		if err != nil {
			return nil, nil, err
		}
		if preload > 0 {
			err = st.setBatch(smallRepo, 0, preload)
		}
		if err == nil && query {
			err = st.setBatch(queryRepo, 0, 100)
		}
		if err != nil {
			st.close()
			return nil, nil, err
		}
		return mk(st), func() { st.close() }, nil
	}
}

// withBig opens the system's N-item dataset once, loaded, for rows that
// measure a warm database.
func withBig(mk func(st store, n int) op) func(*runner, system) (op, func(), error) {
	return func(r *runner, sys system) (op, func(), error) {
		dir, err := r.bigDir(sys)
		if err != nil {
			return nil, nil, err
		}
		st, err := openStore(sys, dir)
		if err == nil {
			err = st.openRepo(bigRepo)
		}
		if err != nil {
			return nil, nil, err
		}
		return mk(st, r.cfg.Items), func() { st.close() }, nil
	}
}

func rowTable() []row {
	return []row{
		{name: "create instance", samples: 20, setup: func(r *runner, sys system) (op, func(), error) {
			var open []store
			return func(int) (time.Duration, error) {
					return timed(func() error {
						st, err := openStore(sys, r.newDir(sys.name))
						if err != nil {
							return err
						}
						open = append(open, st)
						// SQLite creates its file on first use.
						return st.openRepo(smallRepo)
					})
				}, func() {
					for _, st := range open {
						st.close()
					}
				}, nil
		}},
		{name: "open empty repository", samples: 50, setup: withStore(0, false, func(st store) op {
			return func(s int) (time.Duration, error) {
				return timed(func() error { return st.openRepo(fmt.Sprintf("empty%d", s)) })
			}
		})},
		{name: "create item", samples: 200, setup: withStore(0, false, func(st store) op {
			return func(s int) (time.Duration, error) {
				return timed(func() error { return st.set(smallRepo, s, "item "+key(s)) })
			}
		})},
		{name: "read item by path", samples: 200, setup: withStore(100, false, func(st store) op {
			// One read is far below the clock's resolution here, so a
			// sample times reading each of the 100 items and divides.
			return func(s int) (time.Duration, error) {
				d, err := timed(func() error {
					for i := range 100 {
						if err := st.read(smallRepo, i); err != nil {
							return err
						}
					}
					return nil
				})
				return d / 100, err
			}
		})},
		{name: "update item", samples: 200, setup: withStore(100, false, func(st store) op {
			return func(s int) (time.Duration, error) {
				return timed(func() error { return st.update(smallRepo, s%100, fmt.Sprintf("updated %d", s)) })
			}
		})},
		{name: "bulk create 100", samples: 20, setup: withStore(0, false, func(st store) op {
			return func(s int) (time.Duration, error) {
				return timed(func() error { return st.setBatch(smallRepo, s*100, 100) })
			}
		})},
		{name: "bulk read 100", samples: 50, setup: withStore(100, false, func(st store) op {
			return func(s int) (time.Duration, error) {
				return timed(func() error { return st.readBatch(smallRepo, 0, 100) })
			}
		})},
		{name: "open 100k repository (fresh instance)", samples: 5, setup: openBig},
		{name: "open 100k repository (fresh process)", samples: 5, setup: openBigProcess},
		{name: "read all 100k items", samples: 5, setup: readAllBig},
		{name: "simple query", samples: 100, setup: withStore(0, true, func(st store) op {
			return func(int) (time.Duration, error) {
				var n int
				d, err := timed(func() (err error) { n, err = st.simpleQuery(queryRepo); return })
				if err == nil {
					err = expect("simple query", n, 50)
				}
				return d, err
			}
		})},
		{name: "complex query with sort", samples: 10, setup: withBig(func(st store, items int) op {
			return countingOp("sorted query", st.sortedQuery, (items+1)/2)
		})},
		{name: "count", samples: 100, setup: withBig(func(st store, items int) op {
			return countingOp("count", st.count, items)
		})},
		{name: "keys", samples: 20, setup: withBig(func(st store, items int) op {
			return countingOp("keys", st.keys, items)
		})},
		{name: rssRow, samples: 1, custom: memoryRow},
		{name: syncRow, samples: 200, custom: syncLatency},
		{name: initialSyncRow, samples: 3, custom: initialSync},
	}
}

// countingOp times f on the big repository and checks its item count.
func countingOp(what string, f func(string) (int, error), want int) op {
	return func(int) (time.Duration, error) {
		var n int
		d, err := timed(func() (err error) { n, err = f(bigRepo); return })
		if err == nil {
			err = expect(what, n, want)
		}
		return d, err
	}
}

// openBig times opening a new instance on the N-item dataset and loading
// its repository; closing stays outside the clock.
func openBig(r *runner, sys system) (op, func(), error) {
	dir, err := r.bigDir(sys)
	if err != nil {
		return nil, nil, err
	}
	return func(int) (time.Duration, error) {
		var st store
		d, err := timed(func() (err error) {
			if st, err = openStore(sys, dir); err != nil {
				return err
			}
			return st.openRepo(bigRepo)
		})
		if st != nil {
			st.close()
		}
		return d, err
	}, func() {}, nil
}

// readAllBig opens a fresh instance (untimed) and times reading every
// item's fields once.
func readAllBig(r *runner, sys system) (op, func(), error) {
	dir, err := r.bigDir(sys)
	if err != nil {
		return nil, nil, err
	}
	return func(int) (time.Duration, error) {
		st, err := openStore(sys, dir)
		if err != nil {
			return 0, err
		}
		defer st.close()
		if err := st.openRepo(bigRepo); err != nil {
			return 0, err
		}
		var n int
		d, err := timed(func() (err error) { n, err = st.readAll(bigRepo); return })
		if err == nil {
			err = expect("read all", n, r.cfg.Items)
		}
		return d, err
	}, func() {}, nil
}

// bigDir builds the N-item dataset a system reads, once per kind of
// data: signed goatdb, trusted goatdb (shared by goatdb-fast, whose
// difference is only in how it writes) and SQLite (shared by both
// synchronous settings, which only matter for writes).
func (r *runner) bigDir(sys system) (string, error) {
	kind := "sqlite"
	build := system{name: kind, sqlite: true, durable: true}
	if !sys.sqlite {
		kind = "goatdb-default"
		build = systems[0]
		if sys.trusted {
			kind, build = "goatdb-trusted", systems[1]
		}
	}
	if dir, ok := r.big[kind]; ok {
		return dir, nil
	}
	dir := r.newDir("big-" + kind)
	st, err := openStore(build, dir)
	if err != nil {
		return "", err
	}
	const chunk = 1000
	for i := 0; i < r.cfg.Items && err == nil; i += chunk {
		r.progress("building %d-item dataset for %s: %d/%d", r.cfg.Items, kind, i, r.cfg.Items)
		err = st.setBatch(bigRepo, i, min(chunk, r.cfg.Items-i))
	}
	if cerr := st.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("building dataset: %w", err)
	}
	r.big[kind] = dir
	return dir, nil
}
