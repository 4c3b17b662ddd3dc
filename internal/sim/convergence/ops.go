package convergence

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"goatdb/internal/repo"
	"goatdb/internal/schema"
	"goatdb/internal/value"
)

// schemas are the two versions of the simulated application's item: the
// newer one adds a field its upgrade fills, so merges across versions are
// exercised.
func schemas() []schema.Schema {
	fields := schema.Fields{
		"title": {Type: schema.String},
		"n":     {Type: schema.Number},
		"done":  {Type: schema.Bool},
		"due":   {Type: schema.Date},
		"tags":  {Type: schema.Set},
		"meta":  {Type: schema.Map},
	}
	v2 := maps.Clone(fields)
	v2["note"] = schema.Field{Type: schema.String}
	return []schema.Schema{
		{NS: "simitem", Version: 1, Fields: fields},
		{NS: "simitem", Version: 2, Fields: v2, Upgrade: func(d schema.Data, _ *schema.Schema) (schema.Data, error) {
			out := maps.Clone(d)
			if t, ok := out["title"].(string); ok {
				out["note"] = "from " + t
			}
			return out, nil
		}},
	}
}

var words = []string{"apple", "birch", "cedar", "dune", "ember", "fjord", "grove", "heath"}

// edit applies one random change to a random item at rp.
func (rp *replica) edit() error {
	c := rp.c
	key := fmt.Sprintf("k%d", c.rng.IntN(c.cfg.Keys))
	op := c.rng.IntN(100)
	target := "simitem/1"
	if rp.writeV2 {
		target = "simitem/2"
	}
	s, _ := c.reg.Get(target)
	change := func(d schema.Data) {
		switch {
		case op < 20:
			d["title"] = words[c.rng.IntN(len(words))]
		case op < 35:
			d["n"] = float64(c.rng.IntN(1000))
		case op < 42:
			b, _ := d["done"].(bool)
			d["done"] = !b
		case op < 47:
			d["due"] = c.clock.Now().Add(time.Duration(c.rng.IntN(100)) * time.Hour)
		case op < 62:
			d["tags"] = setWith(d["tags"], words[c.rng.IntN(len(words))], true)
		case op < 72:
			d["tags"] = setWith(d["tags"], words[c.rng.IntN(len(words))], false)
		case op < 84:
			m, _ := d["meta"].(map[string]any)
			m = maps.Clone(m)
			if m == nil {
				m = map[string]any{}
			}
			m[words[c.rng.IntN(4)]] = float64(c.rng.IntN(10))
			d["meta"] = m
		case op < 92:
			m, _ := d["meta"].(map[string]any)
			m = maps.Clone(m)
			delete(m, words[c.rng.IntN(4)])
			if len(m) == 0 {
				delete(d, "meta")
			} else {
				d["meta"] = m
			}
		case op < 95:
			if s.Version == 2 {
				d["note"] = words[c.rng.IntN(len(words))]
			}
		default:
			d[schema.DeletedField] = true
		}
	}
	c.tracef("replica %d edits %s (op %d)", rp.idx, key, op)
	err := rp.r.Update(key, func(cur *value.Item) (*value.Item, error) {
		// An item already at a newer version stays there: writing never
		// downgrades.
		ws := s
		if cur.Schema.Version > ws.Version {
			ws = cur.Schema
		}
		data, err := rp.upgrade(cur, ws)
		if err != nil {
			return nil, err
		}
		change(data)
		return value.NewItem(ws, data)
	})
	if errors.Is(err, repo.ErrNotFound) || errors.Is(err, repo.ErrNoValue) {
		d := schema.Data{}
		change(d)
		var it *value.Item
		if it, err = value.NewItem(s, d); err == nil {
			err = rp.r.Set(key, it)
		}
	}
	if err != nil {
		return fmt.Errorf("replica %d: edit %s: %w", rp.idx, key, err)
	}
	rp.pushOwn()
	return nil
}

// upgrade returns a copy of cur's data at schema s.
func (rp *replica) upgrade(cur *value.Item, s *schema.Schema) (schema.Data, error) {
	if cur.Schema.Version >= s.Version {
		return maps.Clone(cur.Data), nil
	}
	d, _, err := rp.c.reg.Upgrade(cur.Data, cur.Schema, s.Version)
	return d, err
}

// setWith returns a copy of the set v with x added or removed.
func setWith(v any, x string, add bool) any {
	s, _ := v.([]any)
	out := slices.Clone(s)
	i := slices.Index(out, any(x))
	switch {
	case add && i < 0:
		out = append(out, x)
	case !add && i >= 0:
		out = slices.Delete(out, i, i+1)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// step runs one random operation: mostly edits, sometimes faults,
// restarts, flushes or a schema rollout; and lets virtual time pass.
func (c *Cluster) step() error {
	c.stats.Ops++
	rp := c.replicas[c.rng.IntN(len(c.replicas))]
	switch k := c.rng.IntN(100); {
	case k < 70:
		if err := rp.edit(); err != nil {
			return err
		}
	case k < 75:
		c.tracef("replica %d flushes", rp.idx)
		if err := rp.r.Flush(context.Background()); err != nil {
			return err
		}
		c.markDurable(rp)
	case k < 79:
		crash := c.rng.IntN(2) == 0
		c.tracef("replica %d restarts (crash=%v)", rp.idx, crash)
		c.stats.Restarts++
		if crash {
			c.stats.Crashes++
		}
		if err := rp.restart(crash); err != nil {
			return err
		}
	case k < 83:
		c.partition()
	case k < 87:
		c.tracef("network heals")
		c.net.Heal()
	case k < 90:
		down := c.rng.IntN(2) == 0
		c.tracef("replica %d down=%v", rp.idx, down)
		c.net.SetDown(rp.idx, down)
	case k < 92:
		if !rp.writeV2 {
			c.tracef("replica %d writes simitem/2 from now on", rp.idx)
			rp.writeV2 = true
		}
	default:
		// A quiet spell long enough for merge-leader windows to pass.
		c.clock.Advance(time.Duration(c.rng.IntN(8000)) * time.Millisecond)
	}
	c.clock.Advance(time.Duration(c.rng.IntN(400)) * time.Millisecond)
	return nil
}

// partition splits the replicas into two random groups.
func (c *Cluster) partition() {
	var a, b []int
	for i := range c.replicas {
		if c.rng.IntN(2) == 0 {
			a = append(a, i)
		} else {
			b = append(b, i)
		}
	}
	c.tracef("partition %v | %v", a, b)
	c.net.Partition(a, b)
}
