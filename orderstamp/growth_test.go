package orderstamp

import (
	"fmt"
	"slices"
	"testing"
)

// chainLength inserts 1000 stamps following pattern into a list that starts
// as Start, From(0), End, and returns the length of the last stamp. With
// writers == 1 one Generator makes every stamp, so it recognises the
// neighbour it just created; with 2, two Generators take turns, as two
// peers would, and every insertion is placed mid-gap.
func chainLength(seed uint64, pattern string, writers int) int {
	gens := []*Generator{seeded(seed), seeded(seed + 1000)}
	list := []string{gens[0].Start(), gens[0].From(0), gens[0].End()}
	s := ""
	for k := range 1000 {
		i := 0 // insert between list[i] and list[i+1]
		switch pattern {
		case "front":
		case "back":
			i = len(list) - 2
		case "middle": // always directly after the fixed middle item
			i = 1
		}
		s = gens[k%writers].Between(list[i], list[i+1])
		list = slices.Insert(list, i+1, s)
	}
	return len(s)
}

// TestGrowth measures stamp length after 1000 insertions at one spot (the
// figures quoted in the package documentation) and fails if it regresses
// well beyond them.
func TestGrowth(t *testing.T) {
	limits := map[string]int{ // generous ceilings over the measured maxima
		"1 front": 60, "1 back": 60, "1 middle": 60,
		"2 front": 240, "2 back": 240, "2 middle": 240,
	}
	for _, writers := range []int{1, 2} {
		for _, pattern := range []string{"front", "back", "middle"} {
			sum, most := 0, 0
			const seeds = 20
			for seed := range uint64(seeds) {
				n := chainLength(seed, pattern, writers)
				sum += n
				most = max(most, n)
			}
			key := fmt.Sprintf("%d %s", writers, pattern)
			t.Logf("writers=%d %-6s: mean %.1f, max %d bytes after 1000 inserts", writers, pattern, float64(sum)/seeds, most)
			if most > limits[key] {
				t.Errorf("%s: stamps reached %d bytes, limit %d", key, most, limits[key])
			}
		}
	}
}
