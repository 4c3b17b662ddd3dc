package orderstamp_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"goatdb/orderstamp"
)

// Items in a list carry a stamp in a string field; sorting by the field
// gives the list order, and moving an item rewrites only its own stamp.
func ExampleBetween() {
	first := orderstamp.Start()
	last := orderstamp.End()
	middle := orderstamp.Between(first, last)
	fmt.Println(first < middle, middle < last)

	// Insert before the middle item, then directly after it.
	before := orderstamp.Between(first, middle)
	after := orderstamp.Between(middle, last)
	list := []string{after, last, first, middle, before}
	slices.Sort(list)
	fmt.Println(slices.Equal(list, []string{first, before, middle, after, last}))
	// Output:
	// true true
	// true
}

// Stamps for several new items between two neighbours are best made in one
// batch: they are shorter than a chain of Between calls.
func ExampleBetweenN() {
	prev, next := orderstamp.From(1), orderstamp.From(2)
	const n = 3
	var stamps []string
	for i := range n {
		stamps = append(stamps, orderstamp.BetweenN(prev, next, n, i))
	}
	fmt.Println(slices.IsSorted(stamps), prev < stamps[0], stamps[n-1] < next)
	// Output: true true true
}

// From stamps sort like the numbers they encode; the prefix is the ELEN
// encoding that upstream GoatDB stamps use too.
func ExampleFrom() {
	a, b, c := orderstamp.From(-1.5), orderstamp.From(0), orderstamp.From(42)
	fmt.Println(a < b, b < c)
	fmt.Println(c[:len(c)-16])
	// Output:
	// true true
	// >;;41028;;;2161407374883553280
}

// A Generator with a fixed random source and clock makes reproducible
// stamps, e.g. for tests.
func ExampleNew() {
	at := func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }
	g1 := orderstamp.New(rand.NewPCG(1, 2), at)
	g2 := orderstamp.New(rand.NewPCG(1, 2), at)
	fmt.Println(g1.End() == g2.End())
	// Output: true
}
