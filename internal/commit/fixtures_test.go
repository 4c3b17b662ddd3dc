package commit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const fixtures = "../../../shared/fixtures/upstream-0.5.1/"

// fixtureLines returns every non-blank line of every repository file of the
// three fixture databases, keyed by "file:line".
func fixtureLines(t testing.TB) (names []string, lines [][]byte) {
	t.Helper()
	for _, dir := range []string{"db-client", "db-client2", "db-server/localhost"} {
		err := filepath.WalkDir(fixtures+dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".jsonl") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for n, line := range bytes.Split(data, []byte("\n")) {
				if len(line) > 0 {
					names = append(names, strings.TrimPrefix(path, fixtures)+":"+strconv.Itoa(n+1))
					lines = append(lines, line)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(lines) < 400 {
		t.Fatalf("only %d fixture lines found", len(lines))
	}
	return names, lines
}

func TestFixtureRoundTrip(t *testing.T) {
	names, lines := fixtureLines(t)
	for i, line := range lines {
		c, err := Parse(line)
		if err != nil {
			t.Errorf("%s: %v", names[i], err)
			continue
		}
		if got := c.Encode(); !bytes.Equal(got, line) {
			t.Errorf("%s: re-encoded line differs\n got %s\nwant %s", names[i], got, line)
		}
	}
}

// TestFixtureFields checks every parsed field against encoding/json's reading
// of the same line.
func TestFixtureFields(t *testing.T) {
	names, lines := fixtureLines(t)
	var deltas, merges, full int
	for i, line := range lines {
		var want struct {
			Ver float64         `json:"ver"`
			ID  string          `json:"id"`
			K   string          `json:"k"`
			S   string          `json:"s"`
			TS  int64           `json:"ts"`
			Org string          `json:"org"`
			P   []string        `json:"p"`
			AF  json.RawMessage `json:"af"`
			AC  int             `json:"ac"`
			C   struct {
				R json.RawMessage `json:"r"`
				B string          `json:"b"`
				E json.RawMessage `json:"e"`
			} `json:"c"`
			Sig string `json:"sig"`
			MB  string `json:"mb"`
			ML  string `json:"ml"`
			CID string `json:"cid"`
		}
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatal(err)
		}
		c, err := Parse(line)
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
		got := []any{c.Ver, c.ID, c.Key, c.Session, c.TS, c.Org, strings.Join(c.Parents, ","), string(c.AF), c.AC,
			string(c.Record), c.Base, string(c.Edit), c.Sig, c.MergeBase, c.MergeLeader, c.ConnID}
		exp := []any{want.Ver, want.ID, want.K, want.S, want.TS, want.Org, strings.Join(want.P, ","), string(want.AF), want.AC,
			string(want.C.R), want.C.B, string(want.C.E), want.Sig, want.MB, want.ML, want.CID}
		for j := range got {
			if got[j] != exp[j] {
				t.Errorf("%s: field %d = %v, want %v", names[i], j, got[j], exp[j])
			}
		}
		if c.IsDelta() != (want.C.R == nil) || c.IsMerge() != (len(want.P) >= 2) {
			t.Errorf("%s: IsDelta %v IsMerge %v", names[i], c.IsDelta(), c.IsMerge())
		}
		switch {
		case c.IsMerge():
			merges++
		case c.IsDelta():
			deltas++
		default:
			full++
		}
		if _, err := c.Ancestors(); err != nil {
			t.Errorf("%s: %v", names[i], err)
		}
		unsigned := c.EncodeUnsigned()
		if bytes.Contains(unsigned, []byte(`"sig"`)) || len(unsigned) != len(line)-len(`,"sig":""`)-len(c.Sig) {
			t.Errorf("%s: unsigned form %s", names[i], unsigned)
		}
	}
	if deltas == 0 || merges == 0 || full == 0 {
		t.Fatalf("fixture coverage: %d full, %d delta, %d merge", full, deltas, merges)
	}
}

// TestTranscriptCommits round-trips every commit carried by the recorded
// sync messages: the transcript holds them exactly as JSON.stringify wrote
// them.
func TestTranscriptCommits(t *testing.T) {
	f, err := os.Open(fixtures + "sync-transcript/transcript.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type message struct {
		C []json.RawMessage `json:"c"`
	}
	var body []struct {
		Msg *message `json:"msg"`
		Res *message `json:"res"`
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	n := 0
	for sc.Scan() {
		var ex struct {
			Seq     int
			Request struct {
				Path string
				Body json.RawMessage
			}
			Response struct{ Body json.RawMessage }
		}
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			t.Fatal(err)
		}
		if ex.Request.Path != "/batch-sync" {
			continue
		}
		for _, raw := range []json.RawMessage{ex.Request.Body, ex.Response.Body} {
			body = nil
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("seq %d: %v", ex.Seq, err)
			}
			for _, m := range body {
				for _, msg := range []*message{m.Msg, m.Res} {
					if msg == nil {
						continue
					}
					for _, line := range msg.C {
						n++
						c, err := Parse(line)
						if err != nil {
							t.Errorf("seq %d: %v", ex.Seq, err)
							continue
						}
						if got := c.Encode(); !bytes.Equal(got, line) {
							t.Errorf("seq %d: re-encoded commit differs\n got %s\nwant %s", ex.Seq, got, line)
						}
					}
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no commits in the transcript")
	}
}

// TestDamagedFiles checks that exactly the lines upstream's damaged files
// list as parsable are accepted.
func TestDamagedFiles(t *testing.T) {
	var d struct {
		Stages []struct {
			File  string
			Lines []struct {
				ByteOffset int
				Length     int
				Status     string
				ID         string
			}
		}
	}
	b, err := os.ReadFile(fixtures + "damaged/damaged.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	unparsable := 0
	for _, st := range d.Stages {
		data, err := os.ReadFile(fixtures + "damaged/" + st.File)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range st.Lines {
			line := data[l.ByteOffset : l.ByteOffset+l.Length]
			c, err := Parse(line)
			switch l.Status {
			case "ok":
				if err != nil || c.ID != l.ID {
					t.Errorf("%s@%d: want %s, got %v", st.File, l.ByteOffset, l.ID, err)
				}
			case "unparsable":
				unparsable++
				if err == nil {
					t.Errorf("%s@%d: accepted a damaged line", st.File, l.ByteOffset)
				}
			}
		}
	}
	if unparsable == 0 {
		t.Fatal("no damaged lines exercised")
	}
}
