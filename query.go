package goatdb

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"goatdb/internal/itempath"
	"goatdb/internal/ordered"
)

// QuerySpec describes a live query: which items of a repository (or of
// another query's results) it holds, and in what order.
type QuerySpec struct {
	// ID, when set, makes the query shared: asking again with the same ID
	// returns the running instance (the rest of the spec is then taken to
	// be the same).
	ID string
	// Source is the repository, "/type/repo". Exactly one of Source and
	// From is set.
	Source string
	// From chains this query on another query's results.
	From *Query
	// Schema, when set, keeps only items of its namespace (any version).
	Schema *Schema
	// Where, when set, keeps only the items it accepts. It runs on
	// whatever goroutine brings the query up to date, and must not call
	// this query's methods.
	Where func(it *Item, ctx any) bool
	// Context is handed to Where and Compare.
	Context any
	// SortBy sorts by a field's value (absent values first); Compare, when
	// set, sorts instead. Without either, results are in key order, or for
	// a chained query in the order of the query it is chained on. Ties are
	// broken by key, so the order is total.
	SortBy string
	// Compare gets the items' fields as they were when each was last
	// evaluated: the results' order must not shift under the query while
	// an item changes.
	Compare func(a, b Data, ctx any) int
	// Desc reverses the order.
	Desc bool
	// Limit, when positive, keeps only the first Limit results.
	Limit int
}

// Query is a live query: its results stay correct as local edits and
// remote commits arrive, updated item by item (O(log n) each) rather than
// by rescanning. Read its results with Results, Find and Count; be told of
// changes with OnChange or Changes; release it with Close. Closing the
// database closes its queries.
type Query struct {
	db       *DB
	spec     QuerySpec
	repoPath string
	key      string // sharing key in db.queries, "" when not shared

	// dirty are the keys to re-evaluate; the repository's hook adds to it
	// with the repository locked, so its lock is never held while calling
	// into the database.
	dirtyMu sync.Mutex
	dirty   map[string]struct{}

	mu       sync.Mutex // guards what follows; held while evaluating items
	tree     *ordered.Tree[*qent]
	members  map[string]*qent
	version  uint64
	results  []*Item
	resultsV uint64

	subMu   sync.Mutex
	nextSub int
	subs    map[int]func()
	chans   []chan struct{}
	down    []*Query // chained queries fed by this one
	refs    int      // guarded by db.qmu
	closed  atomic.Bool
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	running atomic.Bool // a callback is running on the query's goroutine
}

// qent is one member of a query's results.
type qent struct {
	key  string
	it   *Item
	sort any  // the SortBy field's value when the query sorts by a field
	data Data // the fields, when the query sorts with Compare
}

// ErrQueryClosed is returned by a query's methods after Close.
var ErrQueryClosed = errors.New("goatdb: query closed")

