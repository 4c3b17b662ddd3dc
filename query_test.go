package goatdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
)

func keysOf(items []*Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Key()
	}
	return out
}

func TestQueryBasics(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	for i, title := range []string{"pear", "apple", "fig", "kiwi"} {
		if _, err := db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": title, "n": float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	q, err := db.Query(QuerySpec{Source: "/data/all", SortBy: "title",
		Where: func(it *Item, _ any) bool { return it.Get("n").(float64) != 3 }})
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(q.Results()); !slices.Equal(got, []string{"k1", "k2", "k0"}) {
		t.Fatalf("results %v", got)
	}
	// Edits, creates and deletes show in the next read.
	it, _ := db.Item("/data/all/k0")
	it.Set("title", "banana")
	db.Set("/data/all/k9", &allTypes, Data{"title": "cherry", "n": 9})
	db.Delete("/data/all/k1")
	if got := keysOf(q.Results()); !slices.Equal(got, []string{"k0", "k9", "k2"}) {
		t.Fatalf("after edits: %v", got)
	}
	if it, ok := q.Find("title", "cherry"); !ok || it.Key() != "k9" {
		t.Fatalf("find by the sort field: %v %v", it, ok)
	}
	if it, ok := q.Find("n", 2); !ok || it.Key() != "k2" {
		t.Fatalf("find by another field: %v %v", it, ok)
	}
	if _, ok := q.Find("title", "nothing"); ok {
		t.Fatal("found a missing value")
	}
	if q.Count() != 3 {
		t.Fatalf("count %d", q.Count())
	}
	desc, _ := db.Query(QuerySpec{Source: "/data/all", SortBy: "title", Desc: true, Limit: 2})
	if got := keysOf(desc.Results()); !slices.Equal(got, []string{"k3", "k2"}) {
		t.Fatalf("descending, limited: %v", got)
	}
	// Chained: the first query's results, filtered again.
	chained, err := db.Query(QuerySpec{From: q, Where: func(it *Item, _ any) bool { return it.Get("n").(float64) > 1 }})
	if err != nil {
		t.Fatal(err)
	}
	// It keeps the order of the query it is chained on (by title).
	if got := keysOf(chained.Results()); !slices.Equal(got, []string{"k9", "k2"}) {
		t.Fatalf("chained: %v", got)
	}
	it.Set("n", 5.0)
	if got := keysOf(chained.Results()); !slices.Equal(got, []string{"k0", "k9", "k2"}) {
		t.Fatalf("chained after an edit upstream: %v", got)
	}
}

func TestQueryNotificationsAndSharing(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	q, _ := db.Query(QuerySpec{ID: "todo", Source: "/data/all"})
	q2, _ := db.Query(QuerySpec{ID: "todo", Source: "/data/all"})
	if q != q2 {
		t.Fatal("a query with the same id is not shared")
	}
	ch := q.Changes()
	seen := make(chan int, 10)
	q.OnChange(func() {
		// A callback may read the database and the query.
		n, _ := db.Count("/data/all")
		seen <- n + len(q.Results())*0
	})
	db.Set("/data/all/a", &allTypes, Data{"title": "x"})
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("no change notice on the channel")
	}
	select {
	case n := <-seen:
		if n != 1 {
			t.Fatalf("callback read %d items", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("callback not called")
	}
	// A callback that closes the query does not deadlock.
	closed := make(chan struct{})
	q3, _ := db.Query(QuerySpec{Source: "/data/all"})
	q3.OnChange(func() { q3.Close(); close(closed) })
	db.Set("/data/all/b", &allTypes, Data{"title": "y"})
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("closing from a callback hung")
	}
	q.Close()
	if q2.Results() == nil {
		t.Fatal("closing one holder closed the shared query")
	}
	q2.Close()
	if q2.Results() != nil {
		t.Fatal("results after the last Close")
	}
	for range ch { // a notice may still be pending; then it closes
	}
}

