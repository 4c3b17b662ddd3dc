package repo

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
	"unsafe"

	"goatdb/internal/bloom"
	"goatdb/internal/commit"
	"goatdb/internal/value"
)

// deltaMaxRatio is upstream's rule: a delta is used only when its JSON is at
// most 85% of the full record's length.
const deltaMaxRatio = 0.85

// Set makes it the value of key. The value is visible to readers at once;
// it becomes a commit after CommitDelay, merged with later Sets to the same
// key, or immediately when CommitDelay is zero. it must not be changed by
// the caller afterwards.
func (r *Repo) Set(key string, it *value.Item) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	return r.setLocked(key, it)
}

func (r *Repo) setLocked(key string, it *value.Item) error {
	if r.opts.ReadOnly {
		return ErrReadOnly
	}
	if r.opts.CommitDelay <= 0 {
		_, err := r.commitLocked(key, it)
		return err
	}
	ks := r.keyLocked(key)
	if ks == nil {
		ks = r.addFullKeyLocked(r.hash.of(key), key)
	}
	r.gen.Add(1)
	base := ks.pendingBase()
	if ks.pending() == nil {
		base = r.headLocked(ks)
	}
	ks.setPending(it, base)
	r.valueChanged(key)
	r.dirty[key] = struct{}{}
	if r.commitStop == nil {
		r.commitStop = r.opts.AfterFunc(r.opts.CommitDelay, func() {
			if err := r.commitDirty(); err != nil {
				r.opts.Logger.Error("committing pending edits", "repo", r.opts.Path, "err", err)
			}
		})
	}
	return nil
}

// commitLocked writes, at once, a commit that makes it the value of key,
// unless it equals the current value. It returns the commit, or nil when
// nothing changed. Signing happens under the lock here; edits gathered by
// CommitDelay are signed outside it instead (see commitDirty).
func (r *Repo) commitLocked(key string, it *value.Item) (*commit.Commit, error) {
	ks := r.keyLocked(key)
	if ks != nil {
		ks.clearPending()
	}
	pc := r.prepareEditLocked(key, ks, it, r.headOrNil(ks))
	if pc == nil {
		return nil, nil
	}
	if err := pc.sealLocked(r.opts.Signer); err != nil {
		return nil, fmt.Errorf("sign commit for %s/%s: %w", r.opts.Path, key, err)
	}
	r.installLocked(pc)
	return pc.c, nil
}

func (r *Repo) headOrNil(ks *keyState) *entry {
	if ks == nil {
		return nil
	}
	return r.headLocked(ks)
}

// prepareEditLocked builds the unsigned commit that makes it the value of
// key on top of parent, or returns nil when it equals parent's value: an
// edit that changes nothing is never committed.
func (r *Repo) prepareEditLocked(key string, ks *keyState, it *value.Item, parent *entry) *pendingCommit {
	var parents []string
	if parent != nil {
		if cur, err := r.itemLocked(parent); err == nil && cur.Equal(it) {
			return nil
		}
		parents = []string{parent.ID()}
	}
	pc := r.prepareLocked(key, ks, it, parents, "", "")
	pc.parent = parent
	return pc
}

// writeCommitLocked signs, stores and logs a new commit of key with value
// it at once: used for merges, which have several parents, a merge base mb
// and a leader ml.
func (r *Repo) writeCommitLocked(key string, ks *keyState, it *value.Item, parents []string, mb, ml string) (*commit.Commit, error) {
	pc := r.prepareLocked(key, ks, it, parents, mb, ml)
	if err := pc.sealLocked(r.opts.Signer); err != nil {
		return nil, fmt.Errorf("sign commit for %s/%s: %w", r.opts.Path, key, err)
	}
	r.installLocked(pc)
	return pc.c, nil
}

// pendingCommit is a commit built under the repository's lock and not yet
// signed, encoded or added to the graph.
type pendingCommit struct {
	key    string
	it     *value.Item
	c      *commit.Commit
	sc     *scratch
	parent *entry // the single parent of an edit, nil otherwise
}

