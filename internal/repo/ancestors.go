package repo

import "goatdb/internal/bloom"

// ancestry is what a key needs to write ancestors filters: the ids of its
// commits that have children, in the order they got their first child, and
// filters over them.
type ancestry struct {
	ids []string
	// slots are the filters successive commits take in turn. Readers
	// treat the filters of the newest log2(N) commits as independent
	// votes (highProbabilityLeafLocked): one filter kept and extended
	// for every commit would make a false positive unanimous, and a
	// real leaf would never be merged. Upstream draws fresh seeds for
	// every commit, at O(history) hashing per commit; rotating through
	// more filters than any vote needs keeps the votes independent and
	// the cost amortised O(1).
	slots []ancestorsCache
	next  int
}

// ancestorSlots is how many independent filters a key rotates through: more
// than the log2(N)+1 votes any key of fewer than 2^31 commits takes.
const ancestorSlots = 32

// filter returns the serialised filter the next commit of the key carries.
func (a *ancestry) filter(rng func() float64) []byte {
	if len(a.slots) < ancestorSlots && a.next == len(a.slots) {
		a.slots = append(a.slots, ancestorsCache{})
	}
	slot := &a.slots[a.next%len(a.slots)]
	a.next = (a.next + 1) % ancestorSlots
	return slot.encode(a.ids, rng)
}

func (m *keyMore) addNonLeaf(id string) {
	if m.anc == nil {
		m.anc = &ancestry{}
	}
	m.anc.ids = append(m.anc.ids, id)
}

// ancestorsFPR is upstream's false-positive rate for ancestors filters.
const ancestorsFPR = 0.25

// ancestorsCache keeps one of a key's ancestors filters between commits. Upstream
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
func (a *ancestorsCache) encode(ids []string, rng func() float64) []byte {
	if a.f == nil || len(ids) > a.cap {
		a.cap = len(ids) + len(ids)/4 + 8
		a.f = bloom.New(a.cap, ancestorsFPR, 0, rng)
		a.added = 0
		a.json = a.f.AppendJSON(a.json[:0])
	}
	for _, id := range ids[a.added:] {
		a.f.AddJSON(id, a.json)
	}
	a.added = len(ids)
	return a.json
}
