package goatdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"goatdb/internal/bloom"
	"goatdb/internal/itempath"
	"goatdb/internal/syncproto"
	"goatdb/internal/trust"
)

// Sync timing, as upstream's client: a repository is synced every 300 ms
// right after a change, backing off to every 1.5 s over 20 s of quiet.
const (
	syncMinInterval = 300 * time.Millisecond
	syncMaxInterval = 1500 * time.Millisecond
	syncEaseOver    = 20 * time.Second
	syncTimeout     = 10 * time.Second
	// maxBatchRepos is how many repositories one request carries
	// (upstream's scheduler sends at most 28).
	maxBatchRepos = 28
	// maxSyncRounds bounds an explicit Sync.
	maxSyncRounds = 50
	// maxQuietRounds ends an explicit Sync whose peer stays smaller than
	// this database though nothing moves: it refuses what it lacks.
	maxQuietRounds = 12
	// maxOffers is upstream's COMMIT_SUBMIT_RETRY.
	maxOffers = 10
)

// ErrPeerVersion is returned when a peer answers with another protocol
// version; upstream's client goes offline then, and so does ours.
var ErrPeerVersion = errors.New("goatdb: peer speaks another protocol version")

// peer is one server this database syncs with.
type peer struct {
	db  *DB
	url string
	tr  transport

	mu    sync.Mutex // guards repos and offers, and serialises rounds
	repos map[string]*peerRepo
	// offers counts how often each commit was sent to the peer. A commit
	// the peer keeps refusing (a session it will not admit, say) is
	// offered maxOffers times per process and then left out, as upstream's
	// client does, instead of being resent forever.
	offers  map[string]int
	touched time.Time
	fails   int

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	// ctx ends when the database closes, cutting a round in flight short.
	ctx    context.Context
	cancel context.CancelFunc

	link     pushLink
	pushDone chan struct{}

	// status is what SyncStatus reports. It has its own lock because mu
	// is held for a whole round, network wait included, and a status
	// read must never wait for the network.
	status struct {
		sync.Mutex
		lastSync time.Time
		lastErr  string
		fails    int
		filters  map[string]*bloom.Filter
	}
}

// peerRepo is what this database knows of one repository at the peer: the
// filter and size from the peer's last reply.
type peerRepo struct {
	filter *bloom.Filter
	size   int
}

func newPeer(db *DB, url string) *peer {
	ctx, cancel := context.WithCancel(context.Background())
	return &peer{
		ctx:      ctx,
		cancel:   cancel,
		db:       db,
		url:      strings.TrimRight(url, "/"),
		tr:       newTransport(),
		repos:    map[string]*peerRepo{},
		offers:   map[string]int{},
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		pushDone: make(chan struct{}),
	}
}

// touch asks for a round soon; it never blocks.
func (p *peer) touch() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run syncs every loaded repository in the background until stopped,
// more often right after changes, backing off after failures: the
// database works offline and catches up when the peer is back.
func (p *peer) run() {
	defer close(p.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
			p.mu.Lock()
			p.touched = time.Now()
			p.mu.Unlock()
		case <-timer.C:
		}
		ctx, cancel := context.WithTimeout(p.ctx, syncTimeout)
		st, err := p.round(ctx, p.db.loadedRepoPaths())
		cancel()
		if p.ctx.Err() != nil {
			return // closing: the round was cut short on purpose
		}
		p.mu.Lock()
		if err != nil {
			p.fails++
			if p.fails == 1 || p.fails%20 == 0 {
				p.db.opts.Logger.Warn("sync with peer failed; retrying", "peer", p.url, "failures", p.fails, "err", err)
			}
		} else {
			if p.fails > 0 {
				p.db.opts.Logger.Info("sync with peer restored", "peer", p.url)
			}
			p.fails = 0
			if st.Received > 0 || st.Sent > 0 {
				p.touched = time.Now()
			}
		}
		next := p.intervalLocked()
		p.mu.Unlock()
		timer.Reset(next)
	}
}

