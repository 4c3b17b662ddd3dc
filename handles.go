package goatdb

import "sync"

// handleCache shares Item handles between callers that ask for the same
// item, as upstream shares its managed items, so that reading an item by
// path is a lookup rather than a parse, a lock and an allocation. Handles
// are kept for the life of the database, like the decoded values they
// show; only canonical paths are cached, so there is at most one entry per
// item however callers spell its path.
type handleCache struct {
	m sync.Map // canonical /type/repo/item → *Item
}

func (c *handleCache) get(path string) *Item {
	if v, ok := c.m.Load(path); ok {
		return v.(*Item)
	}
	return nil
}

func (c *handleCache) put(it *Item) { c.m.Store(it.path, it) }
