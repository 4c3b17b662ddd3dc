package value

import (
	"math/rand/v2"
	"sync"
	"testing"

	"goatdb/internal/schema"
)

// Readers may share an item: the lazily cached checksum must not race.
func TestConcurrentReaders(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	a, b := randItem(t, r), randItem(t, r)
	a.invalidate()
	want := a.Clone()
	want.invalidate()
	sum := want.Checksum()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if a.Checksum() != sum || !a.Equal(want) {
					t.Error("concurrent readers disagree")
					return
				}
				_ = a.AppendRecord(nil)
				_ = Diff(a, b)
				_ = a.Clone()
			}
		}()
	}
	wg.Wait()
}

func TestLargeSets(t *testing.T) {
	elems := make([]any, 0, 2002)
	for i := range 1000 {
		elems = append(elems, float64(i), "s"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	elems = append(elems, negZero(), 0.0) // -0 and 0 are one element, as in JS
	it, err := NewItem(allTypes, schema.Data{"nums": elems})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(it.Data["nums"].([]any)); n != 2000 {
		t.Fatalf("%d elements, want 2000", n)
	}
	rev := append([]any(nil), it.Data["nums"].([]any)...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	other, _ := NewItem(allTypes, schema.Data{"nums": rev})
	if !it.Equal(other) || it.Checksum() != other.Checksum() {
		t.Fatal("large sets in another order differ")
	}
	smaller, _ := NewItem(allTypes, schema.Data{"nums": rev[1:]})
	p := smaller.Clone()
	if err := p.Patch(Diff(smaller, it)); err != nil || !p.Equal(it) {
		t.Fatal("large set patch")
	}
	if _, err := NewItem(allTypes, schema.Data{"nums": append(rev, map[string]any{})}); err == nil {
		t.Fatal("large set with an object accepted")
	}
}

func negZero() float64 { z := 0.0; return -z }
