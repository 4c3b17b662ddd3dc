package repo

import (
	"unsafe"

	"goatdb/internal/value"
)

// keyState is a key's part of the graph. Most keys of a large repository
// have a single full commit without children and are never edited here:
// for those the commit is all there is to keep (one), and the rest
// (keyMore) is allocated once a second commit arrives, the commit gets a
// child or the key is edited.
type keyState struct {
	// one holds the key's commit while more is nil: it is then the key's
	// only commit, its only tip, its head and its newest full commit.
	// Every key state has one or the other.
	one  [1]*entry
	more *keyMore
	// counted and deleted are the key's standing in Repo.live, once the
	// repository counts (see LiveCount).
	counted, deleted bool
}

type keyMore struct {
	key     string
	commits []*entry // arrival order
	head    *entry   // cached head, nil when stale
	pending *value.Item
	// pendingBase is the head pending was derived from (nil: none), the
	// base a rebase diffs both sides against.
	pendingBase *entry
	lastFull    *entry // newest full commit by (ts, id): the base for deltas
	// anc exists once a commit of the key has children; most keys of a
	// large repository have a single commit and never need it.
	anc *ancestry
	// tips are the key's commits without children: the leaf candidates.
	// Children counts only grow, so a commit leaves tips at most once.
	tips []*entry
}

// ext returns the key's full state, making it on first use.
func (ks *keyState) ext() *keyMore {
	if ks.more == nil {
		e := ks.one[0]
		ks.more = &keyMore{
			key:     e.Key(),
			commits: []*entry{e},
			tips:    []*entry{e},
			head:    e, lastFull: e,
		}
		ks.one[0] = nil
	}
	return ks.more
}

// name returns the key.
func (ks *keyState) name() string {
	if ks.more != nil {
		return ks.more.key
	}
	return ks.one[0].Key()
}

// commits returns the key's commits in arrival order. Callers must not
// append to it or change it.
func (ks *keyState) commits() []*entry {
	if ks.more != nil {
		return ks.more.commits
	}
	return ks.one[:]
}

// tips returns the key's commits without children. Callers must not
// append to it or change it.
func (ks *keyState) tips() []*entry {
	if ks.more != nil {
		return ks.more.tips
	}
	return ks.one[:]
}

func (ks *keyState) lastFull() *entry {
	if ks.more != nil {
		return ks.more.lastFull
	}
	return ks.one[0]
}

// pending returns the key's uncommitted local value, nil for none.
func (ks *keyState) pending() *value.Item {
	if ks.more != nil {
		return ks.more.pending
	}
	return nil
}

func (ks *keyState) pendingBase() *entry {
	if ks.more != nil {
		return ks.more.pendingBase
	}
	return nil
}

// setPending makes it the key's uncommitted value, derived from base.
func (ks *keyState) setPending(it *value.Item, base *entry) {
	m := ks.ext()
	m.pending, m.pendingBase = it, base
}

func (ks *keyState) clearPending() {
	if m := ks.more; m != nil {
		m.pending, m.pendingBase = nil, nil
	}
}

// cachedHead returns the head if it is known without work, else nil.
func (ks *keyState) cachedHead() *entry {
	if ks.more != nil {
		return ks.more.head
	}
	return ks.one[0]
}

// handle returns what ItemHandle stored for the key at pos, or nil.
func (s *keyStore) handle(pos uint32) any {
	if c := pos / keyChunk; int(c) < len(s.handles) && s.handles[c] != nil {
		return s.handles[c][pos%keyChunk]
	}
	return nil
}

func (s *keyStore) setHandle(pos uint32, h any) {
	c := int(pos / keyChunk)
	if c >= len(s.handles) {
		s.handles = append(s.handles, make([][]any, c+1-len(s.handles))...)
	}
	if s.handles[c] == nil {
		s.handles[c] = make([]any, keyChunk)
	}
	s.handles[c][pos%keyChunk] = h
}

// handleChunkBytes is how much newHandle allocates at a time: a size class
// of its own, so that a chunk wastes at most one handle's size.
const handleChunkBytes = 8 << 10

// newHandle returns a zero H from the store's current chunk of them.
func newHandle[H any](s *keyStore) *H {
	spare, _ := s.spare.(*[]H)
	if spare == nil {
		spare = new([]H)
		s.spare = spare
	}
	if len(*spare) == 0 {
		n := 1
		if size := unsafe.Sizeof(*new(H)); size > 0 {
			n = max(1, handleChunkBytes/int(size))
		}
		*spare = make([]H, n)
	}
	h := &(*spare)[0]
	*spare = (*spare)[1:]
	return h
}
