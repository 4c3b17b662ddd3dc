package ordered_test

import (
	"cmp"
	"fmt"

	"goatdb/internal/ordered"
)

// A live query's results, highest score first, ties broken by id so that
// distinct items never compare equal. When an item's score changes, its old
// entry is deleted and the new one inserted, each in O(log n).
func Example() {
	type result struct {
		score int
		id    string
	}
	results := ordered.New(func(a, b result) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id))
	})
	results.Insert(result{3, "c"})
	results.Insert(result{7, "a"})
	results.Insert(result{3, "b"})
	fmt.Println(results.Slice())

	// Item "c" is edited and its score rises from 3 to 9.
	results.Delete(result{3, "c"})
	results.Insert(result{9, "c"})
	pos, _ := results.Rank(result{9, "c"})
	fmt.Println(pos, results.At(0), results.Len())

	// The first result scoring 5 or less, found by score alone.
	i, found := results.Search(func(r result) int { return cmp.Compare(r.score, 5) })
	fmt.Println(i, found, results.At(i))
	// Output:
	// [{7 a} {3 b} {3 c}]
	// 0 {9 c} 3
	// 2 false {3 b}
}
