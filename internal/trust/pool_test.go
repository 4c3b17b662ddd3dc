package trust

import (
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/testutil"
)

// sessionCommit returns a /sys/sessions commit for s, signed by signer.
func sessionCommit(t testing.TB, s, signer *Session) *commit.Commit {
	t.Helper()
	it, err := s.Item()
	if err != nil {
		t.Fatal(err)
	}
	c := &commit.Commit{
		Ver: 50595584, ID: newID(), Key: s.ID, Session: signer.ID, TS: time.Now().UnixMilli(),
		Org: "localhost", ConnID: newID(), AF: []byte(`{"d":"AA==","s":[1,2,3]}`), Record: it.AppendRecord(nil),
	}
	if err := SignCommit(signer, c); err != nil {
		t.Fatal(err)
	}
	c.Encode()
	return c
}

// noteCommit returns a signed commit of s with the first note of the fixture.
func noteCommit(t testing.TB, s *Session) *commit.Commit {
	t.Helper()
	line := fixtureLines(t, filepath.Join(testutil.Fixtures(t), "db-client"))[filepath.Join("data", "notes.jsonl")][0]
	c, err := commit.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	c.ID, c.Session, c.Sig, c.TS = newID(), s.ID, "", time.Now().UnixMilli()
	if err := SignCommit(s, c); err != nil {
		t.Fatal(err)
	}
	c.Encode()
	return c
}

func TestPoolAddSessionRules(t *testing.T) {
	cur := newTestSession(t, "")
	root := newTestSession(t, RootOwner)
	p := NewTrustPool("localhost", cur, []*Session{root.Public()}, nil)
	var changes atomic.Int32
	p.OnChange(func() { changes.Add(1); p.Settings() })

	s := newTestSession(t, "").Public()
	if !p.AddSession(s) || p.AddSession(s) {
		t.Fatal("a new session is added once")
	}
	older := *s
	older.Expiration = s.Expiration.Add(-time.Hour)
	if p.AddSession(&older) {
		t.Error("an earlier expiration replaced the session")
	}
	owned := *s
	owned.Owner = "user1"
	if !p.AddSession(&owned) {
		t.Error("gaining an owner did not replace the session")
	}
	if got, _ := p.Session(s.ID); got.Owner != "user1" {
		t.Errorf("owner = %q", got.Owner)
	}
	// The current session is upgraded by a later copy and keeps its key.
	up := *cur.Public()
	up.Expiration = cur.Expiration.Add(time.Hour)
	up.Owner = "user2"
	if !p.AddSession(&up) || p.Current().Owner != "user2" || p.Current().PrivateKey == nil {
		t.Errorf("current not upgraded: %+v", p.Current())
	}
	// … but not by a session with another key under its id.
	imp := *newTestSession(t, "").Public()
	imp.ID, imp.Expiration = cur.ID, cur.Expiration.Add(2*time.Hour)
	p.AddSession(&imp)
	if !p.Current().PublicKey.Equal(cur.PublicKey) {
		t.Error("current session took another key")
	}
	// A new root joins the roots; a later copy refreshes it.
	r2 := newTestSession(t, RootOwner).Public()
	p.AddSession(r2)
	if len(p.Roots()) != 2 {
		t.Errorf("roots = %d", len(p.Roots()))
	}
	r2b := *r2
	r2b.Expiration = r2.Expiration.Add(time.Hour)
	p.AddSession(&r2b)
	if rs := p.Roots(); rs[1].Expiration != r2b.Expiration {
		t.Error("root not refreshed")
	}
	if changes.Load() == 0 {
		t.Error("no change callback")
	}
	st := p.Settings()
	for _, x := range st.Trusted {
		if x.ID == cur.ID && x.PrivateKey == nil {
			t.Error("settings lost the current session's private key")
		}
	}
}

