package goatdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/trust"
	"goatdb/internal/value"
)

// receiver is a database that takes commits from peers, with one client
// session it has admitted.
type receiver struct {
	t     *testing.T
	db    *DB
	alice *trust.Session
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1})
	alice, err := trust.NewSession("alice", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.addSession(alice); err != nil {
		t.Fatal(err)
	}
	return &receiver{t: t, db: db, alice: alice}
}

// line builds an allTypes commit of key, claiming session claimed, signed
// by signer (nil: unsigned).
func (rc *receiver) line(key, claimed string, signer *trust.Session, title string) []byte {
	rc.t.Helper()
	return rc.lineAt(key, claimed, signer, title, time.Now())
}

// lineAt is line for a commit made (and signed) at the time at.
func (rc *receiver) lineAt(key, claimed string, signer *trust.Session, title string, at time.Time) []byte {
	rc.t.Helper()
	s, _ := rc.db.Registry().Get("all/1")
	it, err := value.NewItem(s, Data{"title": title})
	if err != nil {
		rc.t.Fatal(err)
	}
	c := &commit.Commit{Ver: repo.BuildVersion, ID: repo.NewID(), Key: key, Session: claimed,
		TS: at.UnixMilli(), Org: "localhost", ConnID: "peerconn", Record: it.AppendRecord(nil)}
	c.AF, c.AC = commit.NewAncestors(nil)
	if signer != nil {
		// Signed the low-level way, so that a test can sign a commit that
		// claims another session (SignCommit refuses to).
		sig, err := trust.SignData(signer, c.EncodeUnsigned(), nil, at)
		if err != nil {
			rc.t.Fatal(err)
		}
		c.Sig = sig
	}
	return c.Encode()
}

func (rc *receiver) receive(repoPath string, lines ...[]byte) ReceiveReport {
	rc.t.Helper()
	rep, err := rc.db.Receive(context.Background(), repoPath, lines)
	if err != nil {
		rc.t.Fatal(err)
	}
	return rep
}

func TestReceiveAcceptsAuthenticCommits(t *testing.T) {
	rc := newReceiver(t)
	defer rc.db.Close()
	l := rc.line("t1", rc.alice.ID, rc.alice, "hello")
	if rep := rc.receive("/data/all", l); rep.Accepted != 1 || rep.Rejected != 0 {
		t.Fatalf("%+v", rep)
	}
	if d, err := rc.db.Get("/data/all/t1"); err != nil || d["title"] != "hello" {
		t.Fatalf("%v %v", d, err)
	}
	if rep := rc.receive("/data/all", l); rep.Duplicates != 1 || rep.Accepted != 0 {
		t.Fatalf("resent: %+v", rep)
	}
}

// TestReceiveRejects covers what must never enter a graph; each case
// would be accepted by upstream's server where the comment says so.
func TestReceiveRejects(t *testing.T) {
	rc := newReceiver(t)
	defer rc.db.Close()
	root := rc.db.currentSession()
	mallory, _ := trust.NewSession("mallory", 0) // never admitted
	expired, _ := trust.NewSession("bob", 0)
	expired.Expiration = time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	if err := rc.db.addSession(expired); err != nil {
		t.Fatal(err)
	}

	tampered := rc.line("t2", rc.alice.ID, rc.alice, "original")
	tampered = []byte(strings.Replace(string(tampered), "original", "tampered", 1))

	cases := []struct {
		name, repo string
		line       []byte
		reason     string
	}{
		{"tampered record", "/data/all", tampered, "verify"},
		{"unsigned", "/data/all", rc.line("t3", rc.alice.ID, nil, "x"), "unsigned"},
		{"unknown signer", "/data/all", rc.line("t4", mallory.ID, mallory, "x"), "unknown"},
		// Upstream authorises the session named in "s" but verifies the
		// signer named in the signature: alice could write as root.
		{"signer is not the session it names", "/data/all", rc.line("t5", root.ID, rc.alice, "x"), "signed by"},
		{"expired session", "/data/all", rc.line("t6", expired.ID, expired, "x"), "expired"},
		// Upstream's built-in rules never match, so any session could
		// write sessions or other users' data.
		{"non-root writes a session", "/sys/sessions", rc.line(mallory.ID, rc.alice.ID, rc.alice, "x"), "root"},
		{"writes another user's repository", "/user/bob", rc.line("n1", rc.alice.ID, rc.alice, "x"), "may not write"},
		{"not a commit", "/data/all", []byte(`{"id":"x"}`), "malformed"},
		{"not JSON", "/data/all", []byte(`garbage`), "malformed"},
	}
	for _, c := range cases {
		rep := rc.receive(c.repo, c.line)
		if rep.Rejected != 1 || rep.Accepted != 0 {
			t.Errorf("%s: %+v", c.name, rep)
			continue
		}
		if !strings.Contains(strings.Join(rep.Reasons, ";"), c.reason) {
			t.Errorf("%s: reasons %q do not mention %q", c.name, rep.Reasons, c.reason)
		}
	}
	for _, key := range []string{"t2", "t3", "t4", "t5", "t6"} {
		if _, err := rc.db.Get("/data/all/" + key); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s stored after rejection: %v", key, err)
		}
	}
	// A rejected commit does not poison the batch it came in.
	rep := rc.receive("/data/all", rc.line("ok1", rc.alice.ID, rc.alice, "x"), tampered)
	if rep.Accepted != 1 || rep.Rejected != 1 {
		t.Fatalf("mixed batch: %+v", rep)
	}
	// Alice may write her own repository.
	if rep := rc.receive("/user/alice", rc.line("n1", rc.alice.ID, rc.alice, "x")); rep.Accepted != 1 {
		t.Fatalf("own repository: %+v", rep)
	}
}

