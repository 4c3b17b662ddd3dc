package goatdb

import (
	"encoding/json"
	"slices"
	"time"

	"goatdb/internal/itempath"
)

// CommitInfo describes one commit of an item's history.
type CommitInfo struct {
	ID        string
	Parents   []string
	Session   string
	Time      time.Time
	Delta     bool // stored as changes against a full commit
	Merge     bool // has two or more parents
	Corrupted bool // a delta whose checksums do not match its base
	Raw       json.RawMessage
}

// History returns the commits of the item at path, newest first.
func (db *DB) History(path string) ([]CommitInfo, error) {
	p, err := itempath.ParseItem(path)
	if err != nil {
		return nil, err
	}
	r, err := db.repo(p)
	if err != nil {
		return nil, err
	}
	cs := r.CommitsForKey(p.Item)
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	out := make([]CommitInfo, len(cs))
	for i, c := range cs {
		out[i] = CommitInfo{
			ID:        c.ID,
			Parents:   slices.Clone(c.Parents),
			Session:   c.Session,
			Time:      time.UnixMilli(c.TS),
			Delta:     c.IsDelta(),
			Merge:     c.IsMerge(),
			Corrupted: r.IsCorrupted(c.ID),
			Raw:       json.RawMessage(c.Raw),
		}
	}
	return out, nil
}

// AllKeys returns the keys of every item in the repository at path, deleted
// items included, sorted.
func (db *DB) AllKeys(path string) ([]string, error) {
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return nil, err
	}
	r, err := db.repo(p)
	if err != nil {
		return nil, err
	}
	keys := r.Keys()
	slices.Sort(keys)
	return keys, nil
}

// Head returns the id of the commit whose value the item shows, or "" when
// the item only has uncommitted edits.
func (it *Item) Head() string {
	if c := it.r.Head(it.key); c != nil {
		return c.ID
	}
	return ""
}
