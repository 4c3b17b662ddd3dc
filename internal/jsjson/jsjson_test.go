package jsjson

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestStableVectors(t *testing.T) {
	b, err := os.ReadFile("../../../shared/fixtures/upstream-0.5.1/vectors/stable-stringify.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Cases []struct {
			Input  json.RawMessage `json:"input"`
			Output string          `json:"output"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) < 10 {
		t.Fatalf("only %d cases", len(v.Cases))
	}
	for i, c := range v.Cases {
		var in any
		if err := json.Unmarshal(c.Input, &in); err != nil {
			t.Fatal(err)
		}
		got, err := AppendStable(nil, in)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		if string(got) != c.Output {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, c.Output)
		}
	}
}

func TestStableRejectsNull(t *testing.T) {
	if _, err := AppendStable(nil, map[string]any{"a": nil}); err != ErrNull {
		t.Fatalf("got %v, want ErrNull", err)
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-3.5, "-3.5"}, {0.1, "0.1"},
		{1e21, "1e+21"}, {1e-7, "1e-7"}, {1e-6, "0.000001"}, {123456789012, "123456789012"},
		{5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{0.30000000000000004, "0.30000000000000004"}, {1700000000.123, "1700000000.123"},
		{-1e-300, "-1e-300"}, {1.5e-10, "1.5e-10"}, {9007199254740992, "9007199254740992"},
	} {
		if got := FormatNumber(c.f); got != c.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	if FormatNumber(math.NaN()) != "NaN" || string(AppendNumber(nil, math.Inf(1))) != "null" {
		t.Error("NaN/Inf formatting")
	}
}

func TestLessUTF16(t *testing.T) {
	// U+FFFF sorts after U+1F600 in UTF-16 (0xFFFF > 0xD83D) but before it in UTF-8.
	if !LessUTF16("\U0001F600", "\uffff") || LessUTF16("\uffff", "\U0001F600") {
		t.Error("astral vs BMP order")
	}
	if !LessUTF16("a", "ab") || LessUTF16("ab", "a") || LessUTF16("a", "a") {
		t.Error("prefix order")
	}
}

// TestLessUTF16MatchesCodeUnits compares LessUTF16 with the definition,
// the order of the strings' UTF-16 code units, on random strings built
// from characters whose UTF-8 and UTF-16 orders differ.
func TestLessUTF16MatchesCodeUnits(t *testing.T) {
	alphabet := []rune{'a', 'b', 'z', 0x7f, 0xe9, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		var sb strings.Builder
		for range rng.IntN(5) {
			sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		return sb.String()
	}
	less := func(a, b string) bool {
		return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b))) < 0
	}
	for range 200_000 {
		a, b := str(), str()
		if rng.IntN(3) == 0 {
			b = a + b // shared prefixes are the fast path's case
		}
		if got, want := LessUTF16(a, b), less(a, b); got != want {
			t.Fatalf("LessUTF16(%+q, %+q) = %v, want %v", a, b, got, want)
		}
	}
}
