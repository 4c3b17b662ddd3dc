package convergence

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"goatdb/internal/sim"
)

// settleRounds bounds how long a healed cluster may take to go quiet.
const settleRounds = 60

// Run plays one seeded run: random operations under faults, then healing,
// then the convergence checks. The error describes the first violation.
func Run(cfg Config) (Stats, error) {
	c, err := New(cfg)
	if err != nil {
		return Stats{}, err
	}
	defer c.Close()
	for range cfg.Ops {
		if err := c.step(); err != nil {
			return c.stats, err
		}
	}
	c.tracef("healing")
	c.net.SetFaults(sim.Faults{MinDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond})
	c.net.Heal()
	for i := range c.replicas {
		c.net.SetDown(i, false)
	}
	if err := c.settle(); err != nil {
		return c.stats, err
	}
	// A converged cluster is a fixpoint: left alone, nobody writes.
	before := c.replicas[0].r.NumCommits()
	if _, ok := c.clock.RunFor(time.Minute, 1_000_000); !ok {
		return c.stats, errors.New("simulation did not advance after settling")
	}
	if after := c.replicas[0].r.NumCommits(); after != before {
		return c.stats, fmt.Errorf("merge storm: %d commits written by a converged cluster left alone", after-before)
	}
	err = c.check()
	c.stats.Net = c.net.Stats()
	c.stats.VirtualTime = c.clock.Elapsed()
	return c.stats, err
}

// settle runs the healed cluster until every replica holds the same
// commits and that stays so for longer than the merge-leader window, so
// deferred merges have fired and spread.
func (c *Cluster) settle() error {
	quiet, last := 0, -1
	for range settleRounds {
		if _, ok := c.clock.RunFor(3*time.Second, 1_000_000); !ok {
			return errors.New("simulation did not advance: too many events in 3 s of virtual time")
		}
		total := 0
		for _, rp := range c.replicas {
			total += rp.r.NumCommits()
		}
		if c.sameCommits() == nil && total == last {
			quiet++
			// 21 s: longer than the leader window (5 s) and the time
			// ancestors filters may keep a leaf out of merges (15 s).
			if quiet >= 7 {
				return nil
			}
		} else {
			quiet = 0
		}
		last = total
	}
	return fmt.Errorf("no quiescence after %d rounds: %v", settleRounds, c.sameCommits())
}

// sameCommits reports the first replica whose commit set differs from
// replica 0's.
func (c *Cluster) sameCommits() error {
	want := c.replicas[0].ids()
	slices.Sort(want)
	for _, rp := range c.replicas[1:] {
		got := rp.ids()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("replica %d holds %d commits, replica 0 holds %d", rp.idx, len(got), len(want))
		}
	}
	return nil
}

// check asserts the convergence promises on a quiet cluster.
func (c *Cluster) check() error {
	if err := c.sameCommits(); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, id := range c.replicas[0].ids() {
		have[id] = true
	}
	var lost []string
	for id := range c.durable {
		if !have[id] {
			lost = append(lost, id)
		}
	}
	if len(lost) > 0 {
		slices.Sort(lost)
		return fmt.Errorf("%d commits that reached a disk are gone: %v", len(lost), lost)
	}
	for _, key := range c.sortedKeys() {
		want, werr := c.replicas[0].r.Value(key)
		for _, rp := range c.replicas[1:] {
			got, gerr := rp.r.Value(key)
			switch {
			case (werr == nil) != (gerr == nil):
				return fmt.Errorf("key %s: replica 0 reads %v (%v), replica %d reads %v (%v)", key, want, werr, rp.idx, got, gerr)
			case werr == nil && !got.Equal(want):
				return fmt.Errorf("key %s: replica 0 shows %s %v, replica %d shows %s %v", key,
					want.Schema.Marker(), want.Data, rp.idx, got.Schema.Marker(), got.Data)
			}
		}
	}
	return c.checkMerges()
}

// checkMerges bounds merge commits: each edit can make at most one
// conflict, and each conflict at most one merge per replica (when a
// partition leaves every side to merge it alone). More than that is a
// merge storm: merges begetting merges.
func (c *Cluster) checkMerges() error {
	edits, merges := map[string]int{}, map[string]int{}
	for _, cm := range c.replicas[0].r.Commits() {
		if cm.IsMerge() {
			merges[cm.Key]++
			c.stats.Merges++
		} else {
			edits[cm.Key]++
		}
		c.stats.Commits++
	}
	var storms []string
	for key, m := range merges {
		c.stats.MaxMergesPerKey = max(c.stats.MaxMergesPerKey, m)
		if m > edits[key]*len(c.replicas) {
			storms = append(storms, fmt.Sprintf("%s: %d merges for %d edits", key, m, edits[key]))
		}
	}
	if len(storms) > 0 {
		slices.Sort(storms)
		return fmt.Errorf("merge storm: %s", strings.Join(storms, "; "))
	}
	return nil
}
