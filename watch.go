package goatdb

import "slices"

type watcher struct {
	f func(repoPath string, commits [][]byte)
}

// WatchCommits calls f with every commit added to any repository from now
// on (this database's own, merges, and those received from peers), as raw
// JSON lines, until stop is called. It is how a server pushes commits to
// connected peers in real time.
//
// f runs on the goroutine that added the commits, with that repository
// locked: it must return at once (hand the lines to a channel, say) and
// must not call into the database. The lines must not be modified.
func (db *DB) WatchCommits(f func(repoPath string, commits [][]byte)) (stop func()) {
	w := &watcher{f: f}
	db.watcherMu.Lock()
	defer db.watcherMu.Unlock()
	var next []*watcher
	if old := db.watchers.Load(); old != nil {
		next = slices.Clone(*old)
	}
	next = append(next, w)
	db.watchers.Store(&next)
	return func() {
		db.watcherMu.Lock()
		defer db.watcherMu.Unlock()
		old := db.watchers.Load()
		if old == nil {
			return
		}
		next := slices.DeleteFunc(slices.Clone(*old), func(x *watcher) bool { return x == w })
		db.watchers.Store(&next)
	}
}
