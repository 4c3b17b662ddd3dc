package bloom

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestAddJSONMatchesAppendJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 2, 3, 5, 40, 1000} {
		f := New(size, 0.25, 0, rng.Float64)
		js := f.AppendJSON(nil)
		for i := range size * 2 {
			f.AddJSON("id"+strconv.Itoa(i), js)
			if want := f.AppendJSON(nil); string(js) != string(want) {
				t.Fatalf("size %d after %d adds: %s, want %s", size, i+1, js, want)
			}
		}
	}
}
