package cli

import (
	"context"
	"fmt"
	"log/slog"

	"goatdb"
)

// runSync syncs repositories with a peer once, as a client, and exits:
// every repository of the data directory, or the ones named.
func runSync(e env, args []string) error {
	fs := newFlags(e, "sync")
	df := addDBFlags(fs, "")
	var peers multiFlag
	fs.Var(&peers, "peer", "server to sync with (repeatable, required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(peers) == 0 {
		return usagef("--peer is required")
	}
	ctx := e.ctx
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	db, err := df.open(ctx, &goatdb.Options{Peers: peers, Logger: logger, SyncProgress: syncProgress(e.stderr, logger)})
	if err != nil {
		return err
	}
	defer db.Close()
	repos := fs.Args()
	if len(repos) == 0 {
		if repos, err = db.RepoPaths(); err != nil {
			return err
		}
	}
	var total goatdb.SyncStats
	for _, r := range repos {
		st, err := db.Sync(ctx, r)
		if isTerminal(e.stderr) {
			fmt.Fprintln(e.stderr)
		}
		if err != nil {
			return fmt.Errorf("sync %s: %w", r, err)
		}
		fmt.Fprintf(e.stdout, "%s\tsent=%d received=%d refused=%d\n", r, st.Sent, st.Received, st.Rejected)
		total.Sent += st.Sent
		total.Received += st.Received
		total.Rejected += st.Rejected
	}
	fmt.Fprintf(e.stdout, "%d repositories: sent %d commits, received %d, refused %d\n", len(repos), total.Sent, total.Received, total.Rejected)
	return db.Flush(context.Background())
}
