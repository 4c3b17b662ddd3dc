package goatdb

import (
	"context"
	"testing"
)

func TestAuthorizationRules(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir(), &Options{Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	anon := Session{ID: "a"}
	alice := Session{ID: "s1", Owner: "alice"}
	bob := Session{ID: "s2", Owner: "bob"}
	root := Session{ID: "r", Owner: "root"}
	cases := []struct {
		repo, key string
		s         Session
		op        Op
		want      bool
	}{
		// Built-in rules, which upstream declares but never matches.
		{"/sys/sessions", "x", anon, OpRead, true},
		{"/sys/sessions", "x", alice, OpWrite, false},
		{"/sys/sessions", "x", root, OpWrite, true},
		{"/sys/stats", "x", alice, OpRead, false},
		{"/sys/stats", "x", root, OpRead, true},
		{"/sys/users", "alice", alice, OpWrite, true},
		{"/sys/users", "alice", bob, OpRead, false},
		{"/sys/users", "", anon, OpRead, false},
		{"/user/alice", "note", alice, OpWrite, true},
		{"/user/alice", "note", bob, OpRead, false},
		{"/user/alice", "note", anon, OpRead, false},
		// Uncovered repositories are open.
		{"/data/todos", "t1", anon, OpWrite, true},
	}
	for _, c := range cases {
		if got := db.Authorize(c.repo, c.key, c.s, c.op); got != c.want {
			t.Errorf("%s %s/%s by %+v: %v, want %v", c.op, c.repo, c.key, c.s, got, c.want)
		}
	}

	// Application rules: exact, glob and regexp, consulted first.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.AddRule("/data/todos", func(in RuleInfo) bool { return in.Op == OpRead || in.Session.Owner != "" }))
	must(db.AddRule("/team/*", func(in RuleInfo) bool { return in.Session.Owner == "alice" }))
	must(db.AddRule("re:^/data/log-[0-9]+$", func(in RuleInfo) bool { return in.Op == OpRead }))
	must(db.AddRule("/user/*", func(in RuleInfo) bool { return in.Op == OpRead })) // overrides the built-in
	for _, c := range []struct {
		repo string
		s    Session
		op   Op
		want bool
	}{
		{"/data/todos", anon, OpRead, true},
		{"/data/todos", anon, OpWrite, false},
		{"/data/todos", bob, OpWrite, true},
		{"/team/x", alice, OpWrite, true},
		{"/team/x", bob, OpRead, false},
		{"/data/log-12", bob, OpRead, true},
		{"/data/log-12", bob, OpWrite, false},
		{"/data/log-x", bob, OpWrite, true},
		{"/user/alice", bob, OpRead, true},
		{"/user/alice", bob, OpWrite, false},
		{"/team/x", root, OpWrite, true},
	} {
		if got := db.Authorize(c.repo, "k", c.s, c.op); got != c.want {
			t.Errorf("%s %s by %+v: %v, want %v", c.op, c.repo, c.s, got, c.want)
		}
	}
	for _, bad := range []string{"re:(", "/a/../b", "/a/*/c", "data"} {
		if err := db.AddRule(bad, func(RuleInfo) bool { return true }); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}
