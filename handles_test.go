package goatdb

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
)

func TestItemHandlesSurviveCacheGrowth(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	const n = 3000 // the cache doubles from 256 slots several times
	first := make([]*Item, n)
	path := func(i int) string { return fmt.Sprintf("/data/all/k%d", i) }
	for i := range n {
		if _, err := db.Set(path(i), &allTypes, Data{"title": strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for pass := range 3 {
		for i := range n {
			it, err := db.Item(path(i))
			if err != nil {
				t.Fatal(err)
			}
			if pass == 0 {
				first[i] = it
			} else if it != first[i] {
				t.Fatalf("pass %d: %s has a new handle", pass, path(i))
			}
			if it.Get("title") != strconv.Itoa(i) {
				t.Fatalf("pass %d: %s reads %v", pass, path(i), it.Get("title"))
			}
		}
	}
	if it, _ := db.Item(path(7)[1:] + "/"); it != first[7] {
		t.Fatal("another spelling has a new handle")
	}
	// An edit through one handle shows through a path read.
	if err := first[9].Set("title", "nine"); err != nil {
		t.Fatal(err)
	}
	if d, err := db.Get(path(9)); err != nil || d["title"] != "nine" {
		t.Fatalf("after an edit: %v %v", d, err)
	}
}

func TestItemHandlesUnderConcurrentWriters(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	const n = 200
	for i := range n {
		if _, err := db.Set(fmt.Sprintf("/data/all/k%d", i), &allTypes, Data{"title": "t", "n": 0}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string]*Item{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for round := range 5 {
				for i := range n {
					p := fmt.Sprintf("/data/all/k%d", i)
					if (i+w+round)%3 == 0 {
						p = p[1:] // another spelling
					}
					it, err := db.Item(p)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if prev := seen[it.Path()]; prev == nil {
						seen[it.Path()] = it
					} else if prev != it {
						t.Errorf("%s: two handles", it.Path())
					}
					mu.Unlock()
					if w == 0 {
						if err := it.Set("n", float64(round)); err != nil {
							t.Error(err)
						}
					} else if x, _ := it.Get("n").(float64); x < 0 || x > 4 {
						t.Errorf("%s: n = %v", p, it.Get("n"))
					}
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		it, _ := db.Item(fmt.Sprintf("/data/all/k%d", i))
		if it.Get("n") != 4.0 {
			t.Fatalf("k%d: n = %v after the last write", i, it.Get("n"))
		}
	}
}

func TestItemNotFoundLeavesNoHandle(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: 1 << 40}) // edits stay pending
	defer db.Close()
	for range 2 {
		if _, err := db.Item("/data/all/later"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Item of a missing item: %v", err)
		}
	}
	if _, err := db.Set("/data/all/later", &allTypes, Data{"title": "now"}); err != nil {
		t.Fatal(err)
	}
	it, err := db.Item("/data/all/later")
	if err != nil || it.Get("title") != "now" {
		t.Fatalf("a pending item: %v %v", it, err)
	}
	if again, _ := db.Item("/data/all/later"); again != it {
		t.Fatal("a second read has a new handle")
	}
}

func TestHandleCacheNeverAnswersWrong(t *testing.T) {
	var c handleCache
	items := make([]*Item, 5000) // the table doubles from 256 slots
	for i := range items {
		items[i] = &Item{path: "/t/r/" + strconv.Itoa(i)}
		c.put(items[i])
	}
	found := 0
	for i, it := range items {
		switch got := c.get("/t/r/" + strconv.Itoa(i)); got { // another string
		case it:
			found++
		case nil:
		default:
			t.Fatalf("%s: got the handle of %s", it.path, got.path)
		}
		if c.get(it.path+"x") != nil {
			t.Fatalf("%sx: found", it.path)
		}
	}
	// The table is lossy, but sized so that little of what was put is not
	// there.
	if found < len(items)*9/10 {
		t.Fatalf("found %d of %d", found, len(items))
	}
}
