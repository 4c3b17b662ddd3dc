package goatdb

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"goatdb/internal/itempath"
	"goatdb/internal/testutil"
	"goatdb/internal/value"
)

type expectedFile struct {
	ReaderSession string `json:"readerSession"`
	Repos         map[string]struct {
		Commits          int      `json:"commits"`
		FullCommits      int      `json:"fullCommits"`
		DeltaCommits     int      `json:"deltaCommits"`
		MergeCommits     int      `json:"mergeCommits"`
		Keys             int      `json:"keys"`
		CorruptedCommits []string `json:"corruptedCommits"`
		Heads            map[string]struct {
			Head   string   `json:"head"`
			Leaves []string `json:"leaves"`
		} `json:"heads"`
	} `json:"repos"`
	Items map[string]struct {
		Schema   string          `json:"schema"`
		Deleted  bool            `json:"deleted"`
		Fields   json.RawMessage `json:"fields"`
		RichText bool            `json:"richtext"`
		Stored   struct {
			Schema   string          `json:"schema"`
			Checksum string          `json:"checksum"`
			Deleted  bool            `json:"deleted"`
			Fields   json.RawMessage `json:"fields"`
		} `json:"stored"`
	} `json:"items"`
}

// fixtureSchemas registers the fixture's schemas, with task/2's upgrade
// function as the fixture README describes it when withUpgrade is set.
func fixtureSchemas(t *testing.T, db *DB, withUpgrade bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.Fixtures(t), "schemas.json"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := ParseSchemas(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.NS == "task" && s.Version == 2 {
			if !withUpgrade {
				continue
			}
			s.Upgrade = func(d Data, from *Schema) (Data, error) {
				out := Data{}
				for k, v := range d {
					out[k] = v
				}
				if p, ok := out["priority"]; ok {
					out["rank"] = p
					delete(out, "priority")
				}
				out["status"] = "open"
				if done, _ := out["done"].(bool); done {
					out["status"] = "done"
				}
				return out, nil
			}
		}
		if err := db.Registry().Register(s); err != nil {
			t.Fatal(err)
		}
	}
}

func jsonTree(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return v
}

func TestConformanceUpstreamFixtures(t *testing.T) {
	for _, c := range []struct{ dir, expected string }{
		{"db-client", "expected.json"},
		{"db-client2", "expected-db-client2.json"},
		{"db-server/localhost", "expected-db-server.json"},
	} {
		t.Run(c.dir, func(t *testing.T) { checkFixtureDir(t, c.dir, c.expected) })
	}
}

