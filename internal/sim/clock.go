package sim

import (
	"container/heap"
	"math/rand/v2"
	"time"
)

// NewRand returns a random source determined by seed alone. Both PCG words
// derive from the seed so that callers carry a single number around; the
// constant only keeps the two words different.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Clock is virtual time with a queue of scheduled events. Time stands still
// except when events are run: Step, Advance, RunUntil, RunFor and
// RunUntilQuiet move it forward, and callbacks run inside those calls, on
// the caller's goroutine. It is not safe for concurrent use.
//
// Callbacks may schedule and stop events, but must not drive the clock
// themselves (call Step and friends), which would run events out of order.
type Clock struct {
	start time.Time
	now   time.Time
	seq   uint64
	queue eventQueue
}

// NewClock returns a clock reading start and with no events scheduled.
func NewClock(start time.Time) *Clock {
	return &Clock{start: start, now: start}
}

// Now returns the current virtual time.
func (c *Clock) Now() time.Time { return c.now }

// Elapsed returns how much virtual time has passed since the clock was made;
// traces print it because it is shorter to read than a date.
func (c *Clock) Elapsed() time.Duration { return c.now.Sub(c.start) }

// Pending returns the number of events scheduled and not yet run or stopped.
func (c *Clock) Pending() int { return len(c.queue) }

// Timer is an event scheduled by AfterFunc.
type Timer struct {
	clock *Clock
	at    time.Time
	seq   uint64 // insertion order, breaks ties between equal times
	f     func()
	index int // position in the queue, -1 once run or stopped
}

// AfterFunc schedules f to run once the clock reaches Now()+d. As with
// time.AfterFunc, d <= 0 means as soon as possible, which is the next Step:
// f never runs inside AfterFunc, so callers are never re-entered.
func (c *Clock) AfterFunc(d time.Duration, f func()) *Timer {
	if d < 0 {
		d = 0
	}
	t := &Timer{clock: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.seq++
	heap.Push(&c.queue, t)
	return t
}

// Stop prevents the timer's function from running. It returns true if that
// stopped it, false if it had already run or been stopped.
func (t *Timer) Stop() bool {
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.clock.queue, t.index)
	return true
}

// Step runs the earliest event, first moving the clock to its time. It
// returns false, doing nothing, if no event is scheduled.
func (c *Clock) Step() bool {
	if len(c.queue) == 0 {
		return false
	}
	t := heap.Pop(&c.queue).(*Timer)
	c.now = t.at
	t.f()
	return true
}

// RunUntil runs every event due at or before t, including those scheduled
// meanwhile, then sets the clock to t if it is later. It does not return
// while callbacks keep scheduling events at or before t; RunFor is the
// bounded form.
func (c *Clock) RunUntil(t time.Time) {
	c.runUntil(t, -1)
}

// Advance runs the events of the next d of virtual time, as RunUntil does.
func (c *Clock) Advance(d time.Duration) {
	c.runUntil(c.now.Add(d), -1)
}

// RunFor runs the events of the next d of virtual time, but at most
// maxSteps of them, so that a test can report its seed instead of hanging.
// It returns the number of events run and whether the span was completed;
// if not, the clock stays at the last event run.
//
// Unlike RunUntilQuiet it ends even while periodic timers are registered,
// which makes it the way to drive a simulation that never goes quiet.
func (c *Clock) RunFor(d time.Duration, maxSteps int) (steps int, ok bool) {
	return c.runUntil(c.now.Add(d), maxSteps)
}

// runUntil runs events due by end; maxSteps < 0 means no bound.
func (c *Clock) runUntil(end time.Time, maxSteps int) (steps int, ok bool) {
	for len(c.queue) > 0 && !c.queue[0].at.After(end) {
		if steps == maxSteps {
			return steps, false
		}
		c.Step()
		steps++
	}
	if end.After(c.now) {
		c.now = end
	}
	return steps, true
}

// RunUntilQuiet runs events until none is scheduled, at most maxSteps of
// them. ok is false if events remain, so that a test can fail reporting its
// seed instead of hanging. A periodic timer, one that schedules itself
// again, keeps the clock from ever going quiet: stop such timers first, or
// drive the simulation with RunFor.
func (c *Clock) RunUntilQuiet(maxSteps int) (steps int, ok bool) {
	for len(c.queue) > 0 {
		if steps >= maxSteps {
			return steps, false
		}
		c.Step()
		steps++
	}
	return steps, true
}

// eventQueue is a min-heap of timers ordered by (time, insertion order), a
// total order, so equal times run in a reproducible order.
type eventQueue []*Timer

func (q eventQueue) Len() int { return len(q) }

func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}

func (q eventQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}

func (q *eventQueue) Push(x any) {
	t := x.(*Timer)
	t.index = len(*q)
	*q = append(*q, t)
}

func (q *eventQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil // let the callback be collected
	t.index = -1
	*q = old[:len(old)-1]
	return t
}
