package ordered

import "slices"

// At returns the element at position i in order, counting from 0. It
// panics if i is outside [0, Len()).
func (t *Tree[T]) At(i int) T {
	t.checkIndex(i)
	n := t.root
	for !n.leaf() {
		c, j, here := n.locate(i)
		if here {
			return n.items[c]
		}
		n, i = n.kids[c], j
	}
	return n.items[i]
}

// Rank returns the position of the element comparing equal to v and true.
// If there is none, it returns the position v would take if inserted, and
// false, as slices.BinarySearch does.
func (t *Tree[T]) Rank(v T) (int, bool) {
	r := 0
	for n := t.root; n != nil; {
		i, found := slices.BinarySearchFunc(n.items, v, t.cmp)
		if n.leaf() {
			return r + i, found
		}
		// Everything in the children left of kids[i], and the i
		// separators between them, sorts before v.
		for _, c := range n.kids[:i] {
			r += c.size
		}
		r += i
		if found {
			return r + n.kids[i].size, true
		}
		n = n.kids[i]
	}
	return r, false
}

// Search finds an element by a probe rather than by a full element, for
// callers that know only the sort key they are looking for. f(e) reports
// where the target lies relative to element e: negative if the target
// sorts before e, zero if e is a match, positive if the target sorts after
// e. Walking the elements in order, f must be positive for a (possibly
// empty) prefix, zero for a (possibly empty) run, and negative for the
// rest, which holds whenever f compares the target by the same key the tree
// is ordered by.
//
// Search returns the smallest position i at which f(At(i)) <= 0, or Len()
// if there is none, and reports whether f(At(i)) == 0 — the conventions of
// sort.Find. With several matches, i is the first; the others follow it.
func (t *Tree[T]) Search(f func(T) int) (index int, found bool) {
	for n := t.root; n != nil; {
		// Find the first element of this node with f <= 0, keeping f's
		// value there so the match test needs no extra call.
		lo, hi, fhi := 0, len(n.items), 0
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if c := f(n.items[m]); c <= 0 {
				hi, fhi = m, c
			} else {
				lo = m + 1
			}
		}
		// items[hi] is the answer unless kids[hi] holds an earlier one,
		// in which case a deeper node overrides found.
		if hi < len(n.items) {
			found = fhi == 0
		}
		if n.leaf() {
			return index + hi, found
		}
		for _, c := range n.kids[:hi] {
			index += c.size
		}
		index += hi
		n = n.kids[hi]
	}
	return index, found
}
