// Package sim owns the deterministic simulation harness: a virtual clock, a
// seeded random source, and a faulty message network between numbered
// nodes. Replica tests build on it to show that databases converge whatever
// the network does to their messages.
//
// The point of the harness is that a failing run can be replayed: a test
// reports its seed, and running the same seed again must do exactly the same
// thing, message for message, so the failure can be traced and debugged.
// Everything therefore is a pure function of the seed, which rules out:
//
//   - wall-clock time: read Clock.Now, schedule with Clock.AfterFunc, never
//     time.Now, time.Sleep or time.AfterFunc;
//   - goroutines: events run one at a time on the goroutine that drives the
//     Clock, so nothing depends on the Go scheduler; none of the types is
//     safe for concurrent use, by design;
//   - the global math/rand source and crypto/rand: draw from the *rand.Rand
//     made by NewRand;
//   - map iteration: its order changes from run to run, so anything whose
//     order affects sends, timers or random draws must iterate a slice or
//     sorted keys.
//
// Events at the same virtual time run in the order they were scheduled, so
// ties cannot be broken differently on replay.
//
// A Trace keeps the last lines of a run's message log in memory, so that a
// test can print what happened just before a failure without logging every
// passing run.
package sim
