// Package repo owns one repository: the commit graphs of its items, the
// order commits arrived in (their age), lazily decoded item values, local
// commits made from edits, and the log file that makes them durable.
//
// Commits are kept as parsed headers over their raw JSON; an item's value
// is decoded the first time something reads it, so opening a repository of
// 100k commits costs one pass over the file and no value decoding.
package repo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/jsonlog"
	"goatdb/internal/schema"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

// BuildVersion is upstream's protocol build version 3.4.7.0, written into
// every commit as "ver".
const BuildVersion = 50595584

// Errors returned by a repository.
var (
	ErrClosed   = errors.New("repository closed")
	ErrNotFound = errors.New("item not found")
	ErrNoValue  = errors.New("item has no readable value")
	ErrReadOnly = errors.New("repository opened read-only")
)

// Signer signs a commit before it is written. A nil Signer leaves commits
// unsigned (trusted mode). The sessions layer plugs in here without the
// engine changing shape.
type Signer interface {
	SignCommit(c *commit.Commit) error
}

// LockedSigner is a Signer whose SignCommit may wait on something outside
// Go — the browser's WebCrypto, whose answer needs the JavaScript event
// loop. Commits signed while the repository is locked (merges, writes
// without a commit delay) go through SignCommitLocked, which must not
// wait like that: a JavaScript callback reading the repository would
// block the event loop on the lock, and the answer would never come.
type LockedSigner interface {
	Signer
	SignCommitLocked(c *commit.Commit) error
}

// Options configure a repository.
type Options struct {
	Path     string // "/type/repo"
	File     string // log file path inside FS
	FS       vfs.FS
	Registry *schema.Registry
	Logger   *slog.Logger
	OrgID    string
	ConnID   string // this process's connection id
	Session  string // the current session id, for head selection and "s"
	Signer   Signer
	// CommitDelay is how long edits to an item are gathered before they
	// become one commit. Zero commits on every edit.
	CommitDelay time.Duration
	Now         func() time.Time
	// ReadOnly loads the log without ever writing to it: a torn final line
	// is reported, not cut, and writes fail with ErrReadOnly.
	ReadOnly bool
	// Progress, when set, is called while the log loads with the bytes
	// read so far and the file size, about every megabyte, from the
	// goroutine calling Open.
	Progress func(done, total int64)
	// FullEvery is the chance 1/FullEvery that a commit is written full
	// even though a delta would do (upstream: 20). Zero means 20.
	FullEvery int
	// AfterFunc runs f after d and returns a function that cancels it;
	// nil means time.AfterFunc. Pending commits and deferred merges are
	// scheduled through it, so a simulation can run them on its virtual
	// clock.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// OnCommit, when set, is called with the commits just added (local
	// ones, merges, or ones from Insert), with the repository's lock held:
	// it must return at once and not call back into the repository (sync
	// uses it to wake its loop and push the commits to peers).
	OnCommit func(cs []*commit.Commit)
	// OnValue, when set, is called with a key whose visible value may have
	// changed: a local edit (pending or committed), commits that arrived,
	// a merge, a rebase. Same rules as OnCommit: the lock is held, return
	// at once (live queries use it to know what to re-evaluate).
	OnValue func(key string)
	// Rand, when set, makes every random choice (commit ids, which
	// commits stay full, filter seeds) so that a seeded simulation replays
	// exactly. It is only used under the repository's lock.
	Rand *rand.Rand
}

// LoadStats describes what opening the log found.
type LoadStats struct {
	Lines        int64 // non-blank lines read
	Commits      int64 // distinct commits loaded
	Malformed    int64 // lines that are JSON but not a commit
	Unparsable   int64 // lines that are not JSON objects (skipped)
	TornBytes    int64 // bytes of a torn final line that were cut
	Duplicates   int64 // lines repeating a known id with identical content
	Conflicts    int64 // lines repeating a known id with different content
	ConflictIDs  []string
	MalformedErr []string // first few reasons, for reports
}