// prepareLocked builds an unsigned commit of key with value it.
func (r *Repo) prepareLocked(key string, ks *keyState, it *value.Item, parents []string, mb, ml string) *pendingCommit {
	oc := new(ownCommit)
	newIDInto(&oc.id, r.randUint64)
	c := &oc.c
	*c = commit.Commit{
		Ver:         BuildVersion,
		ID:          unsafe.String(&oc.id[0], len(oc.id)),
		Key:         key,
		Session:     r.opts.Session,
		TS:          r.opts.Now().UnixMilli(),
		Org:         r.opts.OrgID,
		ConnID:      r.opts.ConnID,
		MergeBase:   mb,
		MergeLeader: ml,
	}
	if len(parents) == 1 {
		oc.parent[0] = parents[0]
		c.Parents = oc.parent[:]
	} else if len(parents) > 1 {
		c.Parents = parents
	}
	c.AF, c.AC = r.ancestorsLocked(ks)
	return &pendingCommit{key: key, it: it, c: c, sc: r.contentsLocked(c, ks, it)}
}

// seal signs (when there is a signer) and encodes the commit. It needs no
// lock: the commit shares nothing mutable with the repository but its
// ancestors filter, which is not rewritten before 32 more commits of the
// key (see ancestry).
func (pc *pendingCommit) seal(s Signer) error {
	defer pc.sc.put()
	if s != nil {
		if err := s.SignCommit(pc.c); err != nil {
			return err
		}
	}
	pc.c.Encode() // from here on c shares nothing with the scratch buffers
	return nil
}

// sealLocked is seal for a caller holding the repository's lock.
func (pc *pendingCommit) sealLocked(s Signer) error {
	ls, ok := s.(LockedSigner)
	if !ok {
		return pc.seal(s)
	}
	defer pc.sc.put()
	if err := ls.SignCommitLocked(pc.c); err != nil {
		return err
	}
	pc.c.Encode() // from here on c shares nothing with the scratch buffers
	return nil
}

// installLocked adds a sealed commit to the graph and the log, and settles
// its key: a newer pending edit made while the commit was being signed now
// builds on it, and a conflict it completes is merged.
func (r *Repo) installLocked(pc *pendingCommit) {
	r.addLocked(pc.c, pc.it)
	r.log.Append(pc.c.Raw)
	if r.opts.OnCommit != nil {
		r.opts.OnCommit([]*commit.Commit{pc.c})
	}
	ks := r.keyLocked(pc.key)
	switch {
	case ks.pending() == pc.it:
		ks.clearPending()
	case ks.pending() != nil && ks.pendingBase() == pc.parent:
		ks.setPending(ks.pending(), r.mustEntryLocked(pc.c.ID))
	}
	if err := r.settleLocked(pc.key); err != nil {
		r.opts.Logger.Error("merging", "repo", r.opts.Path, "key", pc.key, "err", err)
	}
	r.valueChanged(pc.key)
}

// commitDirty turns every pending edit into a commit. The commits are
// built under the lock, signed in parallel without it (a P-384 signature
// costs far more than everything else about a commit, and readers and
// writers must not wait for it), then added to the graph and the log.
// Until then the edits stay visible as pending values.
func (r *Repo) commitDirty() error {
	r.mu.Lock()
	batch := r.prepareDirtyLocked()
	r.mu.Unlock()
	return r.finishBatch(batch)
}

// prepareDirtyLocked takes every pending edit out of the dirty set and
// builds its commit. A non-empty batch is counted in flight until
// finishBatch installs it, so that Flush and Close can wait for it.
func (r *Repo) prepareDirtyLocked() []*pendingCommit {
	r.commitStop = nil
	keys := make([]string, 0, len(r.dirty))
	for key := range r.dirty {
		keys = append(keys, key)
	}
	slices.Sort(keys) // commit order must not depend on map order
	var batch []*pendingCommit
	for _, key := range keys {
		delete(r.dirty, key)
		ks := r.keyLocked(key)
		if ks.pending() == nil {
			continue
		}
		parent := ks.pendingBase()
		if parent == nil {
			parent = r.headLocked(ks)
		}
		if pc := r.prepareEditLocked(key, ks, ks.pending(), parent); pc != nil {
			batch = append(batch, pc)
		} else {
			ks.clearPending()
		}
	}
	if len(batch) > 0 {
		r.inflight.Add(1)
	}
	return batch
}

