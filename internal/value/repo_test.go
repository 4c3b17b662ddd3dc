package value

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"goatdb/internal/schema"
)

// fixtureDBs pairs each fixture directory with its expected file.
var fixtureDBs = []struct{ dir, expected string }{
	{"db-client", "expected.json"},
	{"db-client2", "expected-db-client2.json"},
	{"db-server/localhost", "expected-db-server.json"},
}

var fixtureRepos = []string{"/data/tasks", "/data/notes", "/data/docs", "/sys/sessions"}

type expectedFile struct {
	Repos map[string]struct {
		CorruptedCommits []string `json:"corruptedCommits"`
		DeltaCommits     int      `json:"deltaCommits"`
		FullCommits      int      `json:"fullCommits"`
	} `json:"repos"`
	Items map[string]expectedItem `json:"items"`
}

type expectedItem struct {
	Head   string `json:"head"`
	Stored struct {
		Schema   string          `json:"schema"`
		Checksum string          `json:"checksum"`
		Deleted  bool            `json:"deleted"`
		Fields   json.RawMessage `json:"fields"`
	} `json:"stored"`
}

func loadExpected(t testing.TB, name string) expectedFile {
	var e expectedFile
	if err := json.Unmarshal(readFixture(t, name), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestRecordChecksums recomputes the checksum of every full commit of the
// fixture repositories and compares it with the stored "cs".
func TestRecordChecksums(t *testing.T) {
	reg := fixtureRegistry(t)
	for _, db := range fixtureDBs {
		exp := loadExpected(t, db.expected)
		for _, repo := range fixtureRepos {
			full := 0
			for _, c := range readCommits(t, db.dir+repo+".jsonl") {
				if c.C.R == nil {
					continue
				}
				full++
				it, err := DecodeRecord(c.C.R, reg)
				if err != nil {
					t.Errorf("%s%s %s: %v", db.dir, repo, c.ID, err)
					continue
				}
				want := storedCS(t, c.C.R)
				if it.StoredChecksum() != want {
					t.Errorf("%s %s: stored checksum %q, want %q", repo, c.ID, it.StoredChecksum(), want)
				}
				if got := computedChecksum(it); got != want || !it.ChecksumExact() {
					t.Errorf("%s%s %s: checksum %s (exact %v), stored %s", db.dir, repo, c.ID, got, it.ChecksumExact(), want)
				}
				if rec := it.AppendRecord(nil); !sameJSON(t, rec, c.C.R) {
					t.Errorf("%s %s: re-encoded record\n got %s\nwant %s", repo, c.ID, rec, c.C.R)
				}
			}
			if n := exp.Repos[repo].FullCommits; full != n {
				t.Errorf("%s%s: %d full commits, expected file says %d", db.dir, repo, full, n)
			}
		}
	}
}

// computedChecksum ignores the stored "cs" so that the test proves the
// algorithm, not the copy.
func computedChecksum(it *Item) string {
	c := it.Clone()
	c.invalidate()
	return c.Checksum()
}

func storedCS(t testing.TB, rec []byte) string {
	var r struct {
		CS string `json:"cs"`
	}
	if err := json.Unmarshal(rec, &r); err != nil {
		t.Fatal(err)
	}
	return r.CS
}

// TestDeltaCommits is the key conformance test: every delta commit is
// decoded, re-encoded, and applied to its base; the result must have the
// stored "dc" exactly when upstream does not read the commit as corrupted.
func TestDeltaCommits(t *testing.T) {
	reg := fixtureRegistry(t)
	for _, db := range fixtureDBs {
		exp := loadExpected(t, db.expected)
		for _, repo := range fixtureRepos {
			corrupted := map[string]bool{}
			for _, id := range exp.Repos[repo].CorruptedCommits {
				corrupted[id] = true
			}
			commits := readCommits(t, db.dir+repo+".jsonl")
			byID := map[string]commitLine{}
			for _, c := range commits {
				byID[c.ID] = c
			}
			deltas, seenCorrupted, matched := 0, 0, 0
			for _, c := range commits {
				if c.C.E == nil {
					continue
				}
				deltas++
				name := fmt.Sprintf("%s%s %s", db.dir, repo, c.ID)
				base, ok := byID[c.C.B]
				if !ok || base.C.R == nil {
					t.Errorf("%s: base %s is not a full commit", name, c.C.B)
					continue
				}
				baseItem, err := DecodeRecord(base.C.R, reg)
				if err != nil {
					t.Fatalf("%s: base: %v", name, err)
				}
				sc, dc, ch, err := DecodeEdit(c.C.E, baseItem.Schema)
				if err != nil {
					t.Errorf("%s: DecodeEdit: %v", name, err)
					continue
				}
				if re := AppendEdit(nil, sc, dc, ch); !sameJSON(t, re, c.C.E) {
					t.Errorf("%s: re-encoded edit\n got %s\nwant %s", name, re, c.C.E)
				}
				patched := baseItem.Clone()
				perr := patched.Patch(ch)
				ok = computedChecksum(baseItem) == sc && perr == nil && patched.Checksum() == dc
				if corrupted[c.ID] {
					seenCorrupted++
					if ok {
						t.Errorf("%s: upstream reads it as corrupted, but patching gives dc", name)
					}
				} else if !ok {
					t.Errorf("%s: base checksum %s (sc %s), patched %s (dc %s), patch error %v", name, computedChecksum(baseItem), sc, patched.Checksum(), dc, perr)
				} else {
					matched++
				}
			}
			if n := exp.Repos[repo].DeltaCommits; deltas != n {
				t.Errorf("%s%s: %d deltas, expected file says %d", db.dir, repo, deltas, n)
			}
			if seenCorrupted != len(corrupted) {
				t.Errorf("%s%s: %d of %d corrupted commits are deltas", db.dir, repo, seenCorrupted, len(corrupted))
			}
			t.Logf("%s%s: %d deltas, %d patched to dc, %d corrupted as upstream", db.dir, repo, deltas, matched, seenCorrupted)
		}
	}
}

// TestExpectedItems checks every stored head value of the expected files:
// its tagged fields parse for its schema, its checksum is upstream's, and
// it equals the head commit's item (decoded, or patched for a delta head).
func TestExpectedItems(t *testing.T) {
	reg := fixtureRegistry(t)
	for _, db := range fixtureDBs {
		exp := loadExpected(t, db.expected)
		commits := map[string]map[string]commitLine{}
		for _, repo := range fixtureRepos {
			m := map[string]commitLine{}
			for _, c := range readCommits(t, db.dir+repo+".jsonl") {
				m[c.ID] = c
			}
			commits[repo] = m
		}
		checked := 0
		for path, e := range exp.Items {
			repo := path[:strings.LastIndexByte(path, '/')]
			s := mustSchema(t, reg, e.Stored.Schema)
			data, err := FromTagged(s, e.Stored.Fields)
			if err != nil {
				t.Errorf("%s: FromTagged: %v", path, err)
				continue
			}
			if e.Stored.Deleted {
				data[schema.DeletedField] = true
			}
			want, err := NewItem(s, data)
			if err != nil {
				t.Errorf("%s: NewItem: %v", path, err)
				continue
			}
			if got := want.Checksum(); got != e.Stored.Checksum {
				t.Errorf("%s: checksum %s, want %s", path, got, e.Stored.Checksum)
			}
			if want.Deleted() != e.Stored.Deleted {
				t.Errorf("%s: Deleted() = %v", path, want.Deleted())
			}
			round, err := FromTagged(s, AppendTagged(nil, s, want.Data))
			if err != nil {
				t.Errorf("%s: tagged round trip: %v", path, err)
			} else if e.Stored.Deleted {
				round[schema.DeletedField] = true
			}
			if r, err := NewItem(s, round); err != nil || !r.Equal(want) {
				t.Errorf("%s: tagged round trip differs (%v)", path, err)
			}
			head, ok := commits[repo][e.Head]
			if !ok {
				t.Errorf("%s: head %s not found", path, e.Head)
				continue
			}
			var got *Item
			if head.C.R != nil {
				got, err = DecodeRecord(head.C.R, reg)
			} else {
				got, err = DecodeRecord(commits[repo][head.C.B].C.R, reg)
				if err == nil {
					var ch Changes
					if _, _, ch, err = DecodeEdit(head.C.E, got.Schema); err == nil {
						err = got.Patch(ch)
					}
				}
			}
			if err != nil {
				t.Errorf("%s: head: %v", path, err)
				continue
			}
			if !got.Equal(want) {
				t.Errorf("%s: head item differs from expected\n got %s\nwant %s", path, AppendTagged(nil, s, got.Data), e.Stored.Fields)
			}
			checked++
		}
		t.Logf("%s: %d items checked", db.expected, checked)
	}
}
