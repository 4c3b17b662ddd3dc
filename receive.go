package goatdb

import (
	"context"
	"fmt"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/itempath"
	"goatdb/internal/trust"
)

// maxRejectReasons bounds how many rejections a ReceiveReport details.
const maxRejectReasons = 20

// ReceiveReport says what became of the commits a peer sent.
type ReceiveReport struct {
	Accepted   int // new commits now in the repository
	Duplicates int // commits the repository already held
	Rejected   int // commits refused: malformed, unauthentic or not allowed
	// Reasons details the first rejections.
	Reasons []string
	// Verify is the time spent verifying signatures.
	Verify time.Duration
}

func (rep *ReceiveReport) reject(format string, args ...any) {
	rep.Rejected++
	if len(rep.Reasons) < maxRejectReasons {
		rep.Reasons = append(rep.Reasons, fmt.Sprintf(format, args...))
	}
}

// Receive admits commits that arrived from the network (one JSON commit
// per element, as sync messages and .jsonl lines carry them) into the
// repository at repoPath. Network input is never trusted: unless the
// database is in trusted mode, each commit must be signed by a known,
// unexpired session that is the session the commit names, and that
// session must be allowed to write the item by the repository's rules
// (AddRule). Session commits (in /sys/sessions) must be signed by a root
// session and make their session known. Commits are verified once, on all
// cores, and never again: what enters the repository's log is trusted when
// it is loaded.
//
// A commit that fails is left out and counted in the report; the others
// are admitted. The error is for the whole call: an invalid repository
// path (checked before anything touches the disk), a closed or read-only
// database.
func (db *DB) Receive(ctx context.Context, repoPath string, lines [][]byte) (ReceiveReport, error) {
	var rep ReceiveReport
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	p, err := itempath.ParseRepo(repoPath)
	if err != nil {
		return rep, err
	}
	if db.opts.ReadOnly {
		return rep, fmt.Errorf("goatdb: receive into %s: %w", repoPath, ErrReadOnly)
	}
	r, err := db.repo(p)
	if err != nil {
		return rep, err
	}
	isSessions := p.RepoPath() == sessionsRepo
	var fresh []*commit.Commit
	seen := map[string]bool{}
	for i, line := range lines {
		// Parse keeps slices of its input: the caller's buffer must not
		// change under a commit that lives on in the repository.
		c, err := commit.Parse(append([]byte(nil), line...))
		if err != nil {
			rep.reject("commit %d: %v", i, err)
			continue
		}
		if !itempath.ValidKey(c.Key) {
			rep.reject("commit %s: invalid item key %q", c.ID, c.Key)
			continue
		}
		if seen[c.ID] || r.Commit(c.ID) != nil {
			rep.Duplicates++
			continue
		}
		seen[c.ID] = true
		fresh = append(fresh, c)
	}
	admitted := fresh
	if !db.opts.Trusted {
		start := time.Now()
		admitted = db.verifyReceived(p.RepoPath(), isSessions, fresh, &rep)
		rep.Verify = time.Since(start)
	} else if isSessions {
		for _, c := range fresh {
			if s, err := trust.SessionFromCommit(c); err == nil && db.pool != nil {
				db.pool.AddSession(s)
			}
		}
	}
	added, err := r.Insert(admitted)
	rep.Accepted = len(added)
	if err != nil {
		return rep, fmt.Errorf("goatdb: receive into %s: %w", repoPath, err)
	}
	return rep, nil
}

// verifyReceived returns the commits of cs that are authentic and allowed.
func (db *DB) verifyReceived(repoPath string, isSessions bool, cs []*commit.Commit, rep *ReceiveReport) []*commit.Commit {
	if db.pool == nil {
		for _, c := range cs {
			rep.reject("commit %s: this database has no sessions to verify with", c.ID)
		}
		return nil
	}
	if isSessions {
		// A session commit vouches for a new key, so only a root may
		// write one; admitting it lets that session's commits verify.
		var out []*commit.Commit
		for _, c := range cs {
			if _, _, err := db.pool.AddSessionCommit(c); err != nil {
				rep.reject("commit %s: %v", c.ID, err)
				continue
			}
			out = append(out, c)
		}
		return out
	}
	// VerifyAll also requires the signer to be the session the commit
	// names, and to have been unexpired when the commit was made: history
	// signed by sessions that have since expired still syncs (a server
	// healed by its clients receives all of it), while a commit made
	// after its signer's expiry is refused.
	errs := db.pool.VerifyAll(cs)
	var out []*commit.Commit
	for i, c := range cs {
		if errs[i] != nil {
			rep.reject("commit %s: %v", c.ID, errs[i])
			continue
		}
		s, ok := db.pool.Session(c.Session)
		if !ok {
			rep.reject("commit %s: session %s is unknown", c.ID, c.Session)
			continue
		}
		if !db.Authorize(repoPath, c.Key, publicSession(s), OpWrite) {
			rep.reject("commit %s: session %s may not write %s/%s", c.ID, c.Session, repoPath, c.Key)
			continue
		}
		out = append(out, c)
	}
	return out
}

// AddSession makes a session known to this database and to every peer
// that syncs /sys/sessions: its public parts are published there, signed
// by this database's session, which must be root. This is how a server
// admits the sessions it hands out.
func (db *DB) addSession(s *trust.Session) error {
	if db.currentSession() == nil || !db.currentSession().IsRoot() {
		return fmt.Errorf("goatdb: only a root session can vouch for session %s", s.ID)
	}
	it, err := db.sessionItem(s.Public())
	if err != nil {
		return err
	}
	p, _ := itempath.ParseRepo(sessionsRepo)
	r, err := db.repo(p)
	if err != nil {
		return err
	}
	if err := r.Set(s.ID, it); err != nil {
		return err
	}
	db.pool.AddSession(s.Public())
	return nil
}
