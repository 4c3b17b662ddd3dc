// Package itempath owns item and repository paths: /type/repo/item with an
// optional /embed part. It follows upstream's grammar (lower-case letters,
// digits, '_' and '-') but, unlike upstream, rejects empty components, since
// a path names a file on disk and must never escape the data directory.
package itempath

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidPath reports a path that does not follow the grammar.
var ErrInvalidPath = errors.New("invalid path")

// Path is a parsed item or repository path.
type Path struct {
	Type, Repo, Item, Embed string
	// src is the normalised input Parse read, so that the repository and
	// item paths of a hot lookup are substrings, not new strings.
	src string
}

// RepoPath returns "/type/repo".
func (p Path) RepoPath() string {
	if p.src != "" {
		return p.src[:2+len(p.Type)+len(p.Repo)]
	}
	return "/" + p.Type + "/" + p.Repo
}

// ItemPath returns "/type/repo/item", without any embed part. For a parsed
// path it is a substring of the input, not a new string.
func (p Path) ItemPath() string {
	if p.src != "" && p.Item != "" {
		return p.src[:3+len(p.Type)+len(p.Repo)+len(p.Item)]
	}
	return p.RepoPath() + "/" + p.Item
}

// String returns the normalised path.
func (p Path) String() string {
	s := p.RepoPath()
	if p.Item != "" {
		s += "/" + p.Item
		if p.Embed != "" {
			s += "/" + p.Embed
		}
	}
	return s
}

// Normalize adds a missing leading '/' and removes one trailing '/', as
// upstream does.
func Normalize(s string) string {
	if !strings.HasPrefix(s, "/") {
		s = "/" + s
	}
	if len(s) > 1 && strings.HasSuffix(s, "/") {
		s = s[:len(s)-1]
	}
	return s
}

// allowed marks the bytes a path component may contain.
var allowed = func() (t [256]bool) {
	for b := 'a'; b <= 'z'; b++ {
		t[b] = true
	}
	for b := '0'; b <= '9'; b++ {
		t[b] = true
	}
	t['_'], t['-'] = true, true
	return t
}()

// ValidComponent reports whether c may be one part of a path. "." and ".."
// are already excluded by the alphabet; they are named for the reader.
func ValidComponent(c string) bool {
	if c == "" || c == "." || c == ".." {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !allowed[c[i]] {
			return false
		}
	}
	return true
}

// Parse normalises s and splits it into 2 to 4 valid components. It does
// not allocate for a path that is already normalised: reads by path are
// the hottest call in the database.
func Parse(s string) (Path, error) {
	n := Normalize(s)
	var parts [4]string
	count := 0
	start := 1
	for i := 1; i <= len(n); i++ {
		if i < len(n) && n[i] != '/' {
			if !allowed[n[i]] {
				return Path{}, fmt.Errorf("%w: %q: use only a-z, 0-9, '_' and '-' between slashes", ErrInvalidPath, s)
			}
			continue
		}
		if count == len(parts) {
			return Path{}, fmt.Errorf("%w: %q: want /type/repo[/item[/embed]]", ErrInvalidPath, s)
		}
		c := n[start:i]
		if c == "" {
			return Path{}, fmt.Errorf("%w: %q: empty component", ErrInvalidPath, s)
		}
		parts[count] = c
		count++
		start = i + 1
	}
	if count < 2 {
		return Path{}, fmt.Errorf("%w: %q: want /type/repo[/item[/embed]]", ErrInvalidPath, s)
	}
	return Path{Type: parts[0], Repo: parts[1], Item: parts[2], Embed: parts[3],
		src: n}, nil
}

// ParseRepo parses a repository path; an item part is an error.
func ParseRepo(s string) (Path, error) {
	p, err := Parse(s)
	if err != nil {
		return p, err
	}
	if p.Item != "" {
		return Path{}, fmt.Errorf("%w: %q is an item path, want /type/repo", ErrInvalidPath, s)
	}
	return p, nil
}

// ParseItem parses an item path; a repository path is an error.
func ParseItem(s string) (Path, error) {
	p, err := Parse(s)
	if err != nil {
		return p, err
	}
	if p.Item == "" {
		return Path{}, fmt.Errorf("%w: %q is a repository path, want /type/repo/item", ErrInvalidPath, s)
	}
	return p, nil
}

// ValidKey reports whether k can be an item key. Keys from the network or
// from files are checked with it before they become part of a path.
func ValidKey(k string) bool { return ValidComponent(k) }
