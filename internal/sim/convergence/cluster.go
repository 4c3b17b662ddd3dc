// Package convergence owns the replica simulation that proves the merge
// rules converge: N replicas of one repository, each on its own in-memory
// disk, edit shared items while a seeded virtual network drops, duplicates,
// delays, reorders and partitions the commits they exchange, and replicas
// restart from their logs, gracefully or by losing power. After the network
// heals and the replicas go quiet, every replica must hold the same commits
// and show the same value for every item, no commit that reached a disk may
// be missing, and merges must not multiply.
//
// A run is a pure function of its seed (see package sim), so a failure
// reports the seed and replays exactly.
package convergence

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/repo"
	"goatdb/internal/schema"
	"goatdb/internal/sim"
	"goatdb/internal/vfs"
)

// Config sizes a run.
type Config struct {
	Seed     uint64
	Replicas int // 3–5 in CI
	Keys     int // shared items
	Ops      int // random operations before healing
	// Faults are the network's faults while operations run; the run
	// clears them before checking convergence.
	Faults sim.Faults
	// Trace, when set, receives the network's and the operations' log.
	Trace func(format string, args ...any)
}

// DefaultConfig is the configuration CI runs per seed.
func DefaultConfig(seed uint64) Config {
	rng := sim.NewRand(seed ^ 0x5eed)
	return Config{
		Seed:     seed,
		Replicas: 3 + rng.IntN(3),
		Keys:     1 + rng.IntN(4),
		Ops:      40 + rng.IntN(60),
		Faults: sim.Faults{
			DropRate: rng.Float64() * 0.3,
			DupRate:  rng.Float64() * 0.2,
			MinDelay: time.Millisecond,
			MaxDelay: time.Duration(1+rng.IntN(2000)) * time.Millisecond,
		},
	}
}

// msgKind tells what a message carries.
type msgKind int

const (
	// push carries commit lines.
	push msgKind = iota
	// digest carries every commit id the sender holds; the receiver
	// answers with what the sender lacks (anti-entropy, which heals
	// whatever pushes the network lost).
	digest
	// digestReply is a digest sent in answer to one; it is answered with
	// commits but never with another digest, so exchanges end.
	digestReply
)

type msg struct {
	kind  msgKind
	lines [][]byte
	ids   []string
}

func (m msg) String() string {
	switch m.kind {
	case push:
		return fmt.Sprintf("push(%d)", len(m.lines))
	case digest:
		return fmt.Sprintf("digest(%d)", len(m.ids))
	}
	return fmt.Sprintf("digest-reply(%d)", len(m.ids))
}

// Cluster is one run's world.
type Cluster struct {
	cfg      Config
	clock    *sim.Clock
	rng      *rand.Rand
	net      *sim.Network[msg]
	reg      *schema.Registry
	replicas []*replica
	// durable holds every commit id that reached some replica's disk: a
	// flush or graceful close completed after it was added.
	durable map[string]bool
	stats   Stats
	logger  *slog.Logger
}

// Stats describe a finished run.
type Stats struct {
	Ops, Restarts, Crashes int
	Commits, Merges        int
	MaxMergesPerKey        int
	Net                    sim.Stats
	VirtualTime            time.Duration
}

type replica struct {
	c       *Cluster
	idx     int
	session string
	conn    int // bumped on every restart: a new process, a new connection id
	fs      *vfs.MemFS
	r       *repo.Repo
	rng     *rand.Rand
	// pushed is how far (in commits, arrival order) this replica has
	// already offered its own commits to the others.
	pushed int
	// writeV2 is set once this replica's application writes the newer
	// schema version.
	writeV2 bool
	stopAE  *sim.Timer
}

const repoFile = "/data/items.jsonl"

