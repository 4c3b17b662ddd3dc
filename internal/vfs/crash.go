package vfs

import (
	"maps"
	"math/rand/v2"
	"slices"
)

// Crash returns a new MemFS holding what a power loss at this instant could
// leave on disk; m itself is unchanged and stays usable. rng chooses among
// the possible outcomes, so a seeded rng gives a reproducible crash.
//
// For every file name made durable by SyncDir, the new file holds its synced
// contents followed by an arbitrary prefix of the changes made since then:
// some leading unsynced writes and truncations in order, then possibly part
// of the next write (a torn write). Sometimes the tail of that torn part reads
// back as zero bytes, as when a filesystem persisted a file's new size before
// its data. Unsynced names are lost; names removed or renamed without a
// SyncDir come back. A nil rng keeps none of the unsynced changes.
func (m *MemFS) Crash(rng *rand.Rand) *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := NewMem()
	maps.Copy(c.dirs, m.dirs)
	images := map[*inode]*inode{} // one image per inode, however many names it has
	// Sorted so that a seed always draws the same numbers for the same file.
	for _, name := range slices.Sorted(maps.Keys(m.durable)) {
		ino := m.durable[name]
		img, ok := images[ino]
		if !ok {
			img = ino.crashImage(rng)
			images[ino] = img
		}
		c.files[name] = img
		c.durable[name] = img
	}
	return c
}

// CrashSynced is the power loss in which none of the writes made since the
// last sync reached the disk. Its outcome does not depend on how far a
// background writer got, which a deterministic simulation needs; Crash
// covers the torn and partial outcomes.
func (m *MemFS) CrashSynced() *MemFS { return m.Crash(nil) }

func (ino *inode) crashImage(rng *rand.Rand) *inode {
	img := slices.Clone(ino.synced)
	if rng == nil {
		return &inode{data: img, synced: slices.Clone(img), mode: ino.mode, modTime: ino.modTime}
	}
	n := rng.IntN(len(ino.pending) + 1)
	for _, c := range ino.pending[:n] {
		img = apply(img, c)
	}
	if n < len(ino.pending) && !ino.pending[n].truncate {
		c := ino.pending[n]
		k := rng.IntN(len(c.data) + 1)
		torn := slices.Clone(c.data[:k])
		if k > 0 && rng.IntN(4) == 0 {
			clear(torn[k-1-rng.IntN(k):])
		}
		img = apply(img, change{off: c.off, data: torn})
	}
	return &inode{data: img, synced: slices.Clone(img), mode: ino.mode, modTime: ino.modTime}
}
