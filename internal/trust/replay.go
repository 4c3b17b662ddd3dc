package trust

import (
	"container/heap"
	"fmt"
	"sync"
	"time"
)

// ReplayGuard rejects request signatures it has accepted before. Upstream
// tracks no nonce, so anyone who sees an x-goat-sig header (a proxy, a log)
// can reuse it for three minutes. A request is identified by its signer and
// embedded id, both covered by the signature; the signature bytes are not
// used, since ECDSA signatures can be altered (s → n−s) and stay valid.
//
// An id is remembered until its request would be refused as stale anyway,
// so memory is bounded by the request rate over the window, and by max.
// Safe for concurrent use.
type ReplayGuard struct {
	mu   sync.Mutex
	max  int
	seen map[replayKey]int64 // → forget after this time (ms)
	exp  expiryHeap
	high int64 // latest time seen, so the clock going back reopens nothing
}

type replayKey struct{ session, id string }

// DefaultReplayCapacity is NewReplayGuard's default: about 700 requests per
// second sustained over the ±3 minute window, some 40 MiB at most.
const DefaultReplayCapacity = 1 << 18

// NewReplayGuard returns a guard remembering at most capacity request ids
// (DefaultReplayCapacity if capacity ≤ 0).
func NewReplayGuard(capacity int) *ReplayGuard {
	if capacity <= 0 {
		capacity = DefaultReplayCapacity
	}
	return &ReplayGuard{max: capacity, seen: map[replayKey]int64{}}
}

// Verify is VerifyRequest followed by the replay check: a request id is
// accepted once per signer.
func (g *ReplayGuard) Verify(header string, lookup func(id string) (*Session, bool), now time.Time) (*RequestSignature, error) {
	rs, err := VerifyRequest(header, lookup, now)
	if err != nil {
		return nil, err
	}
	if err := g.remember(rs.Session.ID, rs.ID, rs.TS, now); err != nil {
		return nil, err
	}
	return rs, nil
}

// remember records (session, id), signed at ts, or fails if it is known.
func (g *ReplayGuard) remember(session, id string, ts int64, now time.Time) error {
	window := RequestWindow.Milliseconds()
	g.mu.Lock()
	defer g.mu.Unlock()
	nowMs := max(now.UnixMilli(), g.high)
	g.high = nowMs
	for len(g.exp) > 0 && g.exp[0].at < nowMs {
		e := heap.Pop(&g.exp).(expiry)
		if g.seen[e.key] == e.at {
			delete(g.seen, e.key)
		}
	}
	forget := ts + window
	if forget < nowMs {
		// Stale by the guard's clock, which never runs backwards: its id
		// may already have been forgotten.
		return fmt.Errorf("%w: signed at %d ms, guard time %d ms", ErrStale, ts, nowMs)
	}
	k := replayKey{session, id}
	if _, ok := g.seen[k]; ok {
		return fmt.Errorf("%w: request %s of session %s", ErrReplay, id, session)
	}
	if len(g.seen) >= g.max {
		return fmt.Errorf("%w: %d requests in the window", ErrReplayGuardFull, len(g.seen))
	}
	g.seen[k] = forget
	heap.Push(&g.exp, expiry{at: forget, key: k})
	return nil
}

// Len returns how many request ids the guard holds.
func (g *ReplayGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.seen)
}

type expiry struct {
	at  int64
	key replayKey
}

// expiryHeap orders remembered ids by when they may be forgotten: request
// times arrive out of order, so a queue would not do.
type expiryHeap []expiry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
