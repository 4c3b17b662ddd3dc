package goatdb

import (
	"time"

	"goatdb/internal/bloom"
	"goatdb/internal/itempath"
)

// PeerStatus is what a database knows of its link to one peer.
type PeerStatus struct {
	URL string
	// Online is true when the last sync round with the peer succeeded.
	Online bool
	// LastSync is when a round last succeeded (zero if none has).
	LastSync time.Time
	// Failures counts the rounds that failed since the last success, and
	// LastError is the latest failure.
	Failures  int
	LastError string
	// Realtime is true while the WebSocket push channel is open.
	Realtime bool
	// Synced is true once every loaded repository has completed a round
	// with the peer: what the peer held then has arrived. A repository
	// opened since has not, so Synced turns false until its first round.
	Synced bool
	// Pending counts what the peer is not known to have: commits of the
	// loaded repositories missing from the peer's last reply (by its
	// bloom filter, so rarely an undercount), plus edits still waiting
	// for the commit delay.
	Pending int
}

// SyncStatus reports on every peer in Options.Peers. It never waits for
// the network, so a user interface may poll it.
func (db *DB) SyncStatus() []PeerStatus {
	out := make([]PeerStatus, 0, len(db.peers))
	edits := 0
	paths := db.loadedRepoPaths()
	for _, path := range paths {
		if p, err := itempath.ParseRepo(path); err == nil {
			if r, err := db.repo(p); err == nil {
				edits += r.PendingEdits()
			}
		}
	}
	for _, p := range db.peers {
		p.status.Lock()
		st := PeerStatus{
			URL:       p.url,
			Online:    !p.status.lastSync.IsZero() && p.status.fails == 0,
			LastSync:  p.status.lastSync,
			Failures:  p.status.fails,
			LastError: p.status.lastErr,
			Pending:   edits,
		}
		filters := p.status.filters
		p.status.Unlock()
		p.link.mu.Lock()
		st.Realtime = p.link.out != nil
		p.link.mu.Unlock()
		st.Synced = st.Online
		for _, path := range paths {
			f := filters[path]
			if f == nil {
				st.Synced = false
			}
			st.Pending += db.missingAt(path, f)
		}
		out = append(out, st)
	}
	return out
}

// missingAt counts the commits of the loaded repository at path that
// filter (a peer's last word on it; nil when it never answered) lacks.
func (db *DB) missingAt(path string, filter *bloom.Filter) int {
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return 0
	}
	r, err := db.repo(p)
	if err != nil {
		return 0
	}
	if filter == nil {
		return r.NumCommits()
	}
	n := 0
	for _, c := range r.CommitLines() {
		if !filter.Has(c.ID) {
			n++
		}
	}
	return n
}

// recordStatus keeps the outcome of a round for SyncStatus.
func (p *peer) recordStatus(err error) {
	p.mu.Lock()
	filters := make(map[string]*bloom.Filter, len(p.repos))
	for path, st := range p.repos {
		filters[path] = st.filter
	}
	p.mu.Unlock()
	p.status.Lock()
	defer p.status.Unlock()
	p.status.filters = filters
	if err != nil {
		p.status.fails++
		p.status.lastErr = err.Error()
		return
	}
	p.status.fails = 0
	p.status.lastSync = time.Now()
	p.status.lastErr = ""
}
