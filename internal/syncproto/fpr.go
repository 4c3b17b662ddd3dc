package syncproto

import (
	"math"

	"goatdb/internal/bloom"
)

// FPR returns the false-positive rate upstream's SyncMessage.build sizes a
// sync filter for. With N = max(1, localSize, peerSize) it is
//
//	lowAccuracy ? 0.5 : min(0.5, 1 / N^(1 / (0.5*cycles)))
//
// that is N^(-2/cycles): a peer checking N ids against the filter then
// misses about N^(1-2/cycles) of them per round, so over `cycles` rounds
// with fresh seeds the expected misses fall below one. Upstream sets no
// lower bound (its documentation's "min 0.001" is not in the 0.5.1 code), so
// the filter grows like N·log N; Build caps its byte size instead (see
// BuildInput.MaxFilterBytes).
//
// cycles below 1 count as 1: upstream clamps it to [1, 3] before calling,
// and 0 would ask for a rate of 0, which no filter has.
//
// The expression is upstream's, operation for operation. Go's math.Pow and
// V8's Math.pow differ in the last bit for some arguments when cycles is 3,
// but no such difference changes the byte size or hash count bloom.Sizes
// derives (checked against V8 for every N up to 300 000 and a geometric
// sample up to 10^9, cycles 1 to 3). Sizes are not part of the protocol
// anyway: a receiver takes both from the filter it is sent.
func FPR(localSize, peerSize, cycles int, lowAccuracy bool) float64 {
	if lowAccuracy {
		return 0.5
	}
	n := float64(max(1, localSize, peerSize))
	c := float64(max(1, cycles))
	return math.Min(0.5, 1/math.Pow(n, 1/(0.5*c)))
}

// DefaultMaxFilterBytes is the byte size Build caps a filter at by default.
// Upstream's sizing stays below it up to 2.2 million commits at its most
// accurate (cycles 1) and 6.1 million at cycles 3.
const DefaultMaxFilterBytes = 16 << 20

// maxCappedEntries bounds the entry count of a capped filter: beyond it a
// rate just below 1 would still ask for more bits than the cap.
const maxCappedEntries = 1 << 40

// filterParams returns the entry count and rate to build a filter with:
// upstream's, N = max(1, localSize, peerSize) and FPR, unless that filter
// would exceed maxBytes. held is the number of ids the filter will hold.
//
// The cap keeps what one message costs bounded whatever the sizes: peerSize
// comes from the network, and a peer claiming 2^53 commits would otherwise
// make us allocate petabytes. Over the cap, the filter is first sized for
// the entries it will actually hold (upstream sizes it for the larger peer
// even though only local ids go in), which keeps upstream's rate for fewer
// bytes; if that is still too large, the rate is raised until it fits.
// Either way it is a valid filter to the peer, which only calls Has on it
// and reads the bit size and hash count from the data. A raised rate hides
// a missing commit for a round more often; fresh seeds every round still
// find it later. It stays useful while the ids it holds are well below its
// bit count (16 MiB: about 90 million at a rate of one half).
func filterParams(localSize, peerSize, held, cycles int, lowAccuracy bool, maxBytes int) (int, float64) {
	n := max(1, localSize, peerSize)
	fpr := FPR(localSize, peerSize, cycles, lowAccuracy)
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFilterBytes
	}
	maxBytes = min(maxBytes, bloom.MaxBytes) // what a Go peer accepts
	fits := func(n int, fpr float64) bool {
		// b <= 0 is a size too large for an int: the conversion overflowed.
		b, _ := bloom.Sizes(n, fpr, 0)
		return b > 0 && b <= maxBytes
	}
	if fits(n, fpr) {
		return n, fpr
	}
	n = min(max(1, localSize, held), maxCappedEntries)
	if fits(n, fpr) {
		return n, fpr
	}
	// A filter of m bits for n entries has rate exp(-m·ln²2/n). Aim a byte
	// below the cap so that rounding in the logarithms cannot push it over,
	// and lower the aim if it does anyway.
	for bits := float64(8*maxBytes - 8); ; bits -= max(8, bits/64) {
		capped := math.Exp(-max(bits, 0) * math.Ln2 * math.Ln2 / float64(n))
		capped = math.Max(math.Min(capped, math.Nextafter(1, 0)), fpr)
		if fits(n, capped) || bits <= 0 {
			return n, capped
		}
	}
}
