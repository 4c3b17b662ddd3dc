package goatdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"goatdb/internal/commit"
	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/schema"
	"goatdb/internal/trust"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

// DB is a database rooted at a data directory. It is safe for concurrent
// use.
type DB struct {
	dir     string
	opts    Options
	fs      vfs.FS
	reg     *schema.Registry
	connID  string
	session string

	mu     sync.Mutex // serialises changes to repos and closed
	closed atomic.Bool
	repos  map[string]*repoSlot
	// loaded is an immutable copy of the loaded slots of repos, replaced
	// whenever a repository finishes loading, so that the hot path of every
	// read finds its repository without taking a lock.
	loaded atomic.Pointer[map[string]*repo.Repo]
	// handles shares Item handles per path (see handleCache).
	handles handleCache
	rules   rules
	// pool knows every session; current is the one this database signs
	// with. Both are nil for a read-only database without settings.
	pool *trust.TrustPool
	// cur is the session this database signs with; a peer may hand it a
	// new one (see ensureGrant).
	cur     atomic.Pointer[trust.Session]
	grantMu sync.RWMutex       // held for writing while a grant changes the session
	replay  *trust.ReplayGuard // request signatures seen in their window
	peers   []*peer
	// watchers are called with every commit added (see WatchCommits);
	// copied on write, so that calling them takes no lock.
	watchers  atomic.Pointer[[]*watcher]
	watcherMu sync.Mutex
	// qmu guards queries (shared by id) and changes to live.
	qmu     sync.Mutex
	queries map[string]*Query
	live    atomic.Pointer[liveQueries]
}

type repoSlot struct {
	once sync.Once
	r    *repo.Repo
	err  error
}

// publishLoaded adds a freshly loaded repository to the lock-free snapshot.
func (db *DB) publishLoaded(key string, r *repo.Repo) {
	db.mu.Lock()
	defer db.mu.Unlock()
	next := map[string]*repo.Repo{key: r}
	if old := db.loaded.Load(); old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	db.loaded.Store(&next)
}

// Open opens the database in dir, creating the directory if needed.
// Repositories are loaded on first use.
func Open(ctx context.Context, dir string, opts *Options) (*DB, error) {
	return openFS(ctx, vfs.OS, dir, opts)
}

func openFS(ctx context.Context, fsys vfs.FS, dir string, opts *Options) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("goatdb: open %s: %w", dir, err)
	}
	db := &DB{
		dir:     dir,
		opts:    opts.withDefaults(),
		fs:      fsys,
		reg:     schema.NewRegistry(),
		connID:  repo.NewID(),
		repos:   map[string]*repoSlot{},
		replay:  trust.NewReplayGuard(trust.DefaultReplayCapacity),
		queries: map[string]*Query{},
	}
	if err := db.initSessions(); err != nil {
		return nil, fmt.Errorf("goatdb: open %s: %w", dir, err)
	}
	if err := db.loadSessions(); err != nil {
		db.Close()
		return nil, fmt.Errorf("goatdb: open %s: %w", dir, err)
	}
	if !db.opts.ReadOnly {
		for _, url := range db.opts.Peers {
			p := newPeer(db, url)
			db.peers = append(db.peers, p)
			go p.run()
			go p.runPush()
		}
	}
	return db, nil
}

// committed tells sync about commits just added to the repository at
// repoPath: peers' loops wake, and watchers (realtime push) get them. It
// runs with that repository locked.
func (db *DB) committed(repoPath string, cs []*commit.Commit) {
	for _, p := range db.peers {
		// A bloom round right away would only send the same commits a
		// second time; the periodic one heals anything the push loses.
		if !p.push(repoPath, cs) {
			p.touch()
		}
	}
	if ws := db.watchers.Load(); ws != nil {
		lines := make([][]byte, len(cs))
		for i, c := range cs {
			lines[i] = c.Raw
		}
		for _, w := range *ws {
			w.f(repoPath, lines)
		}
	}
}

// signer is what signs this database's commits: its current session,
// unless the database is trusted (as upstream's trusted mode, nothing is
// signed).
func (db *DB) signer() repo.Signer {
	if db.opts.Trusted || db.currentSession() == nil {
		return nil
	}
	return dbSigner{db}
}

// dbSigner signs with whatever session is current when the commit is made.
type dbSigner struct{ db *DB }

