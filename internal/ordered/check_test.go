package ordered

import (
	"math"
	"testing"
)

// checkTree verifies every structural invariant the operations rely on and
// returns the tree's height in levels (0 when empty):
//   - elements are in strictly increasing order by the comparator;
//   - every node but the root holds minItems..maxItems elements, the root
//     at least one;
//   - internal nodes have one more child than elements, and all leaves are
//     at the same depth;
//   - every size is the count of elements below it;
//   - slots past the end of a node are zeroed, so removed elements are not
//     kept alive, and no node outgrew its preallocated capacity.
func checkTree[T comparable](tb testing.TB, t *Tree[T]) int {
	tb.Helper()
	if t.root == nil {
		if t.Len() != 0 {
			tb.Fatalf("nil root but Len %d", t.Len())
		}
		return 0
	}
	var zero T
	leafDepth := -1
	var prev *T
	var walk func(n *node[T], depth int) int
	walk = func(n *node[T], depth int) int {
		if cap(n.items) != maxItems {
			tb.Fatalf("node capacity %d, want %d", cap(n.items), maxItems)
		}
		if len(n.items) > maxItems || len(n.items) == 0 ||
			(n != t.root && len(n.items) < minItems) {
			tb.Fatalf("node at depth %d holds %d elements", depth, len(n.items))
		}
		for _, v := range n.items[len(n.items):cap(n.items)] {
			if v != zero {
				tb.Fatalf("stale element %v past end of node", v)
			}
		}
		count := len(n.items)
		visit := func(v *T) {
			if prev != nil && t.cmp(*prev, *v) >= 0 {
				tb.Fatalf("out of order: %v then %v", *prev, *v)
			}
			prev = v
		}
		if n.leaf() {
			if leafDepth < 0 {
				leafDepth = depth
			} else if depth != leafDepth {
				tb.Fatalf("leaves at depths %d and %d", leafDepth, depth)
			}
			for i := range n.items {
				visit(&n.items[i])
			}
		} else {
			if len(n.kids) != len(n.items)+1 || cap(n.kids) != maxItems+1 {
				tb.Fatalf("%d elements, %d children (cap %d)", len(n.items), len(n.kids), cap(n.kids))
			}
			for _, k := range n.kids[len(n.kids):cap(n.kids)] {
				if k != nil {
					tb.Fatal("stale child past end of node")
				}
			}
			for i, c := range n.kids {
				count += walk(c, depth+1)
				if i < len(n.items) {
					visit(&n.items[i])
				}
			}
		}
		if n.size != count {
			tb.Fatalf("size %d, counted %d", n.size, count)
		}
		return count
	}
	walk(t.root, 1)
	return leafDepth
}

// maxHeight is the worst-case height of a B-tree of n elements with this
// occupancy: each level below the root multiplies the minimum element count
// by minItems+1.
func maxHeight(n int) int {
	if n == 0 {
		return 0
	}
	return 1 + int(math.Floor(math.Log(float64(n+1)/2)/math.Log(minItems+1)+1e-9))
}