func TestReceiveRejectsBadPathsBeforeTouchingDisk(t *testing.T) {
	rc := newReceiver(t)
	defer rc.db.Close()
	for _, p := range []string{"/data/../escape", "/../../etc", "/data/all/../x", "/data/a b", "/data/./x"} {
		if _, err := rc.db.Receive(context.Background(), p, nil); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("%q: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(rc.db.Dir()), "escape.jsonl")); err == nil {
		t.Fatal("a file was created outside the data directory")
	}
}

// TestReceiveSessionCommits: a root-signed session commit makes a new
// session known, after which its commits verify.
func TestReceiveSessionCommits(t *testing.T) {
	server := newReceiver(t)
	defer server.db.Close()
	// A second database that trusts the server's root receives the
	// server's /sys/sessions.
	client := openTest(t, t.TempDir(), &Options{CommitDelay: -1})
	defer client.Close()
	client.pool.AddSession(server.db.currentSession().Public())
	if err := server.db.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sp, _ := itempath.ParseRepo(sessionsRepo)
	r, err := server.db.repo(sp)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Commits() {
		lines = append(lines, c.Raw)
	}
	rep, err := client.Receive(context.Background(), sessionsRepo, lines)
	if err != nil || rep.Rejected != 0 || rep.Accepted != len(lines) {
		t.Fatalf("%+v %v", rep, err)
	}
	if s, ok := client.LookupSession(server.alice.ID); !ok || s.Owner != "alice" {
		t.Fatalf("alice unknown after her session commit: %+v", s)
	}
	if rep, _ := client.Receive(context.Background(), "/data/all", [][]byte{server.line("t1", server.alice.ID, server.alice, "x")}); rep.Accepted != 1 {
		t.Fatalf("alice's commit: %+v", rep)
	}
}

// TestReceiveTrusted: trusted mode takes everything, as upstream's does.
func TestReceiveTrusted(t *testing.T) {
	rc := newReceiver(t)
	defer rc.db.Close()
	db := openTest(t, t.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	rep, err := db.Receive(context.Background(), "/data/all", [][]byte{rc.line("t1", "anyone", nil, "x")})
	if err != nil || rep.Accepted != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
}

// TestReceiveHistoryOfExpiredSessions: a commit made while its signer was
// valid still syncs after the signer expired, so a server can be healed
// from its clients' history; one made after the expiry does not.
func TestReceiveHistoryOfExpiredSessions(t *testing.T) {
	rc := newReceiver(t)
	defer rc.db.Close()
	expiry := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	carol, _ := trust.NewSession("carol", 0)
	carol.Expiration = expiry
	if err := rc.db.addSession(carol); err != nil {
		t.Fatal(err)
	}
	old := rc.lineAt("h1", carol.ID, carol, "made in time", expiry.Add(-time.Minute))
	late := rc.lineAt("h2", carol.ID, carol, "made too late", expiry.Add(time.Minute))
	rep := rc.receive("/data/all", old, late)
	if rep.Accepted != 1 || rep.Rejected != 1 || !strings.Contains(rep.Reasons[0], "expired") {
		t.Fatalf("%+v", rep)
	}
	if _, err := rc.db.Get("/data/all/h1"); err != nil {
		t.Fatal(err)
	}
}

// TestSignedBatchesLoseNothing: edits gathered by the commit delay are
// signed in parallel outside the repository's lock; after Flush every
// edit is durable and every commit verifies.
func TestSignedBatchesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, &Options{CommitDelay: time.Millisecond})
	done := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := range 50 {
				if _, err := db.Set(fmt.Sprintf("/data/all/w%d-%d", w, i), &allTypes, Data{"title": "t", "n": float64(i)}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openTest(t, dir, &Options{ReadOnly: true})
	defer db.Close()
	if n, _ := db.Count("/data/all"); n != 200 {
		t.Fatalf("%d items after reopening, want 200", n)
	}
	reps, err := db.VerifySignatures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if r.Failed > 0 || r.Unsigned > 0 {
			t.Fatalf("%+v", r)
		}
	}
}