// TestQueryIncrementalEqualsRescan: after every random step (creates,
// edits, deletes, schema upgrades, commits from another replica that merge
// with local edits), the live results equal a fresh evaluation from
// scratch, for a sorted query, a filtered one and a chained one.
func TestQueryIncrementalEqualsRescan(t *testing.T) {
	ctx := context.Background()
	v2 := allTypes
	v2.Version = 2
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 3))
		db := openTest(t, t.TempDir(), &Options{CommitDelay: time.Millisecond, Trusted: true})
		peer := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
		specs := func() []QuerySpec {
			return []QuerySpec{
				{Source: "/data/all", SortBy: "n"},
				{Source: "/data/all", SortBy: "title", Desc: true,
					Where: func(it *Item, _ any) bool { n, _ := it.Get("n").(float64); return int(n)%2 == 0 }},
				{Source: "/data/all", Compare: func(a, b Data, _ any) int {
					if c := compareValues(a["title"], b["title"]); c != 0 {
						return c
					}
					return compareValues(b["n"], a["n"])
				}},
			}
		}
		var live []*Query
		for _, s := range specs() {
			q, err := db.Query(s)
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, q)
		}
		chained, _ := db.Query(QuerySpec{From: live[0], Where: func(it *Item, _ any) bool { return it.Get("ok") == true }})
		upgraded := false
		for step := range 150 {
			key := fmt.Sprintf("/data/all/k%d", rng.IntN(12))
			switch r := rng.IntN(10); {
			case r < 4:
				s := &allTypes
				if upgraded {
					s = &v2
				}
				db.Set(key, s, Data{"title": fmt.Sprint("t", rng.IntN(5)), "n": float64(rng.IntN(7)), "ok": rng.IntN(2) == 0})
			case r < 6:
				if it, err := db.Item(key); err == nil {
					it.Set("n", float64(rng.IntN(7)))
				}
			case r < 7:
				db.Delete(key)
			case r < 8 && !upgraded:
				db.Registry().Register(v2)
				peer.Registry().Register(v2)
				upgraded = true
			default:
				// A remote replica edits the same item; its commit merges
				// with whatever is here.
				peer.Set(key, &allTypes, Data{"title": "remote", "n": float64(rng.IntN(7)), "ok": true})
				db.Flush(ctx)
				var lines [][]byte
				pr, _ := peer.repoByPathForTest("/data/all")
				for _, c := range pr.Commits() {
					lines = append(lines, c.Raw)
				}
				if _, err := db.Receive(ctx, "/data/all", lines); err != nil {
					t.Fatal(err)
				}
			}
			for i, s := range specs() {
				fresh, _ := db.Query(s)
				if got, want := keysOf(live[i].Results()), keysOf(fresh.Results()); !slices.Equal(got, want) {
					t.Fatalf("seed %d step %d query %d: live %v, rescan %v", seed, step, i, got, want)
				}
				fresh.Close()
			}
			if n, _ := db.Count("/data/all"); n != len(mustKeys(t, db)) {
				t.Fatalf("seed %d step %d: Count %d, Keys %d", seed, step, n, len(mustKeys(t, db)))
			}
			want := []string{}
			for _, it := range live[0].Results() {
				if it.Get("ok") == true {
					want = append(want, it.Key())
				}
			}
			if got := keysOf(chained.Results()); !slices.Equal(got, want) {
				t.Fatalf("seed %d step %d chained: %v, want %v", seed, step, got, want)
			}
		}
		db.Close()
		peer.Close()
	}
}

func TestQueryClosedWithDB(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	q, _ := db.Query(QuerySpec{Source: "/data/all"})
	ch := q.Changes()
	db.Close()
	for range ch { // drains a pending notice, ends once Close closed it
	}
	if _, err := db.Query(QuerySpec{Source: "/data/all"}); err == nil {
		t.Fatal("query on a closed database")
	}
}

func (db *DB) repoByPathForTest(path string) (*repo.Repo, error) {
	p, err := itempath.ParseRepo(path)
	if err != nil {
		return nil, err
	}
	return db.repo(p)
}

