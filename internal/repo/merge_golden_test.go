package repo

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/schema"
	"goatdb/internal/testutil"
	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

// goldenSchemas are the schemas of the merge golden files: t/2 adds a
// field its upgrade derives from t/1's title.
func goldenRegistry(t *testing.T) *schema.Registry {
	fields := schema.Fields{
		"title": {Type: schema.String},
		"n":     {Type: schema.Number},
		"done":  {Type: schema.Bool},
		"tags":  {Type: schema.Set},
		"meta":  {Type: schema.Map},
	}
	v2 := maps.Clone(fields)
	v2["note"] = schema.Field{Type: schema.String}
	reg := schema.NewRegistry()
	for _, s := range []schema.Schema{
		{NS: "t", Version: 1, Fields: fields},
		{NS: "t", Version: 2, Fields: v2, Upgrade: func(d schema.Data, _ *schema.Schema) (schema.Data, error) {
			out := maps.Clone(d)
			if title, ok := d["title"].(string); ok {
				out["note"] = "from " + title
			}
			return out, nil
		}},
	} {
		if err := reg.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

// TestMergeGolden runs the data-driven merge scenarios in testdata/merge:
// leaves and high-probability leaves, leader election, merge bases, merge
// records, automatic merges and rebases. GOATDB_REWRITE=1 rewrites the
// expected outputs.
func TestMergeGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/merge/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			g := newGolden(t)
			defer g.r.Close()
			testutil.RunDataDriven(t, file, g.run)
		})
	}
}

type golden struct {
	reg *schema.Registry
	r   *Repo
	now int64
}

func newGolden(t *testing.T) *golden {
	g := &golden{reg: goldenRegistry(t), now: 1_000_000}
	r, err := Open(Options{Path: "/data/t", File: "/t.jsonl", FS: vfs.NewMem(), Registry: g.reg,
		Session: "me", ConnID: "myconn", Now: func() time.Time { return time.UnixMilli(g.now) },
		AfterFunc: func(time.Duration, func()) func() bool { return func() bool { return true } },
		Rand:      rand.New(rand.NewPCG(1, 2))}) // merge commit ids show in the files
	if err != nil {
		t.Fatal(err)
	}
	r.holdMerges = true
	g.r = r
	return g
}

func (g *golden) run(t *testing.T, c *testutil.Case) string {
	key := c.Arg("key", "k")
	switch c.Cmd {
	case "commit":
		if c.Arg("id", "") == "" {
			// Commit pending local edits, as the commit delay ending does.
			if err := g.r.commitDirty(); err != nil {
				return "error: " + err.Error()
			}
			h := g.r.Head(key)
			return fmt.Sprintf("head parents=%s session=%s", strings.Join(h.Parents, ","), h.Session)
		}
		return g.commit(c, key)
	case "merge":
		v, mb, err := g.r.MergeValue(c.Args)
		if err != nil {
			return "error: " + err.Error()
		}
		return "base: " + orNone(mb) + "\n" + formatItem(v)
	case "lca":
		g.r.mu.Lock()
		defer g.r.mu.Unlock()
		a, b := g.r.mustEntryLocked(c.Args[0]), g.r.mustEntryLocked(c.Args[1])
		if a == nil || b == nil {
			return "error: unknown commit"
		}
		if l := g.r.lcaLocked(a, b); l != nil {
			return l.ID()
		}
		return "none"
	case "leaves":
		var ids []string
		for _, l := range g.r.Leaves(key) {
			ids = append(ids, l.ID)
		}
		return strings.Join(ids, " ")
	case "hpleaf":
		g.r.mu.Lock()
		defer g.r.mu.Unlock()
		e := g.r.mustEntryLocked(c.Args[0])
		desc := slices.Clone(g.r.keyLocked(e.Key()).commits())
		sortDesc(desc)
		return strconv.FormatBool(highProbabilityLeafLocked(e, desc))
	case "leader":
		return rendezvousLeader(c.Args, key)
	case "value":
		v, err := g.r.Value(key)
		if err != nil {
			return "error: " + err.Error()
		}
		return formatItem(v)
	case "edit":
		// A local edit made on top of the current head and not yet
		// committed, as the item API holds it during its commit delay.
		s, _ := g.reg.Get(c.Arg("schema", "t/1"))
		it, err := itemFrom(s, c.Input)
		if err != nil {
			return "error: " + err.Error()
		}
		g.r.mu.Lock()
		defer g.r.mu.Unlock()
		ks := g.r.keyLocked(key)
		if ks == nil {
			ks = g.r.addFullKeyLocked(g.r.hash.of(key), key)
		}
		ks.setPending(it, g.r.headLocked(ks))
		g.r.dirty[key] = struct{}{}
		return "ok"
	case "settle":
		// What happens when commits arrive: merge if leading, rebase.
		g.r.mu.Lock()
		defer g.r.mu.Unlock()
		g.r.holdMerges = c.Arg("merge", "false") != "true"
		defer func() { g.r.holdMerges = true }()
		if err := g.r.settleLocked(key); err != nil {
			return "error: " + err.Error()
		}
		return "ok"
	case "automerge":
		// One merge attempt as this peer (session=) at time now=.
		g.now, _ = strconv.ParseInt(c.Arg("now", strconv.FormatInt(g.now, 10)), 10, 64)
		g.r.mu.Lock()
		defer g.r.mu.Unlock()
		g.r.opts.Session = c.Arg("session", "me")
		g.r.holdMerges = false
		defer func() { g.r.holdMerges, g.r.opts.Session = true, "me" }()
		mc, err := g.r.mergeIfNeededLocked(key, c.Arg("force", "") == "true")
		switch {
		case err != nil:
			return "error: " + err.Error()
		case mc == nil && g.r.deferred[key].due > 0:
			d := g.r.deferred[key]
			delete(g.r.deferred, key)
			return fmt.Sprintf("deferred until %d (force=%v)", d.due, d.force)
		case mc == nil:
			return "no merge"
		}
		v, _ := g.r.itemLocked(g.r.mustEntryLocked(mc.ID))
		return fmt.Sprintf("merge parents=%s mb=%s ml=%s\n%s", strings.Join(mc.Parents, ","), orNone(mc.MergeBase), mc.MergeLeader, formatItem(v))
	}
	t.Fatalf("%s: unknown command %q", c.Pos, c.Cmd)
	return ""
}

