package repo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/schema"
	"goatdb/internal/testutil"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

var noteSchema = schema.Schema{NS: "note", Version: 1, Fields: schema.Fields{
	"text": {Type: schema.String, Required: true},
	"n":    {Type: schema.Number},
	"tags": {Type: schema.Set},
}}

func newTestRepo(t *testing.T, fsys vfs.FS, file string, reg *schema.Registry) *Repo {
	t.Helper()
	if reg == nil {
		reg = schema.NewRegistry()
		if err := reg.Register(noteSchema); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Open(Options{Path: "/data/notes", File: file, FS: fsys, Registry: reg,
		ConnID: "conn", Session: "sess"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func item(t *testing.T, reg *schema.Registry, d schema.Data) *value.Item {
	t.Helper()
	s, _ := reg.Version("note", 1)
	it, err := value.NewItem(s, d)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestLocalCommitsFormAChain(t *testing.T) {
	fsys := vfs.NewMem()
	r := newTestRepo(t, fsys, "/d/data/notes.jsonl", nil)
	reg := r.opts.Registry
	for i := range 30 {
		if err := r.Set("k", item(t, reg, schema.Data{"text": "hello", "n": float64(i)})); err != nil {
			t.Fatal(err)
		}
	}
	cs := r.CommitsForKey("k")
	if len(cs) != 30 {
		t.Fatalf("%d commits", len(cs))
	}
	leaves := r.Leaves("k")
	if len(leaves) != 1 || r.Head("k").ID != leaves[0].ID {
		t.Fatalf("leaves %v", leaves)
	}
	// Every commit but the first has exactly one parent that is present,
	// and ac counts the commits with children at creation.
	for _, c := range cs {
		if len(c.Parents) > 1 || (len(c.Parents) == 1 && r.Commit(c.Parents[0]) == nil) {
			t.Fatalf("bad parents %v", c.Parents)
		}
	}
	v, _ := r.Value("k")
	if v.Get("n") != 29.0 {
		t.Fatalf("value %v", v.Data)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r2 := newTestRepo(t, fsys, "/d/data/notes.jsonl", nil)
	defer r2.Close()
	v2, err := r2.Value("k")
	if err != nil || !v2.Equal(v) {
		t.Fatalf("reopened value %v %v", v2, err)
	}
	if r2.Head("k").ID != r.Head("k").ID {
		t.Fatal("head changed across reopen")
	}
}

// TestOutOfOrderArrival inserts a chain child-first: leaves and heads must
// be right once the graph is complete, whatever the arrival order.
func TestOutOfOrderArrival(t *testing.T) {
	src := newTestRepo(t, vfs.NewMem(), "/a.jsonl", nil)
	for i := range 10 {
		src.Set("k", item(t, src.opts.Registry, schema.Data{"text": fmt.Sprint(i)}))
	}
	cs := src.Commits()
	want := src.Head("k").ID
	src.Close()

	rev := slices.Clone(cs)
	slices.Reverse(rev)
	dst := newTestRepo(t, vfs.NewMem(), "/b.jsonl", nil)
	defer dst.Close()
	for i, c := range rev {
		c2, err := commit.Parse(c.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dst.Insert([]*commit.Commit{c2}); err != nil {
			t.Fatal(err)
		}
		if i < len(rev)-1 {
			continue
		}
	}
	if l := dst.Leaves("k"); len(l) != 1 || l[0].ID != want {
		t.Fatalf("leaves %v, want [%s]", l, want)
	}
	v, err := dst.Value("k")
	if err != nil || v.Get("text") != "9" {
		t.Fatalf("value %v %v", v, err)
	}
	// Re-inserting is a no-op.
	added, _ := dst.Insert(cs)
	if len(added) != 0 || dst.NumCommits() != 10 {
		t.Fatalf("duplicates added: %d", len(added))
	}
}

func TestHeadPrefersOwnConnectionThenSession(t *testing.T) {
	reg := schema.NewRegistry()
	reg.Register(noteSchema)
	mk := func(id, sess, conn string, ts int64, text string) *commit.Commit {
		c := &commit.Commit{Ver: BuildVersion, ID: id, Key: "k", Session: sess, ConnID: conn, TS: ts, Org: "localhost",
			Parents: []string{"root"}, Record: item(t, reg, schema.Data{"text": text}).AppendRecord(nil)}
		c.Encode()
		return c
	}
	root := &commit.Commit{Ver: BuildVersion, ID: "root", Key: "k", Session: "x", ConnID: "x", TS: 1, Org: "localhost",
		Record: item(t, reg, schema.Data{"text": "root"}).AppendRecord(nil)}
	root.Encode()
	// The leaves are recent and "peer" leads their merge, so this peer
	// waits for it and shows its own branch meanwhile.
	r, err := Open(Options{Path: "/data/notes", File: "/h.jsonl", FS: vfs.NewMem(), Registry: reg,
		ConnID: "conn", Session: "sess", Now: func() time.Time { return time.UnixMilli(10) }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Insert([]*commit.Commit{root, mk("a", "peer", "c1", 10, "a"), mk("b", "sess", "c2", 5, "b")})
	if h := r.Head("k"); h.ID != "b" {
		t.Fatalf("head %s, want b (own session beats newer)", h.ID)
	}
	r.Insert([]*commit.Commit{mk("c", "peer", "conn", 3, "c")})
	if h := r.Head("k"); h.ID != "c" {
		t.Fatalf("head %s, want c (own connection first)", h.ID)
	}
	if n := len(r.Leaves("k")); n != 3 {
		t.Fatalf("%d leaves", n)
	}
}

func TestCorruptedDeltaReadsAsNewestIntact(t *testing.T) {
	reg := schema.NewRegistry()
	reg.Register(noteSchema)
	base := item(t, reg, schema.Data{"text": "base"})
	good := item(t, reg, schema.Data{"text": "good"})
	c1 := &commit.Commit{Ver: BuildVersion, ID: "c1", Key: "k", Session: "s", TS: 1, Org: "o", ConnID: "x", Record: base.AppendRecord(nil)}
	c2 := &commit.Commit{Ver: BuildVersion, ID: "c2", Key: "k", Session: "s", TS: 2, Org: "o", ConnID: "x", Parents: []string{"c1"},
		Base: "c1", Edit: value.AppendEdit(nil, base.Checksum(), good.Checksum(), value.Diff(base, good))}
	// c3 claims a result checksum its changes do not produce.
	c3 := &commit.Commit{Ver: BuildVersion, ID: "c3", Key: "k", Session: "s", TS: 3, Org: "o", ConnID: "x", Parents: []string{"c2"},
		Base: "c1", Edit: value.AppendEdit(nil, base.Checksum(), "12345", value.Diff(base, item(t, reg, schema.Data{"text": "bad"})))}
	for _, c := range []*commit.Commit{c1, c2, c3} {
		c.Encode()
	}
	r := newTestRepo(t, vfs.NewMem(), "/c.jsonl", reg)
	defer r.Close()
	r.Insert([]*commit.Commit{c1, c2, c3})
	if !r.IsCorrupted("c3") || r.IsCorrupted("c2") || r.IsCorrupted("c1") {
		t.Fatal("corruption flags wrong")
	}
	v, err := r.Value("k")
	if err != nil || v.Get("text") != "good" {
		t.Fatalf("value %v %v, want the newest intact commit's", v, err)
	}
}

func TestDamagedFixtureStages(t *testing.T) {
	fx := testutil.Fixtures(t)
	b, err := os.ReadFile(filepath.Join(fx, "damaged", "damaged.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Stages []struct {
			File    string   `json:"file"`
			Recover []string `json:"correctReaderRecoversIds"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, st := range doc.Stages {
		name := st.File
		found++
		data, err := os.ReadFile(filepath.Join(fx, "damaged", filepath.Base(st.File)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fsys := vfs.NewMem()
		fsys.MkdirAll("/d", 0o755)
		f, _ := fsys.OpenFile("/d/notes.jsonl", os.O_CREATE|os.O_WRONLY, 0o644)
		f.Write(data)
		f.Close()
		reg := schema.NewRegistry()
		r, err := Open(Options{Path: "/data/notes", File: "/d/notes.jsonl", FS: fsys, Registry: reg})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, c := range r.Commits() {
			got = append(got, c.ID)
		}
		sort.Strings(got)
		want := slices.Clone(st.Recover)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: recovered %v\nwant %v", name, got, want)
		}
		r.Close()
	}
	if found < 3 {
		t.Fatalf("found %d stages in damaged.json", found)
	}
}

func TestPendingEditsGatherIntoOneCommit(t *testing.T) {
	var fire func()
	afterFunc := func(d time.Duration, f func()) func() bool { fire = f; return func() bool { return true } }

	reg := schema.NewRegistry()
	reg.Register(noteSchema)
	r, err := Open(Options{Path: "/data/notes", File: "/p.jsonl", FS: vfs.NewMem(), Registry: reg, CommitDelay: time.Second, AfterFunc: afterFunc})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range 5 {
		r.Set("k", item(t, reg, schema.Data{"text": fmt.Sprint(i)}))
		if v, _ := r.Value("k"); v.Get("text") != fmt.Sprint(i) {
			t.Fatal("a pending edit is not visible at once")
		}
	}
	if r.NumCommits() != 0 {
		t.Fatal("committed before the delay")
	}
	fire()
	if r.NumCommits() != 1 {
		t.Fatalf("%d commits, want 1", r.NumCommits())
	}
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Value("missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
}

func TestNewIDShapeAndSpread(t *testing.T) {
	seen := map[string]bool{}
	var counts [256]int
	for range 20000 {
		id := NewID()
		if len(id) != 24 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
		for i := 0; i < len(id); i++ {
			counts[id[i]]++
		}
	}
	// Every one of the 36 characters appears close to 1/36 of the time.
	for _, c := range []byte(idAlphabet) {
		if n := counts[c]; n < 11000 || n > 15700 {
			t.Errorf("character %q appears %d times out of 480000", c, n)
		}
	}
}

// TestSetRacingCloseLosesNothing: every Set that Close did not refuse is
// committed and durable.
func TestSetRacingCloseLosesNothing(t *testing.T) {
	fsys := vfs.NewMem()
	reg := schema.NewRegistry()
	reg.Register(noteSchema)
	r, err := Open(Options{Path: "/data/notes", File: "/r.jsonl", FS: fsys, Registry: reg, CommitDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan int, 1)
	go func() {
		last := -1
		for i := 0; ; i++ {
			if err := r.Set(fmt.Sprintf("k%d", i), item(t, reg, schema.Data{"text": "x"})); err != nil {
				accepted <- last
				return
			}
			last = i
		}
	}()
	for r.Len() < 50 {
		runtime.Gosched()
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	last := <-accepted
	re, err := Open(Options{Path: "/data/notes", File: "/r.jsonl", FS: fsys, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	for i := 0; i <= last; i++ {
		if _, err := re.Value(fmt.Sprintf("k%d", i)); err != nil {
			t.Fatalf("accepted k%d lost: %v", i, err)
		}
	}
}

// TestLoadedEntriesReadAsParsedCommits checks what a repository keeps of
// a loaded commit (its line and where fields lie in it) against parsing
// the line, for plain keys, keys that are escaped in JSON (which cannot
// be slices of the line), deltas and chains; and that Commits, once it
// has parsed the lines, and CommitLines agree with the file.
func TestLoadedEntriesReadAsParsedCommits(t *testing.T) {
	fsys := vfs.NewMem()
	r := newTestRepo(t, fsys, "/d/data/notes.jsonl", nil)
	reg := r.opts.Registry
	keys := []string{"plain", `quo"te`, "back\\slash", "é-ü", ""}
	want := map[string]*value.Item{}
	for i := range 12 {
		for _, k := range keys {
			// A long text that stays the same makes most commits deltas.
			it := item(t, reg, schema.Data{"text": strings.Repeat("text of "+k, 20), "n": float64(i)})
			if err := r.Set(k, it); err != nil {
				t.Fatal(err)
			}
			want[k] = it
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r2 := newTestRepo(t, fsys, "/d/data/notes.jsonl", nil)
	defer r2.Close()
	deltas, kept := 0, 0
	for _, e := range r2.order {
		if e.c.Load() != nil {
			kept++ // the escaped keys' commits, parsed at load
		}
		c, err := commit.Parse(e.raw())
		if err != nil {
			t.Fatal(err)
		}
		if e.ID() != c.ID || e.Key() != c.Key || e.Base() != c.Base || e.ts != c.TS ||
			e.IsDelta() != c.IsDelta() || !bytes.Equal(e.Record(), c.Record) || !bytes.Equal(e.Edit(), c.Edit) {
			t.Fatalf("entry of %s reads %q %q %q %d, the line says %q %q %q %d", c.ID, e.ID(), e.Key(), e.Base(), e.ts, c.ID, c.Key, c.Base, c.TS)
		}
		if c.IsDelta() {
			deltas++
		}
	}
	if deltas == 0 || kept == 0 || kept == len(r2.order) {
		t.Fatalf("%d deltas, %d of %d commits kept parsed: the test does not cover both kinds", deltas, kept, len(r2.order))
	}
	lines := r2.CommitLines()
	cs := r2.Commits()
	if len(cs) != len(lines) || len(cs) != 12*len(keys) {
		t.Fatalf("%d commits, %d lines", len(cs), len(lines))
	}
	for i, c := range cs {
		p, err := commit.Parse(c.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, p) {
			t.Fatalf("commit %d: %+v, its line parses to %+v", i, c, p)
		}
		if l := lines[i]; l.ID != c.ID || l.Key != c.Key || !bytes.Equal(l.Raw, c.Raw) {
			t.Fatalf("line %d: %q %q, commit %q %q", i, l.ID, l.Key, c.ID, c.Key)
		}
		if r2.Commit(c.ID) != c {
			t.Fatalf("commit %s is parsed again on every request", c.ID)
		}
	}
	for _, k := range keys {
		v, err := r2.Value(k)
		if err != nil || !v.Equal(want[k]) {
			t.Fatalf("key %q: %v %v", k, v, err)
		}
	}
	if got := r2.Keys(); len(got) != len(keys) {
		t.Fatalf("keys %q", got)
	}
}
