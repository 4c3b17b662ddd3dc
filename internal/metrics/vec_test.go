package metrics

import (
	"slices"
	"testing"
)

// Children whose label values share a hash stay apart: lookups compare
// values, and each child keeps its own count.
func TestVecHashCollision(t *testing.T) {
	v := newVec(newDesc("c", "h", "counter", []string{"l"}), func() *Counter { return new(Counter) })
	a := v.create(42, []string{"a"})
	b := v.create(42, []string{"b"})
	if a == b {
		t.Fatal("colliding values share a child")
	}
	if again := v.create(42, []string{"a"}); again != a {
		t.Error("second create made a new child")
	}
	chain := v.snap.Load().byHash[42]
	if find(chain, []string{"b"}).metric != b || find(chain, []string{"c"}) != nil {
		t.Error("find in a colliding chain")
	}
	var order []string
	for _, c := range v.children() {
		order = append(order, c.values[0])
	}
	if !slices.Equal(order, []string{"a", "b"}) {
		t.Errorf("children %q", order)
	}
}

// With copies the label values, so a caller reusing its slice cannot
// rename a series.
func TestWithCopiesValues(t *testing.T) {
	r := new(Registry)
	cv := r.NewCounterVec("c", "h", "l")
	vals := []string{"a"}
	cv.With(vals...).Inc()
	vals[0] = "b"
	cv.With(vals...).Inc()
	if got, want := render(r), "# HELP c h\n# TYPE c counter\nc{l=\"a\"} 1\nc{l=\"b\"} 1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
