package sim

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Faults says what the network does to each message sent. The zero value is
// a perfect network: every message arrives, once, at the next Step, in the
// order sent.
type Faults struct {
	DropRate float64 // chance, 0..1, that a message is lost
	DupRate  float64 // chance, 0..1, that a message that is not lost arrives twice
	// Each copy of a message is delayed by a duration drawn uniformly from
	// [MinDelay, MaxDelay], independently, so a spread reorders messages,
	// duplicates included. MaxDelay below MinDelay means MinDelay.
	MinDelay, MaxDelay time.Duration
}

// Stats counts what the network did. Every message sent is either dropped
// at send or scheduled, one or two copies, and every copy scheduled is
// eventually delivered or dropped, so once the clock is quiet
// Sent+Duplicated == Delivered+Dropped.
type Stats struct {
	Sent       int // calls of Send, Broadcast counting once per recipient
	Delivered  int // copies handed to the handler
	Dropped    int // messages lost at send plus copies lost at delivery
	Duplicated int // messages that got a second copy
}

// Network carries messages of type M between nodes 0..N-1, with faults.
// Deliveries are events on its Clock, so they interleave with timers in one
// deterministic order. Like the Clock, it is not safe for concurrent use.
//
// Messages are handed over as they are, not copied: with a pointer, slice or
// map M, the recipients of a Broadcast and both copies of a duplicate share
// one value, so handlers must treat messages as read-only.
type Network[M any] struct {
	clock   *Clock
	rng     *rand.Rand
	handler func(to, from int, msg M)
	faults  Faults
	group   []int // partition group of each node; equal groups can talk
	groups  int   // group numbers handed out so far
	down    []bool
	stats   Stats
	nextID  uint64 // numbers messages so trace lines can be matched up
	trace   func(format string, args ...any)
}

// NewNetwork returns a perfect network of n connected nodes that calls
// handler for each message delivered. Random choices come from rng only, so
// the network is as reproducible as rng's seed.
func NewNetwork[M any](clock *Clock, rng *rand.Rand, n int, handler func(to, from int, msg M)) *Network[M] {
	if n <= 0 {
		panic(fmt.Sprintf("sim: network of %d nodes", n))
	}
	return &Network[M]{
		clock:   clock,
		rng:     rng,
		handler: handler,
		group:   make([]int, n),
		groups:  1,
		down:    make([]bool, n),
	}
}

// Nodes returns the number of nodes.
func (n *Network[M]) Nodes() int { return len(n.group) }

// Stats returns the counts so far.
func (n *Network[M]) Stats() Stats { return n.stats }

// SetFaults replaces the faults applied to messages sent from now on;
// messages in flight keep the delay they were given. Clearing faults does
// not heal partitions or bring nodes up: see Heal and SetDown.
func (n *Network[M]) SetFaults(f Faults) { n.faults = f }

// SetTrace makes the network log each send, delivery and drop through logf,
// for instance (*Trace).Logf; nil turns logging off, the default.
func (n *Network[M]) SetTrace(logf func(format string, args ...any)) { n.trace = logf }

// Partition splits the nodes into groups that cannot reach each other.
// Nodes left out of every group form one more group together. It replaces
// any earlier partition or isolation.
func (n *Network[M]) Partition(groups ...[]int) {
	const unset = -1
	for i := range n.group {
		n.group[i] = unset
	}
	for g, members := range groups {
		for _, node := range members {
			n.check(node)
			if n.group[node] != unset {
				panic(fmt.Sprintf("sim: node %d in two partition groups", node))
			}
			n.group[node] = g
		}
	}
	n.groups = len(groups) + 1
	for i := range n.group {
		if n.group[i] == unset {
			n.group[i] = len(groups)
		}
	}
}

// Isolate cuts node off from every other node, leaving the rest of any
// partition as it was.
func (n *Network[M]) Isolate(node int) {
	n.check(node)
	n.group[node] = n.groups
	n.groups++
}

// Heal ends all partitions and isolation.
func (n *Network[M]) Heal() {
	for i := range n.group {
		n.group[i] = 0
	}
	n.groups = 1
}

// SetDown takes node down or brings it back up. A down node sends nothing
// and receives nothing: its own sends are dropped, and so is every message
// that reaches it while down, including those sent before it went down.
// Messages it sent before going down are still delivered, as packets already
// on the wire would be.
func (n *Network[M]) SetDown(node int, down bool) {
	n.check(node)
	n.down[node] = down
}

// Broadcast sends msg from node from to every other node, in node order.
func (n *Network[M]) Broadcast(from int, msg M) {
	for to := range n.group {
		if to != from {
			n.Send(from, to, msg)
		}
	}
}

// Send sends msg from node from to node to. The handler never runs inside
// Send, not even with no delay: delivery is a clock event, so handlers may
// send without being re-entered.
func (n *Network[M]) Send(from, to int, msg M) {
	n.check(from)
	n.check(to)
	n.stats.Sent++
	id := n.nextID
	n.nextID++
	n.logf("#%d send %d->%d %v", id, from, to, msg)
	switch {
	case n.down[from]:
		n.drop(id, from, to, "sender down")
		return
	case n.down[to]:
		n.drop(id, from, to, "receiver down")
		return
	case n.group[from] != n.group[to]:
		n.drop(id, from, to, "partitioned")
		return
	case n.chance(n.faults.DropRate):
		n.drop(id, from, to, "lost")
		return
	}
	copies := 1
	if n.chance(n.faults.DupRate) {
		copies = 2
		n.stats.Duplicated++
		n.logf("#%d duplicated", id)
	}
	for range copies {
		n.clock.AfterFunc(n.delay(), func() { n.deliver(id, from, to, msg) })
	}
}

// deliver hands a copy to the handler unless the receiver went down or was
// cut off while the copy was in flight.
func (n *Network[M]) deliver(id uint64, from, to int, msg M) {
	switch {
	case n.down[to]:
		n.drop(id, from, to, "receiver down at delivery")
		return
	case n.group[from] != n.group[to]:
		n.drop(id, from, to, "partitioned at delivery")
		return
	}
	n.stats.Delivered++
	n.logf("#%d deliver %d->%d", id, from, to)
	n.handler(to, from, msg)
}

func (n *Network[M]) drop(id uint64, from, to int, why string) {
	n.stats.Dropped++
	n.logf("#%d drop %d->%d: %s", id, from, to, why)
}

// chance reports whether an event of probability p happens. It draws from
// rng only when p is strictly between 0 and 1, so that a perfect network
// consumes no randomness and faults that are off do not shift the draws of
// those that are on.
func (n *Network[M]) chance(p float64) bool {
	switch {
	case p <= 0:
		return false
	case p >= 1:
		return true
	}
	return n.rng.Float64() < p
}

// delay draws a copy's delay, again without drawing when there is no spread.
func (n *Network[M]) delay() time.Duration {
	lo, hi := n.faults.MinDelay, n.faults.MaxDelay
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(n.rng.Int64N(int64(hi-lo)+1))
}

func (n *Network[M]) logf(format string, args ...any) {
	if n.trace != nil {
		n.trace("%v "+format, append([]any{n.clock.Elapsed()}, args...)...)
	}
}

func (n *Network[M]) check(node int) {
	if node < 0 || node >= len(n.group) {
		panic(fmt.Sprintf("sim: node %d out of range 0..%d", node, len(n.group)-1))
	}
}