// intervalLocked is upstream's ease-in-expo schedule, stretched by
// failures so an unreachable peer is not hammered.
func (p *peer) intervalLocked() time.Duration {
	f := min(1, float64(time.Since(p.touched))/float64(syncEaseOver))
	d := syncMinInterval + time.Duration(float64(syncMaxInterval-syncMinInterval)*math.Pow(2, 10*f-10))
	if p.fails > 0 {
		d = min(d*time.Duration(1<<min(p.fails, 5)), 30*time.Second)
	}
	return d
}

// round runs one batch-sync exchange for repos and admits what comes back.
func (p *peer) round(ctx context.Context, repos []string) (SyncStats, error) {
	var st SyncStats
	if err := p.db.ensureGrant(ctx, p, false); err != nil {
		return st, err
	}
	st, err := p.roundGranted(ctx, repos)
	if isForbidden(err) {
		// The peer does not know our session: a database that started on
		// its own (its own root) and now has a server. Ask it to admit
		// our session, then try again.
		if gerr := p.db.ensureGrant(ctx, p, true); gerr != nil {
			return st, errors.Join(err, gerr)
		}
		st, err = p.roundGranted(ctx, repos)
	}
	p.recordStatus(err)
	return st, err
}

// roundGranted runs a round while no grant is changing the session, so that
// what comes back is checked against the roots the grant brings.
func (p *peer) roundGranted(ctx context.Context, repos []string) (SyncStats, error) {
	p.db.grantMu.RLock()
	defer p.db.grantMu.RUnlock()
	return p.roundOnce(ctx, repos)
}

func (p *peer) roundOnce(ctx context.Context, repos []string) (SyncStats, error) {
	var st SyncStats
	p.mu.Lock()
	defer p.mu.Unlock()
	// Sessions first: later repositories' commits verify only once their
	// signers' sessions are known.
	slices.SortStableFunc(repos, func(a, b string) int {
		return boolInt(b == sessionsRepo) - boolInt(a == sessionsRepo)
	})
	for len(repos) > 0 {
		n := min(len(repos), maxBatchRepos)
		s, err := p.batchLocked(ctx, repos[:n])
		st.Received += s.Received
		st.Rejected += s.Rejected
		st.Sent += s.Sent
		st.Fresh += s.Fresh
		if err != nil {
			return st, err
		}
		repos = repos[n:]
	}
	return st, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *peer) batchLocked(ctx context.Context, repos []string) (SyncStats, error) {
	var st SyncStats
	var req []syncproto.Entry
	for _, path := range repos {
		rp, err := itempath.ParseRepo(path)
		if err != nil {
			return st, err
		}
		ids, lines, err := p.db.readableCommits(rp, p.db.CurrentSession())
		if err != nil {
			return st, err
		}
		byID := make(map[string][]byte, len(ids))
		for i, id := range ids {
			byID[id] = lines[i]
		}
		state := p.repos[path]
		if state == nil {
			state = &peerRepo{}
			p.repos[path] = state
		}
		msg, _ := syncproto.Build(syncproto.BuildInput{
			PeerFilter: state.filter,
			IDs:        ids,
			Commit: func(id string) []byte {
				n := p.offers[id]
				if n >= maxOffers {
					return nil
				}
				if n == 0 {
					st.Fresh++
				}
				p.offers[id] = n + 1
				return byID[id]
			},
			LocalSize:      len(ids),
			PeerSize:       state.size,
			Cycles:         1,
			IncludeMissing: state.filter != nil,
			Ver:            BuildVersion,
			MaxBytes:       DefaultSyncLimits.PageBytes,
		})
		st.Sent += len(msg.Commits)
		req = append(req, syncproto.Entry{Path: path, Msg: msg})
	}
	resp, err := p.post(ctx, "/batch-sync", syncproto.AppendBatchRequest(nil, req), true)
	if err != nil {
		return st, err
	}
	res, err := syncproto.DecodeBatchResponse(resp, syncproto.DefaultLimits)
	if err != nil {
		return st, fmt.Errorf("goatdb: sync with %s: %w", p.url, err)
	}
	if len(res) != len(req) {
		return st, fmt.Errorf("goatdb: sync with %s: %d replies to %d requests", p.url, len(res), len(req))
	}
	for _, e := range res {
		if e.Msg.Ver != BuildVersion {
			return st, fmt.Errorf("%w: %s answers version %v", ErrPeerVersion, p.url, e.Msg.Ver)
		}
		state := p.repos[e.Path]
		if state == nil {
			continue // a reply for a repository not asked about
		}
		state.filter, state.size = e.Msg.Filter, e.Msg.Size
		if len(e.Msg.Commits) == 0 {
			continue
		}
		lines := make([][]byte, len(e.Msg.Commits))
		for i, c := range e.Msg.Commits {
			lines[i] = c
		}
		rep, err := p.db.Receive(ctx, e.Path, lines)
		if err != nil {
			return st, err
		}
		st.Received += rep.Accepted
		st.Rejected += rep.Rejected
		st.Verify += rep.Verify
		if rep.Rejected > 0 {
			p.db.opts.Logger.Warn("peer sent commits that were refused", "peer", p.url, "repo", e.Path,
				"refused", rep.Rejected, "first", rep.Reasons[0])
		}
	}
	return st, nil
}

