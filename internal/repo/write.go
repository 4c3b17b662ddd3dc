package repo

import (
	"fmt"
	"goatdb/internal/bloom"
	"sync"
	"time"
	"unsafe"

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
	ks := r.keys[key]
	if ks == nil {
		ks = &keyState{}
		r.keys[key] = ks
	}
	r.gen.Add(1)
	if ks.pending == nil {
		ks.pendingBase = r.headLocked(ks)
	}
	ks.pending = it
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

// commitDirty turns every pending edit into a commit.
func (r *Repo) commitDirty() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.commitDirtyLocked()
}

func (r *Repo) commitDirtyLocked() error {
	r.commitStop = nil
	var first error
	for key := range r.dirty {
		ks := r.keys[key]
		it := ks.pending
		delete(r.dirty, key)
		if it == nil {
			continue
		}
		if _, err := r.commitLocked(key, it); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// commitLocked writes a commit that makes it the value of key, unless it
// equals the current value. It returns the commit, or nil when nothing
// changed. A pending edit commits on the head it was derived from (its
// rebase keeps that the current head); anything else on the current head.
func (r *Repo) commitLocked(key string, it *value.Item) (*commit.Commit, error) {
	ks := r.keys[key]
	var head *entry
	if ks != nil {
		head = r.headLocked(ks)
		if ks.pending != nil && ks.pendingBase != nil {
			head = ks.pendingBase
		}
		ks.pending, ks.pendingBase = nil, nil
		if head != nil {
			if cur, err := r.itemLocked(head); err == nil && cur.Equal(it) {
				return nil, nil
			}
		}
	}
	var parents []string
	if head != nil {
		parents = []string{head.c.ID}
	}
	c, err := r.writeCommitLocked(key, ks, it, parents, "", "")
	if err != nil {
		return nil, err
	}
	// Our commit may have joined other leaves of the key.
	if _, err := r.mergeIfNeededLocked(key, false); err != nil {
		r.opts.Logger.Error("merging", "repo", r.opts.Path, "key", key, "err", err)
	}
	return c, nil
}

// writeCommitLocked signs, stores and logs a new commit of key with value
// it: an edit (one parent), a first version (none) or a merge (several,
// with its merge base mb and leader ml).
func (r *Repo) writeCommitLocked(key string, ks *keyState, it *value.Item, parents []string, mb, ml string) (*commit.Commit, error) {
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
	sc := r.contentsLocked(c, ks, it)
	if r.opts.Signer != nil {
		if err := r.opts.Signer.SignCommit(c); err != nil {
			sc.put()
			return nil, fmt.Errorf("sign commit for %s/%s: %w", r.opts.Path, key, err)
		}
	}
	c.Encode() // from here on c shares nothing with the scratch buffers
	sc.put()
	r.addLocked(c, it)
	r.log.Append(c.Raw)
	return c, nil
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
	if ks == nil || ks.anc == nil {
		// Most commits start a key or extend one without history; they all
		// carry the same empty filter (upstream draws fresh seeds each
		// time, which changes nothing a reader can see).
		if r.emptyAF == nil {
			r.emptyAF = bloom.New(0, ancestorsFPR, 0, r.randFloat64).AppendJSON(nil)
		}
		return r.emptyAF, 0
	}
	return ks.anc.filter(r.randFloat64), len(ks.anc.ids)
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
	if ks == nil || ks.lastFull == nil || it.Schema.NS == "sessions" || r.randN(r.opts.FullEvery) == 0 {
		return sc
	}
	base := ks.lastFull
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
	c.Record, c.Base, c.Edit = nil, base.c.ID, edit
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