func checkFixtureDir(t *testing.T, dir, expectedName string) {
	fx := testutil.Fixtures(t)
	var exp expectedFile
	b, err := os.ReadFile(filepath.Join(fx, expectedName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := Open(ctx, testutil.CopyDir(t, filepath.Join(fx, dir)), &Options{CommitDelay: -1, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixtureSchemas(t, db, true)
	if db.session != exp.ReaderSession {
		t.Fatalf("reader session %q, want %q from settings.json", db.session, exp.ReaderSession)
	}

	checked := 0
	for path, want := range exp.Items {
		if want.RichText {
			continue
		}
		p, err := itempath.ParseItem(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.repo(p)
		if err != nil {
			t.Fatal(err)
		}
		// The stored head value, before any upgrade.
		v, err := r.Value(p.Item)
		if err != nil {
			t.Errorf("%s: stored value: %v", path, err)
			continue
		}
		if v.Schema.Marker() != want.Stored.Schema || v.Deleted() != want.Stored.Deleted || v.Checksum() != want.Stored.Checksum {
			t.Errorf("%s: stored %s deleted=%v cs=%s, want %s deleted=%v cs=%s", path,
				v.Schema.Marker(), v.Deleted(), v.Checksum(), want.Stored.Schema, want.Stored.Deleted, want.Stored.Checksum)
		}
		if got := jsonTree(t, value.AppendTagged(nil, v.Schema, v.Data)); !reflect.DeepEqual(got, jsonTree(t, want.Stored.Fields)) {
			t.Errorf("%s: stored fields\n got %v\nwant %s", path, got, want.Stored.Fields)
		}
		// The item API's view, upgraded to the newest version.
		it, err := db.Item(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		s, _ := it.Schema()
		data, err := it.Data()
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if s.Marker() != want.Schema || it.Deleted() != want.Deleted {
			t.Errorf("%s: schema %s deleted=%v, want %s deleted=%v", path, s.Marker(), it.Deleted(), want.Schema, want.Deleted)
		}
		if got := jsonTree(t, value.AppendTagged(nil, s, data)); !reflect.DeepEqual(got, jsonTree(t, want.Fields)) {
			t.Errorf("%s: fields\n got %v\nwant %s", path, got, want.Fields)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d items checked", checked)
	}

	for repoPath, want := range exp.Repos {
		if repoPath == "/data/docs" || repoPath == "/sys/users" && want.Commits == 0 {
			continue
		}
		p, _ := itempath.ParseRepo(repoPath)
		r, err := db.repo(p)
		if err != nil {
			t.Fatal(err)
		}
		var full, delta, merge int
		var corrupted []string
		for _, c := range r.Commits() {
			if c.IsDelta() {
				delta++
			} else {
				full++
			}
			if c.IsMerge() {
				merge++
			}
			if r.IsCorrupted(c.ID) {
				corrupted = append(corrupted, c.ID)
			}
		}
		sort.Strings(corrupted)
		if r.NumCommits() != want.Commits || full != want.FullCommits || delta != want.DeltaCommits || merge != want.MergeCommits || r.Len() != want.Keys {
			t.Errorf("%s: commits=%d full=%d delta=%d merge=%d keys=%d, want %d %d %d %d %d", repoPath,
				r.NumCommits(), full, delta, merge, r.Len(), want.Commits, want.FullCommits, want.DeltaCommits, want.MergeCommits, want.Keys)
		}
		if !slices.Equal(corrupted, want.CorruptedCommits) && !(len(corrupted) == 0 && len(want.CorruptedCommits) == 0) {
			t.Errorf("%s: corrupted commits\n got %v\nwant %v", repoPath, corrupted, want.CorruptedCommits)
		}
		for key, h := range want.Heads {
			var leaves []string
			for _, c := range r.Leaves(key) {
				leaves = append(leaves, c.ID)
			}
			sort.Strings(leaves)
			wl := slices.Clone(h.Leaves)
			sort.Strings(wl)
			if !slices.Equal(leaves, wl) {
				t.Errorf("%s/%s: leaves %v, want %v", repoPath, key, leaves, wl)
			}
			if head := r.Head(key); head == nil || head.ID != h.Head {
				got := "none"
				if head != nil {
					got = head.ID
				}
				t.Errorf("%s/%s: head %s, want %s", repoPath, key, got, h.Head)
			}
		}
	}
}

// TestConformanceStoredWithoutUpgrade reads the fixture with task/2 not
// registered: every item whose head is task/1 must then read as stored.
func TestConformanceStoredWithoutUpgrade(t *testing.T) {
	fx := testutil.Fixtures(t)
	var exp expectedFile
	b, _ := os.ReadFile(filepath.Join(fx, "expected.json"))
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), testutil.CopyDir(t, filepath.Join(fx, "db-client")), &Options{CommitDelay: -1, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixtureSchemas(t, db, false)
	n := 0
	for path, want := range exp.Items {
		if want.RichText || want.Stored.Schema == "task/2" {
			continue
		}
		data, err := db.Get(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		s, _ := itempath.ParseItem(path)
		_ = s
		it, _ := db.Item(path)
		sc, _ := it.Schema()
		if got := jsonTree(t, value.AppendTagged(nil, sc, data)); !reflect.DeepEqual(got, jsonTree(t, want.Stored.Fields)) {
			t.Errorf("%s: fields\n got %v\nwant %s", path, got, want.Stored.Fields)
		}
		n++
	}
	// Items whose head is task/2 have an unknown schema here: still listed,
	// and readable as raw JSON.
	for path, want := range exp.Items {
		if want.Stored.Schema != "task/2" {
			continue
		}
		if _, err := db.Get(path); !errors.Is(err, ErrUnknownSchema) || !strings.Contains(err.Error(), "task/2") {
			t.Errorf("%s: want an unknown-schema error naming task/2, got %v", path, err)
		}
		if keys, _ := db.AllKeys("/data/tasks"); !slices.Contains(keys, path[len("/data/tasks/"):]) {
			t.Errorf("%s: not listed", path)
		}
		raw, err := db.Raw(path)
		if err != nil || !json.Valid(raw) {
			t.Errorf("%s: raw: %v", path, err)
		}
	}
	if n < 5 {
		t.Fatalf("only %d items checked", n)
	}
}
