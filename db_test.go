package goatdb

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"goatdb/internal/value"
	"goatdb/internal/vfs"
)

var allTypes = Schema{NS: "all", Version: 1, Fields: Fields{
	"title": {Type: String, Required: true},
	"n":     {Type: Number},
	"ok":    {Type: Bool, Default: func(Data) any { return false }},
	"when":  {Type: Date},
	"tags":  {Type: Set},
	"meta":  {Type: Map},
}}

func openTest(t testing.TB, dir string, opts *Options) *DB {
	t.Helper()
	if opts == nil {
		opts = &Options{CommitDelay: -1}
	}
	db, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Registry().Register(allTypes); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestRoundTripAndFileRules(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, nil)
	when := time.UnixMilli(1700000000123)
	want := map[string]Data{}
	for i := range 20 {
		path := fmt.Sprintf("/data/all/i%d", i)
		d := Data{"title": fmt.Sprintf("item %d ünï 🐐 <&>", i), "n": float64(i) + 0.5, "when": when,
			"tags": []any{"a", fmt.Sprint(i)}, "meta": map[string]any{"k": "v", "nested": map[string]any{"x": []any{1.0, "y"}}}}
		it, err := db.Set(path, &allTypes, d)
		if err != nil {
			t.Fatal(err)
		}
		// Many small edits, so that delta commits are written.
		for j := range 30 {
			if err := it.Set("n", float64(j)); err != nil {
				t.Fatal(err)
			}
		}
		if err := it.Update(Data{"tags": []any{"a", "b"}, "ok": true}); err != nil {
			t.Fatal(err)
		}
		got, err := it.Data()
		if err != nil {
			t.Fatal(err)
		}
		want[path] = got
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openTest(t, dir, nil)
	defer db.Close()
	for path, w := range want {
		got, err := db.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: reopened as %v, want %v", path, got, w)
		}
	}
	checkFileRules(t, filepath.Join(dir, "data", "all.jsonl"), db.Registry())
}

// checkFileRules checks every line against the interop rules for files
// both implementations read (reference §17.1).
func checkFileRules(t *testing.T, file string, reg *Registry) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	deltas, fulls := 0, 0
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var c map[string]json.RawMessage
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("line is not a JSON object: %s", line)
		}
		for _, k := range []string{"ver", "id", "k", "s", "ts", "org", "af", "c", "cid"} {
			if _, ok := c[k]; !ok {
				t.Errorf("missing %q: %s", k, line)
			}
		}
		for _, k := range []string{"revert", "age"} {
			if _, ok := c[k]; ok {
				t.Errorf("unexpected %q: %s", k, line)
			}
		}
		if sig, ok := c["sig"]; !ok || len(sig) < 10 {
			t.Errorf("unsigned commit: %s", line)
		}
		if p, ok := c["p"]; ok && string(p) == "[]" {
			t.Errorf("empty parents written: %s", line)
		}
		if ac, ok := c["ac"]; ok && string(ac) == "0" {
			t.Errorf("ac 0 written: %s", line)
		}
		for _, k := range []string{"mb", "ml"} {
			if v, ok := c[k]; ok && string(v) == `""` {
				t.Errorf("empty %s written: %s", k, line)
			}
		}
		var contents struct {
			R *struct {
				S  string                     `json:"s"`
				D  map[string]json.RawMessage `json:"d"`
				N  *bool                      `json:"n"`
				CS string                     `json:"cs"`
			} `json:"r"`
			B string `json:"b"`
			E *struct {
				SC string                     `json:"sc"`
				DC string                     `json:"dc"`
				C  map[string]json.RawMessage `json:"c"`
			} `json:"e"`
		}
		if err := json.Unmarshal(c["c"], &contents); err != nil {
			t.Fatal(err)
		}
		switch {
		case contents.R != nil:
			fulls++
			var raw struct {
				R json.RawMessage `json:"r"`
			}
			json.Unmarshal(c["c"], &raw)
			if it, err := value.DecodeRecord(raw.R, reg); err != nil || it.Checksum() != contents.R.CS {
				t.Errorf("record checksum %s is not upstream's checksum of its data (%v)", contents.R.CS, err)
			}
			r := contents.R
			if r.S != "all/1" || r.N == nil || !*r.N || r.CS == "" {
				t.Errorf("bad record header: %s", c["c"])
			}
			for name, v := range r.D {
				switch name {
				case "when":
					var secs float64
					if json.Unmarshal(v, &secs) != nil || secs != 1700000000.123 {
						t.Errorf("date not stored as seconds: %s", v)
					}
				case "tags":
					if !strings.HasPrefix(string(v), `{"__t":"S","__v":[`) {
						t.Errorf("set not in upstream's wrapper: %s", v)
					}
				case "meta":
					if !strings.HasPrefix(string(v), "{") || strings.Contains(string(v), "__t") {
						t.Errorf("map not a plain object: %s", v)
					}
				}
			}
		case contents.B != "" && contents.E != nil:
			deltas++
			if contents.E.SC == "" || contents.E.DC == "" {
				t.Errorf("delta without checksums: %s", c["c"])
			}
		default:
			t.Errorf("contents neither full nor delta: %s", c["c"])
		}
	}
	if deltas == 0 || fulls == 0 {
		t.Errorf("want both full and delta commits, got %d full, %d delta", fulls, deltas)
	}
}