type itemState uint8

const (
	stateUnknown   itemState = iota // not decoded yet
	stateOK                         // own holds the value
	stateCorrupted                  // a delta whose checksums do not match
	stateNoItem                     // no value: missing base, unknown schema, bad record
)

// Repo is one repository. It is safe for concurrent use.
type Repo struct {
	opts Options
	log  *jsonlog.Log

	mu     sync.RWMutex
	closed bool
	hash   hashes
	order  []*entry // arrival order
	ids    table    // commit ids to positions in order
	// keyIdx finds keys' positions in keyStore.
	keyIdx   table
	keyStore keyStore
	orphans  map[string]int32 // children seen for parents not yet present
	stats    LoadStats
	slab     slab
	errs     map[*entry]error // why entries have no value of their own
	// gen changes whenever any value of the repository may have changed,
	// so that item handles can cache what they last read.
	gen     atomic.Uint64
	emptyAF []byte
	dirty   map[string]struct{}
	// commitStop cancels the timer that commits pending edits.
	commitStop func() bool
	// inflight counts batches of pending edits being signed outside the
	// lock; Flush and Close wait for them.
	inflight sync.WaitGroup
	// deferred holds keys whose leaves wait for another peer's merge,
	// with the time (ms) after which this peer merges them itself.
	deferred  map[string]deferredMerge
	mergeStop func() bool
	mergeDue  int64 // when mergeStop's timer fires (ms)
	// holdMerges keeps merges from happening by themselves, for tests
	// that build conflicting graphs step by step.
	holdMerges bool
	// live counts the keys whose value is not deleted, kept current from
	// the first LiveCount on (counting).
	live     int
	counting bool
}

// Open loads the repository's log and returns the repository.
func Open(opts Options) (*Repo, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FullEvery == 0 {
		opts.FullEvery = 20
	}
	if opts.OrgID == "" {
		opts.OrgID = "localhost"
	}
	if opts.AfterFunc == nil {
		opts.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	r := &Repo{
		opts:    opts,
		hash:    hashes{maphash.MakeSeed()},
		ids:     newTable(0),
		keyIdx:  newTable(0),
		orphans: map[string]int32{},
		dirty:   map[string]struct{}{},
	}
	var size int64
	if info, err := opts.FS.Stat(opts.File); err == nil {
		size = info.Size()
	}
	ld := newLoader(r, size)
	log, st, err := jsonlog.Open(opts.FS, opts.File,
		jsonlog.Options{Logger: opts.Logger, ReadOnly: opts.ReadOnly, CallerValidates: true, BatchDelay: writeGather},
		ld.add)
	ld.finish()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", opts.Path, err)
	}
	if opts.Progress != nil {
		opts.Progress(size, size)
	}
	r.stats.Lines = ld.lines
	r.stats.Unparsable += st.Unparsable
	r.stats.TornBytes = st.TornTailBytes
	r.log = log
	r.gen.Add(1)
	return r, nil
}

// rejectLine counts and logs a line that is not a commit. Lines that are
// not even JSON objects are "unparsable", as the log reader would call them.
func (r *Repo) rejectLine(rec jsonlog.Record, err error) {
	if !jsonlog.IsObject(rec.Line) {
		r.stats.Unparsable++
		r.opts.Logger.Warn("skipping unparsable line", "file", r.opts.File, "offset", rec.Offset)
		return
	}
	r.stats.Malformed++
	if len(r.stats.MalformedErr) < 10 {
		r.stats.MalformedErr = append(r.stats.MalformedErr, fmt.Sprintf("offset %d: %v", rec.Offset, err))
	}
	r.opts.Logger.Warn("skipping malformed commit", "file", r.opts.File, "offset", rec.Offset, "err", err)
}

