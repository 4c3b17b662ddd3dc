package goatdb

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
)

// RepoReport is what Check found in one repository log.
type RepoReport struct {
	Path       string // /type/repo
	File       string
	Lines      int64 // non-blank lines
	Commits    int64 // distinct commits
	Keys       int
	Unparsable int64 // lines that are not JSON objects
	Malformed  int64 // JSON lines that are not valid commits
	TornBytes  int64 // bytes of an unterminated final line
	Duplicates int64 // identical repeated lines (harmless)
	Conflicts  int64 // ids repeated with different content
	// Corrupted lists deltas whose checksums do not match their base.
	// Upstream writes such commits (schema upgrades written as deltas), so
	// they are warnings, not damage.
	Corrupted []string
	// Unreadable lists commits whose value cannot be decoded (unknown
	// schema, missing base).
	Unreadable []string
	Problems   []string // reasons for the first malformed lines
}

// Damaged reports whether the file itself is damaged: torn, unparsable or
// malformed lines, or conflicting duplicates.
func (r RepoReport) Damaged() bool {
	return r.Unparsable > 0 || r.Malformed > 0 || r.TornBytes > 0 || r.Conflicts > 0
}

// IsLoaded reports whether the repository at repoPath ("/type/repo") is
// in memory, so that reading it will not touch storage. Callers that must
// not block, such as the browser build's synchronous reads, check it
// first and OpenRepo otherwise.
func (db *DB) IsLoaded(repoPath string) bool {
	p, err := itempath.ParseRepo(repoPath)
	if err != nil {
		return false
	}
	m := db.loaded.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[p.RepoPath()]
	return ok
}

// RepoPaths lists the repositories stored in the data directory
// (<dir>/<type>/<repo>.jsonl), sorted.
func (db *DB) RepoPaths() ([]string, error) {
	var out []string
	types, err := db.fs.ReadDir(db.dir)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if !t.IsDir() || !itempath.ValidComponent(t.Name()) {
			continue
		}
		files, err := db.fs.ReadDir(filepath.Join(db.dir, t.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name, ok := strings.CutSuffix(f.Name(), ".jsonl")
			if !ok || f.IsDir() || !itempath.ValidComponent(name) {
				continue
			}
			out = append(out, "/"+t.Name()+"/"+name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Check loads every repository of the data directory and reports on each.
// Open the database with Options.ReadOnly to check without repairing a torn
// final line.
func (db *DB) Check(ctx context.Context) ([]RepoReport, error) {
	var out []RepoReport
	err := db.eachRepo(ctx, func(path string, p itempath.Path, r *repo.Repo) error {
		st := r.Stats()
		rep := RepoReport{
			Path: path, File: filepath.Join(db.dir, p.Type, p.Repo+".jsonl"),
			Lines: st.Lines, Commits: st.Commits, Keys: r.Len(),
			Unparsable: st.Unparsable, Malformed: st.Malformed, TornBytes: st.TornBytes,
			Duplicates: st.Duplicates, Conflicts: st.Conflicts, Problems: st.MalformedErr,
		}
		for _, c := range r.Commits() {
			if r.IsCorrupted(c.ID) {
				rep.Corrupted = append(rep.Corrupted, c.ID)
			} else if r.CommitError(c.ID) != nil {
				rep.Unreadable = append(rep.Unreadable, c.ID)
			}
		}
		out = append(out, rep)
		return nil
	})
	return out, err
}

// eachRepo calls f for every repository of the data directory, loading
// each, in path order.
func (db *DB) eachRepo(ctx context.Context, f func(path string, p itempath.Path, r *repo.Repo) error) error {
	paths, err := db.RepoPaths()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, _ := itempath.ParseRepo(path)
		r, err := db.repo(p)
		if err != nil {
			return err
		}
		if err := f(path, p, r); err != nil {
			return err
		}
	}
	return nil
}
