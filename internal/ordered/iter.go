package ordered

import "iter"

// Ascend calls yield with each position and element in order, starting at
// position from, until yield returns false or the elements run out. It
// yields nothing if from >= Len() and panics if from < 0. Skipping to from
// costs O(log n), so paging through results does not rescan earlier pages.
//
// The tree must not be written while Ascend runs, including from yield;
// Ascend panics if it is.
func (t *Tree[T]) Ascend(from int, yield func(int, T) bool) {
	if from < 0 {
		panic("ordered: Ascend from negative position")
	}
	if t.root == nil || from >= t.root.size {
		return
	}
	gen := t.gen
	t.root.ascend(from, 0, func(i int, v T) bool {
		ok := yield(i, v)
		if t.gen != gen {
			panic("ordered: tree written during iteration")
		}
		return ok
	})
}

// All returns an iterator over positions and elements in order, with the
// same rules as Ascend from 0.
func (t *Tree[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) { t.Ascend(0, yield) }
}

// ascend yields the elements of n's subtree from position from onwards;
// base is the position of the subtree's first element. It reports false
// once yield has asked to stop.
func (n *node[T]) ascend(from, base int, yield func(int, T) bool) bool {
	if n.leaf() {
		for j := max(from-base, 0); j < len(n.items); j++ {
			if !yield(base+j, n.items[j]) {
				return false
			}
		}
		return true
	}
	for i, c := range n.kids {
		if base+c.size > from && !c.ascend(from, base, yield) {
			return false
		}
		base += c.size
		if i < len(n.items) {
			if base >= from && !yield(base, n.items[i]) {
				return false
			}
			base++
		}
	}
	return true
}

// Slice returns the elements in order in a newly allocated slice the
// caller owns; later writes to the tree do not affect it. It is never nil.
// Callers that read results repeatedly between writes can keep the slice
// until the next write instead of rebuilding it.
func (t *Tree[T]) Slice() []T {
	s := make([]T, 0, t.Len())
	if t.root != nil {
		s = t.root.appendTo(s)
	}
	return s
}

// appendTo appends n's subtree in order, copying each leaf's elements in
// one append.
func (n *node[T]) appendTo(s []T) []T {
	if n.leaf() {
		return append(s, n.items...)
	}
	for i, c := range n.kids {
		s = c.appendTo(s)
		if i < len(n.items) {
			s = append(s, n.items[i])
		}
	}
	return s
}
