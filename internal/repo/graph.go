package repo

import (
	"bytes"
	"fmt"

	"goatdb/internal/commit"
	"goatdb/internal/value"
)

// hasItemLocked reports whether e can yield a value structurally: it is a
// full commit, or a delta whose base is present and full (upstream's
// hasItemForCommit). Deltas never chain.
func (r *Repo) hasItemLocked(e *entry) bool {
	if !e.IsDelta() {
		return true
	}
	b, ok := r.entryLocked(e.Base())
	return ok && !b.IsDelta()
}

// leavesLocked returns the commits of key that have no children and can
// yield a value, newest first (upstream's leavesForKey).
//
// A childless commit that cannot yield a value (a delta whose base never
// arrived, or was lost with the peer that wrote it before it reached
// anyone) hides its ancestors from upstream's rule: if it is the only tip,
// the key has no leaves at all, each peer falls back to its own newest
// commit, and peers show different values forever. Leaves here are
// therefore the commits with a value that no commit with a value descends
// from; this is upstream's set whenever every tip has a value.
func (r *Repo) leavesLocked(ks *keyState) []*entry {
	var out []*entry
	for _, e := range ks.tips() {
		if !r.hasItemLocked(e) {
			out = r.readableFrontierLocked(ks)
			break
		}
		out = append(out, e)
	}
	sortDesc(out)
	return out
}

// readableFrontierLocked returns the key's commits that have a value and no
// descendant with a value.
func (r *Repo) readableFrontierLocked(ks *keyState) []*entry {
	covered := map[*entry]bool{}
	var stack []*entry
	cover := func(e *entry) {
		for _, p := range e.commit().Parents {
			if pe, ok := r.entryLocked(p); ok && !covered[pe] {
				covered[pe] = true
				stack = append(stack, pe)
			}
		}
	}
	for _, e := range ks.commits() {
		if r.hasItemLocked(e) {
			cover(e)
		}
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cover(e)
	}
	var out []*entry
	for _, e := range ks.commits() {
		if r.hasItemLocked(e) && !covered[e] {
			out = append(out, e)
		}
	}
	return out
}

// headLocked picks the commit whose value the key shows (upstream's
// headForKey): the only leaf, or among several leaves (or all commits when
// none is a leaf) the newest one made by this connection, else by this
// session, else the newest.
func (r *Repo) headLocked(ks *keyState) *entry {
	if h := ks.cachedHead(); h != nil {
		return h
	}
	m := ks.ext() // a key without a cached head has its full state
	cands := r.leavesLocked(ks)
	if len(cands) == 1 {
		m.head = cands[0]
		return m.head
	}
	if len(cands) == 0 {
		for _, e := range ks.commits() {
			if r.hasItemLocked(e) {
				cands = append(cands, e)
			}
		}
		sortDesc(cands)
	}
	if len(cands) == 0 {
		return nil
	}
	head := cands[0]
	if i := indexFunc(cands, func(e *entry) bool { return e.commit().ConnID == r.opts.ConnID }); i >= 0 {
		head = cands[i]
	} else if i := indexFunc(cands, func(e *entry) bool { return e.commit().Session == r.opts.Session }); i >= 0 {
		head = cands[i]
	}
	m.head = head
	return head
}

func indexFunc(es []*entry, f func(*entry) bool) int {
	for i, e := range es {
		if f(e) {
			return i
		}
	}
	return -1
}

// fail records why e has no value of its own. Failures are rare, so their
// reasons live in a side table rather than in every entry.
func (r *Repo) fail(e *entry, st itemState, err error) {
	e.state = st
	if r.errs == nil {
		r.errs = map[*entry]error{}
	}
	r.errs[e] = err
}

