package itempath

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"/data/tasks/t1", "/data/tasks/t1"},
		{"data/tasks/t1", "/data/tasks/t1"},
		{"/data/tasks/t1/", "/data/tasks/t1"},
		{"/a/b/c/d", "/a/b/c/d"},
		{"/sys/sessions", "/sys/sessions"},
		{"/x-y/z_1/0", "/x-y/z_1/0"},
	} {
		p, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if p.String() != c.want {
			t.Errorf("Parse(%q) = %q, want %q", c.in, p, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"", "/", "/data", "/a/b/c/d/e", "/a/b/c/d/e/", "/A/b", "/a//b", "/../etc/passwd",
		"/data/../x", "/./a/b", "/a/b/..", "/a/b c", "/a/b/ü", "//a/b", "/a/b\x00",
	} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("Parse(%q) = %v, want ErrInvalidPath", in, err)
		}
	}
}

func TestParseKinds(t *testing.T) {
	if _, err := ParseRepo("/data/tasks/x"); !errors.Is(err, ErrInvalidPath) {
		t.Error("ParseRepo accepted an item path")
	}
	if _, err := ParseItem("/data/tasks"); !errors.Is(err, ErrInvalidPath) {
		t.Error("ParseItem accepted a repo path")
	}
	p, err := ParseItem("/data/tasks/x")
	if err != nil || p.RepoPath() != "/data/tasks" || p.Item != "x" {
		t.Errorf("ParseItem: %+v %v", p, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/data/tasks/t1", "/../x/y", "a/b", "/a/b/c/d/e", "/a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		q, err := Parse(p.String())
		if err != nil || q != p {
			t.Fatalf("re-parse of %q: %+v %v", p, q, err)
		}
		for _, c := range []string{p.Type, p.Repo} {
			if c == "" || c == "." || c == ".." {
				t.Fatalf("accepted component %q in %q", c, s)
			}
		}
	})
}
