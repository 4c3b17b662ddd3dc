// Package ordered owns the sorted result sets of live queries: a generic
// order-statistic tree that keeps elements sorted by a caller-given
// comparator and answers positional questions about them. When an item
// changes, a live query deletes its old position and inserts its new one in
// O(log n) instead of re-sorting or shifting a slice, and it can still read
// the i-th result, the position of a result, or search by sort key in
// O(log n).
//
// The tree is a B-tree whose nodes count the elements below them, rather
// than a treap with subtree sizes, because:
//   - its height is bounded in the worst case, not only in expectation, so
//     no operation can degrade on an unlucky sequence;
//   - its shape depends only on the sequence of operations, so it needs no
//     random source and behaves the same on every run;
//   - each node holds up to 31 elements in one array, so a tree has about
//     one node per 16–31 elements instead of one per element: fewer
//     allocations and pointers for the garbage collector to trace, and
//     lookups and iteration walk contiguous memory.
//
// The price is that an update shifts up to 31 elements within a node, which
// is a short memmove for small element types; callers with large elements
// should store pointers.
//
// A Tree is not safe for concurrent use: callers serialise writers with
// their own lock. Read-only methods may run concurrently with each other
// while nothing writes.
package ordered

import "fmt"

// Tree is a sorted collection ordered by its comparator. Create one with
// New; the zero Tree has no comparator and is not usable.
//
// Insert, Delete, At, Rank, Search, Min and Max take O(log n) time, Len
// O(1), Slice O(n), and iterating k elements from any position
// O(log n + k).
type Tree[T any] struct {
	cmp  func(a, b T) int
	root *node[T] // nil when empty
	// gen changes on every write, so iterators can detect a write made
	// while they run instead of silently yielding a mix of old and new.
	gen uint64
}

// New returns an empty tree ordered by cmp, which returns a negative
// number when a sorts before b, zero when they are the same element, and a
// positive number when a sorts after b.
//
// cmp must be a strict total order over the elements stored: two
// elements compare equal only when they are meant to be the same element.
// Callers ordering by a key that is not unique break ties with a unique id,
// so that distinct items never collide.
func New[T any](cmp func(a, b T) int) *Tree[T] {
	if cmp == nil {
		panic("ordered: New with nil comparator")
	}
	return &Tree[T]{cmp: cmp}
}

// Len returns the number of elements in the tree.
func (t *Tree[T]) Len() int {
	if t.root == nil {
		return 0
	}
	return t.root.size
}

// Clear removes every element, keeping the comparator.
func (t *Tree[T]) Clear() {
	t.root = nil
	t.gen++
}

// Insert adds v and reports true. If the tree already holds an element
// comparing equal to v, Insert replaces that element with v and reports
// false, as assigning to a map key would: the replacement keeps its
// position, so a caller can refresh an item whose sort key did not change
// with one call.
func (t *Tree[T]) Insert(v T) bool {
	t.gen++
	if t.root == nil {
		t.root = newNode[T](true)
	}
	// Nodes are split on the way down, before they are entered, so the
	// leaf that receives v always has room and nothing propagates back up.
	if len(t.root.items) == maxItems {
		r := newNode[T](false)
		r.kids = append(r.kids, t.root)
		r.size = t.root.size
		r.split(0)
		t.root = r
	}
	return t.root.insert(v, t.cmp)
}

// Delete removes the element comparing equal to v and reports whether
// there was one.
func (t *Tree[T]) Delete(v T) bool {
	i, ok := t.Rank(v)
	if !ok {
		return false
	}
	t.gen++
	t.root.removeAt(i)
	// The root is the one node allowed to run short; once it is empty,
	// its only child (if any) becomes the root and the tree gets shorter.
	if len(t.root.items) == 0 {
		if t.root.leaf() {
			t.root = nil
		} else {
			t.root = t.root.kids[0]
		}
	}
	return true
}

// Min returns the first element in order, and false if the tree is empty.
func (t *Tree[T]) Min() (T, bool) {
	n := t.root
	if n == nil {
		var zero T
		return zero, false
	}
	for !n.leaf() {
		n = n.kids[0]
	}
	return n.items[0], true
}

// Max returns the last element in order, and false if the tree is empty.
func (t *Tree[T]) Max() (T, bool) {
	n := t.root
	if n == nil {
		var zero T
		return zero, false
	}
	for !n.leaf() {
		n = n.kids[len(n.kids)-1]
	}
	return n.items[len(n.items)-1], true
}

// checkIndex panics the way indexing a slice out of range would, since an
// out-of-range position is a caller bug, not a condition to handle.
func (t *Tree[T]) checkIndex(i int) {
	if i < 0 || i >= t.Len() {
		panic(fmt.Sprintf("ordered: index %d out of range [0:%d]", i, t.Len()))
	}
}