// ownItemLocked decodes e's value without any fallback, caching it.
func (r *Repo) ownItemLocked(e *entry) (*value.Item, itemState) {
	if e.state != stateUnknown {
		return e.own, e.state
	}
	if !e.IsDelta() {
		it, err := value.DecodeRecord(e.Record(), r.opts.Registry)
		if err != nil {
			r.fail(e, stateNoItem, err)
			return nil, e.state
		}
		e.own, e.state = it, stateOK
		return it, stateOK
	}
	be, ok := r.entryLocked(e.Base())
	if !ok || be.IsDelta() {
		r.fail(e, stateNoItem, fmt.Errorf("delta %s: base %s is not available", e.ID(), e.Base()))
		return nil, e.state
	}
	base, st := r.ownItemLocked(be)
	if st != stateOK {
		r.fail(e, stateNoItem, fmt.Errorf("delta %s: base %s has no value: %w", e.ID(), e.Base(), r.errs[be]))
		return nil, e.state
	}
	sc, dc, changes, err := value.DecodeEdit(e.Edit(), base.Schema)
	if err != nil {
		r.fail(e, stateNoItem, fmt.Errorf("delta %s: %w", e.ID(), err))
		return nil, e.state
	}
	if bcs := baseChecksum(base); sc != bcs {
		r.fail(e, stateCorrupted, fmt.Errorf("delta %s: base checksum %s, edit expects %s", e.ID(), bcs, sc))
		return nil, e.state
	}
	it := base.Clone()
	// A change that cannot be applied leaves the result short of what the
	// edit promises, which the dc check below catches.
	_ = it.Patch(changes)
	if got := it.Checksum(); got != dc {
		r.fail(e, stateCorrupted, fmt.Errorf("delta %s: result checksum %s, edit promises %s", e.ID(), got, dc))
		return nil, e.state
	}
	e.own, e.state = it, stateOK
	return it, stateOK
}

// baseChecksum is the checksum a delta's "sc" is compared with: the stored
// "cs" of the base record, as upstream uses it, else the computed one.
func baseChecksum(it *value.Item) string {
	if cs := it.StoredChecksum(); cs != "" {
		return cs
	}
	return it.Checksum()
}

// itemLocked returns the value e stands for. A corrupted delta reads as
// the newest commit of its key that is not corrupted, as upstream reads it.
func (r *Repo) itemLocked(e *entry) (*value.Item, error) {
	it, st := r.ownItemLocked(e)
	switch st {
	case stateOK:
		return it, nil
	case stateCorrupted:
		ks := r.keyLocked(e.Key())
		es := append([]*entry(nil), ks.commits()...)
		sortDesc(es)
		for _, o := range es {
			if oi, ost := r.ownItemLocked(o); ost == stateOK {
				return oi, nil
			}
		}
		return nil, fmt.Errorf("%w: %w", ErrNoValue, r.errs[e])
	}
	return nil, fmt.Errorf("%w: %w", ErrNoValue, r.errs[e])
}

// Head returns the head commit of key, or nil.
func (r *Repo) Head(key string) *commit.Commit {
	r.mu.Lock()
	defer r.mu.Unlock()
	ks := r.keyLocked(key)
	if ks == nil {
		return nil
	}
	if h := r.headLocked(ks); h != nil {
		return h.commit()
	}
	return nil
}

// Leaves returns the leaf commits of key, newest first.
func (r *Repo) Leaves(key string) []*commit.Commit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ks := r.keyLocked(key)
	if ks == nil {
		return nil
	}
	var out []*commit.Commit
	for _, e := range r.leavesLocked(ks) {
		out = append(out, e.commit())
	}
	return out
}

// Value returns the current value of key: a pending local edit if there is
// one, else the head's value. The item is shared: callers clone before
// changing it.
func (r *Repo) Value(key string) (*value.Item, error) {
	v, _, err := r.ValueGen(key)
	return v, err
}

// Gen returns the repository's generation: it changes whenever any value
// may have changed, so a value read at generation g is still current while
// Gen returns g.
func (r *Repo) Gen() uint64 { return r.gen.Load() }

