package goatdb

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"goatdb/internal/itempath"
)

// Op is the operation an authorization rule is asked about.
type Op int

// Operations rules decide.
const (
	// OpRead: may the session receive the item's commits?
	OpRead Op = iota + 1
	// OpWrite: may a commit the session signed enter the repository?
	OpWrite
)

func (o Op) String() string {
	switch o {
	case OpRead:
		return "read"
	case OpWrite:
		return "write"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Session is the public view of a session: who signs commits and asks to
// read. Keys stay inside the database.
type Session struct {
	ID string
	// Owner is "" for an anonymous session, "root" for a server or a peer
	// sharing its keys, otherwise the key of a user in /sys/users.
	Owner      string
	Expiration time.Time
}

// IsRoot reports whether s is a root session, which every rule lets
// through.
func (s Session) IsRoot() bool { return s.Owner == rootOwner }

const rootOwner = "root"

// RuleInfo is what a rule decides on.
type RuleInfo struct {
	DB      *DB
	Repo    string // "/type/repo"
	Key     string // the item's key
	Session Session
	Op      Op
}

// Rule decides whether a session may read or write an item. Rules run on
// whatever goroutine serves the peer, possibly many at once, and must not
// block.
type Rule func(RuleInfo) bool

// rule is a registered rule and the repositories it covers.
type rule struct {
	pattern string
	match   func(repo string) bool
	allow   Rule
}

// rules holds the application's rules, consulted in the order they were
// added, before the built-in ones.
type rules struct {
	mu   sync.RWMutex
	list []rule
}

// AddRule registers an authorization rule for the repositories pattern
// names:
//   - an exact repository path, "/data/todos";
//   - a glob whose "*" stands for one path component, "/user/*";
//   - a regular expression over the repository path, prefixed "re:",
//     "re:^/data/team-[0-9]+$".
//
// For each commit a peer sends or may receive, the first rule whose pattern
// matches decides; application rules come before the built-in ones, so
// they override them. A repository no rule covers is open to every
// session. Root sessions bypass all rules, and the database's own reads
// and writes are never checked.
//
// Built in (the rules upstream GoatDB declares, which in upstream never
// match): /sys/sessions is readable by all and writable by root only,
// /sys/stats is root only, and /sys/users items and /user/<id>
// repositories belong to their owner alone.
func (db *DB) AddRule(pattern string, allow Rule) error {
	if allow == nil {
		return fmt.Errorf("goatdb: AddRule %q: nil rule", pattern)
	}
	m, err := compilePattern(pattern)
	if err != nil {
		return err
	}
	db.rules.mu.Lock()
	db.rules.list = append(db.rules.list, rule{pattern: pattern, match: m, allow: allow})
	db.rules.mu.Unlock()
	return nil
}

func compilePattern(pattern string) (func(string) bool, error) {
	if re, ok := strings.CutPrefix(pattern, "re:"); ok {
		rx, err := regexp.Compile(re)
		if err != nil {
			return nil, fmt.Errorf("goatdb: rule pattern %q: %w", pattern, err)
		}
		return rx.MatchString, nil
	}
	if !strings.Contains(pattern, "*") {
		p, err := itempath.ParseRepo(pattern)
		if err != nil {
			return nil, fmt.Errorf("goatdb: rule pattern %q: %w", pattern, err)
		}
		exact := p.RepoPath()
		return func(repo string) bool { return repo == exact }, nil
	}
	want := strings.Split(strings.Trim(pattern, "/"), "/")
	if len(want) != 2 {
		return nil, fmt.Errorf("goatdb: rule pattern %q: a glob names a repository, /type/repo", pattern)
	}
	return func(repo string) bool {
		got := strings.Split(strings.Trim(repo, "/"), "/")
		if len(got) != len(want) {
			return false
		}
		for i, w := range want {
			if w != "*" && w != got[i] {
				return false
			}
		}
		return true
	}, nil
}

// builtinRules are consulted after the application's.
var builtinRules = []rule{
	{pattern: "/sys/sessions", match: exactRepo("/sys/sessions"), allow: func(in RuleInfo) bool {
		return in.Op == OpRead
	}},
	{pattern: "/sys/stats", match: exactRepo("/sys/stats"), allow: func(RuleInfo) bool { return false }},
	{pattern: "/sys/users", match: exactRepo("/sys/users"), allow: func(in RuleInfo) bool {
		return in.Session.Owner != "" && in.Key == in.Session.Owner
	}},
	{pattern: "/user/*", match: func(repo string) bool { return strings.HasPrefix(repo, "/user/") }, allow: func(in RuleInfo) bool {
		return in.Session.Owner != "" && in.Repo == "/user/"+in.Session.Owner
	}},
}

func exactRepo(path string) func(string) bool {
	return func(repo string) bool { return repo == path }
}

// Authorize reports whether session may perform op on the item key of the
// repository repoPath, by the rules above.
func (db *DB) Authorize(repoPath, key string, session Session, op Op) bool {
	if session.IsRoot() {
		return true
	}
	in := RuleInfo{DB: db, Repo: repoPath, Key: key, Session: session, Op: op}
	db.rules.mu.RLock()
	list := db.rules.list
	db.rules.mu.RUnlock()
	for _, r := range list {
		if r.match(repoPath) {
			return r.allow(in)
		}
	}
	for _, r := range builtinRules {
		if r.match(repoPath) {
			return r.allow(in)
		}
	}
	return true
}