// Stats reports what loading the log found.
func (r *Repo) Stats() LoadStats {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := r.stats
	s.ConflictIDs = slices.Clone(s.ConflictIDs)
	return s
}

// Path returns "/type/repo".
func (r *Repo) Path() string { return r.opts.Path }

// addLocked inserts c, a commit that arrived parsed, into the graph. It
// reports false for a duplicate id. own, when given, is c's already-known
// value (local commits), which saves decoding what was just encoded.
func (r *Repo) addLocked(c *commit.Commit, own *value.Item) bool {
	h := commitHashes{id: r.hash.of(c.ID), key: r.hash.of(c.Key), parents: c.Parents}
	if r.knownLocked(h.id, func() string { return c.ID }, c.Raw) {
		return false
	}
	e := r.slab.entry()
	e.setParsed(c)
	if own != nil {
		e.own, e.state = own, stateOK
	}
	var buf [2]uint64
	h.parentHashes = buf[:0]
	for _, p := range c.Parents {
		h.parentHashes = append(h.parentHashes, r.hash.of(p))
	}
	r.insertLocked(e, &h)
	return true
}

// commitHashes are a commit's id, key and parents hashed for the indexes,
// and the parents. Loading hashes them on the parse workers.
type commitHashes struct {
	id, key      uint64
	parents      []string
	parentHashes []uint64
}

// knownLocked reports whether a commit whose id hashes to h is in the
// graph already, counting line as a duplicate or a conflict if so. The id
// is read only if a commit with the same hash is there: while a large file
// loads, reading every id would cost a cache miss each.
func (r *Repo) knownLocked(h uint64, id func() string, line []byte) bool {
	pos, ok := r.ids.find(h, func(pos uint32) bool { return r.order[pos].ID() == id() })
	if !ok {
		return false
	}
	if r.order[pos].line == string(line) {
		r.stats.Duplicates++
	} else {
		r.stats.Conflicts++
		if len(r.stats.ConflictIDs) < 100 {
			r.stats.ConflictIDs = append(r.stats.ConflictIDs, id())
		}
	}
	return true
}

// insertLocked adds e, a commit not in the graph yet, to the graph.
func (r *Repo) insertLocked(e *entry, h *commitHashes) {
	// The key is read only when its hash matches, as in knownLocked.
	kpos, ok := r.keyIdx.find(h.key, func(pos uint32) bool { return r.keyStore.at(pos).name() == e.Key() })
	var ks *keyState
	if ok {
		ks = r.keyStore.at(kpos)
	}
	// Parents usually arrive before their children (always, in a file we
	// wrote), so the orphan table is usually empty: skip hashing then.
	var n int32
	if len(r.orphans) > 0 {
		if n = r.orphans[e.ID()]; n > 0 {
			e.children = n
			delete(r.orphans, e.ID())
		}
	}
	if ks == nil && n == 0 && !e.delta {
		r.addKeyLocked(h.key, e)
	} else {
		if ks == nil {
			ks = r.addFullKeyLocked(h.key, e.Key())
		}
		m := ks.ext()
		if n > 0 {
			m.addNonLeaf(e.ID())
		} else {
			m.tips = append(m.tips, e)
		}
		if !e.delta && (m.lastFull == nil || newer(e, m.lastFull)) {
			m.lastFull = e
		}
		m.commits = append(m.commits, e)
		m.head = nil
	}
	r.ids.add(h.id, len(r.order))
	r.order = append(r.order, e)
	for i, p := range h.parents {
		pe, ok := r.entryHashed(h.parentHashes[i], p)
		if !ok {
			r.orphans[p]++
			continue
		}
		pe.children++
		if pe.children == 1 {
			if pks := r.keyLocked(pe.Key()); pks != nil {
				m := pks.ext()
				m.addNonLeaf(pe.ID())
				if i := slices.Index(m.tips, pe); i >= 0 {
					m.tips = slices.Delete(m.tips, i, i+1)
				}
				m.head = nil
			}
		}
	}
	r.stats.Commits++
	// While Open loads the log (the log is attached only once that is
	// done) nothing can read the repository, and an atomic add per commit
	// waits for all the stores before it; Open bumps gen once instead.
	if r.log != nil {
		r.gen.Add(1)
	}
}