// ValueGen is Value plus the generation the value was read at.
func (r *Repo) ValueGen(key string) (*value.Item, uint64, error) {
	// Most reads find the value decoded and the head cached: serve them
	// under the read lock so readers do not queue behind each other.
	hash := r.hash.of(key)
	r.mu.RLock()
	pos, ok := r.keyPosHashed(hash, key)
	if !ok {
		r.mu.RUnlock()
		return nil, 0, ErrNotFound
	}
	ks := r.keyStore.at(pos)
	gen := r.gen.Load()
	if v := ks.pending(); v != nil {
		r.mu.RUnlock()
		return v, gen, nil
	}
	if h := ks.cachedHead(); h != nil && h.state == stateOK {
		v := h.own
		r.mu.RUnlock()
		return v, gen, nil
	}
	r.mu.RUnlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	// Keys are never removed and keep their position: no second lookup.
	v, err := r.valueOfLocked(r.keyStore.at(pos))
	return v, r.gen.Load(), err
}

// Has reports whether key has any commit or pending edit.
func (r *Repo) Has(key string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.keyLocked(key) != nil
}

// ItemHandle returns the handle of type H kept for key in r, making it
// with init the first time it is asked for; a key without commits or
// pending edit has none (ErrNotFound). init gets the key's value and the
// generation it was read at, or why there is no value; it runs under the
// repository's lock, so that every caller gets the one handle, and must not
// call back into the repository. A repository's handles are all of one
// type.
//
// Keeping handles with the key's state lets a first read find the key once
// for both, where a table of their own would cost a second lookup, an
// insert and their allocations per item; and since handles live as long as
// the repository, they are allocated in chunks.
func ItemHandle[H any](r *Repo, key string, init func(h *H, v *value.Item, gen uint64, err error)) (*H, error) {
	hash := r.hash.of(key)
	r.mu.RLock()
	pos, ok := r.keyPosHashed(hash, key)
	var x any
	if ok {
		x = r.keyStore.handle(pos)
	}
	r.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	if x != nil {
		return x.(*H), nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Keys are never removed and keep their position, so pos still names
	// key; another caller may have made the handle meanwhile.
	if x := r.keyStore.handle(pos); x != nil {
		return x.(*H), nil
	}
	v, err := r.valueOfLocked(r.keyStore.at(pos))
	h := newHandle[H](&r.keyStore)
	init(h, v, r.gen.Load(), err)
	r.keyStore.setHandle(pos, h)
	return h, nil
}

func (r *Repo) valueLocked(key string) (*value.Item, error) {
	ks := r.keyLocked(key)
	if ks == nil {
		return nil, ErrNotFound
	}
	return r.valueOfLocked(ks)
}

func (r *Repo) valueOfLocked(ks *keyState) (*value.Item, error) {
	if v := ks.pending(); v != nil {
		return v, nil
	}
	h := r.headLocked(ks)
	if h == nil {
		return nil, fmt.Errorf("%w: %s has no commit with a value", ErrNoValue, ks.name())
	}
	return r.itemLocked(h)
}

// HeadRecord returns the raw JSON record of key's head when it is a full
// commit. It serves items whose schema is unknown here.
func (r *Repo) HeadRecord(key string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ks := r.keyLocked(key)
	if ks == nil {
		return nil, ErrNotFound
	}
	h := r.headLocked(ks)
	if h == nil {
		return nil, ErrNoValue
	}
	if h.IsDelta() {
		if b, ok := r.entryLocked(h.Base()); ok {
			return b.Record(), nil
		}
		return nil, ErrNoValue
	}
	return h.Record(), nil
}

// IsCorrupted reports whether the commit id is a delta whose checksums do
// not match its base (upstream's commitIsCorrupted).
func (r *Repo) IsCorrupted(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entryLocked(id)
	if !ok || !e.IsDelta() {
		return false
	}
	_, st := r.ownItemLocked(e)
	return st == stateCorrupted
}

// CommitError returns why a commit has no value of its own, or nil.
func (r *Repo) CommitError(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entryLocked(id)
	if !ok {
		return ErrNotFound
	}
	r.ownItemLocked(e)
	return r.errs[e]
}

// Commit returns the commit with id, or nil.
func (r *Repo) Commit(id string) *commit.Commit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if e, ok := r.entryLocked(id); ok {
		return e.commit()
	}
	return nil
}