func (s dbSigner) SignCommit(c *commit.Commit) error {
	cur := s.db.currentSession()
	c.Session = cur.ID
	return cur.SignCommit(c)
}

// SignCommitLocked signs a commit made under a repository's lock without
// waiting on the browser (see repo.LockedSigner); natively it is the same
// as SignCommit.
func (s dbSigner) SignCommitLocked(c *commit.Commit) error {
	cur := s.db.currentSession()
	c.Session = cur.ID
	return cur.SignCommitNoWait(c)
}

// currentSession returns the session this database signs with, nil for a
// read-only database without settings.
func (db *DB) currentSession() *trust.Session { return db.cur.Load() }

// Dir returns the data directory.
func (db *DB) Dir() string { return db.dir }

// Registry returns the schemas this database knows. Register schemas before
// reading items that use them.
func (db *DB) Registry() *Registry { return db.reg }

// Close commits pending edits, flushes every repository and closes them.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed.Load() {
		db.mu.Unlock()
		return nil
	}
	db.closed.Store(true)
	db.mu.Unlock()
	db.closeQueries()
	// Background sync stops first, so nothing arrives while repositories
	// close; a final round is left to the next run.
	for _, p := range db.peers {
		p.cancel()
		close(p.stop)
		<-p.done
		<-p.pushDone
	}
	db.mu.Lock()
	slots := make([]*repoSlot, 0, len(db.repos))
	for _, s := range db.repos {
		slots = append(slots, s)
	}
	db.mu.Unlock()
	var errs []error
	for _, s := range slots {
		s.once.Do(func() { s.err = ErrClosed })
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
	}
	return errors.Join(errs...)
}

// Flush commits pending edits and makes every write so far durable.
func (db *DB) Flush(ctx context.Context) error {
	db.mu.Lock()
	if db.closed.Load() {
		db.mu.Unlock()
		return ErrClosed
	}
	var rs []*repo.Repo
	for _, s := range db.repos {
		if s.r != nil {
			rs = append(rs, s.r)
		}
	}
	db.mu.Unlock()
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.Flush(ctx))
	}
	return errors.Join(errs...)
}

// repo returns the loaded repository at p, loading it on first use.
func (db *DB) repo(p itempath.Path) (*repo.Repo, error) {
	key := p.RepoPath()
	if db.closed.Load() {
		return nil, ErrClosed
	}
	if m := db.loaded.Load(); m != nil {
		if r, ok := (*m)[key]; ok {
			return r, nil
		}
	}
	db.mu.Lock()
	if db.closed.Load() {
		db.mu.Unlock()
		return nil, ErrClosed
	}
	s := db.repos[key]
	if s == nil {
		s = &repoSlot{}
		db.repos[key] = s
	}
	db.mu.Unlock()
	s.once.Do(func() {
		var progress func(done, total int64)
		if f := db.opts.LoadProgress; f != nil {
			progress = func(done, total int64) { f(key, done, total) }
		}
		s.r, s.err = repo.Open(repo.Options{
			Progress:    progress,
			Path:        key,
			File:        filepath.Join(db.dir, p.Type, p.Repo+".jsonl"),
			FS:          db.fs,
			Registry:    db.reg,
			Logger:      db.opts.Logger,
			OrgID:       db.opts.OrgID,
			ConnID:      db.connID,
			Session:     db.session,
			CommitDelay: db.opts.CommitDelay,
			ReadOnly:    db.opts.ReadOnly,
			Signer:      db.signer(),
			OnCommit:    func(cs []*commit.Commit) { db.committed(key, cs) },
			OnValue:     func(k string) { db.valueChanged(key, k) },
		})
		if s.err == nil {
			db.publishLoaded(key, s.r)
		}
	})
	if s.err != nil {
		return nil, s.err
	}
	return s.r, nil
}

// OpenRepo loads the repository at path now rather than on first use and
// reports what loading found.
func (db *DB) OpenRepo(ctx context.Context, path string) (repo.LoadStats, error) {
	if err := ctx.Err(); err != nil {
		return repo.LoadStats{}, err
	}
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return repo.LoadStats{}, err
	}
	r, err := db.repo(p)
	if err != nil {
		return repo.LoadStats{}, err
	}
	return r.Stats(), nil
}

