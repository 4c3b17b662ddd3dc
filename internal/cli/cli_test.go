package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goatdb/internal/testutil"
)

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(args, strings.NewReader(""), &o, &e)
	return o.String(), e.String(), code
}

const taskSchema = `[{"ns":"task","version":1,"fields":{
 "title":{"type":"string","required":true},
 "done":{"type":"boolean","default":false},
 "tags":{"type":"set"},"due":{"type":"date"},"meta":{"type":"map"}}}]`

func TestPutGetKeysLog(t *testing.T) {
	dir := t.TempDir()
	schemaFile := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(schemaFile, []byte(taskSchema), 0o644)

	out, errOut, code := run(t, "put", "--dir", dir, "--schema", schemaFile, "/data/tasks/t1",
		`{"title":"ship it","tags":{"$set":["go","db"]},"due":{"$date":1700000000123},"meta":{"$map":{"k":1}}}`)
	if code != 0 {
		t.Fatalf("put: %d %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	if len(id) != 24 {
		t.Fatalf("put printed %q, want a commit id", out)
	}
	// The schema is remembered: no --schema from here on.
	out, errOut, code = run(t, "get", "--dir", dir, "/data/tasks/t1")
	if code != 0 {
		t.Fatalf("get: %d %s", code, errOut)
	}
	var got struct {
		Path, Schema string
		Deleted      bool
		Fields       map[string]any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("get output %q: %v", out, err)
	}
	if got.Path != "/data/tasks/t1" || got.Schema != "task/1" || got.Deleted ||
		got.Fields["title"] != "ship it" || got.Fields["done"] != false {
		t.Fatalf("get: %s", out)
	}
	if d := got.Fields["due"].(map[string]any)["$date"]; d != 1700000000123.0 {
		t.Fatalf("due = %v", d)
	}

	// Update one field, remove another; feed get's own output back in.
	if _, errOut, code = run(t, "put", "--dir", dir, "/data/tasks/t1", `{"done":true,"meta":null}`); code != 0 {
		t.Fatalf("put update: %s", errOut)
	}
	out, _, _ = run(t, "get", "--dir", dir, "/data/tasks/t1")
	if !strings.Contains(out, `"done":true`) || strings.Contains(out, "meta") {
		t.Fatalf("after update: %s", out)
	}
	if _, errOut, code = run(t, "put", "--dir", dir, "/data/tasks/t2", strings.TrimSpace(out)); code != 0 {
		t.Fatalf("put from get output: %s", errOut)
	}
	out, _, _ = run(t, "keys", "--dir", dir, "/data/tasks")
	if out != "t1\nt2\n" {
		t.Fatalf("keys: %q", out)
	}
	out, _, _ = run(t, "log", "--dir", dir, "/data/tasks/t1")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[1], id) {
		t.Fatalf("log: %s", out)
	}
	if out, errOut, code = run(t, "check", "--dir", dir); code != 0 {
		t.Fatalf("check: %d %s %s", code, out, errOut)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"bogus"}, 2},
		{[]string{"get"}, 2},               // no --dir
		{[]string{"get", "--dir", dir}, 2}, // no path
		{[]string{"get", "--nope", "--dir", dir, "/a/b/c"}, 2}, // unknown flag
		{[]string{"put", "--dir", dir, "/data/t/x", "not json"}, 2},
		{[]string{"put", "--dir", dir, "/data/t/x", `{"a":1}`}, 2}, // no schema known
		{[]string{"get", "--dir", dir, "/data/../etc/x"}, 1},       // invalid path
		{[]string{"get", "--dir", dir, "/data/t/missing"}, 1},
		{[]string{"serve", "--dir", dir, "--demo", "--static", dir}, 2}, // two sources of static files
		{[]string{"help"}, 0},
	} {
		_, errOut, code := run(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errOut)
		}
		if code != 0 && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: stderr is not one line: %q", c.args, errOut)
		}
	}
}

