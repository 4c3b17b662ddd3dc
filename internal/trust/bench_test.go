package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/testutil"
)

// benchCommit is an ordinary edit of the fixture (a delta of /data/tasks).
func benchCommit(b *testing.B) *commit.Commit {
	lines := fixtureLines(b, filepath.Join(testutil.Fixtures(b), "db-client"))[filepath.Join("data", "tasks.jsonl")]
	c, err := commit.Parse(lines[len(lines)/2])
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkSign(b *testing.B) {
	s := newTestSession(b, "")
	c := benchCommit(b)
	c.Session = s.ID
	for b.Loop() {
		if err := SignCommit(s, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is one commit verification, without the pool's cache.
func BenchmarkVerify(b *testing.B) {
	s := newTestSession(b, "")
	c := benchCommit(b)
	c.Session = s.ID
	if err := SignCommit(s, c); err != nil {
		b.Fatal(err)
	}
	pub := s.Public()
	for b.Loop() {
		if err := VerifyCommit(c, pub, "localhost"); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSet is 10,000 distinct signed commits, built once per session
// count: signing them takes seconds.
type benchSet struct {
	commits  []*commit.Commit
	sessions []*Session
}

var benchSets sync.Map // number of sessions → func() benchSet

func benchCommits(nSessions int) benchSet {
	f, _ := benchSets.LoadOrStore(nSessions, sync.OnceValue(func() benchSet {
		var set benchSet
		for range nSessions {
			s, err := NewSession("", 0)
			if err != nil {
				panic(err)
			}
			set.sessions = append(set.sessions, s)
		}
		set.commits = signedCopies(10_000, set.sessions)
		return set
	}))
	return f.(func() benchSet)()
}

// signedCopies makes n distinct commits from the fixture's tasks, signed
// in turn by sessions, in parallel.
func signedCopies(n int, sessions []*Session) []*commit.Commit {
	lines := fixtureLines(&testing.B{}, filepath.Join(testutil.Fixtures(&testing.B{}), "db-client"))[filepath.Join("data", "tasks.jsonl")]
	cs := make([]*commit.Commit, n)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				c, err := commit.Parse(append([]byte(nil), lines[i%len(lines)]...))
				if err != nil {
					panic(err)
				}
				s := sessions[i%len(sessions)]
				c.ID, c.Session, c.TS = newID(), s.ID, time.Now().UnixMilli()
				if err := SignCommit(s, c); err != nil {
					panic(err)
				}
				c.Encode()
				cs[i] = c
			}
		})
	}
	wg.Wait()
	return cs
}

// BenchmarkVerifyAll10k verifies 10,000 commits on all cores with a fresh
// pool each time, so that the verified-commit cache never answers. With 4
// sessions their keys soon get comb tables, as a repository's few writers
// do; with 10,000 sessions (one commit each) every verification takes the
// generic path.
func BenchmarkVerifyAll10k(b *testing.B) {
	for _, n := range []int{4, 10_000} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			set := benchCommits(n)
			var public []*Session
			for _, s := range set.sessions {
				public = append(public, s.Public())
			}
			cur := newTestSession(b, "")
			for b.Loop() {
				p := NewTrustPool("localhost", cur, nil, public)
				for i, err := range p.VerifyAll(set.commits) {
					if err != nil {
						b.Fatalf("commit %d: %v", i, err)
					}
				}
			}
			b.ReportMetric(float64(len(set.commits))*float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}

// BenchmarkVerifyP384 compares the verifier with crypto/ecdsa on one key
// (which gets a table after its first uses) and on fresh keys.
func BenchmarkVerifyP384(b *testing.B) {
	k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	q, _ := pointFromKey(&k.PublicKey)
	h := sha512.Sum384([]byte("bench"))
	r, s, _ := ecdsa.Sign(rand.Reader, k, h[:])
	sig := make([]byte, 96)
	r.FillBytes(sig[:48])
	s.FillBytes(sig[48:])
	baseTable()
	b.Run("hot-key", func(b *testing.B) {
		for b.Loop() {
			if !verifyP384(&q, h[:], sig) {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("cold-key", func(b *testing.B) {
		for b.Loop() {
			if !verifyP384With(&q, nil, h[:], sig) {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("crypto-ecdsa", func(b *testing.B) {
		for b.Loop() {
			if !ecdsa.Verify(&k.PublicKey, h[:], r, s) {
				b.Fatal("rejected")
			}
		}
	})
}

func BenchmarkFeMul(b *testing.B) {
	x, y := curveG.x, curveG.y
	for b.Loop() {
		feMul(&x, &x, &y)
	}
}

// BenchmarkBuildComb is the one-time cost of a key's table, which decides
// after how many uses building one pays off (tableAfter).
func BenchmarkBuildComb(b *testing.B) {
	q := curveG
	for b.Loop() {
		buildComb(&q)
	}
}
