package goatdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/syncproto"
)

// BuildVersion is the protocol build version this implementation speaks
// (upstream's 3.4.7.0). A stock upstream client goes offline unless a
// server answers with exactly its own version.
const BuildVersion = repo.BuildVersion

// Errors of the sync endpoints, for servers to map onto HTTP statuses.
var (
	// ErrUnauthenticated: the request signature is missing, malformed,
	// stale, replayed, or from an unknown or expired session (403).
	ErrUnauthenticated = errors.New("goatdb: request not authenticated")
	// ErrBadRequest: the request body is not a sync batch (400).
	ErrBadRequest = errors.New("goatdb: malformed sync request")
)

// SyncLimits bound what one sync request may carry and one reply may hold.
type SyncLimits struct {
	// MaxRepos is the most repositories one batch may name.
	MaxRepos int
	// PageBytes bounds the commits of one repository's reply; what does
	// not fit goes in the next round (the peer's next filter still lacks
	// it). Upstream sends everything at once.
	PageBytes int
}

// DefaultSyncLimits are the limits a server uses unless told otherwise.
var DefaultSyncLimits = SyncLimits{MaxRepos: 64, PageBytes: 4 << 20}

// AuthenticateRequest checks a sync request's signature (upstream's
// x-goat-sig header): it must be made by a known session that has not
// expired, within 3 minutes of now, and not seen before (upstream accepts
// a replay any number of times within the window).
//
// In trusted mode every request is accepted; a valid signature still names
// its session.
func (db *DB) AuthenticateRequest(header string) (Session, error) {
	if header == "" {
		if db.opts.Trusted {
			return Session{}, nil
		}
		return Session{}, fmt.Errorf("%w: no signature", ErrUnauthenticated)
	}
	rs, err := db.replay.Verify(header, db.pool.Session, time.Now())
	if err != nil {
		if db.opts.Trusted {
			return Session{}, nil
		}
		return Session{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
	}
	return publicSession(rs.Session), nil
}

// syncRound is what one repository's part of a batch came to.
type syncRound struct {
	received ReceiveReport
	sent     int
}

// HandleBatchSync answers one upstream /batch-sync request body from an
// authenticated session with the response body: for each repository, the
// commits the peer sent are admitted (DB.Receive: verified and authorized),
// and the reply carries this database's filter and the commits the peer
// lacks and may read, a page at a time.
func (db *DB) HandleBatchSync(ctx context.Context, from Session, body []byte, lim SyncLimits) ([]byte, SyncStats, error) {
	var st SyncStats
	reqs, err := syncproto.DecodeBatchRequest(body, syncproto.DefaultLimits)
	if err != nil {
		return nil, st, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	if lim.MaxRepos > 0 && len(reqs) > lim.MaxRepos {
		return nil, st, fmt.Errorf("%w: %d repositories in one batch (at most %d)", ErrBadRequest, len(reqs), lim.MaxRepos)
	}
	out := make([]syncproto.Entry, 0, len(reqs))
	for _, e := range reqs {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		res, round, err := db.syncRepo(ctx, from, e.Path, e.Msg, lim)
		if err != nil {
			return nil, st, err
		}
		st.Received += round.received.Accepted
		st.Rejected += round.received.Rejected
		st.Sent += round.sent
		st.Verify += round.received.Verify
		out = append(out, syncproto.Entry{Path: e.Path, Msg: res})
	}
	return syncproto.AppendBatchResponse(nil, out), st, nil
}

// SyncStats count the commits of one sync exchange.
type SyncStats struct {
	Received int // commits admitted here
	Rejected int // commits refused here
	Sent     int // commits sent to the peer
	Fresh    int // of those, the ones sent for the first time
	// Verify is the time spent verifying the signatures of what arrived.
	Verify time.Duration
}

func (db *DB) syncRepo(ctx context.Context, from Session, path string, msg *syncproto.Message, lim SyncLimits) (*syncproto.Message, syncRound, error) {
	var round syncRound
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return nil, round, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	cycles := 3 // upstream's server setting when nothing new arrived
	if len(msg.Commits) > 0 {
		lines := make([][]byte, len(msg.Commits))
		for i, c := range msg.Commits {
			lines[i] = c
		}
		round.received, err = db.Receive(ctx, p.RepoPath(), lines)
		if err != nil {
			return nil, round, err
		}
		if round.received.Accepted > 0 {
			cycles = 1
		}
	}
	ids, lines, err := db.readableCommits(p, from)
	if err != nil {
		return nil, round, err
	}
	byID := make(map[string][]byte, len(ids))
	for i, id := range ids {
		byID[id] = lines[i]
	}
	res, _ := syncproto.Build(syncproto.BuildInput{
		PeerFilter:     msg.Filter,
		IDs:            ids,
		Commit:         func(id string) []byte { return byID[id] },
		LocalSize:      len(ids),
		PeerSize:       msg.Size,
		Cycles:         cycles,
		IncludeMissing: msg.Ver >= BuildVersion,
		Ver:            BuildVersion,
		MaxBytes:       lim.PageBytes,
	})
	// A stock client goes offline unless the reply carries its own version.
	res.Ver = msg.Ver
	round.sent = len(res.Commits)
	return res, round, nil
}

// readableCommits returns the ids and raw lines of the repository's
// commits that session may read, in arrival order. Root sessions, this
// database's own session and trusted mode see everything.
func (db *DB) readableCommits(p itempath.Path, session Session) ([]string, [][]byte, error) {
	r, err := db.repo(p)
	if err != nil {
		return nil, nil, err
	}
	cs := r.CommitLines()
	all := db.opts.Trusted || session.IsRoot() || session.ID == db.session
	ids := make([]string, 0, len(cs))
	lines := make([][]byte, 0, len(cs))
	allowed := map[string]bool{}
	for _, c := range cs {
		if !all {
			ok, seen := allowed[c.Key]
			if !seen {
				ok = db.Authorize(p.RepoPath(), c.Key, session, OpRead)
				allowed[c.Key] = ok
			}
			if !ok {
				continue
			}
		}
		ids = append(ids, c.ID)
		lines = append(lines, c.Raw)
	}
	return ids, lines, nil
}
