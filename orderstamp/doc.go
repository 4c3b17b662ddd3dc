// Package orderstamp creates order stamps: strings whose byte-wise order is
// the order of items in a list. Each item keeps its stamp in an ordinary
// string field; adding, inserting or moving an item writes only that field,
// and sorting by it yields the list. The field needs no special merge
// support (it is a plain last-writer-wins string), so two concurrent moves
// of one item leave it at one of the two places. The package only makes
// stamps; storing and sorting them is up to the caller.
//
// It is the Go counterpart of upstream GoatDB's Orderstamp module
// (@goatdb/orderstamp, github.com/goatplatform/orderstamp-js), with the same
// operations: Start, End, From, Between, plus BetweenN for batches.
//
// # Format
//
// A stamp is a core followed by a suffix of 16 random characters.
//
//   - From(n) cores are the ELEN encoding of n (Peter Seymour's "Efficient
//     Lexicographic Encoding of Numbers" as implemented by npm elen, which
//     upstream uses): '<' or '>' for the sign bit, then the float64's
//     exponent and mantissa fields as self-delimiting decimal numbers, so
//     From(1) starts with ">;;410230". Cores are 3 to 30 bytes.
//   - Start and End are From of minus and plus the Unix time in
//     milliseconds (45 and 46 bytes today).
//   - Between and BetweenN cores are a prefix of one argument followed by
//     one or more new characters.
//
// The characters this package chooses are the 92 printable ASCII characters
// from '!' to '~' other than '"' and '\'. Stamps made from such stamps are
// therefore ASCII: valid UTF-8, one byte and one UTF-16 code unit per
// character, and free of anything JSON, JavaScript or a database could
// alter (encoders that escape '<', '>' and '&' for HTML still round-trip
// them). Between takes other characters only from its arguments' prefixes
// (bar a degenerate case described at Generator.Between), so its result is
// valid UTF-8 whenever the arguments are.
//
// # Ordering
//
// Compare stamps as Go strings (<, strings.Compare, slices.Sort). For
// stamps whose characters are below U+0800, as all stamps of this package
// and of upstream are, that byte order equals the UTF-16 order JavaScript
// uses.
//
//   - From is strictly increasing in n over all float64 values:
//     -Inf < negative < -0 < +0 < positive < +Inf < NaN (all NaNs encode
//     alike). Stamps for equal n are ordered by their random suffixes.
//   - End stamps increase with wall-clock time, so after a restart End
//     sorts after every End of earlier runs as long as the clock has moved
//     forward; Start stamps decrease likewise and sort before every End
//     stamp. Within one Generator both are strictly monotonic even if the
//     clock stalls or steps back. A clock stepped back across a restart
//     can place new End stamps before older ones.
//   - Between(a, b) sorts strictly between a and b for any a != b, in
//     either argument order. The only exception is a pair with no string
//     in between, b == a+"\x00" (see Generator.Between for it and for
//     a == b).
//   - BetweenN(a, b, n, i) is strictly increasing in i and strictly between
//     a and b, even when the n stamps come from separate calls (except
//     when b is a followed only by NUL bytes).
//   - Stamps made at the same place at the same time by different writers
//     differ in their suffixes (about 104 random bits), so all writers see
//     one, arbitrary, order.
//
// # Growth
//
// Start, End and From stamps have a fixed size, and a single Between between
// them is short (Between(Start(), End()) is 17 bytes). Stamps grow when
// insertions keep landing in the same gap. Measured over 20 seeds, the last
// of 1000 successive insertions at one spot (always at the front, always at
// the back, or always right after one item of a Start, From(0), End list) is:
//
//   - 39 to 41 bytes on average, at most 48, when one Generator makes them
//     all. A Generator remembers its last 8 Between results; when one of
//     them is a bound, the new stamp goes right next to it, one character
//     step away, leaving the rest of the gap free. Stamps then grow by a
//     byte about every 40 insertions.
//   - 187 to 194 bytes on average, at most 201, when two Generators take
//     turns, as two peers would. Without that knowledge each stamp goes to
//     the middle of its gap, and stamps grow by a byte about every 5
//     insertions.
//
// Upstream's between (orderstamp-js 1.0.2), measured the same way, reaches
// about 350 bytes (180 UTF-16 code units) at the back.
//
// To add many items at once, use BetweenN: all n stamps share one length,
// about log(n)/log(92) characters beyond the point where a and b differ
// (1000 stamps between Start() and End() are 19 bytes each).
//
// # Compatibility with upstream
//
// Checked against upstream's sources: the ELEN core of From(n) is
// byte-for-byte what upstream's from(n) writes (tested against npm elen
// 1.0.10, the version orderstamp-js locks, and its published vectors), and
// both compare stamps in the same order. So stamps of both kinds in one
// field sort sensibly together:
//
//   - Between and BetweenN accept upstream stamps, including the control,
//     U+0080 to U+00FD and NUL characters upstream writes, and upstream's
//     between accepts these stamps: all their characters are below its
//     limit of 254.
//   - From here and from upstream sort together by number.
//   - Start and End deliberately differ: upstream encodes milliseconds since
//     its process started (performance.now()), so its end() stamps do not
//     even order across its own restarts; this package encodes milliseconds
//     since 1970. Hence End stamps sort after every upstream end() stamp
//     and Start stamps before every upstream start() stamp (unless an
//     upstream process has run for over 50 years), and in a mixed list items
//     appended by Go writers follow those appended by upstream writers
//     whatever their times.
//   - Suffixes use different characters (upstream draws codes 1 to 253),
//     which does not matter: neither side parses stamps.
//   - Upstream 1.0.2's between can return a stamp outside its bounds when
//     the lower bound is a prefix of the upper one followed by the NUL it
//     writes itself. Repeated insertions at the front of a list reach that
//     state after about 200 steps (168 to 243 in 50 runs of its code), after
//     which about half its results are misplaced. This package orders such
//     stamps correctly, but upstream writers may already have stored
//     misplaced ones.
//   - Not verified: upstream 1.1.x (GoatDB declares ^1.1.1) and its bulk
//     between(prev, next, n, i). BetweenN is designed independently; its
//     stamps satisfy the guarantees above but need not resemble upstream's.
//
// # Randomness
//
// Suffixes come from math/rand/v2, by default its global generator, which
// is randomly seeded per process. They must be unique, not unpredictable:
// stamps carry no secrets. New builds a Generator with a chosen source and
// clock for reproducible stamps.
package orderstamp
