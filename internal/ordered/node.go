package ordered

import "slices"

// Node occupancy. Every node but the root holds between minItems and
// maxItems elements, so a tree of n elements is at most
// 1+log_(minItems+1)((n+1)/2) levels deep: 5 levels for a million. The
// width is a trade between the depth of the tree and the elements an update
// shifts within one node.
const (
	minItems = 15
	maxItems = 2*minItems + 1
)

type node[T any] struct {
	items []T        // sorted, capacity maxItems so inserts never reallocate
	kids  []*node[T] // nil in a leaf; otherwise len(items)+1 children
	// size counts the elements in this subtree; positional lookups
	// descend by it instead of walking elements.
	size int
}

func newNode[T any](leaf bool) *node[T] {
	n := &node[T]{items: make([]T, 0, maxItems)}
	if !leaf {
		n.kids = make([]*node[T], 0, maxItems+1)
	}
	return n
}

func (n *node[T]) leaf() bool { return n.kids == nil }

// locate finds the element at position k of n's subtree: either items[i]
// itself (here is true), or position j within kids[i].
func (n *node[T]) locate(k int) (i, j int, here bool) {
	for i, c := range n.kids {
		if k < c.size {
			return i, k, false
		}
		k -= c.size
		if k == 0 {
			return i, 0, true
		}
		k--
	}
	panic("ordered: position beyond subtree")
}

// insert adds v below n, which is not full, and reports whether the
// subtree grew (false when v replaced an equal element).
func (n *node[T]) insert(v T, cmp func(a, b T) int) bool {
	i, found := slices.BinarySearchFunc(n.items, v, cmp)
	if found {
		n.items[i] = v
		return false
	}
	if n.leaf() {
		n.items = slices.Insert(n.items, i, v)
		n.size++
		return true
	}
	if len(n.kids[i].items) == maxItems {
		n.split(i)
		// The child's median moved up to items[i]; v may equal it or
		// belong to the new right half.
		switch c := cmp(v, n.items[i]); {
		case c == 0:
			n.items[i] = v
			return false
		case c > 0:
			i++
		}
	}
	if n.kids[i].insert(v, cmp) {
		n.size++
		return true
	}
	return false
}

// split divides the full child kids[i] around its median, which moves up
// into n. n must not be full. n's size is unchanged.
func (n *node[T]) split(i int) {
	c := n.kids[i]
	r := newNode[T](c.leaf())
	mid := c.items[minItems]
	r.items = append(r.items, c.items[minItems+1:]...)
	clear(c.items[minItems:]) // let the collector drop what moved out
	c.items = c.items[:minItems]
	r.size = len(r.items)
	if !c.leaf() {
		r.kids = append(r.kids, c.kids[minItems+1:]...)
		clear(c.kids[minItems+1:])
		c.kids = c.kids[:minItems+1]
		for _, k := range r.kids {
			r.size += k.size
		}
	}
	c.size -= r.size + 1
	n.items = slices.Insert(n.items, i, mid)
	n.kids = slices.Insert(n.kids, i+1, r)
}

// removeAt removes and returns the element at position k of n's subtree.
// n holds more than minItems elements (or is the root), so it can lend one
// to a child without running short itself; removal therefore finishes in a
// single pass down, topping children up before entering them.
func (n *node[T]) removeAt(k int) T {
	n.size--
	for {
		if n.leaf() {
			v := n.items[k]
			n.items = slices.Delete(n.items, k, k+1)
			return v
		}
		i, j, here := n.locate(k)
		if here {
			// Replace items[i] by its neighbour from whichever side can
			// spare one; if neither can, merge both around it and look
			// again inside the merged child.
			v := n.items[i]
			switch l, r := n.kids[i], n.kids[i+1]; {
			case len(l.items) > minItems:
				n.items[i] = l.removeAt(l.size - 1)
				return v
			case len(r.items) > minItems:
				n.items[i] = r.removeAt(0)
				return v
			}
			n.merge(i)
			continue
		}
		if c := n.kids[i]; len(c.items) > minItems {
			return c.removeAt(j)
		}
		// Topping up moves elements between children but keeps
		// position k inside n, so locating again finds it.
		n.fill(i)
	}
}

// fill gives kids[i], which holds exactly minItems elements, one more: it
// borrows through n from a sibling that can spare one, or else merges with
// a sibling.
func (n *node[T]) fill(i int) {
	c := n.kids[i]
	switch {
	case i > 0 && len(n.kids[i-1].items) > minItems:
		l := n.kids[i-1]
		last := len(l.items) - 1
		c.items = slices.Insert(c.items, 0, n.items[i-1])
		n.items[i-1] = l.items[last]
		l.items = slices.Delete(l.items, last, last+1)
		moved := 1
		if !c.leaf() {
			k := l.kids[last+1]
			l.kids = slices.Delete(l.kids, last+1, last+2)
			c.kids = slices.Insert(c.kids, 0, k)
			moved += k.size
		}
		c.size += moved
		l.size -= moved
	case i < len(n.items) && len(n.kids[i+1].items) > minItems:
		r := n.kids[i+1]
		c.items = append(c.items, n.items[i])
		n.items[i] = r.items[0]
		r.items = slices.Delete(r.items, 0, 1)
		moved := 1
		if !c.leaf() {
			k := r.kids[0]
			r.kids = slices.Delete(r.kids, 0, 1)
			c.kids = append(c.kids, k)
			moved += k.size
		}
		c.size += moved
		r.size -= moved
	case i < len(n.items):
		n.merge(i)
	default:
		n.merge(i - 1)
	}
}

// merge joins kids[i], items[i] and kids[i+1] into kids[i]. Both children
// hold minItems elements, so the result holds exactly maxItems. n's size
// is unchanged.
func (n *node[T]) merge(i int) {
	l, r := n.kids[i], n.kids[i+1]
	l.items = append(l.items, n.items[i])
	l.items = append(l.items, r.items...)
	l.kids = append(l.kids, r.kids...)
	l.size += 1 + r.size
	n.items = slices.Delete(n.items, i, i+1)
	n.kids = slices.Delete(n.kids, i+1, i+2)
}
