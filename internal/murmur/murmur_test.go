package murmur

import (
	"encoding/json"
	"os"
	"testing"
)

type murmurCase struct {
	Input     string   `json:"input"`
	CodeUnits []uint16 `json:"codeUnits"`
	Seed      float64  `json:"seed"`
	Result    uint32   `json:"result"`
}

func loadVectors(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile("../../../shared/fixtures/upstream-0.5.1/vectors/murmur3.json")
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVectors(t *testing.T) {
	v := loadVectors(t)
	var cases []murmurCase
	if err := json.Unmarshal(v["cases"], &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 10 {
		t.Fatalf("only %d cases", len(cases))
	}
	for i, c := range cases {
		h := New(SeedFromFloat(c.Seed))
		for _, u := range c.CodeUnits {
			h.WriteUnit(u)
		}
		if got := h.Sum32(); got != c.Result {
			t.Errorf("case %d %q seed %v: got %d want %d", i, c.Input, c.Seed, got, c.Result)
		}
	}
}

func TestStringMatchesUnits(t *testing.T) {
	for _, s := range []string{"", "a", "titlehi", "héllo wörld", "中文", "🐐 goat", "abc\uFFFF"} {
		h := New(42)
		for _, u := range utf16Units(s) {
			h.WriteUnit(u)
		}
		if got, want := String(s, 42), h.Sum32(); got != want {
			t.Errorf("%q: String %d, units %d", s, got, want)
		}
	}
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xd800+(r>>10)), uint16(0xdc00+(r&0x3ff)))
		} else {
			out = append(out, uint16(r))
		}
	}
	return out
}

func TestReferenceTable(t *testing.T) {
	for _, c := range []struct {
		s    string
		seed float64
		want uint32
	}{
		{"", 0x8A64AAC3, 3320765784},
		{"a", 3172939476544195, 3715635723},
		{"titlehi", 3172939476544195, 2125109973},
		{"héllo wörld", 42, 2008361260},
		{"中文", 42, 1959362027},
		{"abc\uFFFF", 1, 4259435389},
		{"ab\u8000", 7, 614249093},
		{"abcdxy\u9000", 7, 4003111705},
		{`s1/"item1"`, 7366173373169631, 1528692076},
	} {
		if got := String(c.s, SeedFromFloat(c.seed)); got != c.want {
			t.Errorf("murmur3(%q, %v) = %d, want %d", c.s, c.seed, got, c.want)
		}
	}
}

func TestIncrementalVectors(t *testing.T) {
	v := loadVectors(t)
	var cases []struct {
		PartsCodeUnits [][]uint16 `json:"partsCodeUnits"`
		Seed           float64    `json:"seed"`
		Result         uint32     `json:"result"`
	}
	if err := json.Unmarshal(v["incremental"], &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no incremental cases")
	}
	for i, c := range cases {
		h := New(SeedFromFloat(c.Seed))
		for _, p := range c.PartsCodeUnits {
			for _, u := range p {
				h.WriteUnit(u)
			}
		}
		if got := h.Sum32(); got != c.Result {
			t.Errorf("case %d: got %d want %d", i, got, c.Result)
		}
	}
}

func BenchmarkString(b *testing.B) {
	s := "title" + "a fairly ordinary task title of some length"
	for b.Loop() {
		String(s, ChecksumSeed)
	}
}

// TestFastPathAgreesWithUnits checks the four-byte ASCII path against the
// unit-at-a-time algorithm at every alignment and mix of ASCII and not.
func TestFastPathAgreesWithUnits(t *testing.T) {
	parts := []string{"", "a", "ab", "abc", "abcd", "abcde", "é", "中", "🐐", "xyz\u00ff", "0123456789abcdef"}
	for _, p1 := range parts {
		for _, p2 := range parts {
			for _, p3 := range parts {
				s := p1 + p2 + p3
				slow := New(7)
				for _, u := range utf16Units(s) {
					slow.WriteUnit(u)
				}
				fast := New(7)
				fast.WriteString(p1)
				fast.WriteString(p2)
				fast.WriteString(p3)
				if fast.Sum32() != slow.Sum32() {
					t.Fatalf("%q+%q+%q: fast %d, units %d", p1, p2, p3, fast.Sum32(), slow.Sum32())
				}
			}
		}
	}
}