func TestConcurrentWritersLoseNothing(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, &Options{CommitDelay: time.Millisecond, Trusted: true})
	const writers, per = 50, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				_, err := db.Set(fmt.Sprintf("/data/all/w%d-%d", w, i), &allTypes, Data{"title": "t", "n": float64(w*per + i)})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTest(t, dir, nil)
	defer db.Close()
	n, err := db.Count("/data/all")
	if err != nil || n != writers*per {
		t.Fatalf("count %d (%v), want %d", n, err, writers*per)
	}
	for w := range writers {
		for i := range per {
			d, err := db.Get(fmt.Sprintf("/data/all/w%d-%d", w, i))
			if err != nil || d["n"] != float64(w*per+i) {
				t.Fatalf("w%d-%d: %v %v", w, i, d, err)
			}
		}
	}
}

func TestConcurrentFieldEditsOfOneItem(t *testing.T) {
	db := openTest(t, t.TempDir(), &Options{CommitDelay: time.Millisecond})
	defer db.Close()
	it, err := db.Set("/data/all/one", &allTypes, Data{"title": "x"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if err := it.Update(Data{"meta": map[string]any{"last": float64(i)}, "n": float64(g)}); err != nil {
					t.Error(err)
					return
				}
				it.Get("n")
			}
		}()
	}
	wg.Wait()
	if err := db.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := it.Get("meta").(map[string]any)["last"]; got != 99.0 {
		t.Fatalf("meta.last = %v, want 99", got)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, nil)
	defer db.Close()
	if _, err := db.Set("/data/all/ok", &allTypes, Data{"title": "kept"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/data/../x/y", "/Data/all/x", "/data//x", "data", "/data/all/x/y/z", "/data/all/a b"} {
		if _, err := db.Set(p, &allTypes, Data{"title": "x"}); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("Set(%q): %v, want ErrInvalidPath", p, err)
		}
		if _, err := db.Item(p); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("Item(%q): %v, want ErrInvalidPath", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "x")); err == nil {
		t.Error("a path with .. created a directory outside the data directory")
	}
	for _, d := range []Data{
		{},                                  // missing required
		{"title": 3},                        // wrong type
		{"title": "x", "n": "three"},        // wrong type
		{"title": "x", "nope": 1},           // unknown field
		{"title": "x", "tags": "notaset"},   // wrong type
		{"title": "x", "meta": []any{1, 2}}, // wrong type
		{"title": "x", "when": "yesterday"}, // wrong type
	} {
		if _, err := db.Set("/data/all/bad", &allTypes, d); err == nil {
			t.Errorf("Set(%v) succeeded", d)
		}
	}
	it, _ := db.Item("/data/all/ok")
	if err := it.Set("n", "NaN?"); !errors.Is(err, ErrType) {
		t.Errorf("Set wrong type: %v, want ErrType", err)
	}
	if got := it.Get("title"); got != "kept" {
		t.Errorf("stored item changed by a failed write: %v", got)
	}
	if _, err := db.Item("/data/all/missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing item: %v, want ErrNotFound", err)
	}
}

