package repo

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/schema"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

// benchMergeRepo holds a root of a 20-field item and `sides` concurrent
// edits of it, each changing a few fields (some changed by several sides).
func benchMergeRepo(b *testing.B, sides int) (*Repo, []string) {
	fields := schema.Fields{}
	for i := range 20 {
		fields[fmt.Sprintf("f%02d", i)] = schema.Field{Type: schema.String}
	}
	reg := schema.NewRegistry()
	if err := reg.Register(schema.Schema{NS: "wide", Version: 1, Fields: fields}); err != nil {
		b.Fatal(err)
	}
	s, _ := reg.Get("wide/1")
	r, err := Open(Options{Path: "/data/w", File: "/w.jsonl", FS: vfs.NewMem(), Registry: reg,
		Session: "me", ConnID: "me", Now: func() time.Time { return time.UnixMilli(1_000_000) },
		Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		b.Fatal(err)
	}
	r.holdMerges = true
	mk := func(id string, parents []string, ts int64, d schema.Data) *commit.Commit {
		it, err := value.NewItem(s, d)
		if err != nil {
			b.Fatal(err)
		}
		c := &commit.Commit{Ver: BuildVersion, ID: id, Key: "k", Session: id, ConnID: id, TS: ts,
			Org: "localhost", Parents: parents, Record: it.AppendRecord(nil)}
		c.Encode()
		return c
	}
	base := schema.Data{}
	for name := range fields {
		base[name] = "initial value of " + name
	}
	cs := []*commit.Commit{mk("root", nil, 1, base)}
	var ids []string
	for i := range sides {
		d := schema.Data{}
		for k, v := range base {
			d[k] = v
		}
		for j := range 4 {
			d[fmt.Sprintf("f%02d", (i*3+j)%20)] = fmt.Sprintf("side %d edit %d", i, j)
		}
		id := fmt.Sprintf("side%d", i)
		cs = append(cs, mk(id, []string{"root"}, int64(10+i), d))
		ids = append(ids, id)
	}
	if _, err := r.Insert(cs); err != nil {
		b.Fatal(err)
	}
	return r, ids
}

// BenchmarkMergeTwo20Fields computes the merge of two conflicting edits of
// a 20-field item: base, diffs and patch (values are decoded beforehand).
func BenchmarkMergeTwo20Fields(b *testing.B) {
	r, ids := benchMergeRepo(b, 2)
	defer r.Close()
	mustMergeB(b, r, ids)
	b.ReportAllocs()
	for b.Loop() {
		mustMergeB(b, r, ids)
	}
}

// BenchmarkMergeTenLeaves merges ten concurrent leaves.
func BenchmarkMergeTenLeaves(b *testing.B) {
	r, ids := benchMergeRepo(b, 10)
	defer r.Close()
	mustMergeB(b, r, ids)
	b.ReportAllocs()
	for b.Loop() {
		mustMergeB(b, r, ids)
	}
}

// BenchmarkMergeCommit is the whole automatic merge of two leaves as a
// leader makes it: election, leaf checks, record, delta, commit, log.
func BenchmarkMergeCommit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		r, _ := benchMergeRepo(b, 2)
		r.holdMerges = false
		b.StartTimer()
		r.mu.Lock()
		mc, err := r.mergeIfNeededLocked("k", true)
		r.mu.Unlock()
		if err != nil || mc == nil {
			b.Fatalf("no merge: %v", err)
		}
		b.StopTimer()
		r.Close()
		b.StartTimer()
	}
}

func mustMergeB(b *testing.B, r *Repo, ids []string) {
	if _, _, err := r.MergeValue(ids); err != nil {
		b.Fatal(err)
	}
}
