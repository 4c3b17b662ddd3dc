package repo

import (
	"fmt"
	"hash/maphash"
	"testing"
)

// TestTableFindsWhatWasAdded grows a table from its smallest size and
// looks up every string, strings never added, and strings whose hashes
// collide in full (the caller's comparison must tell them apart).
func TestTableFindsWhatWasAdded(t *testing.T) {
	h := hashes{seed: maphash.MakeSeed()}
	var strs []string
	tb := newTable(0)
	eq := func(s string) func(uint32) bool {
		return func(pos uint32) bool { return strs[pos] == s }
	}
	add := func(s string, hash uint64) {
		if _, ok := tb.find(hash, eq(s)); ok {
			t.Fatalf("%q found before it was added", s)
		}
		strs = append(strs, s)
		tb.add(hash, len(strs)-1)
	}
	for i := range 5000 {
		add(fmt.Sprintf("id%05d", i), h.of(fmt.Sprintf("id%05d", i)))
	}
	// Same hash, different strings.
	add("same-a", 42<<40)
	add("same-b", 42<<40)
	for i, s := range strs {
		hash := h.of(s)
		if s == "same-a" || s == "same-b" {
			hash = 42 << 40
		}
		pos, ok := tb.find(hash, eq(s))
		if !ok || int(pos) != i {
			t.Fatalf("%q: found %v at %d, added at %d", s, ok, pos, i)
		}
	}
	if _, ok := tb.find(h.of("absent"), eq("absent")); ok {
		t.Fatal("found a string never added")
	}
	if tb.n*maxLoadDen > len(tb.slots)*maxLoadNum {
		t.Fatalf("%d in %d slots", tb.n, len(tb.slots))
	}
}
