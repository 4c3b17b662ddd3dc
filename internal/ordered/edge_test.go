package ordered

import (
	"cmp"
	"slices"
	"strings"
	"testing"
)

func TestEmpty(t *testing.T) {
	tr := New(cmp.Compare[int])
	for _, phase := range []string{"new", "drained", "cleared"} {
		switch phase {
		case "drained":
			tr.Insert(1)
			tr.Insert(2)
			tr.Delete(2)
			tr.Delete(1)
		case "cleared":
			for i := range 1000 {
				tr.Insert(i)
			}
			tr.Clear()
		}
		if tr.Len() != 0 {
			t.Fatalf("%s: Len %d", phase, tr.Len())
		}
		if _, ok := tr.Min(); ok {
			t.Fatalf("%s: Min ok", phase)
		}
		if _, ok := tr.Max(); ok {
			t.Fatalf("%s: Max ok", phase)
		}
		if i, ok := tr.Rank(5); i != 0 || ok {
			t.Fatalf("%s: Rank = %d,%v", phase, i, ok)
		}
		if i, ok := tr.Search(func(int) int { return 0 }); i != 0 || ok {
			t.Fatalf("%s: Search = %d,%v", phase, i, ok)
		}
		if tr.Delete(5) {
			t.Fatalf("%s: Delete reported true", phase)
		}
		if s := tr.Slice(); s == nil || len(s) != 0 {
			t.Fatalf("%s: Slice = %#v", phase, s)
		}
		for range tr.All() {
			t.Fatalf("%s: All yielded", phase)
		}
		tr.Ascend(0, func(int, int) bool { t.Fatalf("%s: Ascend yielded", phase); return true })
		mustPanic(t, "index 0 out of range", func() { tr.At(0) })
		checkTree(t, tr)
	}
	// A cleared tree is reusable with its comparator.
	tr.Insert(3)
	tr.Insert(1)
	if got := tr.Slice(); !slices.Equal(got, []int{1, 3}) {
		t.Fatalf("after Clear: %v", got)
	}
}

func TestInsertEqualReplaces(t *testing.T) {
	tr := New(byK)
	// Enough elements that equal ones are found in leaves, in internal
	// nodes, and as the median a split moves up.
	for k := range 5000 {
		if !tr.Insert(elem{k, 0}) {
			t.Fatalf("Insert(%d) of a new key = false", k)
		}
	}
	for k := range 5000 {
		if tr.Insert(elem{k, 1}) {
			t.Fatalf("Insert(%d) of an existing key = true", k)
		}
	}
	if tr.Len() != 5000 {
		t.Fatalf("Len %d after replacing", tr.Len())
	}
	for i, e := range tr.All() {
		if e != (elem{i, 1}) {
			t.Fatalf("At %d: %v, want replacement %v", i, e, elem{i, 1})
		}
	}
	checkTree(t, tr)
	// Delete matches by comparator, whatever the other fields hold.
	if !tr.Delete(elem{k: 7, v: 99}) || tr.Delete(elem{k: 7}) {
		t.Fatal("Delete by key did not remove exactly once")
	}
}

// TestTieBreak shows the intended use of a non-unique sort key: ties broken
// by a unique id keep every element, in id order within a key.
func TestTieBreak(t *testing.T) {
	type row struct {
		score int
		id    string
	}
	tr := New(func(a, b row) int {
		return cmp.Or(cmp.Compare(a.score, b.score), strings.Compare(a.id, b.id))
	})
	for _, id := range []string{"d", "b", "a", "c"} {
		tr.Insert(row{1, id})
		tr.Insert(row{0, id})
	}
	if tr.Len() != 8 {
		t.Fatalf("Len %d, want 8", tr.Len())
	}
	// The first row with score 1, found by score alone.
	i, ok := tr.Search(func(r row) int { return cmp.Compare(1, r.score) })
	if !ok || i != 4 || tr.At(i) != (row{1, "a"}) {
		t.Fatalf("Search(score 1) = %d,%v (%v)", i, ok, tr.At(i))
	}
	if r, _ := tr.Rank(row{1, "c"}); r != 6 {
		t.Fatalf("Rank = %d, want 6", r)
	}
}

func TestIterationStops(t *testing.T) {
	tr := New(cmp.Compare[int])
	for i := range 1000 {
		tr.Insert(i * 2)
	}
	var got []int
	for i, v := range tr.All() {
		if v != 2*i {
			t.Fatalf("All: position %d holds %d", i, v)
		}
		if got = append(got, v); len(got) == 3 {
			break
		}
	}
	if !slices.Equal(got, []int{0, 2, 4}) {
		t.Fatalf("All with break: %v", got)
	}
	got = got[:0]
	tr.Ascend(998, func(i, v int) bool { got = append(got, i, v); return true })
	if !slices.Equal(got, []int{998, 1996, 999, 1998}) {
		t.Fatalf("Ascend(998): %v", got)
	}
	tr.Ascend(1000, func(int, int) bool { t.Fatal("Ascend(Len) yielded"); return true })
}

func TestMisuse(t *testing.T) {
	mustPanic(t, "nil comparator", func() { New[int](nil) })
	tr := New(cmp.Compare[int])
	for i := range 100 {
		tr.Insert(i)
	}
	mustPanic(t, "index -1 out of range [0:100]", func() { tr.At(-1) })
	mustPanic(t, "index 100 out of range [0:100]", func() { tr.At(100) })
	mustPanic(t, "negative", func() { tr.Ascend(-1, func(int, int) bool { return true }) })
	// Deleting the elements being iterated is the tempting mistake.
	mustPanic(t, "written during iteration", func() {
		for _, v := range tr.All() {
			tr.Delete(v)
		}
	})
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Fatalf("panic %v, want one containing %q", r, want)
		}
	}()
	f()
}
