package orderstamp

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
	"unicode/utf8"
)

// epoch is an arbitrary fixed wall-clock time for deterministic tests.
var epoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a settable clock for deterministic Start/End tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// seeded returns a deterministic Generator for seed at the fixed epoch.
func seeded(seed uint64) *Generator {
	c := &fakeClock{epoch}
	return New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15), c.now)
}

// checkStamp fails t unless s is valid UTF-8 and survives a JSON round trip
// unchanged (as it must to be stored in a string field).
func checkStamp(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("stamp %q is not valid UTF-8", s)
	}
	enc, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("marshal %q: %v", s, err)
	}
	var back string
	if err := json.Unmarshal(enc, &back); err != nil || back != s {
		t.Fatalf("JSON round trip of %q gave %q, %v", s, back, err)
	}
}

// checkBetween fails t unless lo < s < hi and s is a storable stamp.
func checkBetween(t testing.TB, lo, hi, s string) {
	t.Helper()
	if !(lo < s && s < hi) {
		t.Fatalf("stamp not strictly between:\n lo=%q\n  s=%q\n hi=%q", lo, s, hi)
	}
	checkStamp(t, s)
}

// ownAlphabet reports whether s uses only characters this package chooses.
func ownAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if below[s[i]] == atMost[s[i]] {
			return false
		}
	}
	return true
}

func TestAlphabet(t *testing.T) {
	if len(alphabet) != radix {
		t.Fatalf("alphabet has %d characters, radix is %d", len(alphabet), radix)
	}
	for i, c := range alphabet {
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || (i > 0 && c <= alphabet[i-1]) {
			t.Fatalf("bad alphabet character %q at %d", c, i)
		}
		if below[c] != i || atMost[c] != i+1 {
			t.Fatalf("rank tables wrong at %q", c)
		}
	}
	for _, c := range "<>;0123456789" {
		if below[c] == atMost[c] {
			t.Fatalf("ELEN character %q missing from the alphabet", c)
		}
	}
}

// TestSuffixUniform checks every alphabet character appears in every
// suffix position at roughly the expected rate.
func TestSuffixUniform(t *testing.T) {
	g := seeded(14)
	const draws = 92 * 400
	var counts [suffixLen][256]int
	for range draws {
		s := g.appendSuffix(nil)
		for i := range suffixLen {
			counts[i][s[i]]++
		}
	}
	for i := range suffixLen {
		for _, c := range alphabet {
			if n := counts[i][c]; n < 300 || n > 500 {
				t.Fatalf("position %d: %q drawn %d times, want about 400", i, c, n)
			}
		}
	}
}
