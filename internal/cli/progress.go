package cli

import (
	"fmt"
	"goatdb"
	"io"
	"log/slog"
	"os"
	"sync"
)

// progressMinBytes is the smallest log worth reporting progress for.
const progressMinBytes = 8 << 20

// loadProgress reports the loading of large repositories: a line redrawn
// in place when w is a terminal, else a log record at each quarter (log
// records would break the redrawn line).
func loadProgress(w io.Writer, logger *slog.Logger) func(repo string, done, total int64) {
	term := isTerminal(w)
	var mu sync.Mutex
	quarter := map[string]int64{}
	return func(repo string, done, total int64) {
		if total < progressMinBytes {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		pct := done * 100 / total
		if term {
			fmt.Fprintf(w, "\rloading %s: %3d%% (%d/%d MB)", repo, pct, done>>20, total>>20)
			if done >= total {
				fmt.Fprintln(w)
			}
			return
		}
		if q := pct / 25; q > quarter[repo] {
			quarter[repo] = q
			logger.Info("loading repository", "repo", repo, "percent", pct, "bytes", done, "total", total)
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// syncProgress shows an explicit sync's rounds: a line that updates in
// place on a terminal, a log record per round that moved commits
// otherwise.
func syncProgress(w io.Writer, logger *slog.Logger) func(repo, peer string, round int, total goatdb.SyncStats) {
	term := isTerminal(w)
	return func(repo, peer string, round int, total goatdb.SyncStats) {
		if term {
			fmt.Fprintf(w, "\rsyncing %s with %s: round %d, received %d, sent %d", repo, peer, round, total.Received, total.Sent)
			return
		}
		if total.Received+total.Sent > 0 {
			logger.Info("syncing", "repo", repo, "peer", peer, "round", round, "received", total.Received, "sent", total.Sent)
		}
	}
}