// Keys returns the keys of the items in the repository at path, sorted,
// deleted items excluded.
func (db *DB) Keys(path string) ([]string, error) {
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return nil, err
	}
	r, err := db.repo(p)
	if err != nil {
		return nil, err
	}
	out := r.LiveKeys()
	slices.Sort(out)
	return out, nil
}

// Count returns the number of items in the repository at path, deleted
// items excluded.
func (db *DB) Count(path string) (int, error) {
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return 0, err
	}
	r, err := db.repo(p)
	if err != nil {
		return 0, err
	}
	return r.LiveCount(), nil
}

// Item returns the item at path. It fails with ErrNotFound when the item
// has never been written. Asking again for the item, however its path is
// spelled, returns the same handle.
func (db *DB) Item(path string) (*Item, error) {
	// Items are never removed (deletion is a flag), so a handle found in
	// the cache proves the item exists.
	if it := db.handles.get(path); it != nil && !db.closed.Load() {
		return it, nil
	}
	p, err := itempath.ParseItem(path)
	if err != nil {
		return nil, err
	}
	r, err := db.repo(p)
	if err != nil {
		return nil, err
	}
	// The registry's generation is read before the value, so that a
	// schema registered meanwhile invalidates the view primed below.
	regGen := db.reg.Gen()
	made := false
	it, err := repo.ItemHandle(r, p.Item, func(it *Item, v *value.Item, gen uint64, err error) {
		made = true
		it.db, it.r, it.key, it.path = db, r, p.Item, p.ItemPath()
		// Reading the value now primes the handle's cache, so the common
		// "look up, then read a field" takes one lock, not two.
		if err == nil && !it.needsUpgrade(v) {
			it.first = itemView{repoGen: gen, regGen: regGen, v: v}
			it.view.Store(&it.first)
		}
	})
	if err != nil {
		if errors.Is(err, repo.ErrNotFound) {
			return nil, fmt.Errorf("%s: %w", p, ErrNotFound)
		}
		return nil, err
	}
	if !made {
		db.handles.put(it) // read again: worth finding fast from now on
	}
	return it, nil
}

// Get returns a copy of the fields of the item at path, upgraded to the
// newest registered version of its schema.
func (db *DB) Get(path string) (Data, error) {
	it, err := db.Item(path)
	if err != nil {
		return nil, err
	}
	return it.Data()
}

// Raw returns the stored JSON record of an item's head, as upstream writes
// it. It works for items whose schema is not registered here.
func (db *DB) Raw(path string) (json.RawMessage, error) {
	p, err := itempath.ParseItem(path)
	if err != nil {
		return nil, err
	}
	r, err := db.repo(p)
	if err != nil {
		return nil, err
	}
	return r.HeadRecord(p.Item)
}

// Create writes a new item with a fresh random key into the repository at
// repoPath.
func (db *DB) Create(repoPath string, s *Schema, d Data) (*Item, error) {
	rp, err := itempath.ParseRepo(repoPath)
	if err != nil {
		return nil, err
	}
	// A path parsed from the repository's alone has no room for a key.
	p, err := itempath.ParseItem(rp.RepoPath() + "/" + repo.NewID())
	if err != nil {
		return nil, err
	}
	return db.put(p, s, d)
}

// Set creates the item at path or replaces all of its fields.
func (db *DB) Set(path string, s *Schema, d Data) (*Item, error) {
	p, err := itempath.ParseItem(path)
	if err != nil {
		return nil, err
	}
	return db.put(p, s, d)
}

func (db *DB) put(p itempath.Path, s *Schema, d Data) (*Item, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil schema for %s", ErrSchema, p)
	}
	rs, ok := db.reg.Version(s.NS, s.Version)
	if !ok {
		if err := db.reg.Register(*s); err != nil {
			return nil, err
		}
		rs, _ = db.reg.Version(s.NS, s.Version)
	}
	v, err := value.NewItem(rs, d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	r, err := db.repo(p)
	if err != nil {
		return nil, err
	}
	if err := r.Set(p.Item, v); err != nil {
		return nil, err
	}
	return newItem(db, r, p), nil
}

// Delete marks the item at path deleted. Deleted items keep their history
// and still sync, as upstream's do.
func (db *DB) Delete(path string) error {
	it, err := db.Item(path)
	if err != nil {
		return err
	}
	return it.Delete()
}
