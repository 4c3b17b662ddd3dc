package testutil

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Case is one command of a data-driven test file:
//
//	# comments and blank lines between cases are ignored
//	command arg key=value
//	input lines (optional)
//	----
//	expected output lines
//
// A case ends at the first blank line after its "----". Expected output
// therefore has no blank lines; commands print "ok" rather than nothing.
type Case struct {
	Pos      string // file:line of the command, for messages
	Cmd      string
	Args     []string          // positional arguments, in order
	KV       map[string]string // key=value arguments
	Input    string
	Expected string
}

// Arg returns the key=value argument key, or def when absent.
func (c *Case) Arg(key, def string) string {
	if v, ok := c.KV[key]; ok {
		return v
	}
	return def
}

// RunDataDriven runs every case of the file at path through run and
// compares what it returns with the case's expected output. With the
// environment variable GOATDB_REWRITE=1 it writes the actual outputs back
// into the file instead, for reviewing as a diff.
func RunDataDriven(t *testing.T, path string, run func(t *testing.T, c *Case) string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	rewrite := os.Getenv("GOATDB_REWRITE") == "1"
	var out bytes.Buffer
	for i := 0; i < len(lines); {
		line := lines[i]
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			if i < len(lines)-1 || line != "" {
				out.WriteString(line + "\n")
			}
			i++
			continue
		}
		c := &Case{Pos: fmt.Sprintf("%s:%d", path, i+1), KV: map[string]string{}}
		fields := strings.Fields(line)
		c.Cmd = fields[0]
		for _, f := range fields[1:] {
			if k, v, ok := strings.Cut(f, "="); ok {
				c.KV[k] = v
			} else {
				c.Args = append(c.Args, f)
			}
		}
		out.WriteString(line + "\n")
		i++
		var input []string
		for i < len(lines) && lines[i] != "----" {
			input = append(input, lines[i])
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s: no ---- after the command", c.Pos)
		}
		i++ // ----
		var expected []string
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			expected = append(expected, lines[i])
			i++
		}
		c.Input = strings.Join(input, "\n")
		c.Expected = strings.Join(expected, "\n")
		got := strings.TrimRight(run(t, c), "\n")
		for _, l := range input {
			out.WriteString(l + "\n")
		}
		out.WriteString("----\n")
		if got != "" {
			out.WriteString(got + "\n")
		}
		if !rewrite && got != c.Expected {
			t.Errorf("%s: %s\ngot:\n%s\nwant:\n%s", c.Pos, line, got, c.Expected)
		}
	}
	if rewrite {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
