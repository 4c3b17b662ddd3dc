// Package commit owns a single commit of upstream GoatDB's commit graph and
// its exact JSON form: the line a repository .jsonl file holds and the object
// sync messages carry. Parsing is built for opening large repositories: it
// decodes the header fields and keeps the record, edit and ancestors filter
// as raw JSON slices of the input, to be decoded only when needed.
package commit

import (
	"errors"
	"fmt"

	"goatdb/internal/bloom"
)

// ErrMalformed is returned, wrapped with details, for input that is not a
// commit: bad JSON anywhere in the line, a missing required field or a field
// of the wrong type.
var ErrMalformed = errors.New("commit: malformed")

// Commit is one version of one item. Field names follow upstream's
// Commit.serialize keys (§6.1 of the internals notes).
//
// A Commit from Parse shares memory with the parsed line: Raw, AF, Record and
// Edit are slices of it, so the line must not be modified afterwards.
type Commit struct {
	// Ver is the writer's build version, e.g. 50595584 for 3.4.7.0.
	Ver float64
	// ID identifies the commit; never empty in a parsed commit.
	ID string
	// Key is the item key (not the full path).
	Key string
	// Session is the id of the session that claims to have written the
	// commit.
	Session string
	// Org is the writer's organisation id. Upstream ignores it when decoding
	// and serialises the reader's own; callers that re-sign or verify must
	// do the same.
	Org string
	// ConnID is the writer's connection id. Upstream substitutes the reader's
	// own when it is missing; Parse leaves it empty and lets the caller
	// decide. Encode always writes it, even when empty.
	ConnID string
	// TS is the creation time in milliseconds since the epoch. Upstream
	// replaces a missing or zero ts with Date.now() when decoding; Parse
	// leaves 0 and lets the caller decide.
	TS int64
	// Parents are the parent commit ids: none for a root commit, one for an
	// edit, two or more for a merge.
	Parents []string
	// AF is the raw JSON of the ancestors filter {"d":…,"s":[…]}, or nil
	// when the commit has none. Decode it with Ancestors.
	AF []byte
	// AC is the ancestors count.
	AC int
	// Record is the raw JSON of the item of a full commit ("c":{"r":…}), or
	// nil for a delta commit.
	Record []byte
	// Base is the id of the full commit a delta applies to ("c":{"b":…}).
	Base string
	// Edit is the raw JSON of a delta commit's edit ("c":{"e":…}).
	Edit []byte
	// Sig is the signature string, empty when unsigned.
	Sig string
	// MergeBase is the merge base (LCA) commit id of a merge, if any.
	MergeBase string
	// MergeLeader is the session id that led a merge, if any.
	MergeLeader string
	// Raw is the exact line the commit was parsed from, or the line Encode
	// last produced.
	Raw []byte
}

// IsDelta reports whether the commit stores an edit against Base rather
// than a full record.
func (c *Commit) IsDelta() bool { return c.Record == nil }

// IsMerge reports whether the commit has two or more parents.
func (c *Commit) IsMerge() bool { return len(c.Parents) >= 2 }

// Ancestors decodes AF. A commit without one gets what upstream gives it: a
// fresh empty filter, which contains nothing and so never vouches for
// ancestry.
func (c *Commit) Ancestors() (*bloom.Filter, error) {
	if c.AF == nil {
		return bloom.Empty(), nil
	}
	var f bloom.Filter
	if err := f.UnmarshalJSON(c.AF); err != nil {
		return nil, fmt.Errorf("%w: commit %q: ancestors filter: %w", ErrMalformed, c.ID, err)
	}
	return &f, nil
}
