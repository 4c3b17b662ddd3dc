package repo

import (
	"math/rand/v2"

	"goatdb/internal/bloom"
)

// ancestry is what a key needs to write ancestors filters: the ids of its
// commits that have children, in the order they got their first child, and
// a filter over them.
type ancestry struct {
	ids   []string
	cache ancestorsCache
}

func (ks *keyState) addNonLeaf(id string) {
	if ks.anc == nil {
		ks.anc = &ancestry{}
	}
	ks.anc.ids = append(ks.anc.ids, id)
}

// ancestorsFPR is upstream's false-positive rate for ancestors filters.
const ancestorsFPR = 0.25

// ancestorsCache keeps a key's ancestors filter between commits. Upstream
// builds a new filter sized for exactly the current count on every commit,
// which makes each commit of a hot item cost O(history). We size the filter
// with a quarter of headroom and only add what is new, rebuilding when it
// fills up (amortised O(1) per commit); a larger filter only lowers the
// false-positive rate, and readers use nothing but membership and the
// separately stored count "ac".
//
// The serialised filter is kept too and patched where bits change, since
// re-encoding the whole filter on every commit made a hot item's commits
// cost O(history) again. encode's result aliases it: callers copy it (the
// commit's Encode does) before the next encode.
type ancestorsCache struct {
	f     *bloom.Filter
	cap   int
	added int
	json  []byte
}

// encode returns the filter over ids serialised as upstream's {d,s}.
func (a *ancestorsCache) encode(ids []string) []byte {
	if a.f == nil || len(ids) > a.cap {
		a.cap = len(ids) + len(ids)/4 + 8
		a.f = bloom.New(a.cap, ancestorsFPR, 0, rand.Float64)
		a.added = 0
		a.json = a.f.AppendJSON(a.json[:0])
	}
	for _, id := range ids[a.added:] {
		a.f.AddJSON(id, a.json)
	}
	a.added = len(ids)
	return a.json
}