// Query starts a live query, or returns the running one with the same
// ID. The initial results are computed before Query returns.
func (db *DB) Query(spec QuerySpec) (*Query, error) {
	if (spec.Source == "") == (spec.From == nil) {
		return nil, errors.New("goatdb: a query needs exactly one of Source and From")
	}
	repoPath := ""
	if spec.From != nil {
		if spec.From.closed.Load() {
			return nil, ErrQueryClosed
		}
		repoPath = spec.From.repoPath
	} else {
		p, err := itempath.ParseRepo(spec.Source)
		if err != nil {
			return nil, err
		}
		repoPath = p.RepoPath()
		if _, err := db.repo(p); err != nil {
			return nil, err
		}
	}
	db.qmu.Lock()
	defer db.qmu.Unlock()
	if db.closed.Load() {
		return nil, ErrClosed
	}
	if spec.ID != "" {
		if q := db.queries[spec.ID]; q != nil {
			q.refs++
			return q, nil
		}
	}
	q := &Query{db: db, spec: spec, repoPath: repoPath, key: spec.ID, refs: 1,
		dirty: map[string]struct{}{}, subs: map[int]func(){},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	q.tree = ordered.New(q.compare)
	if spec.ID != "" {
		db.queries[spec.ID] = q
	}
	if spec.From == nil {
		db.addLiveQuery(q) // a chained query hears from the one it is chained on
	}
	if spec.From != nil {
		spec.From.subMu.Lock()
		spec.From.down = append(spec.From.down, q)
		spec.From.subMu.Unlock()
	}
	q.build(q.seed())
	go q.run()
	return q, nil
}

// seed returns the keys to evaluate first: every key of the source, or,
// for a shared query with a cache from an earlier run, its cached members
// and the keys that changed since.
func (q *Query) seed() []string {
	var keys []string
	if members, changed, ok := q.loadQueryCache(); ok {
		keys = append(members, changed...)
	} else if up := q.spec.From; up != nil {
		up.refresh()
		up.mu.Lock()
		for k := range up.members {
			keys = append(keys, k)
		}
		up.mu.Unlock()
	} else if ks, err := q.db.AllKeys(q.repoPath); err == nil {
		keys = ks
	}
	return keys
}

// build fills the new query's empty results with the members among keys.
// Sorting them once is far cheaper than inserting each into the tree
// through the dirty set as later changes are; changes made meanwhile are
// in the dirty set already, for the next refresh.
func (q *Query) build(keys []string) {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	q.mu.Lock()
	defer q.mu.Unlock()
	ents := make([]*qent, 0, len(keys))
	for _, k := range keys {
		if e := q.evaluate(k); e != nil {
			ents = append(ents, e)
		}
	}
	slices.SortFunc(ents, q.compare)
	q.members = make(map[string]*qent, len(ents))
	for _, e := range ents {
		q.tree.Insert(e)
		q.members[e.key] = e
	}
	if len(ents) > 0 {
		q.version++
	}
}

// markDirty asks for key to be re-evaluated; it never blocks.
func (q *Query) markDirty(key string) {
	q.dirtyMu.Lock()
	q.dirty[key] = struct{}{}
	q.dirtyMu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run brings the query up to date in the background and tells
// subscribers, until Close.
func (q *Query) run() {
	defer close(q.done)
	for {
		select {
		case <-q.stop:
			return
		case <-q.wake:
		}
		if q.refresh() {
			q.notify()
		}
	}
}

// refresh re-evaluates the dirty keys and reports whether the results
// changed. Keys it looked at are passed on to chained queries. The keys
// are taken under q.mu, so a reader that finds nothing left to do knows
// that a refresh running elsewhere has finished.
func (q *Query) refresh() bool {
	if up := q.spec.From; up != nil {
		up.refresh() // this query's membership test reads up's
	}
	q.mu.Lock()
	q.dirtyMu.Lock()
	if len(q.dirty) == 0 {
		q.dirtyMu.Unlock()
		q.mu.Unlock()
		return false
	}
	keys := make([]string, 0, len(q.dirty))
	for k := range q.dirty {
		keys = append(keys, k)
	}
	clear(q.dirty)
	q.dirtyMu.Unlock()
	slices.Sort(keys)
	changed := false
	for _, key := range keys {
		if q.update(key) {
			changed = true
		}
	}
	if changed {
		q.version++
	}
	// Chained queries hear of the keys before q.mu is released, so that
	// one refreshing after this finds them waiting.
	q.subMu.Lock()
	down := slices.Clone(q.down)
	q.subMu.Unlock()
	for _, d := range down {
		for _, k := range keys {
			d.markDirty(k)
		}
	}
	q.mu.Unlock()
	return changed
}

// update re-evaluates one key and reports whether the results changed.
func (q *Query) update(key string) bool {
	ent := q.evaluate(key)
	old := q.members[key]
	if old != nil {
		q.tree.Delete(old)
		delete(q.members, key)
	}
	if ent != nil {
		q.tree.Insert(ent)
		q.members[key] = ent
	}
	return old != nil || ent != nil
}

// evaluate returns key's entry if the item belongs in the results.
func (q *Query) evaluate(key string) *qent {
	var upSort any
	var upData Data
	if up := q.spec.From; up != nil {
		up.mu.Lock()
		ue, in := up.members[key]
		if in {
			upSort, upData = ue.sort, ue.data
		}
		up.mu.Unlock()
		if !in {
			return nil
		}
	}
	it, err := q.db.Item(q.repoPath + "/" + key)
	if err != nil {
		return nil
	}
	v, err := it.value()
	if err != nil || v.Deleted() {
		return nil
	}
	if s := q.spec.Schema; s != nil && v.Schema.NS != s.NS {
		return nil
	}
	if q.spec.Where != nil && !q.spec.Where(it, q.spec.Context) {
		return nil
	}
	ent := &qent{key: key, it: it, sort: upSort, data: upData}
	if q.spec.SortBy != "" {
		ent.sort = v.Get(q.spec.SortBy)
	}
	if q.spec.Compare != nil {
		ent.data, _ = it.Data()
	}
	return ent
}

// compare is the results' order: the spec's, else (chained) the order of
// the query chained on, then the key.
func (q *Query) compare(a, b *qent) int {
	c := 0
	switch {
	case q.spec.Compare != nil:
		c = q.spec.Compare(a.data, b.data, q.spec.Context)
	case q.spec.SortBy != "":
		c = compareValues(a.sort, b.sort)
	case q.spec.From != nil:
		c = q.spec.From.compare(a, b) // entries carry the upstream sort value
	}
	if c == 0 {
		c = compareStrings(a.key, b.key)
	}
	if q.spec.Desc {
		c = -c
	}
	return c
}

// Results returns the items the query holds, in order. It reflects every
// edit made through this database before the call. The slice is shared
// until the results next change: do not modify it.
func (q *Query) Results() []*Item {
	if q.closed.Load() {
		return nil
	}
	q.refresh()
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.results == nil || q.resultsV != q.version {
		n := q.tree.Len()
		if q.spec.Limit > 0 {
			n = min(n, q.spec.Limit)
		}
		res := make([]*Item, n)
		for i := range n {
			res[i] = q.tree.At(i).it
		}
		q.results, q.resultsV = res, q.version
	}
	return q.results
}

// Count returns the number of results, without building them.
func (q *Query) Count() int {
	if q.closed.Load() {
		return 0
	}
	q.refresh()
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.tree.Len()
	if q.spec.Limit > 0 {
		n = min(n, q.spec.Limit)
	}
	return n
}

// Find returns the first result whose field equals value. When field is
// the query's SortBy field this is a binary search, O(log n); otherwise a
// scan of the results.
func (q *Query) Find(field string, value any) (*Item, bool) {
	if q.closed.Load() {
		return nil, false
	}
	q.refresh()
	if field == q.spec.SortBy && q.spec.Compare == nil {
		q.mu.Lock()
		defer q.mu.Unlock()
		want, err := canonicalForCompare(value)
		if err != nil {
			return nil, false
		}
		i, found := q.tree.Search(func(e *qent) int {
			c := compareValues(want, e.sort)
			if q.spec.Desc {
				c = -c
			}
			return c
		})
		if !found || (q.spec.Limit > 0 && i >= q.spec.Limit) {
			return nil, false
		}
		return q.tree.At(i).it, true
	}
	want, err := canonicalForCompare(value)
	if err != nil {
		return nil, false
	}
	for _, it := range q.Results() {
		if compareValues(want, it.Get(field)) == 0 {
			return it, true
		}
	}
	return nil, false
}

// OnChange calls f after the results change, on the query's own goroutine
// (one at a time, never with a lock held: f may read the database, call
// Results, or close the query). The returned function unsubscribes.
func (q *Query) OnChange(f func()) (cancel func()) {
	q.subMu.Lock()
	id := q.nextSub
	q.nextSub++
	q.subs[id] = f
	q.subMu.Unlock()
	return func() {
		q.subMu.Lock()
		delete(q.subs, id)
		q.subMu.Unlock()
	}
}

// Changes returns a channel that receives a value after the results
// change. It holds at most one pending notice, so a slow reader sees one
// notice for many changes, never a stale one. It is closed by Close.
func (q *Query) Changes() <-chan struct{} {
	ch := make(chan struct{}, 1)
	q.subMu.Lock()
	q.chans = append(q.chans, ch)
	q.subMu.Unlock()
	return ch
}

func (q *Query) notify() {
	q.subMu.Lock()
	subs := make([]func(), 0, len(q.subs))
	for _, f := range q.subs {
		subs = append(subs, f)
	}
	chans := slices.Clone(q.chans)
	q.subMu.Unlock()
	for _, ch := range chans {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	q.running.Store(true)
	defer q.running.Store(false)
	for _, f := range subs {
		if q.closed.Load() {
			return
		}
		f()
	}
}

// Close releases the query (a shared one once every holder closed it),
// and the queries chained on it.
func (q *Query) Close() error {
	q.db.qmu.Lock()
	q.refs--
	last := q.refs <= 0
	if last && q.key != "" && q.db.queries[q.key] == q {
		delete(q.db.queries, q.key)
	}
	q.db.qmu.Unlock()
	if !last || q.closed.Load() {
		return nil
	}
	err := q.saveQueryCache()
	if err != nil {
		q.db.opts.Logger.Warn("saving a query cache", "query", q.key, "err", err)
	}
	if !q.closed.CompareAndSwap(false, true) {
		return nil
	}
	q.db.removeLiveQuery(q)
	q.subMu.Lock()
	down := q.down
	q.down = nil
	chans := q.chans
	q.chans = nil
	q.subMu.Unlock()
	for _, d := range down {
		d.db.qmu.Lock()
		d.refs = 1
		d.db.qmu.Unlock()
		d.Close()
	}
	close(q.stop)
	if !q.running.Load() { // from a callback, the goroutine is this one
		<-q.done
	}
	for _, ch := range chans {
		close(ch)
	}
	return nil
}

func (q *Query) String() string {
	return fmt.Sprintf("query(%s, %d results)", q.repoPath, len(q.members))
}
