package value

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"goatdb/internal/schema"
)

const fixtureDir = "../../../shared/fixtures/upstream-0.5.1"

func readFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// registryOf registers schemas parsed from a schema file.
func registryOf(t testing.TB, raw []byte) *schema.Registry {
	t.Helper()
	list, err := ParseSchemas(raw)
	if err != nil {
		t.Fatal(err)
	}
	reg := schema.NewRegistry()
	for _, s := range list {
		if err := reg.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

func fixtureRegistry(t testing.TB) *schema.Registry {
	return registryOf(t, readFixture(t, "schemas.json"))
}

func mustSchema(t testing.TB, reg *schema.Registry, marker string) *schema.Schema {
	t.Helper()
	s, ok := reg.Get(marker)
	if !ok {
		t.Fatalf("schema %s not registered", marker)
	}
	return s
}

// commitLine is the part of a .jsonl commit this package deals with.
type commitLine struct {
	ID string `json:"id"`
	K  string `json:"k"`
	C  struct {
		R json.RawMessage `json:"r"`
		B string          `json:"b"`
		E json.RawMessage `json:"e"`
	} `json:"c"`
}

func readCommits(t testing.TB, rel string) []commitLine {
	t.Helper()
	var out []commitLine
	sc := bufio.NewScanner(bytes.NewReader(readFixture(t, rel)))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c commitLine
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		out = append(out, c)
	}
	return out
}

// jsonTree decodes JSON for comparisons as value trees.
func jsonTree(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return normNumbers(v)
}

// normNumbers turns json.Number into float64 so 1e21 and 1e+21 compare
// equal while keeping full precision semantics of float64.
func normNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normNumbers(x[k])
		}
	}
	return v
}

func sameJSON(t testing.TB, got, want []byte) bool {
	t.Helper()
	return reflect.DeepEqual(jsonTree(t, got), jsonTree(t, want))
}