// Insert adds commits that came from elsewhere (a peer, a file). Callers
// have already verified them. It returns the commits that were new, in the
// order given, and appends them to the log.
func (r *Repo) Insert(cs []*commit.Commit) ([]*commit.Commit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	if r.opts.ReadOnly {
		return nil, ErrReadOnly
	}
	var added []*commit.Commit
	var keys []string
	for _, c := range cs {
		if r.addLocked(c, nil) {
			added = append(added, c)
			r.log.Append(c.Raw)
			keys = append(keys, c.Key)
		}
	}
	// Merging after the whole batch, not per commit, merges each key once
	// with everything that arrived.
	if len(added) > 0 && r.opts.OnCommit != nil {
		r.opts.OnCommit(added)
	}
	// A failed merge leaves the leaves for a later one; the commits are in.
	slices.Sort(keys)
	for _, key := range slices.Compact(keys) {
		if err := r.settleLocked(key); err != nil {
			r.opts.Logger.Error("merging", "repo", r.opts.Path, "key", key, "err", err)
		}
		r.valueChanged(key)
	}
	return added, nil
}

// Flush commits pending edits and makes everything written so far durable.
func (r *Repo) Flush(ctx context.Context) error {
	if err := r.commitDirty(); err != nil {
		return err
	}
	r.inflight.Wait() // batches another goroutine is still signing
	return r.log.Flush(ctx)
}

// Close commits pending edits, flushes and closes the log.
func (r *Repo) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	// Closing and taking the last pending edits under one lock hold means
	// no Set can slip in between and be accepted but never committed.
	r.closed = true
	if r.commitStop != nil {
		r.commitStop()
	}
	if r.mergeStop != nil {
		r.mergeStop()
	}
	batch := r.prepareDirtyLocked()
	r.mu.Unlock()
	cerr := r.finishBatch(batch)
	r.inflight.Wait()
	return errors.Join(cerr, r.log.Close())
}

// valueChanged reports that key's visible value may have changed.
func (r *Repo) valueChanged(key string) {
	if r.counting {
		if ks := r.keyLocked(key); ks != nil {
			r.recountLocked(ks)
		}
	}
	if r.opts.OnValue != nil {
		r.opts.OnValue(key)
	}
}

// recountLocked brings ks's standing in r.live up to date.
func (r *Repo) recountLocked(ks *keyState) {
	del := r.deletedLocked(ks)
	switch {
	case !ks.counted:
		ks.counted = true
		if !del {
			r.live++
		}
	case del && !ks.deleted:
		r.live--
	case !del && ks.deleted:
		r.live++
	}
	ks.deleted = del
}

// LiveCount returns the number of keys whose value is not deleted. The
// first call visits every key; from then on every change of a value
// updates the count, so counting a large repository costs nothing.
func (r *Repo) LiveCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.counting {
		r.counting = true
		r.live = 0
		r.keyStore.all(func(ks *keyState) {
			ks.counted = false
			r.recountLocked(ks)
		})
	}
	return r.live
}

// newer reports whether a sorts before b newest first.
func newer(a, b *entry) bool {
	if a.ts != b.ts {
		return a.ts > b.ts
	}
	return a.ID() > b.ID()
}

// sortDesc orders commits newest first: by ts, then id, as upstream's
// compareCommitsDesc does.
func sortDesc(es []*entry) {
	slices.SortFunc(es, func(a, b *entry) int {
		if c := cmp.Compare(b.ts, a.ts); c != 0 {
			return c
		}
		return cmp.Compare(b.ID(), a.ID())
	})
}
