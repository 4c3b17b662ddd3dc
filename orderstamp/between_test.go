package orderstamp

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// pieces are the building blocks of arbitrary test strings: the edges of
// the alphabet, characters just outside it, ELEN characters, and
// multi-byte characters like those in upstream stamps (codes up to 253,
// which upstream uses, and beyond).
var pieces = []string{
	"", "\x00", "\x01", " ", "!", "\"", "#", "0", "9", ";", "<", ">", "M",
	"[", "\\", "]", "}", "~", "\x7f", "\u0080", "\u00fd", "\u00fe", "é",
	"\u07ff", "\u0800", "€", "😀",
}

// randomString returns a short string over pieces.
func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(6) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// upstreamStamp imitates an upstream stamp: an ELEN prefix and characters
// with codes in [1, 254), occasionally with the NUL upstream's between
// writes when one bound is a prefix of the other.
func upstreamStamp(r *rand.Rand) string {
	var b strings.Builder
	b.Write(appendELEN(nil, (r.Float64()-0.5)*1e4))
	for range 1 + r.IntN(17) {
		if r.IntN(40) == 0 {
			b.WriteByte(0)
			continue
		}
		b.WriteRune(rune(1 + r.IntN(253)))
	}
	return b.String()
}

// relatedPair derives a second string from a so that the pair is adjacent
// or prefix-related, the cases where an in-between string is hardest to
// find.
func relatedPair(r *rand.Rand, a string) string {
	switch r.IntN(5) {
	case 0:
		return a + pieces[r.IntN(len(pieces))]
	case 1:
		return a + randomString(r)
	case 2:
		if a == "" {
			return "!"
		}
		bs := []byte(a)
		bs[len(bs)-1]++
		return string(bs)
	case 3:
		if a == "" {
			return a
		}
		return a[:r.IntN(len(a))]
	default:
		return a
	}
}

// betweenCase checks Between and BetweenN on one pair. Impossible pairs
// (b is a followed by NULs only) must give b minus its last byte, and
// results are only required to be valid UTF-8 when the inputs are.
func betweenCase(t *testing.T, g *Generator, a, b string) {
	t.Helper()
	lo, hi := min(a, b), max(a, b)
	for _, s := range []string{g.Between(a, b), g.BetweenN(a, b, 1, 0), g.BetweenN(a, b, 7, 3)} {
		switch {
		case lo == hi:
			if !(s > lo && strings.HasPrefix(s, lo)) {
				t.Fatalf("Between(%q, %q) = %q, want a longer string starting with it", a, b, s)
			}
			checkStamp(t, s)
		case strings.HasPrefix(hi, lo) && strings.TrimLeft(hi[len(lo):], "\x00") == "":
			if s != hi[:len(hi)-1] {
				t.Fatalf("Between(%q, %q) = %q, want %q", a, b, s, hi[:len(hi)-1])
			}
		case !utf8.ValidString(lo) || !utf8.ValidString(hi):
			// Order still holds for arbitrary bytes; validity cannot.
			if !(lo < s && s < hi) {
				t.Fatalf("Between(%q, %q) = %q, not strictly between", a, b, s)
			}
		default:
			checkBetween(t, lo, hi, s)
		}
	}
}

func TestBetweenRandomPairs(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		g := seeded(seed)
		for range 200 {
			var a string
			switch r.IntN(4) {
			case 0:
				a = randomString(r)
			case 1:
				a = upstreamStamp(r)
			case 2:
				a = g.From(float64(r.IntN(7) - 3))
			default:
				a = g.Between(g.Start(), g.End())
			}
			var b string
			switch r.IntN(3) {
			case 0:
				b = relatedPair(r, a)
			case 1:
				b = upstreamStamp(r)
			default:
				b = randomString(r)
			}
			betweenCase(t, g, a, b)
			betweenCase(t, g, b, a)
		}
	}
}