// BenchmarkQueryUpdate measures keeping a sorted query of 10k items current
// as one item changes: the item moves in the results without a rescan.
func BenchmarkQueryUpdate(b *testing.B) {
	db := openTest(b, b.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	for i := range 10_000 {
		db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": "t", "n": float64(i)})
	}
	q, _ := db.Query(QuerySpec{Source: "/data/all", SortBy: "n"})
	defer q.Close()
	it, _ := db.Item("/data/all/k5000")
	i := 0
	for b.Loop() {
		i++
		it.Set("n", float64(i%20_000))
		if q.Count() != 10_000 {
			b.Fatal("lost an item")
		}
	}
}

// TestQueryCache: a shared query saves its members when it closes; the next
// run re-evaluates only items changed since, and gets the same results as a
// full scan, including for changes made while no query ran.
func TestQueryCache(t *testing.T) {
	dir := t.TempDir()
	evaluated := 0
	spec := func() QuerySpec {
		return QuerySpec{ID: "even", Source: "/data/all", SortBy: "n", Where: func(it *Item, _ any) bool {
			evaluated++
			return int(it.Get("n").(float64))%2 == 0
		}}
	}
	db := openTest(t, dir, &Options{CommitDelay: -1, Trusted: true})
	for i := range 100 {
		db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": "t", "n": float64(i)})
	}
	q, _ := db.Query(spec())
	if q.Count() != 50 {
		t.Fatalf("%d even items", q.Count())
	}
	db.Close() // saves the cache
	db = openTest(t, dir, &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	// Changes made while no query ran: one item becomes odd, one even, one
	// new even item.
	it1, _ := db.Item("/data/all/k2")
	it1.Set("n", 3.0)
	it2, _ := db.Item("/data/all/k5")
	it2.Set("n", 6.0)
	db.Set("/data/all/new", &allTypes, Data{"title": "t", "n": 100.0})
	evaluated = 0
	q, _ = db.Query(spec())
	got := keysOf(q.Results())
	if evaluated > 50+3 {
		t.Errorf("evaluated %d items; the cache should spare the 49 unchanged odd ones", evaluated)
	}
	full, _ := db.Query(QuerySpec{Source: "/data/all", SortBy: "n", Where: func(it *Item, _ any) bool {
		return int(it.Get("n").(float64))%2 == 0
	}})
	if want := keysOf(full.Results()); !slices.Equal(got, want) {
		t.Fatalf("from the cache %v\nfull scan %v", got, want)
	}
}

// TestQueryCacheDistrusted: a cache that does not parse, or claims more
// commits than the log holds (the log lost some), is ignored.
func TestQueryCacheDistrusted(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	for i := range 10 {
		db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": "t", "n": float64(i)})
	}
	path, _ := db.queryCachePath("/data/all", "q")
	os.MkdirAll(filepath.Dir(path), 0o755)
	for _, bad := range []string{`not json`, `{"age":1000000,"keys":["k1"]}`} {
		os.WriteFile(path, []byte(bad), 0o644)
		q, _ := db.Query(QuerySpec{ID: "q", Source: "/data/all"})
		if q.Count() != 10 {
			t.Errorf("cache %s: %d results, want 10", bad, q.Count())
		}
		q.Close()
	}
}

// TestKeysAfterReopen: listing a freshly opened repository (values not yet
// decoded) leaves out deleted items, whether the deletion is a full record
// or a delta, and keeps items whose text merely mentions "isDeleted".
func TestKeysAfterReopen(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, &Options{CommitDelay: -1, Trusted: true})
	for i := range 30 {
		db.Set(fmt.Sprintf("/data/all/k%02d", i), &allTypes, Data{"title": `says "isDeleted":true`, "n": float64(i)})
	}
	for i := 0; i < 30; i += 3 {
		db.Delete(fmt.Sprintf("/data/all/k%02d", i))
	}
	want, _ := db.Keys("/data/all")
	db.Close()
	db = openTest(t, dir, &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	got, _ := db.Keys("/data/all")
	if len(want) != 20 || !slices.Equal(got, want) {
		t.Fatalf("after reopening %v\nbefore %v", got, want)
	}
	if n, _ := db.Count("/data/all"); n != 20 {
		t.Fatalf("count %d", n)
	}
}

func mustKeys(t *testing.T, db *DB) []string {
	t.Helper()
	k, err := db.Keys("/data/all")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// BenchmarkQuerySimple100 is the bench command's "simple query": a new
// query with a predicate over a 100-item repository, its results read,
// then closed.
func BenchmarkQuerySimple100(b *testing.B) {
	db := openTest(b, b.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	for i := range 100 {
		db.Set(fmt.Sprintf("/data/q/k%03d", i), &allTypes, Data{"title": "t", "n": float64(i), "ok": i%2 == 0})
	}
	for b.Loop() {
		q, err := db.Query(QuerySpec{Source: "/data/q", Where: func(it *Item, _ any) bool { return it.Get("ok") == true }})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(q.Results()); n != 50 {
			b.Fatalf("%d results", n)
		}
		q.Close()
	}
}
