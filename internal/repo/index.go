package repo

import "hash/maphash"

// table finds things by a string: it maps the string's hash to a position
// (an index into Repo.order, or into keyStore), and the caller compares the
// string at a position whose hash matches. A large repository indexes every
// commit by id and every key by name, 100k of each; Go maps cost 33 bytes
// an entry for that, these 8 bytes a slot at most 80% full. Loading also
// overlaps the cache misses of a run of records (see loader.touch), which a
// Go map gives no way to do.
//
// It is open addressing with linear probing. A slot holds the top 32 bits of
// the hash and position+1 (0 is an empty slot); the home slot is taken from
// the hash's top bits, so that the stored half is enough to move slots when
// the table grows.
type table struct {
	slots []uint64
	shift uint // 64 - log2(len(slots))
	n     int
}

// Tables grow past 4/5 full: linear probing slows down fast beyond that.
const maxLoadNum, maxLoadDen = 4, 5

// maxPos bounds positions: position+1 must fit the slot's low half.
const maxPos = 1<<32 - 2

func newTable(n int) table {
	bits := uint(3)
	for (1<<bits)*maxLoadNum/maxLoadDen < n {
		bits++
	}
	return table{slots: make([]uint64, 1<<bits), shift: 64 - bits}
}

// home returns the slot index where the probe for hash h starts.
func (t *table) home(h uint64) uint64 { return h >> t.shift }

// find returns the position whose string eq accepts among those stored
// with hash h.
func (t *table) find(h uint64, eq func(pos uint32) bool) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	tag := h >> 32 << 32
	for i := t.home(h); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if s>>32<<32 == tag && eq(uint32(s)-1) {
			return uint32(s) - 1, true
		}
	}
}

// add stores pos under hash h; the caller knows nothing equal is stored.
func (t *table) add(h uint64, pos int) {
	if pos > maxPos {
		panic("repo: more than 2^32-2 commits or keys")
	}
	if (t.n+1)*maxLoadDen > len(t.slots)*maxLoadNum {
		t.grow()
	}
	t.put(h>>32<<32 | uint64(pos+1))
	t.n++
}

func (t *table) put(slot uint64) {
	mask := uint64(len(t.slots) - 1)
	i := t.home(slot)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = slot
}

func (t *table) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	t.shift--
	for _, s := range old {
		if s != 0 {
			t.put(s)
		}
	}
}

// keyStore holds the key states in chunks: the keys table refers to them
// by position, and listing keys walks them in the order they were made.
type keyStore struct {
	chunks [][]keyState
	n      int
	// handles holds what ItemHandle made per key, by the same positions.
	// Its chunks are made when a key of theirs is first read, so opening a
	// large repository costs nothing for them (see ItemHandle).
	handles [][]any
	spare   any // *[]H: the rest of the chunk newHandle hands out from
}

const keyChunk = 512

func (s *keyStore) at(pos uint32) *keyState {
	return &s.chunks[pos/keyChunk][pos%keyChunk]
}

// add makes a key state and returns it with its position.
func (s *keyStore) add() (*keyState, int) {
	if s.n%keyChunk == 0 {
		s.chunks = append(s.chunks, make([]keyState, keyChunk))
	}
	pos := s.n
	s.n++
	return s.at(uint32(pos)), pos
}

// all calls f with every key state, in the order they were made.
func (s *keyStore) all(f func(*keyState)) {
	for pos := range s.n {
		f(s.at(uint32(pos)))
	}
}

// hashes is the seed every hash of one repository is made with.
type hashes struct{ seed maphash.Seed }

func (h hashes) of(s string) uint64 { return maphash.String(h.seed, s) }

// entryLocked returns the commit with id, if there is one.
func (r *Repo) entryLocked(id string) (*entry, bool) {
	return r.entryHashed(r.hash.of(id), id)
}

func (r *Repo) entryHashed(h uint64, id string) (*entry, bool) {
	pos, ok := r.ids.find(h, func(pos uint32) bool { return r.order[pos].ID() == id })
	if !ok {
		return nil, false
	}
	return r.order[pos], true
}

// mustEntryLocked returns the commit with id, or nil.
func (r *Repo) mustEntryLocked(id string) *entry {
	e, _ := r.entryLocked(id)
	return e
}

// keyLocked returns the state of key, or nil.
func (r *Repo) keyLocked(key string) *keyState {
	return r.keyHashed(r.hash.of(key), key)
}

func (r *Repo) keyHashed(h uint64, key string) *keyState {
	pos, ok := r.keyPosHashed(h, key)
	if !ok {
		return nil
	}
	return r.keyStore.at(pos)
}

// keyPosHashed returns the position of key, which hashes to h, in
// keyStore. A key keeps its position for the repository's life.
func (r *Repo) keyPosHashed(h uint64, key string) (uint32, bool) {
	return r.keyIdx.find(h, func(pos uint32) bool { return r.keyStore.at(pos).name() == key })
}

// addKeyLocked makes the state of the key of e, which has none and whose
// name hashes to h, with e as its only commit (see keyState).
func (r *Repo) addKeyLocked(h uint64, e *entry) *keyState {
	ks, pos := r.keyStore.add()
	ks.one[0] = e
	r.keyIdx.add(h, pos)
	return ks
}

// addFullKeyLocked makes the state of key, which has none and hashes to h,
// in full.
func (r *Repo) addFullKeyLocked(h uint64, key string) *keyState {
	ks, pos := r.keyStore.add()
	ks.more = &keyMore{key: key}
	r.keyIdx.add(h, pos)
	return ks
}
