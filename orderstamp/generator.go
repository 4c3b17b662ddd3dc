package orderstamp

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

const (
	// suffixLen random alphabet characters end every stamp, as in upstream:
	// about 104 bits, so two writers that create a stamp at the same place
	// at the same time still get distinct stamps.
	suffixLen = 16
	// recentLen is how many of its own Between results a Generator keeps
	// to recognise a chain of insertions at one spot.
	recentLen = 8
)

// Generator creates stamps from a random source and a wall clock. The
// package-level functions use a shared Generator; create one with New to
// control randomness and time (tests, replays). A Generator is safe for
// concurrent use.
type Generator struct {
	mu     sync.Mutex
	rng    *rand.Rand
	now    func() time.Time
	lastT  float64 // last time handed out by Start or End, in ms
	recent [recentLen]string
	next   int
}

// New returns a Generator that draws suffix characters from src and reads
// the time from now. A nil src means the goroutine-safe global source of
// math/rand/v2; a nil now means time.Now.
func New(src rand.Source, now func() time.Time) *Generator {
	if src == nil {
		src = globalSource{}
	}
	if now == nil {
		now = time.Now
	}
	return &Generator{rng: rand.New(src), now: now}
}

// globalSource forwards to math/rand/v2's global generator, which is
// randomly seeded per process and safe for concurrent use.
type globalSource struct{}

func (globalSource) Uint64() uint64 { return rand.Uint64() }

// From returns a stamp for n: the ELEN encoding of n followed by a random
// suffix. Stamps sort by n (see the package documentation for -0 and NaN);
// stamps for the same n sort by their random suffixes.
func (g *Generator) From(n float64) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.from(n)
}

// End returns a stamp after every stamp End has returned before, in this or
// an earlier process, as long as the wall clock moves forward: it is From
// of the current Unix time in milliseconds (microsecond resolution). Within
// a Generator successive results are strictly increasing even if the clock
// stalls or steps back. End stamps sort after every Start stamp and after
// every From(n) with n below the current time.
func (g *Generator) End() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.from(g.tick())
}

// Start is the mirror image of End: From of minus the current Unix time in
// milliseconds, so each Start stamp sorts before all earlier ones and
// before every End stamp.
func (g *Generator) Start() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.from(-g.tick())
}

// tick returns the wall-clock time in milliseconds, forced to exceed the
// previous value so Start and End stay strictly monotonic within the
// Generator. It is always positive, which keeps Start below End even for a
// clock set before 1970.
func (g *Generator) tick() float64 {
	t := float64(g.now().UnixMicro()) / 1000
	if !(t > g.lastT) {
		t = math.Nextafter(g.lastT, math.Inf(1))
	}
	g.lastT = t
	return t
}

func (g *Generator) from(n float64) string {
	buf := make([]byte, 0, 32+suffixLen)
	buf = appendELEN(buf, n)
	return string(g.appendSuffix(buf))
}

// appendSuffix appends suffixLen uniformly random alphabet characters. It
// takes nine at a time from one unbiased draw below radix^9 (< 2^64), which
// is several times faster than a draw per character.
func (g *Generator) appendSuffix(dst []byte) []byte {
	const perDraw, span = 9, radix * radix * radix * radix * radix * radix * radix * radix * radix
	for left := suffixLen; left > 0; left -= perDraw {
		x := g.rng.Uint64N(span)
		for range min(left, perDraw) {
			dst = append(dst, alphabet[x%radix])
			x /= radix
		}
	}
	return dst
}

func (g *Generator) remembers(s string) bool {
	for _, r := range g.recent {
		if r == s && r != "" {
			return true
		}
	}
	return false
}

func (g *Generator) remember(s string) {
	g.recent[g.next] = s
	g.next = (g.next + 1) % recentLen
}
