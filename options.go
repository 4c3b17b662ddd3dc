package goatdb

import (
	"log/slog"
	"time"
)

// DefaultCommitDelay is how long edits to an item gather before they become
// one commit, as in upstream GoatDB.
const DefaultCommitDelay = 300 * time.Millisecond

// Options configure a database. The zero value is usable.
type Options struct {
	// OrgID is written into every commit and must match the peers this
	// database syncs with. Default "localhost", as upstream.
	OrgID string
	// CommitDelay gathers edits to one item into one commit. Zero means
	// DefaultCommitDelay; a negative value commits every edit at once.
	CommitDelay time.Duration
	// Trusted disables signing and verification, for controlled
	// environments. Until sessions land this is the only mode.
	Trusted bool
	// ReadOnly opens every repository without writing to it: a torn final
	// line is reported instead of cut, and writes fail.
	ReadOnly bool
	// LoadProgress, when set, is told how far the loading of a repository
	// has got (bytes of its log read, and the log's size), about every
	// megabyte and once at the end. It runs on the goroutine that caused
	// the load.
	LoadProgress func(repo string, done, total int64)
	// Logger receives warnings about damaged files and background errors.
	// Default slog.Default().
	Logger *slog.Logger
	// Peers are the servers this database syncs with (base URLs such as
	// "http://127.0.0.1:8080"). Every loaded repository is synced with
	// each in the background; reads and writes never wait for them, and
	// an unreachable peer is retried with back-off. A new data directory
	// with peers gets its session from the first peer it reaches.
	Peers []string
	// SyncProgress, when set, is told after every round of an explicit
	// Sync how far it has got (commits received and sent so far), so that
	// a long catch-up can show progress. It runs on Sync's goroutine.
	SyncProgress func(repo, peer string, round int, total SyncStats)
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.OrgID == "" {
		out.OrgID = "localhost"
	}
	switch {
	case out.CommitDelay == 0:
		out.CommitDelay = DefaultCommitDelay
	case out.CommitDelay < 0:
		out.CommitDelay = 0
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out
}

// Trusted reports whether the database runs in trusted mode (no signing,
// no verification, no rules).
func (db *DB) Trusted() bool { return db.opts.Trusted }