// post sends body to the peer and returns the 200 response body.
func (p *peer) post(ctx context.Context, path string, body []byte, sign bool) ([]byte, error) {
	header := map[string]string{"Content-Type": "application/json"}
	if sign && p.db.currentSession() != nil {
		sig, err := trust.SignRequest(p.db.currentSession(), time.Now())
		if err != nil {
			return nil, err
		}
		header[trust.RequestHeader] = sig
	}
	code, status, b, err := p.tr.post(ctx, p.url+path, header, body)
	if err != nil {
		return nil, err
	}
	if code != statusOK {
		return nil, &statusError{code: code, msg: fmt.Sprintf("goatdb: %s%s: %s: %s", p.url, path, status, bytes.TrimSpace(b[:min(len(b), 200)]))}
	}
	return b, nil
}

// statusError is a peer's non-200 answer.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

// isForbidden reports whether the peer refused our session.
func isForbidden(err error) bool {
	var se *statusError
	return errors.As(err, &se) && se.code == statusForbidden
}

// holdsAsMany reports whether the peer's last replies counted at least as
// many commits as this database holds, for each of repos: then no commit
// of ours can be missing there.
func (p *peer) holdsAsMany(repos []string) bool {
	for _, path := range repos {
		if path == sessionsRepo {
			// A client's copy holds its own published session, which the
			// peer refuses from anyone but a root: it counts for nothing.
			continue
		}
		rp, err := itempath.ParseRepo(path)
		if err != nil {
			return false
		}
		r, err := p.db.repo(rp)
		if err != nil {
			return false
		}
		p.mu.Lock()
		st := p.repos[path]
		peerSize := -1
		if st != nil && st.filter != nil {
			peerSize = st.size
		}
		p.mu.Unlock()
		if peerSize < r.NumCommits() {
			return false
		}
	}
	return true
}

