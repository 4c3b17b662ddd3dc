package sim

import (
	"slices"
	"testing"
	"time"
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func TestTimersFireInTimeOrder(t *testing.T) {
	c := NewClock(epoch)
	var got []int
	var at []time.Duration
	for i, d := range []time.Duration{30, 10, 20, 0} {
		c.AfterFunc(d*time.Millisecond, func() {
			got = append(got, i)
			at = append(at, c.Elapsed())
		})
	}
	if c.Pending() != 4 {
		t.Fatalf("Pending = %d, want 4", c.Pending())
	}
	steps, ok := c.RunUntilQuiet(100)
	if steps != 4 || !ok {
		t.Fatalf("RunUntilQuiet = %d, %v; want 4, true", steps, ok)
	}
	if want := []int{3, 1, 2, 0}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if want := []time.Duration{0, 10e6, 20e6, 30e6}; !slices.Equal(at, want) {
		t.Fatalf("fired at %v, want %v", at, want)
	}
	if c.Step() {
		t.Fatal("Step on an empty clock returned true")
	}
}

func TestTiesFireInInsertionOrder(t *testing.T) {
	c := NewClock(epoch)
	var got []int
	for i := range 10 {
		c.AfterFunc(time.Second, func() { got = append(got, i) })
	}
	// Scheduled meanwhile for the same instant: runs after the others.
	c.AfterFunc(0, func() { c.AfterFunc(time.Second, func() { got = append(got, 10) }) })
	c.Advance(time.Second)
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestStop(t *testing.T) {
	c := NewClock(epoch)
	fired := false
	tm := c.AfterFunc(time.Second, func() { fired = true })
	kept := c.AfterFunc(2*time.Second, func() {})
	if !tm.Stop() {
		t.Fatal("first Stop returned false")
	}
	if tm.Stop() {
		t.Fatal("second Stop returned true")
	}
	if c.Pending() != 1 {
		t.Fatalf("Pending = %d after Stop, want 1", c.Pending())
	}
	c.Advance(time.Minute)
	if fired {
		t.Fatal("stopped timer fired")
	}
	if kept.Stop() {
		t.Fatal("Stop after firing returned true")
	}
}

func TestStopFromCallback(t *testing.T) {
	c := NewClock(epoch)
	var later *Timer
	fired := false
	c.AfterFunc(time.Second, func() {
		if !later.Stop() {
			t.Error("Stop from a callback returned false")
		}
	})
	later = c.AfterFunc(time.Second, func() { fired = true })
	c.RunUntilQuiet(10)
	if fired {
		t.Fatal("timer stopped by an earlier callback fired")
	}
}

func TestAfterFuncNeverRunsInline(t *testing.T) {
	c := NewClock(epoch)
	fired := false
	c.AfterFunc(-time.Second, func() { fired = true })
	if fired {
		t.Fatal("AfterFunc ran f inline")
	}
	if !c.Step() || !fired {
		t.Fatal("Step did not run an event due now")
	}
	if !c.Now().Equal(epoch) {
		t.Fatalf("negative delay moved the clock to %v", c.Now())
	}
}

func TestRunUntilStopsAtTime(t *testing.T) {
	c := NewClock(epoch)
	var got []int
	c.AfterFunc(time.Second, func() { got = append(got, 1) })
	c.AfterFunc(3*time.Second, func() { got = append(got, 3) })
	c.RunUntil(epoch.Add(2 * time.Second))
	if !slices.Equal(got, []int{1}) || c.Elapsed() != 2*time.Second {
		t.Fatalf("ran %v, clock at %v; want [1] at 2s", got, c.Elapsed())
	}
	c.RunUntil(epoch) // the past: nothing runs, time does not go back
	if c.Elapsed() != 2*time.Second || c.Pending() != 1 {
		t.Fatalf("RunUntil in the past moved the clock to %v", c.Elapsed())
	}
}

// tick schedules itself forever, the kind of timer that keeps a clock busy.
func tick(c *Clock, every time.Duration, n *int) {
	c.AfterFunc(every, func() {
		*n++
		tick(c, every, n)
	})
}

func TestRunUntilQuietBound(t *testing.T) {
	c := NewClock(epoch)
	var n int
	tick(c, time.Second, &n)
	steps, ok := c.RunUntilQuiet(50)
	if ok || steps != 50 || n != 50 {
		t.Fatalf("RunUntilQuiet = %d, %v after %d ticks; want 50, false, 50", steps, ok, n)
	}
	if steps, ok := NewClock(epoch).RunUntilQuiet(0); steps != 0 || !ok {
		t.Fatalf("RunUntilQuiet on an empty clock = %d, %v; want 0, true", steps, ok)
	}
}

func TestRunForWithPeriodicTimer(t *testing.T) {
	c := NewClock(epoch)
	var n int
	tick(c, time.Second, &n)
	steps, ok := c.RunFor(10*time.Second+time.Millisecond, 1000)
	if !ok || steps != 10 || n != 10 || c.Elapsed() != 10*time.Second+time.Millisecond {
		t.Fatalf("RunFor = %d, %v; %d ticks, clock %v", steps, ok, n, c.Elapsed())
	}
	// A callback that keeps scheduling at the same instant hits the bound.
	var spin func()
	spin = func() { c.AfterFunc(0, spin) }
	c.AfterFunc(0, spin)
	if steps, ok := c.RunFor(time.Second, 100); ok || steps != 100 {
		t.Fatalf("RunFor on a spinning clock = %d, %v; want 100, false", steps, ok)
	}
}

func TestNewRandDeterministic(t *testing.T) {
	a, b, other := NewRand(7), NewRand(7), NewRand(8)
	same, differ := true, false
	for range 100 {
		x, y, z := a.Uint64(), b.Uint64(), other.Uint64()
		same = same && x == y
		differ = differ || x != z
	}
	if !same || !differ {
		t.Fatalf("same seed equal: %v, different seed differs: %v", same, differ)
	}
}