// finishBatch seals a prepared batch on every core and installs it.
func (r *Repo) finishBatch(batch []*pendingCommit) error {
	if len(batch) == 0 {
		return nil
	}
	defer r.inflight.Done()
	errs := make([]error, len(batch))
	if r.opts.Signer == nil || len(batch) == 1 {
		for i, pc := range batch {
			errs[i] = pc.seal(r.opts.Signer)
		}
	} else {
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(runtime.GOMAXPROCS(0), len(batch)) {
			wg.Go(func() {
				for i := range next {
					errs[i] = batch[i].seal(r.opts.Signer)
				}
			})
		}
		for i := range batch {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var first error
	for i, pc := range batch {
		if errs[i] != nil {
			if first == nil {
				first = fmt.Errorf("sign commit for %s/%s: %w", r.opts.Path, pc.key, errs[i])
			}
			// The edit stays pending and visible, and every Flush tries
			// again and reports the failure until it can be signed.
			r.dirty[pc.key] = struct{}{}
			continue
		}
		r.installLocked(pc)
	}
	return first
}

// ownCommit is a local commit together with the storage of its id and its
// single parent, so that a commit costs one allocation for all three rather
// than three: every commit lives as long as the repository, and each
// allocation on this path shows in the cost of a write. The id's bytes are
// written once, before c.ID refers to them, and never again.
type ownCommit struct {
	c      commit.Commit
	parent [1]string
	id     [idLen]byte
}

// ancestorsLocked builds upstream's ancestors filter: the commits of the key
// that currently have children, which lets peers with a partial graph tell
// real leaves from commits they merely have not seen descendants of.
func (r *Repo) ancestorsLocked(ks *keyState) ([]byte, int) {
	if ks == nil || ks.more == nil || ks.more.anc == nil {
		// Most commits start a key or extend one without history; they all
		// carry the same empty filter (upstream draws fresh seeds each
		// time, which changes nothing a reader can see).
		if r.emptyAF == nil {
			r.emptyAF = bloom.New(0, ancestorsFPR, 0, r.randFloat64).AppendJSON(nil)
		}
		return r.emptyAF, 0
	}
	anc := ks.more.anc
	return anc.filter(r.randFloat64), len(anc.ids)
}

// contentsLocked fills c's contents: a delta against the key's newest full
// commit when upstream's rules allow it and the base has the same schema
// (upstream also writes deltas across schema versions, which then read as
// corrupted; we do not), else the full record. Both are built in scratch
// buffers, which c.Encode copies from; they go back to the pool with put
// once c is encoded.
func (r *Repo) contentsLocked(c *commit.Commit, ks *keyState, it *value.Item) *scratch {
	sc := scratchPool.Get().(*scratch)
	sc.rec = it.AppendRecord(sc.rec[:0])
	c.Record = sc.rec
	if ks == nil || ks.lastFull() == nil || it.Schema.NS == "sessions" || r.randN(r.opts.FullEvery) == 0 {
		return sc
	}
	base := ks.lastFull()
	bi, st := r.ownItemLocked(base)
	if st != stateOK || bi.Schema != it.Schema {
		return sc
	}
	edit, ok := value.AppendDelta(sc.edit[:0], baseChecksum(bi), it.Checksum(), bi, it)
	sc.edit = edit
	if !ok {
		return sc // a rich-text field changed: only a full record says that portably
	}
	if float64(utf16Len(edit)) > deltaMaxRatio*float64(utf16Len(sc.rec)) {
		return sc
	}
	c.Record, c.Base, c.Edit = nil, base.ID(), edit
	return sc
}

// scratch holds the buffers a commit's contents are built in. Most commits
// need a record only to compare its length with the delta's, so building
// both in reused memory saves two allocations per commit.
type scratch struct {
	rec, edit []byte
}

// maxScratch keeps one huge item from pinning its buffers in the pool.
const maxScratch = 64 << 10

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) put() {
	if cap(sc.rec) > maxScratch {
		sc.rec = nil
	}
	if cap(sc.edit) > maxScratch {
		sc.edit = nil
	}
	scratchPool.Put(sc)
}

// Update applies f to the current value of key atomically with respect to
// other edits of the repository, then sets the result. f must not keep or
// change its argument.
func (r *Repo) Update(key string, f func(cur *value.Item) (*value.Item, error)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	cur, err := r.valueLocked(key)
	if err != nil {
		return err
	}
	next, err := f(cur)
	if err != nil {
		return err
	}
	return r.setLocked(key, next)
}

// writeGather is how long the log writer waits after the first of a run of
// appends, so that a burst of commits becomes one write system call
// instead of one each (and the committing goroutine does not wake the
// writer for every commit). Flush cuts the wait short, so durability is
// unaffected; an unflushed commit reaches the file at most this much later.
const writeGather = time.Millisecond
