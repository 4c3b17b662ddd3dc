package goatdb

import (
	"context"
	"fmt"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
)

// SignatureReport counts the signatures of one repository's commits.
type SignatureReport struct {
	Path     string
	Commits  int
	Verified int
	Unsigned int
	Failed   int
	// Failures details the first failures.
	Failures []string
}

// VerifySignatures checks the signature of every commit of every
// repository against the sessions this database knows (its settings and
// /sys/sessions). Loading never verifies (local files are trusted); this
// is the audit for when that trust is in doubt. A commit signed by a
// session that has since expired verifies if the session was valid when
// the commit was made.
func (db *DB) VerifySignatures(ctx context.Context) ([]SignatureReport, error) {
	var out []SignatureReport
	err := db.eachRepo(ctx, func(path string, _ itempath.Path, r *repo.Repo) error {
		rep := SignatureReport{Path: path}
		cs := r.Commits()
		rep.Commits = len(cs)
		signed := cs[:0:0]
		for _, c := range cs {
			if c.Sig == "" {
				rep.Unsigned++
			} else {
				signed = append(signed, c)
			}
		}
		for i, err := range db.pool.VerifyAll(signed) {
			if err == nil {
				rep.Verified++
				continue
			}
			rep.Failed++
			if len(rep.Failures) < maxRejectReasons {
				rep.Failures = append(rep.Failures, fmt.Sprintf("commit %s: %v", signed[i].ID, err))
			}
		}
		out = append(out, rep)
		return nil
	})
	return out, err
}