// commit inserts a commit as if it came from a peer:
//
//	commit id=ID [key=K] [parents=A,B] [session=S] [conn=C] [ts=MS] [schema=t/1] [af=X,Y] [base=B]
//	{tagged JSON data}
//
// af lists the ids the commit's ancestors filter holds (and ac their count);
// base makes it a delta against commit B.
func (g *golden) commit(c *testutil.Case, key string) string {
	s, ok := g.reg.Get(c.Arg("schema", "t/1"))
	if !ok {
		return "error: unknown schema"
	}
	it, err := itemFrom(s, c.Input)
	if err != nil {
		return "error: " + err.Error()
	}
	ts, _ := strconv.ParseInt(c.Arg("ts", "1"), 10, 64)
	cm := &commit.Commit{Ver: BuildVersion, ID: c.Arg("id", ""), Key: key, Session: c.Arg("session", "s1"),
		ConnID: c.Arg("conn", c.Arg("session", "s1")), TS: ts, Org: "localhost", Record: it.AppendRecord(nil)}
	if p := c.Arg("parents", ""); p != "" {
		cm.Parents = strings.Split(p, ",")
	}
	if b := c.Arg("base", ""); b != "" {
		// A delta against b, whose edit sets the fields given.
		cm.Record, cm.Base = nil, b
		cm.Edit = value.AppendEdit(nil, "0", it.Checksum(), value.Diff(nil, it))
	}
	if af := c.Arg("af", ""); af != "" {
		cm.AF, cm.AC = commit.NewAncestors(strings.Split(af, ","))
	}
	cm.Encode()
	parsed, err := commit.Parse(cm.Raw)
	if err != nil {
		return "error: " + err.Error()
	}
	if _, err := g.r.Insert([]*commit.Commit{parsed}); err != nil {
		return "error: " + err.Error()
	}
	return "ok"
}

func itemFrom(s *schema.Schema, input string) (*value.Item, error) {
	if strings.TrimSpace(input) == "" {
		input = "{}"
	}
	d, err := value.FromTagged(s, []byte(input))
	if err != nil {
		return nil, err
	}
	return value.NewItem(s, d)
}

// formatItem prints an item one field per line, sorted, in tagged JSON.
func formatItem(v *value.Item) string {
	var b strings.Builder
	b.WriteString("schema: " + v.Schema.Marker())
	for _, name := range slices.Sorted(maps.Keys(v.Data)) {
		f, _ := v.Schema.Field(name)
		tv := value.TaggedValue(f.Type, v.Data[name])
		if f.Type == schema.Set {
			// Set order is insertion order; sort for a stable reading.
			tv = sortedSet(v.Data[name])
		}
		j, _ := json.Marshal(tv)
		fmt.Fprintf(&b, "\n%s: %s", name, j)
	}
	return b.String()
}

func sortedSet(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	slices.Sort(out)
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