// Sync runs sync rounds for the repository at repoPath with every peer
// until neither side has anything new for the other (or ctx ends), and
// returns the first error. Background sync does this anyway; Sync is for
// when the caller must know the repository is up to date now.
func (db *DB) Sync(ctx context.Context, repoPath string) (SyncStats, error) {
	var total SyncStats
	p, err := itempath.ParseRepo(repoPath)
	if err != nil {
		return total, err
	}
	if _, err := db.repo(p); err != nil {
		return total, err
	}
	if len(db.peers) == 0 {
		return total, errors.New("goatdb: Sync: no peers configured (Options.Peers)")
	}
	for _, pr := range db.peers {
		repos := []string{p.RepoPath()}
		if p.RepoPath() != sessionsRepo {
			repos = append([]string{sessionsRepo}, repos...)
		}
		quiet := 0
		for round := 0; ; round++ {
			if round == maxSyncRounds {
				return total, fmt.Errorf("goatdb: Sync %s with %s: still changing after %d rounds", repoPath, pr.url, round)
			}
			st, err := pr.round(ctx, slices.Clone(repos))
			total.Received += st.Received
			total.Rejected += st.Rejected
			total.Sent += st.Sent
			total.Verify += st.Verify
			if err != nil {
				return total, err
			}
			if f := db.opts.SyncProgress; f != nil {
				f(p.RepoPath(), pr.url, round+1, total)
			}
			// The first round only learns the peer's filter; after that a
			// round that brings nothing and offers nothing new means both
			// sides hold all they will take from each other — unless the
			// peer's filter claimed a commit it lacks (a false positive),
			// so that we never offered it. Its size tells: holding all of
			// ours, it holds at least as many. Otherwise another round,
			// whose filter has fresh seeds, settles it; a few quiet ones in
			// a row mean the peer refuses what is missing.
			if round > 0 && st.Received == 0 && st.Fresh == 0 {
				quiet++
				if quiet >= maxQuietRounds || pr.holdsAsMany(repos) {
					break
				}
			} else {
				quiet = 0
			}
		}
	}
	return total, nil
}

// loadedRepoPaths lists the repositories this database has loaded: the
// ones background sync keeps in step.
func (db *DB) loadedRepoPaths() []string {
	m := db.loaded.Load()
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(*m))
	for path := range *m {
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

// ensureGrant obtains a session from the peer the first time, when this
// database made its own anonymous session because it had none: it proposes
// that session's id, so commits signed offline verify once the peer knows
// it. A peer that assigns another id (upstream does) gets the new id used
// from then on.
//
// force asks even when this database has a session the peer should know:
// after the peer refused it.
func (db *DB) ensureGrant(ctx context.Context, p *peer, force bool) error {
	db.grantMu.Lock()
	defer db.grantMu.Unlock()
	cur := db.currentSession()
	if cur == nil || (!force && (cur.IsRoot() || len(db.pool.Roots()) > 0)) {
		return nil
	}
	jwk, err := trust.EncodePublicJWK(cur.PublicKey)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"publicKey": json.RawMessage(jwk), "id": cur.ID})
	resp, err := p.post(ctx, "/auth/session", body, false)
	if err != nil {
		return fmt.Errorf("goatdb: getting a session from %s: %w", p.url, err)
	}
	var g struct {
		Session trust.EncodedSession   `json:"session"`
		Roots   []trust.EncodedSession `json:"roots"`
	}
	if err := json.Unmarshal(resp, &g); err != nil || len(g.Roots) == 0 {
		return fmt.Errorf("goatdb: %s granted no usable session: %v", p.url, err)
	}
	granted, err := g.Session.Decode()
	if err != nil {
		return err
	}
	if !granted.PublicKey.Equal(cur.PublicKey) {
		return fmt.Errorf("goatdb: %s granted a session for another key", p.url)
	}
	granted.PrivateKey = cur.PrivateKey
	if granted.ID == cur.ID && cur.IsRoot() {
		// We keep our own root authority locally; the peer now knows our
		// key as an ordinary session.
		granted = cur
	}
	var roots []*trust.Session
	for i := range g.Roots {
		r, err := g.Roots[i].Decode()
		if err != nil {
			return err
		}
		roots = append(roots, r.Public())
	}
	if granted.ID != cur.ID {
		db.opts.Logger.Warn("the peer assigned a new session id; commits signed with the old one will not verify there",
			"peer", p.url, "old", cur.ID, "new", granted.ID)
	}
	return db.adoptSession(granted, roots)
}