func TestUnwritableDirectory(t *testing.T) {
	// A data directory under a regular file cannot be created.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := Open(context.Background(), filepath.Join(file, "db"), nil); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}

	// A repository whose file cannot be created fails with a clear error,
	// and one that stops accepting writes reports it on Flush, while what
	// was stored before stays readable.
	fsys := vfs.NewMem()
	ctx := context.Background()
	db, err := openFS(ctx, fsys, "/d", &Options{CommitDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	db.Registry().Register(allTypes)
	if _, err := db.Set("/data/all/kept", &allTypes, Data{"title": "kept"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	denied := errors.New("permission denied")
	fsys.SetFault(func(op, name string) error {
		if op == vfs.OpMkdir || op == vfs.OpWrite || (op == vfs.OpOpen && strings.Contains(name, "other")) {
			return denied
		}
		return nil
	})
	if _, err := db.Set("/data/other/x", &allTypes, Data{"title": "x"}); !errors.Is(err, denied) {
		t.Fatalf("creating a repository in an unwritable directory: %v", err)
	}
	if _, err := db.Set("/data/all/more", &allTypes, Data{"title": "more"}); err != nil {
		t.Fatal(err) // accepted in memory; the failure shows on Flush
	}
	if err := db.Flush(ctx); !errors.Is(err, denied) {
		t.Fatalf("Flush after a failed write: %v", err)
	}
	if d, err := db.Get("/data/all/kept"); err != nil || d["title"] != "kept" {
		t.Fatalf("stored item unreadable after write failure: %v %v", d, err)
	}
	db.Close()
	fsys.SetFault(nil)
	re, err := openFS(ctx, fsys, "/d", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	re.Registry().Register(allTypes)
	if d, err := re.Get("/data/all/kept"); err != nil || d["title"] != "kept" {
		t.Fatalf("stored item lost: %v %v", d, err)
	}
}

func TestDeleteAndKeys(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	defer db.Close()
	for _, k := range []string{"a", "b", "c"} {
		if _, err := db.Set("/data/all/"+k, &allTypes, Data{"title": k}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Delete("/data/all/b"); err != nil {
		t.Fatal(err)
	}
	keys, _ := db.Keys("/data/all")
	all, _ := db.AllKeys("/data/all")
	if !reflect.DeepEqual(keys, []string{"a", "c"}) || !reflect.DeepEqual(all, []string{"a", "b", "c"}) {
		t.Fatalf("keys %v all %v", keys, all)
	}
	it, _ := db.Item("/data/all/b")
	if !it.Deleted() {
		t.Fatal("not deleted")
	}
	h, _ := db.History("/data/all/b")
	// Newest first by timestamp; within one millisecond the order is by id,
	// so find the edit by its parent link.
	if len(h) != 2 {
		t.Fatalf("history has %d commits, want 2", len(h))
	}
	if !(len(h[0].Parents) == 1 && h[0].Parents[0] == h[1].ID) && !(len(h[1].Parents) == 1 && h[1].Parents[0] == h[0].ID) {
		t.Fatalf("the delete is not a child of the create: %+v", h)
	}
}

func TestNoCommitWhenNothingChanges(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	defer db.Close()
	it, _ := db.Set("/data/all/x", &allTypes, Data{"title": "x", "meta": map[string]any{"o": map[string]any{"deep": []any{1.0}}}})
	for range 5 {
		if err := it.Update(Data{"meta": map[string]any{"o": map[string]any{"deep": []any{1.0}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if h, _ := db.History("/data/all/x"); len(h) != 1 {
		t.Fatalf("%d commits, want 1: an edit that changes nothing must not commit", len(h))
	}
}

func TestItemHandlesAreShared(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	if _, err := db.Set("/data/all/h", &allTypes, Data{"title": "one"}); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Item("/data/all/h")
	b, _ := db.Item("/data/all/h")
	c, _ := db.Item("data/all/h/") // another spelling of the same item
	if a != b || c != a || c.Path() != "/data/all/h" {
		t.Fatalf("handles %p %p, path %q", a, b, c.Path())
	}
	if err := c.Set("title", "two"); err != nil {
		t.Fatal(err)
	}
	if a.Get("title") != "two" {
		t.Fatal("a shared handle does not see an edit made through another")
	}
	db.Close()
	if _, err := db.Item("/data/all/h"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Item after Close: %v", err)
	}
}
