// Package value owns item field values: their upstream JSON encoding (the
// "r" record of a full commit and the "e" edit of a delta commit), their
// checksums, the tagged JSON used by humans, the CLI and the conformance
// fixtures, and the per-type diff and patch that merges and delta commits
// are built from.
//
// Every byte this package writes into a record or an edit, and every
// checksum it computes, must be identical to what upstream GoatDB
// (TypeScript, 0.5.1) produces, because TS peers compare checksums to decide
// whether a delta commit is corrupted. Where upstream behaviour is a bug
// that does not affect stored bytes (for example map values compared by
// identity, which makes an item unequal to its own copy), this package
// deliberately does not copy it; each such place says so.
//
// Go representation of field values (the canonical forms; NewItem and
// Normalize accept looser input and convert it):
//
//	string    string
//	number    float64 (finite)
//	boolean   bool
//	date      time.Time, millisecond precision, UTC
//	set       []any of string, float64 or bool; insertion order, no duplicates
//	map       map[string]any of JSON-like values (string, float64, bool, nil,
//	          []any, map[string]any)
//	richtext  json.RawMessage, compact JSON of the upstream tree
//
// An Item may be read concurrently (Checksum, Equal, AppendRecord, Get…);
// changing it (Patch, Normalize, writes to Data) needs exclusive access.
// Schemas are looked up by pointer in a cache and must not change once in
// use.
//
// Where this package knowingly differs from upstream, or stops short of it:
//
//   - Rich text is hashed exactly for trees without pointers (upstream's
//     flat representation). Trees with pointers, or with upstream's
//     "__r"/"__t" wrappers inside, are relayed untouched; a decoded,
//     unchanged item then reports the record's stored checksum, anything
//     else a best-effort one (ChecksumExact is false). Rich text is not
//     normalised as upstream normalises it, upstream rich-text changes are
//     relayed but not applied (Patch reports them), and Diff changes rich
//     text as a whole value, which upstream cannot apply
//     (Changes.Portable).
//   - Dates are read as upstream reads them: trunc(seconds*1000). For
//     about 0.6% of millisecond values the stored seconds times 1000 lands
//     just below the integer, so the date reads back one millisecond
//     towards zero, in upstream too. Dates from 1e15 ms on are refused:
//     upstream would read their seconds back as milliseconds.
//   - Equality is by value: map values deeply, numbers exactly. Upstream
//     compares map values with === and numbers within EPSILON; neither
//     changes stored bytes.
//   - Strings are UTF-8: invalid bytes and lone surrogate escapes become
//     U+FFFD, where JavaScript would keep the lone surrogate.
//   - A stored value of the wrong JSON type, or null, is an ErrType error;
//     upstream would carry it along. Map values are plain JSON: an object
//     that looks like upstream's set or date wrapper stays an object.
package value
