package commit

import (
	"math/rand/v2"

	"goatdb/internal/bloom"
)

// Ancestors filters are sized for a 25% false-positive rate, as upstream's
// Repository.ancestorsFilterForKey sizes them.
const ancestorsFPR = 0.25

// NewAncestors builds the "af" and "ac" a new commit carries, as upstream's
// Repository.ancestorsFilterForKey does: a filter of nonLeafIDs (every commit
// of the key that currently has children, see §8.3 of the internals notes),
// sized for that many distinct ids, with fresh random seeds, serialised; and
// the number of distinct ids. No ids still give a one-byte empty filter,
// because upstream always attaches one; ac is then 0 and Encode omits it.
func NewAncestors(nonLeafIDs []string) (af []byte, ac int) {
	// Upstream collects the ids in a Set before counting them.
	seen := make(map[string]struct{}, len(nonLeafIDs))
	for _, id := range nonLeafIDs {
		seen[id] = struct{}{}
	}
	// Seeds need to be unpredictable only in the sense upstream's
	// Math.random is; the OS generator would cost more than the rest of a
	// commit.
	f := bloom.New(len(seen), ancestorsFPR, 0, rand.Float64)
	for _, id := range nonLeafIDs {
		f.Add(id)
	}
	return f.AppendJSON(nil), len(seen)
}
