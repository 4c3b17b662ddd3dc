package goatdb

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// handleCache finds the Item handle of a path without parsing it, finding
// its repository or taking a lock: reading by path is the hottest call in
// the database. The handles themselves live with their keys' state in the
// repositories (see repo.ItemHandle), which is what makes them shared; this
// is only a lossy index over them, so an entry pushed out of its bucket
// costs one slower lookup, never a second handle.
//
// A path may sit in any of the four slots of the bucket its hash picks, one
// cache line, each slot holding the path's hash next to the handle: a
// lookup reads that line and then only the handle it returns, where
// sync.Map walks several nodes and compares keys through interfaces.
//
// Only handles read a second time are put here (see DB.Item): most items
// of a large repository that is read through once are not read again, and
// a table that held them all would turn every first read's lookup into a
// cache miss. The table doubles whenever half its slots fill, up to
// maxHandleSlots.
type handleCache struct {
	seed  maphash.Seed
	tab   atomic.Pointer[handleTable]
	grow  sync.Mutex
	setup sync.Once
}

type handleTable struct {
	buckets []handleBucket
	mask    uint64       // len(buckets)-1
	used    atomic.Int64 // slots filled
}

// A slot's hash and handle are two stores, not one: a reader may see the
// hash of one handle with another handle, which is why a match is always
// confirmed by comparing the path.
type handleBucket [4]struct {
	hash atomic.Uint64
	it   atomic.Pointer[Item]
}

const (
	minHandleSlots = 256
	maxHandleSlots = 1 << 20 // 16 MiB
)

func (c *handleCache) init() {
	c.seed = maphash.MakeSeed()
	c.tab.Store(newHandleTable(minHandleSlots))
}

func newHandleTable(slots int) *handleTable {
	n := slots / len(handleBucket{})
	return &handleTable{buckets: make([]handleBucket, n), mask: uint64(n - 1)}
}

// get returns the handle cached for path, spelled exactly so, or nil.
func (c *handleCache) get(path string) *Item {
	t := c.tab.Load()
	if t == nil {
		return nil
	}
	h := maphash.String(c.seed, path)
	b := &t.buckets[h&t.mask]
	for i := range b {
		if b[i].hash.Load() == h {
			if it := b[i].it.Load(); it != nil && it.path == path {
				return it
			}
		}
	}
	return nil
}

// put caches it under its canonical path: in its own slot or an empty one
// if the bucket has one, else in place of a slot the hash picks.
func (c *handleCache) put(it *Item) {
	c.setup.Do(c.init)
	t := c.tab.Load()
	h := maphash.String(c.seed, it.path)
	b := &t.buckets[h&t.mask]
	slot := -1
	for i := range b {
		switch b[i].it.Load() {
		case it:
			return
		case nil:
			if slot < 0 {
				slot = i
			}
		}
	}
	if slot < 0 {
		slot = int(h>>32) % len(b)
	} else if n := t.used.Add(1); 2*n > int64(t.slots()) && t.slots() < maxHandleSlots {
		c.grow.Lock()
		// Of racing puts the first grows the table; the others use its
		// successor too.
		if c.tab.Load() == t {
			c.tab.Store(t.grown())
		}
		c.grow.Unlock()
		c.put(it)
		return
	}
	t.set(b, slot, h, it)
}

func (t *handleTable) set(b *handleBucket, slot int, h uint64, it *Item) {
	b[slot].hash.Store(h)
	b[slot].it.Store(it)
}

// grown returns a table twice t's size holding what t holds. Slots keep
// the hash, so moving them reads t alone, in order, and no handle.
func (t *handleTable) grown() *handleTable {
	g := newHandleTable(2 * t.slots())
	for i := range t.buckets {
		for j := range t.buckets[i] {
			it := t.buckets[i][j].it.Load()
			if it == nil {
				continue
			}
			h := t.buckets[i][j].hash.Load()
			b := &g.buckets[h&g.mask]
			for k := range b {
				if b[k].it.Load() == nil {
					g.set(b, k, h, it)
					g.used.Add(1)
					break
				}
			}
		}
	}
	return g
}

func (t *handleTable) slots() int { return len(t.buckets) * len(handleBucket{}) }
