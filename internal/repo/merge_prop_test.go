package repo

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/schema"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

// propWorld builds conflicting commits of one key for the merge
// properties: a root and sides that each change it at random.
type propWorld struct {
	t   *testing.T
	rng *rand.Rand
	reg *schema.Registry
	s   *schema.Schema
}

func newPropWorld(t *testing.T, seed uint64) *propWorld {
	reg := goldenRegistry(t)
	s, _ := reg.Get("t/1")
	return &propWorld{t: t, rng: rand.New(rand.NewPCG(seed, 99)), reg: reg, s: s}
}

var propWords = []string{"a", "b", "c", "d", "e"}

// mutate returns a random edit of d. With owned set, scalar fields and map
// keys are only changed when owned[name] is true: edits of disjoint owners
// never conflict.
func (w *propWorld) mutate(d schema.Data, owned func(string) bool) schema.Data {
	out := maps.Clone(d)
	for range 1 + w.rng.IntN(3) {
		switch w.rng.IntN(5) {
		case 0:
			if owned("title") {
				out["title"] = propWords[w.rng.IntN(len(propWords))]
			}
		case 1:
			if owned("n") {
				out["n"] = float64(w.rng.IntN(100))
			}
		case 2:
			s, _ := out["tags"].([]any)
			x := propWords[w.rng.IntN(len(propWords))]
			if i := slices.Index(s, any(x)); i >= 0 {
				s = slices.Delete(slices.Clone(s), i, i+1)
			} else {
				s = append(slices.Clone(s), x)
			}
			if len(s) == 0 {
				delete(out, "tags")
			} else {
				out["tags"] = s
			}
		case 3, 4:
			k := propWords[w.rng.IntN(len(propWords))]
			if !owned("meta." + k) {
				continue
			}
			m := maps.Clone(out["meta"].(map[string]any))
			if _, ok := m[k]; ok && w.rng.IntN(2) == 0 {
				delete(m, k)
			} else {
				m[k] = float64(w.rng.IntN(10))
			}
			if len(m) == 0 {
				m = map[string]any{"z": 0.0} // keep the field, so every side has a map
			}
			out["meta"] = m
		}
	}
	return out
}

