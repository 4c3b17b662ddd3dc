package syncproto

import (
	"encoding/json"
	"math/rand/v2"

	"goatdb/internal/bloom"
)

// BuildInput is what Build needs from the caller: upstream's
// SyncMessage.build arguments, plus the page limit upstream lacks.
type BuildInput struct {
	// PeerFilter is the filter of the peer's last message; nil when there
	// is none yet (then nothing is sent, as upstream).
	PeerFilter *bloom.Filter
	// IDs are the ids of every local commit the sender may share with this
	// peer, in the order to send them.
	IDs []string
	// Commit returns the JSON of the commit with the given id, one of IDs.
	// A nil result means the commit is no longer available; it is skipped.
	Commit func(id string) []byte
	// LocalSize is the local commit count (upstream: numberOfCommits) and
	// PeerSize the "s" of the peer's last message; the larger sizes the
	// filter. Cycles is the number of rounds the filter should take to
	// converge (upstream: 1 after new commits arrived, else 1 to 3; see
	// FPR).
	LocalSize, PeerSize, Cycles int
	// IncludeMissing asks for the filter to be filled and the peer's
	// missing commits sent; false makes an empty filter, which asks the
	// peer for everything (upstream: a client's explicit sync, or a reply
	// to an older client).
	IncludeMissing bool
	// LowAccuracy sizes the filter for a rate of 0.5 whatever the sizes.
	LowAccuracy bool
	// Ver is written as the message's "ver".
	Ver float64
	// Rand returns numbers in [0, 1) as Math.random does. It draws the
	// filter's seeds and the page start; nil uses crypto/rand for seeds
	// and math/rand/v2 for the start.
	Rand func() float64
	// MaxBytes bounds the commits part of the message ("c", counting the
	// commas); 0 means no bound, as upstream. One commit is always sent
	// when any is missing, however large, so every round makes progress.
	MaxBytes int
	// MaxFilterBytes caps the filter's byte size; 0 means
	// DefaultMaxFilterBytes, and no cap exceeds bloom.MaxBytes, the most a
	// Go peer decodes. Upstream's size has no bound and grows with
	// PeerSize, a number from the network. Over the cap the filter is sized
	// for the ids it holds instead, and if need be its rate is raised until
	// it fits; peers read the size and hash count from the filter itself,
	// so any size is compatible.
	MaxFilterBytes int
}

// Build makes the message to send a peer, as upstream's SyncMessage.build:
// a new filter sized by FPR with fresh random seeds; then, only when
// PeerFilter is not nil and IncludeMissing is set, every id of IDs added to
// it, "s" set to len(IDs), and every commit whose id PeerFilter lacks put in
// "c". Otherwise the filter stays empty (all bits clear, at upstream's
// size), "s" is LocalSize and "c" is empty; an empty filter makes the peer
// send everything it has.
//
// With MaxBytes set, "c" is a page, and more reports that missing commits
// were left out. The contract that keeps paging complete:
//
//   - Every id goes into the filter whether or not its commit was sent: the
//     filter tells the peer what this side has, which is true of unsent
//     commits too. What gets an unsent commit across is the peer's side:
//     its next filter still lacks the id (filters have no false
//     negatives), so the next Build sends it. A false positive can hide it
//     for a round, as in upstream; the next round's fresh seeds undo that.
//   - When more is true the caller should run the next round soon, built
//     on the filter of the peer's reply to this message. An older filter
//     lacks what this page delivered and would send it again, which is
//     harmless but wasted. A stock client needs no help: it syncs again
//     within about 300 ms of receiving commits, and each of its requests
//     carries a fresh filter.
//   - When everything missing fits, it is sent in IDs order. When it does
//     not, the page starts at a missing commit drawn at random and wraps
//     around, so commits the peer keeps refusing (a schema it does not
//     know, a failed check) cannot fill every page and starve the rest.
//     Receivers must accept commits in any order anyway: a false positive
//     can hold back any commit, a parent included.
func Build(in BuildInput) (msg *Message, more bool) {
	include := in.PeerFilter != nil && in.IncludeMissing
	held := 0
	if include {
		held = len(in.IDs)
	}
	n, fpr := filterParams(in.LocalSize, in.PeerSize, held, in.Cycles, in.LowAccuracy, in.MaxFilterBytes)
	f := bloom.New(n, fpr, 0, in.Rand)
	msg = &Message{Ver: in.Ver, Filter: f, Size: in.LocalSize}
	if !include {
		return msg, false
	}
	var missing []int
	for i, id := range in.IDs {
		f.Add(id)
		if !in.PeerFilter.Has(id) {
			missing = append(missing, i)
		}
	}
	msg.Size = len(in.IDs)
	msg.Commits, more = page(in, missing, 0)
	if more {
		if start := drawIndex(in.Rand, len(missing)); start != 0 {
			msg.Commits, _ = page(in, missing, start)
		}
	}
	return msg, more
}

// page returns the commits of missing (indices into in.IDs), taken in order
// from missing[start] and wrapping around, until in.MaxBytes would be
// exceeded; cut reports that some were left out.
func page(in BuildInput, missing []int, start int) (out []json.RawMessage, cut bool) {
	used := 0
	for k := range missing {
		id := in.IDs[missing[(start+k)%len(missing)]]
		c := in.Commit(id)
		if c == nil {
			continue
		}
		need := len(c)
		if len(out) > 0 {
			need++ // the comma
		}
		if in.MaxBytes > 0 && len(out) > 0 && used+need > in.MaxBytes {
			return out, true
		}
		used += need
		out = append(out, c)
	}
	return out, false
}

// drawIndex returns a uniform index in [0, n) from rnd, or from math/rand/v2
// when rnd is nil.
func drawIndex(rnd func() float64, n int) int {
	if rnd == nil {
		return rand.IntN(n)
	}
	i := int(rnd() * float64(n))
	return min(max(i, 0), n-1)
}
