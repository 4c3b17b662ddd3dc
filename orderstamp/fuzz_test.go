package orderstamp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBetween checks Between and BetweenN on arbitrary pairs: strictly
// between (or the documented result for equal and impossible pairs), and
// valid UTF-8 that survives JSON whenever the inputs are valid UTF-8.
func FuzzBetween(f *testing.F) {
	g := seeded(9)
	s := g.From(1)
	for _, c := range [][2]string{
		{"", ""}, {"", "!"}, {"a", "b"}, {"a", "a\x00"}, {"a", "a\x00\x01"},
		{"a", "a!"}, {"a~~", "b"}, {"é", "ê"}, {"\u07ff", "\u0800"},
		{s, g.From(2)}, {g.Start(), g.End()}, {s, s}, {s, s + "\x00x"},
		{">;;410230\x01\u00fd", ">;;410230\x01\u00fd\x00\u00c8"},
	} {
		f.Add(c[0], c[1], uint16(3), uint16(1))
	}
	f.Fuzz(func(t *testing.T, a, b string, n, i uint16) {
		nn := int(n%1000) + 1
		lo, hi := min(a, b), max(a, b)
		valid := utf8.ValidString(a) && utf8.ValidString(b)
		for _, s := range []string{g.Between(a, b), g.BetweenN(a, b, nn, int(i)%nn)} {
			switch {
			case lo == hi:
				if !(s > lo && strings.HasPrefix(s, lo)) {
					t.Fatalf("Between(%q, %q) = %q", a, b, s)
				}
			case strings.HasPrefix(hi, lo) && strings.TrimLeft(hi[len(lo):], "\x00") == "":
				if s != hi[:len(hi)-1] {
					t.Fatalf("Between(%q, %q) = %q, want %q", a, b, s, hi[:len(hi)-1])
				}
				continue
			case !(lo < s && s < hi):
				t.Fatalf("Between(%q, %q) = %q, not strictly between", a, b, s)
			}
			if valid {
				checkStamp(t, s)
			}
		}
	})
}
