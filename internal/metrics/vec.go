package metrics

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// vec maps label values to children of type T. Lookups read an immutable
// snapshot through an atomic pointer, so the hot path takes no lock and
// allocates nothing; creating a child copies the snapshot under a mutex.
// Copying costs O(children) per new child, which is fine for the small,
// bounded label sets metrics should have.
type vec[T any] struct {
	d        *desc
	newChild func() *T
	seed     maphash.Seed

	mu   sync.Mutex // serialises writers of snap
	snap atomic.Pointer[vecSnapshot[T]]
}

type vecSnapshot[T any] struct {
	// byHash finds a child by the hash of its label values; entries
	// sharing a hash are told apart by comparing values.
	byHash map[uint64][]*child[T]
	// sorted orders children by label values for scraping.
	sorted []*child[T]
}

type child[T any] struct {
	values []string
	metric *T
}

func newVec[T any](d *desc, newChild func() *T) *vec[T] {
	return &vec[T]{d: d, newChild: newChild, seed: maphash.MakeSeed()}
}

// with returns the child for values, creating it on first use.
func (v *vec[T]) with(values []string) *T {
	if len(values) != len(v.d.labels) {
		panic(fmt.Sprintf("metrics: %s: got %d label values [%s] for %d label names %q",
			v.d.name, len(values), quoteAll(values), len(v.d.labels), v.d.labels))
	}
	h := v.hash(values)
	if s := v.snap.Load(); s != nil {
		if c := find(s.byHash[h], values); c != nil {
			return c.metric
		}
	}
	return v.create(h, values)
}

func (v *vec[T]) create(h uint64, values []string) *T {
	for _, val := range values {
		if !utf8.ValidString(val) {
			panic(fmt.Sprintf("metrics: %s: label value %q is not valid UTF-8", v.d.name, val))
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.snap.Load()
	if old == nil {
		old = &vecSnapshot[T]{}
	}
	// Another goroutine may have created it since with looked.
	if c := find(old.byHash[h], values); c != nil {
		return c.metric
	}
	c := &child[T]{values: slices.Clone(values), metric: v.newChild()}
	s := &vecSnapshot[T]{byHash: make(map[uint64][]*child[T], len(old.byHash)+1)}
	for k, cs := range old.byHash {
		s.byHash[k] = cs
	}
	// Clip makes append copy instead of writing into a slice readers see.
	s.byHash[h] = append(slices.Clip(old.byHash[h]), c)
	i, _ := slices.BinarySearchFunc(old.sorted, c.values, func(c *child[T], vals []string) int {
		return slices.Compare(c.values, vals)
	})
	s.sorted = slices.Insert(slices.Clip(old.sorted), i, c)
	v.snap.Store(s)
	return c.metric
}

// children returns the children sorted by label values.
func (v *vec[T]) children() []*child[T] {
	if s := v.snap.Load(); s != nil {
		return s.sorted
	}
	return nil
}

// hash mixes the values in order; collisions cost only a comparison.
func (v *vec[T]) hash(values []string) uint64 {
	var h uint64
	for _, val := range values {
		h = (h ^ maphash.String(v.seed, val)) * 0x9e3779b97f4a7c15
	}
	return h
}

// quoteAll formats values for a panic message without handing the slice
// to fmt, which would make every caller's variadic slice escape to the heap.
func quoteAll(values []string) string {
	var b []byte
	for i, v := range values {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendQuote(b, v)
	}
	return string(b)
}

func find[T any](cs []*child[T], values []string) *child[T] {
	for _, c := range cs {
		if slices.Equal(c.values, values) {
			return c
		}
	}
	return nil
}