func TestCheckFixtures(t *testing.T) {
	fx := testutil.Fixtures(t)
	dir := testutil.CopyDir(t, filepath.Join(fx, "db-client"))
	out, errOut, code := run(t, "check", "--dir", dir, "--schema", filepath.Join(fx, "schemas.json"))
	if code != 0 {
		t.Fatalf("check on upstream's db-client: %d\n%s%s", code, out, errOut)
	}
	if strings.Count(out, "warning: commit") != 24 {
		t.Errorf("upstream's corrupted deltas are not listed as warnings:\n%s", out)
	}

	// A torn write makes check fail, and check itself must not repair it.
	dmg := t.TempDir()
	os.MkdirAll(filepath.Join(dmg, "data"), 0o755)
	torn, _ := os.ReadFile(filepath.Join(fx, "damaged", "notes-stage1-torn-write.jsonl"))
	os.WriteFile(filepath.Join(dmg, "data", "notes.jsonl"), torn, 0o644)
	if out, _, code := run(t, "check", "--dir", dmg); code != 1 || !strings.Contains(out, "DAMAGED") {
		t.Fatalf("check on a torn file: exit %d\n%s", code, out)
	}
	after, _ := os.ReadFile(filepath.Join(dmg, "data", "notes.jsonl"))
	if !bytes.Equal(after, torn) {
		t.Fatal("check changed the file it checked")
	}
}

func TestLoadProgressReportsQuarters(t *testing.T) {
	var logged bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	p := loadProgress(&bytes.Buffer{}, logger)
	total := int64(progressMinBytes * 4)
	for done := int64(0); done < total; done += total / 40 {
		p("/data/big", done, total)
	}
	p("/data/big", total, total)
	p("/data/small", 10, 100) // too small to report
	if n := strings.Count(logged.String(), "loading repository"); n != 4 {
		t.Fatalf("%d progress records, want one per quarter:\n%s", n, logged.String())
	}
	if strings.Contains(logged.String(), "/data/small") {
		t.Fatal("a small repository was reported")
	}
}

func TestCheckVerifySignatures(t *testing.T) {
	fx := testutil.Fixtures(t)
	dir := testutil.CopyDir(t, filepath.Join(fx, "db-server", "localhost"))
	out, errOut, code := run(t, "check", "--verify-signatures", "--dir", dir)
	if code != 0 || !strings.Contains(out, "signatures: 149 commits, 149 verified, 0 unsigned, 0 failed") {
		t.Fatalf("upstream's signed fixture: exit %d\n%s%s", code, out, errOut)
	}
	// Change one signed field of one commit: its signature must fail.
	file := filepath.Join(dir, "data", "notes.jsonl")
	b, _ := os.ReadFile(file)
	i := bytes.Index(b, []byte(`"ts":17`))
	b[i+6] = '8'
	os.WriteFile(file, b, 0o644)
	out, _, code = run(t, "check", "--verify-signatures", "--dir", dir)
	if code != 1 || !strings.Contains(out, "1 failed") {
		t.Fatalf("a tampered commit: exit %d\n%s", code, out)
	}
}

func TestQueryCommand(t *testing.T) {
	dir := t.TempDir()
	schemaFile := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(schemaFile, []byte(taskSchema), 0o644)
	for i, title := range []string{"write docs", "ship it", "fix bug"} {
		tags := `{"$set":["go"]}`
		if i == 1 {
			tags = `{"$set":["release"]}`
		}
		if _, e, code := run(t, "put", "--dir", dir, "--schema", schemaFile, fmt.Sprintf("/data/tasks/t%d", i),
			fmt.Sprintf(`{"title":%q,"done":%v,"tags":%s}`, title, i == 2, tags)); code != 0 {
			t.Fatal(e)
		}
	}
	out, e, code := run(t, "query", "--dir", dir, "/data/tasks", "--where", "tags=go", "--where", "done=false", "--sort", "title")
	if code != 0 {
		t.Fatal(e)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"/data/tasks/t0"`) {
		t.Fatalf("query: %q", out)
	}
	out, _, _ = run(t, "query", "--dir", dir, "/data/tasks", "--sort", "title", "--desc")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "write docs") || !strings.Contains(lines[2], "fix bug") {
		t.Fatalf("sorted descending: %q", out)
	}
	if _, _, code := run(t, "query", "--dir", dir, "/data/tasks", "--where", "novalue"); code != 2 {
		t.Fatalf("bad --where: exit %d", code)
	}
}