// Commits returns every commit in age order (arrival order).
func (r *Repo) Commits() []*commit.Commit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return commitsOf(r.order)
}

// CommitLine is a commit's id, key and exact line.
type CommitLine struct {
	ID, Key string
	Raw     []byte
}

// CommitLines returns the id, key and line of every commit, in age order.
// Unlike Commits it parses nothing: a commit loaded from the file is kept
// as its line until something asks for the parsed commit, and parsing a
// large repository's every line (then keeping the results) is what listing
// ids or sending lines to a peer can do without.
func (r *Repo) CommitLines() []CommitLine {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]CommitLine, len(r.order))
	for i, e := range r.order {
		out[i] = CommitLine{ID: e.ID(), Key: e.Key(), Raw: e.raw()}
	}
	return out
}

// CommitsForKey returns the commits of key, newest first.
func (r *Repo) CommitsForKey(key string) []*commit.Commit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ks := r.keyLocked(key)
	if ks == nil {
		return nil
	}
	es := append([]*entry(nil), ks.commits()...)
	sortDesc(es)
	return commitsOf(es)
}

// NumCommits returns the number of distinct commits.
func (r *Repo) NumCommits() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.order)
}

// Keys returns every item key, deleted ones included, in no set order.
func (r *Repo) Keys() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, r.keyStore.n)
	r.keyStore.all(func(ks *keyState) { out = append(out, ks.name()) })
	return out
}

// Len returns the number of item keys, deleted ones included.
func (r *Repo) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.keyStore.n
}

// Age returns the age of the newest commit, the repository's generation.
func (r *Repo) Age() int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return int64(len(r.order))
}

// CommitValue returns the value commit id stands for (a corrupted delta
// reads as its key's newest good commit, as everywhere else). The item is
// shared: callers clone before changing it.
func (r *Repo) CommitValue(id string) (*value.Item, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entryLocked(id)
	if !ok {
		return nil, ErrNotFound
	}
	return r.itemLocked(e)
}

// KeysSince returns the keys that gained a commit after the repository's
// age was age (see Age), in no set order: what a cache made at that age
// must look at again.
func (r *Repo) KeysSince(age int64) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if age < 0 {
		age = 0
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range r.order[min(int(age), len(r.order)):] {
		if !seen[e.Key()] {
			seen[e.Key()] = true
			out = append(out, e.Key())
		}
	}
	return out
}

// LiveKeys returns the keys whose current value is not deleted, in no set
// order. Listing and counting a repository must not decode every value:
// a value whose stored JSON never mentions "isDeleted" (nearly all of
// them) cannot be deleted, so only the others are decoded.
func (r *Repo) LiveKeys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, r.keyStore.n)
	r.keyStore.all(func(ks *keyState) {
		if !r.deletedLocked(ks) {
			out = append(out, ks.name())
		}
	})
	return out
}

var deletedField = []byte(`"isDeleted"`)

func (r *Repo) deletedLocked(ks *keyState) bool {
	if v := ks.pending(); v != nil {
		return v.Deleted()
	}
	h := r.headLocked(ks)
	if h == nil {
		return false // listed, as AllKeys lists it; reading it reports why
	}
	if h.state == stateOK {
		return h.own.Deleted()
	}
	if h.state == stateUnknown {
		if !h.IsDelta() && !bytes.Contains(h.Record(), deletedField) {
			return false
		}
		if h.IsDelta() && !bytes.Contains(h.Edit(), deletedField) {
			if b, ok := r.entryLocked(h.Base()); ok && !b.IsDelta() && !bytes.Contains(b.Record(), deletedField) {
				return false
			}
		}
	}
	it, err := r.itemLocked(h)
	return err == nil && it.Deleted()
}