func (w *propWorld) commitOf(id string, parents []string, ts int64, d schema.Data) *commit.Commit {
	it, err := value.NewItem(w.s, d)
	if err != nil {
		w.t.Fatal(err)
	}
	c := &commit.Commit{Ver: BuildVersion, ID: id, Key: "k", Session: "s-" + id, ConnID: "c-" + id, TS: ts,
		Org: "localhost", Parents: parents, Record: it.AppendRecord(nil)}
	c.Encode()
	p, err := commit.Parse(c.Raw)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// scenario returns a root and n sides branching from it, in a random order.
func (w *propWorld) scenario(n int, owned func(side int, field string) bool) []*commit.Commit {
	base := schema.Data{"title": "base", "n": 1.0, "tags": []any{"a"}, "meta": map[string]any{"a": 1.0}}
	cs := []*commit.Commit{w.commitOf("root", nil, 1, base)}
	for i := range n {
		d := w.mutate(base, func(f string) bool { return owned(i, f) })
		// Distinct times most of the time; equal ones test the id tie-break.
		cs = append(cs, w.commitOf(fmt.Sprintf("side%d", i), []string{"root"}, 10+int64(w.rng.IntN(n+1)), d))
	}
	w.rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	return cs
}

func (w *propWorld) repo(cs []*commit.Commit) *Repo {
	r, err := Open(Options{Path: "/data/t", File: "/p.jsonl", FS: vfs.NewMem(), Registry: w.reg,
		Session: "me", ConnID: "myconn", Now: func() time.Time { return time.UnixMilli(1_000_000) },
		Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		w.t.Fatal(err)
	}
	r.holdMerges = true
	if _, err := r.Insert(cs); err != nil {
		w.t.Fatal(err)
	}
	return r
}

func sideIDs(cs []*commit.Commit) []string {
	var ids []string
	for _, c := range cs {
		if c.ID != "root" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func mustMerge(t *testing.T, r *Repo, ids []string) *value.Item {
	t.Helper()
	v, _, err := r.MergeValue(ids)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func anyOwner(int, string) bool { return true }

// TestMergeCommutative: the merged value depends neither on the order the
// commits arrived in nor on the order they are named in.
func TestMergeCommutative(t *testing.T) {
	for seed := range uint64(300) {
		w := newPropWorld(t, seed)
		cs := w.scenario(2+w.rng.IntN(4), anyOwner)
		r1 := w.repo(cs)
		rev := slices.Clone(cs)
		slices.Reverse(rev)
		r2 := w.repo(rev)
		ids := sideIDs(cs)
		want := mustMerge(t, r1, ids)
		w.rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		if got := mustMerge(t, r2, ids); !got.Equal(want) {
			t.Fatalf("seed %d: merge depends on order:\n%v\n%v", seed, want.Data, got.Data)
		}
		r1.Close()
		r2.Close()
	}
}

// TestMergeIdempotent: naming a commit twice, adding a side that changed
// nothing, or merging a lone commit changes nothing.
func TestMergeIdempotent(t *testing.T) {
	for seed := range uint64(300) {
		w := newPropWorld(t, seed)
		cs := w.scenario(2+w.rng.IntN(3), anyOwner)
		cs = append(cs, w.commitOf("same", []string{"root"}, 50,
			schema.Data{"title": "base", "n": 1.0, "tags": []any{"a"}, "meta": map[string]any{"a": 1.0}}))
		r := w.repo(cs)
		ids := sideIDs(cs[:len(cs)-1])
		want := mustMerge(t, r, ids)
		if got := mustMerge(t, r, append(slices.Clone(ids), ids...)); !got.Equal(want) {
			t.Fatalf("seed %d: duplicates change the merge", seed)
		}
		if got := mustMerge(t, r, append(slices.Clone(ids), "same")); !got.Equal(want) {
			t.Fatalf("seed %d: a side equal to the base changes the merge:\n%v\n%v", seed, want.Data, got.Data)
		}
		own, _ := r.CommitValue(ids[0])
		if got := mustMerge(t, r, ids[:1]); !got.Equal(own) {
			t.Fatalf("seed %d: merging one commit changes it", seed)
		}
		r.Close()
	}
}

// TestMergeAssociative: merging a and b first and then c gives what merging
// all three at once gives, when no two sides write the same scalar field or
// map key. (Conflicting writes are not associative under upstream's rules,
// which every peer must share: a merge commit is as new as the time it was
// made, so its changes beat older concurrent writes.)
func TestMergeAssociative(t *testing.T) {
	fieldOwner := map[string]int{}
	owned := func(side int, f string) bool {
		o, ok := fieldOwner[f]
		if !ok {
			return false
		}
		return o == side
	}
	for seed := range uint64(300) {
		w := newPropWorld(t, seed)
		clear(fieldOwner)
		for _, f := range []string{"title", "n", "meta.a", "meta.b", "meta.c", "meta.d", "meta.e"} {
			fieldOwner[f] = w.rng.IntN(3)
		}
		cs := w.scenario(3, owned)
		r := w.repo(cs)
		all := mustMerge(t, r, []string{"side0", "side1", "side2"})
		ab := mustMerge(t, r, []string{"side0", "side1"})
		r.mu.Lock()
		r.opts.Session = "merger"
		m, err := r.writeCommitLocked("k", r.keyLocked("k"), ab, []string{"side0", "side1"}, "root", "merger")
		r.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if got := mustMerge(t, r, []string{m.ID, "side2"}); !got.Equal(all) {
			t.Fatalf("seed %d: (a∪b)∪c differs from a∪b∪c:\n%v\n%v", seed, got.Data, all.Data)
		}
		r.Close()
	}
}
