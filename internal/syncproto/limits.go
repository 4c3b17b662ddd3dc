package syncproto

import "goatdb/internal/bloom"

// Limits bound what a decoder accepts. Sync bodies come from the network and
// upstream bounds nothing, so every quantity whose cost grows with the input
// has a bound here. A zero or negative field means its DefaultLimits value.
type Limits struct {
	// MaxBytes bounds the input as a whole. Upstream servers answer a
	// client's first pull with every commit of the repository at once, so
	// a client reading an upstream server needs room for its largest
	// repository; a server reading clients can go much lower.
	MaxBytes int
	// MaxEntries bounds the repositories of one batch. A stock client sends
	// at most 28.
	MaxEntries int
	// MaxCommits bounds the commits of one message, and of all the messages
	// of one batch together. Each costs a slice header even when tiny, so
	// MaxBytes alone would let "{}" commits take 8 times the input.
	MaxCommits int
	// MaxFilterBytes bounds a filter's bit array. Upstream sizes filters by
	// the larger repository of the two peers, about 7 bytes per commit at
	// its most accurate (a million commits: 7 MB).
	MaxFilterBytes int
	// MaxSeeds bounds a filter's hash functions; every Has costs one hash
	// per seed. Upstream's most accurate filter for 2^53 commits has 106.
	MaxSeeds int
}

// DefaultLimits fit every body the upstream transcript holds with a wide
// margin and keep the memory one hostile body can claim to a small multiple
// of MaxBytes.
var DefaultLimits = Limits{
	MaxBytes:       64 << 20,
	MaxEntries:     256,
	MaxCommits:     1 << 18,
	MaxFilterBytes: bloom.MaxBytes,
	MaxSeeds:       128,
}

// withDefaults fills zero and negative fields from DefaultLimits and keeps
// the filter bounds within what package bloom accepts anyway.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxBytes, DefaultLimits.MaxBytes)
	def(&l.MaxEntries, DefaultLimits.MaxEntries)
	def(&l.MaxCommits, DefaultLimits.MaxCommits)
	def(&l.MaxFilterBytes, DefaultLimits.MaxFilterBytes)
	def(&l.MaxSeeds, DefaultLimits.MaxSeeds)
	l.MaxFilterBytes = min(l.MaxFilterBytes, bloom.MaxBytes)
	return l
}
