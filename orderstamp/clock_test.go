package orderstamp

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestStartEndMonotonic(t *testing.T) {
	c := &fakeClock{epoch}
	g := New(rand.NewPCG(1, 2), c.now)
	var starts, ends []string
	for k := range 200 {
		switch k % 4 {
		case 0: // clock advances
			c.t = c.t.Add(time.Duration(k) * time.Microsecond)
		case 1: // clock stalls
		case 2: // clock steps back
			c.t = c.t.Add(-time.Second)
		}
		starts, ends = append(starts, g.Start()), append(ends, g.End())
	}
	for i := 1; i < len(ends); i++ {
		if !(ends[i-1] < ends[i]) {
			t.Fatalf("End %d %q not after End %d %q", i, ends[i], i-1, ends[i-1])
		}
		if !(starts[i] < starts[i-1]) {
			t.Fatalf("Start %d %q not before Start %d %q", i, starts[i], i-1, starts[i-1])
		}
	}
	if !(starts[0] < ends[len(ends)-1]) || !(starts[0] < ends[0]) {
		t.Fatal("a Start stamp sorts after an End stamp")
	}
}

// TestEndAfterRestart simulates a restarted process: a fresh Generator
// whose clock reads later must stamp after everything the old one made,
// however long the old process ran.
func TestEndAfterRestart(t *testing.T) {
	old := &fakeClock{epoch}
	g := New(rand.NewPCG(1, 1), old.now)
	var oldEnds, oldStarts []string
	for range 1000 {
		old.t = old.t.Add(time.Hour)
		oldEnds, oldStarts = append(oldEnds, g.End()), append(oldStarts, g.Start())
	}
	for _, gap := range []time.Duration{time.Microsecond, time.Second, 24 * time.Hour} {
		fresh := New(rand.NewPCG(2, 2), func() time.Time { return old.t.Add(gap) })
		e, s := fresh.End(), fresh.Start()
		for i := range oldEnds {
			if !(oldEnds[i] < e) {
				t.Fatalf("gap %v: End after restart %q not after old End %q", gap, e, oldEnds[i])
			}
			if !(s < oldStarts[i]) {
				t.Fatalf("gap %v: Start after restart %q not before old Start %q", gap, s, oldStarts[i])
			}
		}
	}
}

// TestStartBeforeEnd covers clocks at and before the Unix epoch and far in
// the future.
func TestStartBeforeEnd(t *testing.T) {
	for _, at := range []time.Time{time.Unix(0, 0), time.Unix(-1e9, 0), time.Unix(1<<40, 0), time.Now()} {
		g := New(nil, func() time.Time { return at })
		s, e := g.Start(), g.End()
		if !(s < e) {
			t.Errorf("clock %v: Start %q not before End %q", at, s, e)
		}
		checkStamp(t, s)
		checkStamp(t, e)
	}
	// Package-level functions use the real clock.
	s, e := Start(), End()
	if !(s < e) {
		t.Errorf("Start %q not before End %q", s, e)
	}
	if b := Between(s, e); !(s < b && b < e) {
		t.Errorf("Between(Start, End) = %q outside", b)
	}
}

// TestEndAfterUpstream checks the documented relation to upstream stamps:
// upstream end() encodes milliseconds since its process started, which is
// far below the Unix time End encodes.
func TestEndAfterUpstream(t *testing.T) {
	g := New(nil, nil)
	const uptime = 10 * 365 * 24 * 3600 * 1000.0 // ten years, in ms
	if up := string(appendELEN(nil, uptime)); !(up < g.End()) {
		t.Errorf("upstream end() after ten years of uptime sorts after End()")
	}
	if up := string(appendELEN(nil, -uptime)); !(g.Start() < up) {
		t.Errorf("upstream start() after ten years of uptime sorts before Start()")
	}
}
