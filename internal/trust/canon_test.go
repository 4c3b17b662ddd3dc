package trust

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"goatdb/internal/testutil"
)

func readVectors(t testing.TB, name string) *jval {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.Fixtures(t), "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseJS(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func TestStableStringifyVectors(t *testing.T) {
	cases := readVectors(t, "stable-stringify.json").get("cases")
	if cases == nil || len(cases.vals) == 0 {
		t.Fatal("no cases")
	}
	for i, c := range cases.vals {
		in, want := c.get("input"), c.get("output")
		got, err := appendStable(nil, in)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		if string(got) != want.str {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want.str)
		}
	}
	t.Logf("%d stable-stringify cases", len(cases.vals))
}

func TestStableRejectsNull(t *testing.T) {
	v, _ := parseJS([]byte(`{"a":[1,null]}`))
	if _, err := appendStable(nil, v); !errors.Is(err, ErrBadJSON) {
		t.Fatalf("err = %v", err)
	}
}

func TestParseJSKeepsJavaScriptSemantics(t *testing.T) {
	for in, want := range map[string]string{
		`"\ud800"`:                      `"\ud800"`,
		`"\uD83D\uDE00"`:                `"😀"`,
		`"\ud83d\u0041"`:                `"\ud83dA"`,
		`"\ude00\ud83d"`:                `"\ude00\ud83d"`,
		`"<>&\u2028\u007f"`:             "\"<>&\u2028\u007f\"",
		`"\u0001\b\/"`:                  `"\u0001\b/"`,
		`{"b":1,"a":2,"b":3}`:           `{"a":2,"b":3}`,
		`[3,2,1,0,0,0,0,0,0,0,9]`:       `{"0":3,"1":2,"10":9,"2":1,"3":0,"4":0,"5":0,"6":0,"7":0,"8":0,"9":0}`,
		`-0`:                            `0`,
		`1e400`:                         `null`,
		`1E-7`:                          `1e-7`,
		`{"\ud800":1,"😀":2,"\uffff":3}`: "{\"\\ud800\":1,\"😀\":2,\"\uffff\":3}",
	} {
		v, err := parseJS([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		got, err := appendStable(nil, v)
		if err != nil || string(got) != want {
			t.Errorf("%s: got %s, %v; want %s", in, got, err, want)
		}
	}
	dup, _ := parseJS([]byte(`{"b":1,"a":2,"b":3,"2":0,"10":1}`))
	if got := string(appendCompact(nil, dup)); got != `{"2":0,"10":1,"b":3,"a":2}` {
		t.Errorf("compact = %s", got)
	}
	for _, bad := range []string{``, `{`, `[1,]`, `{"a":1,}`, `01`, `1.`, `.5`, `+1`, `"\x"`, "\"\x01\"", `"\u12"`, `nul`, `{} x`, "\"\xff\"", `{"a" 1}`, `[1 2]`} {
		if _, err := parseJS([]byte(bad)); !errors.Is(err, ErrBadJSON) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}