func TestPoolAddSessionCommit(t *testing.T) {
	cur := newTestSession(t, "")
	root := newTestSession(t, RootOwner)
	p := NewTrustPool("localhost", cur, []*Session{root.Public()}, nil)

	peer := newTestSession(t, "")
	got, changed, err := p.AddSessionCommit(sessionCommit(t, peer.Public(), root))
	if err != nil || !changed || got.ID != peer.ID || !got.PublicKey.Equal(peer.PublicKey) {
		t.Fatalf("root-signed session: %+v %v %v", got, changed, err)
	}
	if !got.Expiration.Equal(peer.Expiration) {
		t.Errorf("expiration %v, want %v", got.Expiration, peer.Expiration)
	}
	// Signed by a known but non-root session: refused.
	evil := newTestSession(t, "")
	if _, _, err := p.AddSessionCommit(sessionCommit(t, evil.Public(), peer)); !errors.Is(err, ErrNotRoot) {
		t.Errorf("peer-signed session: %v", err)
	}
	if _, ok := p.Session(evil.ID); ok {
		t.Error("peer-signed session admitted")
	}
	// Claiming to be the root without its key: refused.
	fake := *evil
	fake.ID = root.ID
	c := sessionCommit(t, evil.Public(), &fake)
	if _, _, err := p.AddSessionCommit(c); !errors.Is(err, ErrBadSignature) {
		t.Errorf("forged root signature: %v", err)
	}
	// A root's own pool admits sessions it signed itself.
	rp := NewTrustPool("localhost", root, nil, nil)
	if _, _, err := rp.AddSessionCommit(sessionCommit(t, peer.Public(), root)); err != nil {
		t.Errorf("server pool: %v", err)
	}
}

func TestPoolVerify(t *testing.T) {
	cur := newTestSession(t, "")
	known := newTestSession(t, "")
	stranger := newTestSession(t, "")
	p := NewTrustPool("localhost", cur, nil, []*Session{known.Public()})

	if err := p.Verify(noteCommit(t, known)); err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(noteCommit(t, cur)); err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(noteCommit(t, stranger)); !errors.Is(err, ErrUnknownSession) {
		t.Errorf("stranger: %v", err)
	}
	c := noteCommit(t, known)
	c.Session = cur.ID // upstream would authorise this commit as cur
	if err := p.Verify(c); !errors.Is(err, ErrSignerMismatch) {
		t.Errorf("signer ≠ session: %v", err)
	}
	c = noteCommit(t, known)
	c.Sig = ""
	if err := p.Verify(c); !errors.Is(err, ErrUnsigned) {
		t.Errorf("unsigned: %v", err)
	}
	// A commit made after its session expired.
	short := newTestSession(t, "")
	c = noteCommit(t, short)
	sp := *short.Public()
	sp.Expiration = time.UnixMilli(c.TS - 1)
	p.AddSession(&sp)
	if err := p.Verify(c); !errors.Is(err, ErrExpired) {
		t.Errorf("expired: %v", err)
	}
	// Cached verdicts do not cover a changed commit with the same id and
	// signature.
	c = noteCommit(t, known)
	if err := p.Verify(c); err != nil {
		t.Fatal(err)
	}
	forged := *c
	forged.TS++
	if err := p.Verify(&forged); !errors.Is(err, ErrBadSignature) {
		t.Errorf("forged copy of a cached commit: %v", err)
	}
	if err := p.Verify(c); err != nil {
		t.Errorf("cached: %v", err)
	}
}

func TestPoolVerifyAll(t *testing.T) {
	cur := newTestSession(t, "")
	p := NewTrustPool("localhost", cur, nil, nil)
	var cs []*commit.Commit
	for i := 0; i < 40; i++ {
		c := noteCommit(t, cur)
		if i%7 == 3 {
			c.Key += "x" // tampered
		}
		cs = append(cs, c)
	}
	for round := 0; round < 2; round++ { // the second round hits the cache
		for i, err := range p.VerifyAll(cs) {
			if (i%7 == 3) != errors.Is(err, ErrBadSignature) || (i%7 != 3 && err != nil) {
				t.Errorf("round %d commit %d: %v", round, i, err)
			}
		}
	}
	if errs := p.VerifyAll(nil); len(errs) != 0 {
		t.Error("VerifyAll(nil)")
	}
}

func TestVerifiedCacheBounded(t *testing.T) {
	var c verifiedCache
	for i := 0; i < 3*cacheGeneration; i++ {
		var k [32]byte
		k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
		c.add(k)
	}
	if n := len(c.young) + len(c.old); n > 2*cacheGeneration {
		t.Errorf("cache holds %d entries", n)
	}
}
