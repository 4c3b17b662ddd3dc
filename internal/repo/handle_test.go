package repo

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"goatdb/internal/schema"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

type testHandle struct {
	text string
	err  error
}

func TestItemHandleIsMadeOncePerKey(t *testing.T) {
	r := newTestRepo(t, vfs.NewMem(), "/d/data/notes.jsonl", nil)
	defer r.Close()
	reg := r.opts.Registry
	mkErr := func(*testHandle, *value.Item, uint64, error) {
		t.Error("a handle made again, or for a key that does not exist")
	}
	if _, err := ItemHandle(r, "k", mkErr); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ItemHandle of a missing key: %v", err)
	}
	if err := r.Set("k", item(t, reg, schema.Data{"text": "hello"})); err != nil {
		t.Fatal(err)
	}
	var made atomic.Int32
	mk := func(h *testHandle, v *value.Item, gen uint64, err error) {
		made.Add(1)
		if err != nil || v.Data["text"] != "hello" || gen != r.Gen() {
			t.Errorf("init got %v, gen %d (repository at %d), %v", v, gen, r.Gen(), err)
		}
		h.text = "made"
	}
	var wg sync.WaitGroup
	got := make([]*testHandle, 8)
	for i := range got {
		wg.Go(func() {
			h, err := ItemHandle(r, "k", mk)
			if err != nil {
				t.Error(err)
			}
			got[i] = h
		})
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("init called %d times", made.Load())
	}
	for _, h := range got {
		if h != got[0] || h.text != "made" {
			t.Fatalf("handles differ: %v", got)
		}
	}
	// A later write keeps the handle: it is the key's, not the value's.
	if err := r.Set("k", item(t, reg, schema.Data{"text": "again"})); err != nil {
		t.Fatal(err)
	}
	if h, _ := ItemHandle(r, "k", mkErr); h != got[0] {
		t.Fatal("the handle changed after a write")
	}
}

func TestItemHandleOfKeyWithoutValue(t *testing.T) {
	fsys := vfs.NewMem()
	r := newTestRepo(t, fsys, "/d/data/notes.jsonl", nil)
	if err := r.Set("k", item(t, r.opts.Registry, schema.Data{"text": "hello"})); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened without the item's schema, the key has a commit but no value.
	r = newTestRepo(t, fsys, "/d/data/notes.jsonl", schema.NewRegistry())
	defer r.Close()
	h, err := ItemHandle(r, "k", func(h *testHandle, v *value.Item, _ uint64, err error) {
		h.err = err
	})
	if err != nil || !errors.Is(h.err, ErrNoValue) {
		t.Fatalf("handle %v, %v", h, err)
	}
}

func TestItemHandlesAcrossChunks(t *testing.T) {
	r := newTestRepo(t, vfs.NewMem(), "/d/data/notes.jsonl", nil)
	defer r.Close()
	reg := r.opts.Registry
	keys := []string{"a", "b", "c"}
	// Keys are made in chunks of keyChunk; handles of keys far apart sit
	// in chunks made out of order.
	for i := range 3 * keyChunk {
		k := "f" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
		if err := r.Set(k, item(t, reg, schema.Data{"text": k})); err != nil {
			t.Fatal(err)
		}
		if i == 3*keyChunk-1 || i == keyChunk+1 {
			keys = append(keys, k)
		}
	}
	for _, k := range keys[:3] {
		if err := r.Set(k, item(t, reg, schema.Data{"text": k})); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(h *testHandle, v *value.Item, _ uint64, _ error) { h.text = v.Data["text"].(string) }
	first := map[string]*testHandle{}
	for _, i := range []int{4, 3, 0, 1, 2} {
		h, err := ItemHandle(r, keys[i], mk)
		if err != nil || h.text != keys[i] {
			t.Fatalf("handle of %s: %v %v", keys[i], h, err)
		}
		first[keys[i]] = h
	}
	// More handles than a chunk of them holds.
	for i := range 2 * handleChunkBytes / int(unsafe.Sizeof(testHandle{})) {
		k := "f" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + "a"
		if h, err := ItemHandle(r, k, mk); err != nil || h.text != k {
			t.Fatalf("handle of %s: %v %v", k, h, err)
		}
	}
	for _, k := range keys {
		if h, _ := ItemHandle(r, k, mk); h != first[k] || h.text != k {
			t.Fatalf("handle of %s read again: %v", k, h)
		}
	}
}