func TestBetweenEdgeCases(t *testing.T) {
	g := seeded(3)
	s := g.From(5)
	cases := [][2]string{
		{"", ""}, {"", "\x00"}, {"", "\x01"}, {"", "!"}, {"", "!!"}, {"", "#"},
		{"a", "a\x00"}, {"a", "a\x00\x00"}, {"a", "a\x00\x01"}, {"a", "a\x01"},
		{"a", "a!"}, {"a", "a!!!"}, {"a", "a\x00!"}, {"a", "a#"}, {"a", "b"},
		{"a~", "b"}, {"a~~~", "b"}, {"a", "a~"}, {"é", "ê"}, {"é", "é\x00\x01"},
		{"\u07ff", "\u0800"}, {"a", "aé"}, {"a\x7f", "b"}, {"a\u00fd", "a\u00fe"},
		{s, s}, {s, s + "!"}, {s, s + "\x00"}, {s, s[:len(s)-1]},
		{"", s}, {s, "~~~~"},
	}
	for _, c := range cases {
		betweenCase(t, g, c[0], c[1])
		betweenCase(t, g, c[1], c[0])
	}
}

// TestBetweenOwnAlphabet checks that stamps made from this package's own
// stamps use only the stamp alphabet.
func TestBetweenOwnAlphabet(t *testing.T) {
	g := seeded(4)
	list := []string{g.Start(), g.From(0), g.End()}
	r := rand.New(rand.NewPCG(4, 4))
	for range 5000 {
		i := r.IntN(len(list) - 1)
		s := g.Between(list[i], list[i+1])
		if !ownAlphabet(s) {
			t.Fatalf("Between gave %q outside the alphabet", s)
		}
		list = slices.Insert(list, i+1, s)
	}
}

// TestBetweenChains inserts repeatedly at the front, the back and two
// middle spots, with one Generator (which recognises its own neighbours)
// and with two alternating ones (which cannot), and checks the whole list
// stays strictly sorted.
func TestBetweenChains(t *testing.T) {
	for seed := range uint64(12) {
		for _, writers := range []int{1, 2} {
			gens := []*Generator{seeded(seed), seeded(seed + 100)}
			for _, pattern := range []string{"front", "back", "after", "before"} {
				list := []string{gens[0].Start(), gens[0].From(0), gens[0].End()}
				for k := range 1500 {
					g := gens[k%writers]
					var i int // insert between list[i] and list[i+1]
					switch pattern {
					case "front":
						i = 0
					case "back":
						i = len(list) - 2
					case "after": // always directly after the fixed middle item
						i = 1
					case "before": // always directly before the fixed middle item
						i = k
					}
					s := g.Between(list[i], list[i+1])
					checkBetween(t, list[i], list[i+1], s)
					list = slices.Insert(list, i+1, s)
				}
				if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
					t.Fatalf("seed %d %s: list not strictly sorted", seed, pattern)
				}
			}
		}
	}
}

// TestBetweenRandomInserts inserts at random places in one shared list from
// several Generators and checks the list stays strictly sorted.
func TestBetweenRandomInserts(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 2))
		gens := []*Generator{seeded(seed), seeded(seed + 1), seeded(seed + 2)}
		list := []string{gens[0].Start(), gens[1].End()}
		for range 3000 {
			g := gens[r.IntN(len(gens))]
			i := r.IntN(len(list) - 1)
			if r.IntN(2) == 0 {
				i = min(i, 3) // favour hot spots near the front
			}
			s := g.Between(list[i+1], list[i]) // reversed on purpose
			checkBetween(t, list[i], list[i+1], s)
			list = slices.Insert(list, i+1, s)
		}
	}
}

func TestBetweenUnique(t *testing.T) {
	g := seeded(5)
	a, b := g.From(1), g.From(2)
	seen := map[string]bool{}
	for range 10000 {
		s := g.Between(a, b)
		if seen[s] {
			t.Fatalf("duplicate stamp %q", s)
		}
		seen[s] = true
	}
}
