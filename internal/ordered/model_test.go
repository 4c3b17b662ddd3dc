package ordered

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// elem is ordered by k alone; v tells replaced elements apart from the ones
// they replaced.
type elem struct{ k, v int }

func byK(a, b elem) int { return cmp.Compare(a.k, b.k) }

// TestAgainstSortedSlice runs random operation sequences against the tree
// and against a sorted slice, which is obviously correct, and requires the
// same answers. Each run grows the tree, churns it, then drains it, so
// splits, borrows, merges and the root collapsing all happen; key ranges
// from tiny (constant replacement) to huge (no collisions).
func TestAgainstSortedSlice(t *testing.T) {
	for seed := range uint64(12) {
		keys := []int{40, 2000, 1 << 40}[seed%3]
		t.Run(fmt.Sprintf("seed%d_keys%d", seed, keys), func(t *testing.T) {
			runModel(t, seed, keys, 10_000)
		})
	}
}

func runModel(t *testing.T, seed uint64, keys, ops int) {
	rng := rand.New(rand.NewPCG(seed, 0x6f7264))
	tr := New(byK)
	var model []elem
	height := 0
	// key returns a present key one time in hitOdds when there are any,
	// so operations both hit and miss.
	key := func(hitOdds int) int {
		if len(model) > 0 && rng.IntN(hitOdds) == 0 {
			return model[rng.IntN(len(model))].k
		}
		return rng.IntN(keys)
	}
	for op := range ops {
		// Insert-heavy for the first third, balanced, then delete-heavy.
		insertPct := []int{75, 50, 20}[op*3/ops]
		switch r := rng.IntN(100); {
		case r < insertPct:
			e := elem{key(8), op}
			i, found := slices.BinarySearchFunc(model, e, byK)
			if found {
				model[i] = e
			} else {
				model = slices.Insert(model, i, e)
			}
			if got := tr.Insert(e); got != !found {
				t.Fatalf("op %d: Insert(%v) = %v, want %v", op, e, got, !found)
			}
		case r < insertPct+30:
			e := elem{k: key(1)}
			i, found := slices.BinarySearchFunc(model, e, byK)
			if found {
				model = slices.Delete(model, i, i+1)
			}
			if got := tr.Delete(e); got != found {
				t.Fatalf("op %d: Delete(%d) = %v, want %v", op, e.k, got, found)
			}
		default:
			query(t, rng, tr, model, key(2), op)
		}
		if tr.Len() != len(model) {
			t.Fatalf("op %d: Len %d, want %d", op, tr.Len(), len(model))
		}
		if op%97 == 0 || op == ops-1 {
			height = max(height, checkTree(t, tr))
			if got := tr.Slice(); !slices.Equal(got, model) {
				t.Fatalf("op %d: Slice differs from model", op)
			}
		}
	}
	// Drain in random order, so every run also ends by shrinking the
	// tree to nothing.
	for _, i := range rng.Perm(len(model)) {
		if !tr.Delete(model[i]) {
			t.Fatalf("drain: Delete(%v) = false", model[i])
		}
		if tr.Len()%61 == 0 {
			checkTree(t, tr)
		}
	}
	if tr.Len() != 0 || tr.root != nil {
		t.Fatalf("drained tree has Len %d", tr.Len())
	}
	// Without internal nodes with internal children the run would skip
	// the paths that move subtrees between siblings.
	if keys > 1000 && height < 3 {
		t.Fatalf("tree reached only %d levels", height)
	}
}

// query checks one random read against the model.
func query(t *testing.T, rng *rand.Rand, tr *Tree[elem], model []elem, k, op int) {
	t.Helper()
	switch rng.IntN(5) {
	case 0:
		if len(model) > 0 {
			i := rng.IntN(len(model))
			if got := tr.At(i); got != model[i] {
				t.Fatalf("op %d: At(%d) = %v, want %v", op, i, got, model[i])
			}
		}
	case 1:
		wi, wf := slices.BinarySearchFunc(model, elem{k: k}, byK)
		if i, f := tr.Rank(elem{k: k}); i != wi || f != wf {
			t.Fatalf("op %d: Rank(%d) = %d,%v, want %d,%v", op, k, i, f, wi, wf)
		}
	case 2:
		// An exact probe, and a coarse one matching a run of elements
		// so Search must return the first of several matches.
		for _, f := range []func(elem) int{
			func(e elem) int { return cmp.Compare(k, e.k) },
			func(e elem) int { return cmp.Compare(k/8, e.k/8) },
		} {
			wi, wf := sort.Find(len(model), func(i int) int { return f(model[i]) })
			if i, found := tr.Search(f); i != wi || found != wf {
				t.Fatalf("op %d: Search(%d) = %d,%v, want %d,%v", op, k, i, found, wi, wf)
			}
		}
	case 3:
		mn, okMin := tr.Min()
		mx, okMax := tr.Max()
		if okMin != (len(model) > 0) || okMax != okMin {
			t.Fatalf("op %d: Min/Max ok %v/%v with %d elements", op, okMin, okMax, len(model))
		}
		if okMin && (mn != model[0] || mx != model[len(model)-1]) {
			t.Fatalf("op %d: Min/Max %v/%v, want %v/%v", op, mn, mx, model[0], model[len(model)-1])
		}
	case 4:
		from := rng.IntN(len(model) + 2)
		limit := rng.IntN(64)
		var got []elem
		tr.Ascend(from, func(i int, e elem) bool {
			if i != from+len(got) {
				t.Fatalf("op %d: Ascend(%d) yielded position %d after %d elements", op, from, i, len(got))
			}
			got = append(got, e)
			return len(got) < limit
		})
		want := model[min(from, len(model)):]
		want = want[:min(len(want), max(limit, 1))]
		if !slices.Equal(got, want) {
			t.Fatalf("op %d: Ascend(%d) limit %d = %v, want %v", op, from, limit, got, want)
		}
	}
}
