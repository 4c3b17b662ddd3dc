package trust

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"goatdb/internal/commit"
	"goatdb/internal/testutil"
)

var fixtureDirs = []string{"db-client", "db-client2", "db-server/localhost"}

// fixtureLines returns every non-empty line of every .jsonl file under dir.
func fixtureLines(t testing.TB, dir string) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	for _, sub := range []string{"data", "sys"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.jsonl"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<24)
			rel, _ := filepath.Rel(dir, f)
			out[rel] = nil
			for sc.Scan() {
				if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
					out[rel] = append(out[rel], append([]byte(nil), line...))
				}
			}
		}
	}
	return out
}

// fixturePool loads a fixture directory's settings.json and admits the
// sessions of its sys/sessions.jsonl through AddSessionCommit, as a peer
// learns them.
func fixturePool(t testing.TB, dir string) *TrustPool {
	t.Helper()
	st, err := LoadSettings(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Start from the current session and the roots only, so that every
	// other session has to come in through a root-signed commit.
	p := NewTrustPool("localhost", st.Current, st.Roots, nil)
	for _, line := range fixtureLines(t, dir)[filepath.Join("sys", "sessions.jsonl")] {
		c, err := commit.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.AddSessionCommit(c); err != nil {
			t.Fatalf("%s: session commit %s: %v", dir, c.ID, err)
		}
	}
	return p
}

func TestFixtureCommitsVerify(t *testing.T) {
	root := testutil.Fixtures(t)
	total := 0
	for _, d := range fixtureDirs {
		dir := filepath.Join(root, d)
		p := fixturePool(t, dir)
		n := 0
		for file, lines := range fixtureLines(t, dir) {
			var cs []*commit.Commit
			for i, line := range lines {
				c, err := commit.Parse(line)
				if err != nil {
					t.Fatalf("%s/%s:%d: %v", d, file, i+1, err)
				}
				if c.Sig == "" {
					t.Fatalf("%s/%s:%d: unsigned", d, file, i+1)
				}
				// Standalone path, with the signer looked up by hand.
				sig, _ := ParseSignature(c.Sig)
				signer, ok := p.Session(sig.SessionID)
				if !ok {
					t.Fatalf("%s/%s:%d: unknown signer %s", d, file, i+1, sig.SessionID)
				}
				if err := VerifyCommit(c, signer, "localhost"); err != nil {
					t.Errorf("%s/%s:%d: %v", d, file, i+1, err)
				}
				cs = append(cs, c)
			}
			for i, err := range p.VerifyAll(cs) {
				if err != nil {
					t.Errorf("%s/%s:%d: pool: %v", d, file, i+1, err)
				}
			}
			t.Logf("%s/%s: %d signed commits verify", d, file, len(lines))
			n += len(lines)
		}
		total += n
	}
	t.Logf("%d fixture commits verified", total)
	if total < 3*149 {
		t.Errorf("only %d commits found", total)
	}
}
