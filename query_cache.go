package goatdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"goatdb/internal/itempath"
)

// queryCache is what a shared query (one with an ID) leaves on disk when
// it closes: its members and the repository's age they reflect. The next
// run of the same query loads the members and evaluates only the items
// that gained commits since, instead of scanning the whole repository.
// (Upstream's cache looks ages up by the wrong key, so it never re-checks
// anything; see the internals notes, §11.)
type queryCache struct {
	Age  int64    `json:"age"`
	Keys []string `json:"keys"`
}

// queryCachePath is <dir>/<type>/<repo>.queries/<id>.json. The id is
// checked like an item key, so it cannot leave that directory.
func (db *DB) queryCachePath(repoPath, id string) (string, bool) {
	p, err := itempath.ParseRepo(repoPath)
	if err != nil || !itempath.ValidKey(id) {
		return "", false
	}
	return filepath.Join(db.dir, p.Type, p.Repo+".queries", id+".json"), true
}

// loadQueryCache returns the cached members of query id and the keys to
// re-evaluate, or ok=false when a full scan is needed.
func (q *Query) loadQueryCache() (members, changed []string, ok bool) {
	if q.key == "" || q.spec.From != nil {
		return nil, nil, false
	}
	path, ok := q.db.queryCachePath(q.repoPath, q.key)
	if !ok {
		return nil, nil, false
	}
	f, err := q.db.fs.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, nil, false
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, false
	}
	var c queryCache
	if json.Unmarshal(b, &c) != nil {
		q.db.opts.Logger.Warn("ignoring an unreadable query cache", "path", path)
		return nil, nil, false
	}
	p, _ := itempath.ParseRepo(q.repoPath)
	r, err := q.db.repo(p)
	if err != nil || c.Age > r.Age() {
		return nil, nil, false // the log lost commits since: trust nothing
	}
	return c.Keys, r.KeysSince(c.Age), true
}

// saveQueryCache writes the members, atomically, as of the repository's
// current age. Pending edits are committed first, so the age covers them.
func (q *Query) saveQueryCache() error {
	if q.key == "" || q.spec.From != nil || q.db.opts.ReadOnly {
		return nil
	}
	path, ok := q.db.queryCachePath(q.repoPath, q.key)
	if !ok {
		return nil
	}
	// The database may be closing (it closes its queries first), so the
	// repository is taken from the loaded ones rather than opened.
	m := q.db.loaded.Load()
	if m == nil || (*m)[q.repoPath] == nil {
		return nil
	}
	r := (*m)[q.repoPath]
	if err := r.Flush(context.Background()); err != nil {
		return err
	}
	age := r.Age()
	q.refresh()
	q.mu.Lock()
	keys := make([]string, 0, len(q.members))
	for k := range q.members {
		keys = append(keys, k)
	}
	q.mu.Unlock()
	slices.Sort(keys)
	b, err := json.Marshal(queryCache{Age: age, Keys: keys})
	if err != nil {
		return err
	}
	if err := q.db.fs.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := q.db.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		q.db.fs.Remove(tmp)
		return fmt.Errorf("goatdb: save query cache %s: %w", path, err)
	}
	// A cache lost in a crash costs one full scan, so it is not fsynced.
	if err := q.db.fs.Rename(tmp, path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