// New builds a cluster; Run drives it.
func New(cfg Config) (*Cluster, error) {
	c := &Cluster{
		cfg:     cfg,
		clock:   sim.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		rng:     sim.NewRand(cfg.Seed),
		reg:     schema.NewRegistry(),
		durable: map[string]bool{},
		logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, s := range schemas() {
		if err := c.reg.Register(s); err != nil {
			return nil, err
		}
	}
	c.net = sim.NewNetwork(c.clock, c.rng, cfg.Replicas, c.deliver)
	c.net.SetFaults(cfg.Faults)
	if cfg.Trace != nil {
		c.net.SetTrace(cfg.Trace)
	}
	for i := range cfg.Replicas {
		rp := &replica{c: c, idx: i, session: fmt.Sprintf("session%d", i), fs: vfs.NewMem(),
			rng: sim.NewRand(cfg.Seed*1000 + uint64(i) + 1)}
		if err := rp.open(); err != nil {
			return nil, err
		}
		c.replicas = append(c.replicas, rp)
	}
	return c, nil
}

func (c *Cluster) tracef(format string, args ...any) {
	if c.cfg.Trace != nil {
		c.cfg.Trace("%v "+format, append([]any{c.clock.Elapsed()}, args...)...)
	}
}

// open (re)starts the replica's process on its disk.
func (rp *replica) open() error {
	rp.conn++
	// Half the replicas gather edits for a while before committing, as
	// the item API does, so that arriving commits rebase pending edits.
	delay := time.Duration(0)
	if rp.idx%2 == 1 {
		delay = 300 * time.Millisecond
	}
	r, err := repo.Open(repo.Options{
		Path:        "/data/items",
		File:        repoFile,
		FS:          rp.fs,
		Registry:    rp.c.reg,
		Logger:      rp.c.logger,
		ConnID:      fmt.Sprintf("conn%d.%d", rp.idx, rp.conn),
		Session:     rp.session,
		CommitDelay: delay,
		Now:         rp.c.clock.Now,
		AfterFunc: func(d time.Duration, f func()) func() bool {
			return rp.c.clock.AfterFunc(d, f).Stop
		},
		Rand: rp.rng,
	})
	if err != nil {
		return fmt.Errorf("replica %d: open: %w", rp.idx, err)
	}
	rp.r = r
	rp.pushed = 0
	rp.scheduleAntiEntropy()
	return nil
}

// scheduleAntiEntropy arranges the replica's next digest to a random peer.
func (rp *replica) scheduleAntiEntropy() {
	d := time.Duration(500+rp.c.rng.IntN(1000)) * time.Millisecond
	rp.stopAE = rp.c.clock.AfterFunc(d, func() {
		if n := rp.c.cfg.Replicas; n > 1 {
			to := (rp.idx + 1 + rp.c.rng.IntN(n-1)) % n
			rp.c.net.Send(rp.idx, to, msg{kind: digest, ids: rp.ids()})
		}
		rp.scheduleAntiEntropy()
	})
}

func (rp *replica) ids() []string {
	cs := rp.r.Commits()
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// pushOwn offers the others every commit this process made since the last
// push: edits and merges alike.
func (rp *replica) pushOwn() {
	cs := rp.r.Commits()
	conn := fmt.Sprintf("conn%d.%d", rp.idx, rp.conn)
	var lines [][]byte
	for _, c := range cs[rp.pushed:] {
		if c.ConnID == conn {
			lines = append(lines, c.Raw)
		}
	}
	rp.pushed = len(cs)
	if len(lines) > 0 {
		rp.c.net.Broadcast(rp.idx, msg{kind: push, lines: lines})
	}
}

// deliver is the network's handler.
func (c *Cluster) deliver(to, from int, m msg) {
	rp := c.replicas[to]
	switch m.kind {
	case push:
		var cs []*commit.Commit
		for _, line := range m.lines {
			cm, err := commit.Parse(line)
			if err != nil {
				panic(fmt.Sprintf("replica %d got an unparsable commit: %v", to, err))
			}
			cs = append(cs, cm)
		}
		if _, err := rp.r.Insert(cs); err != nil {
			panic(fmt.Sprintf("replica %d: insert: %v", to, err))
		}
		rp.pushOwn() // merges made on arrival
	case digest, digestReply:
		theirs := map[string]bool{}
		for _, id := range m.ids {
			theirs[id] = true
		}
		var lines [][]byte
		mine := 0
		for _, cm := range rp.r.Commits() {
			if theirs[cm.ID] {
				mine++
			} else {
				lines = append(lines, cm.Raw)
			}
		}
		if len(lines) > 0 {
			c.net.Send(to, from, msg{kind: push, lines: lines})
		}
		if m.kind == digest && mine < len(m.ids) {
			c.net.Send(to, from, msg{kind: digestReply, ids: rp.ids()})
		}
	}
}

// restart stops the replica's process and starts a new one on its disk.
// A crash keeps only what was synced; a graceful stop flushes first.
func (rp *replica) restart(crash bool) error {
	rp.stopAE.Stop()
	if crash {
		image := rp.fs.CrashSynced()
		// The dead process's object is discarded; closing it releases
		// its writer and touches only the old disk.
		rp.r.Close()
		rp.fs = image
	} else {
		if err := rp.r.Close(); err != nil {
			return fmt.Errorf("replica %d: close: %w", rp.idx, err)
		}
		rp.c.markDurable(rp)
	}
	return rp.open()
}

// markDurable records that everything the replica holds is on its disk.
func (c *Cluster) markDurable(rp *replica) {
	for _, id := range rp.ids() {
		c.durable[id] = true
	}
}

// sortedKeys returns the union of keys the replicas know.
func (c *Cluster) sortedKeys() []string {
	seen := map[string]bool{}
	for _, rp := range c.replicas {
		for _, k := range rp.r.Keys() {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Close releases every replica.
func (c *Cluster) Close() {
	for _, rp := range c.replicas {
		rp.r.Close()
	}
}
