package metrics

import (
	"math"
	"strconv"
	"testing"
)

func TestEscaping(t *testing.T) {
	r := new(Registry)
	help := "Back\\slash, \"quotes\" stay,\nnew line."
	cv := r.NewCounterVec("c_total", help, "v")
	value := "a\\b\"c\nd"
	cv.With(value).Inc()
	cv.With("héllo ✓ {x=\"y\"}").Inc()

	want := `# HELP c_total Back\\slash, "quotes" stay,\nnew line.
# TYPE c_total counter
c_total{v="a\\b\"c\nd"} 1
c_total{v="héllo ✓ {x=\"y\"}"} 1
`
	got := render(r)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	fams, err := parseExposition(got)
	if err != nil {
		t.Fatal(err)
	}
	if fams[0].help != help {
		t.Errorf("HELP reads back as %q, want %q", fams[0].help, help)
	}
	if v, _ := fams[0].samples[0].label("v"); v != value {
		t.Errorf("label value reads back as %q, want %q", v, value)
	}
}

// Every byte string that is valid UTF-8 survives escaping and parsing.
func TestEscapingRoundTrip(t *testing.T) {
	values := []string{"", `\`, `\\`, `"`, "\n", `\n`, "\r\t", "\\\"\n", "end\\", "\x00", "日本語"}
	for c := 1; c < 128; c++ {
		values = append(values, "x"+string(rune(c))+"y")
	}
	r := new(Registry)
	cv := r.NewCounterVec("c", "h", "v")
	for _, v := range values {
		cv.With(v).Inc()
	}
	fams, err := parseExposition(render(r))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range fams[0].samples {
		v, _ := s.label("v")
		got[v] = true
	}
	for _, v := range values {
		if !got[v] {
			t.Errorf("value %q lost", v)
		}
	}
	if len(got) != len(values) {
		t.Errorf("%d series, want %d", len(got), len(values))
	}
}

func TestFormatFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-1, "-1"},
		{42, "42"},
		{1e6, "1000000"},
		{-123456789, "-123456789"},
		{1<<53 - 1, "9007199254740991"},
		{1 << 53, "9.007199254740992e+15"},
		{1e21, "1e+21"},
		{0.25, "0.25"},
		{0.1, "0.1"},
		{1.5, "1.5"},
		{-2.75, "-2.75"},
		{1e-7, "1e-07"},
		{0.005, "0.005"},
		{123456789.5, "1.234567895e+08"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	} {
		got := string(appendFloat(nil, tc.v))
		if got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.v, got, tc.want)
		}
		if !valueRE.MatchString(got) {
			t.Errorf("appendFloat(%v) = %q, not in the grammar", tc.v, got)
		}
		// Every value parses back to itself (NaN to NaN, -0 to 0).
		back, err := strconv.ParseFloat(got, 64)
		if err != nil || !(back == tc.v || math.IsNaN(back) && math.IsNaN(tc.v)) {
			t.Errorf("%q parses back as %v, %v", got, back, err)
		}
	}
}

func TestNameGrammar(t *testing.T) {
	for _, tc := range []struct {
		s             string
		metric, label bool
	}{
		{"a", true, true},
		{"_", true, true},
		{"A_b9", true, true},
		{"a:b", true, false},
		{":a", true, false},
		{"9a", false, false},
		{"", false, false},
		{"a-b", false, false},
		{"a b", false, false},
		{"é", false, false},
		{"a.b", false, false},
	} {
		if got := validMetricName(tc.s); got != tc.metric {
			t.Errorf("validMetricName(%q) = %v", tc.s, got)
		}
		if got := validLabelName(tc.s); got != tc.label {
			t.Errorf("validLabelName(%q) = %v", tc.s, got)
		}
		if got := metricNameRE.FindString(tc.s) == tc.s && tc.s != ""; got != tc.metric {
			t.Errorf("test grammar disagrees on metric name %q", tc.s)
		}
	}
	// Exhaustively over two-byte names, against the test's grammar.
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			s := string([]byte{byte(a), byte(b)})
			if validMetricName(s) != (metricNameRE.FindString(s) == s) {
				t.Fatalf("validMetricName(%q) disagrees with the grammar", s)
			}
			if validLabelName(s) != (labelNameRE.FindString(s) == s) {
				t.Fatalf("validLabelName(%q) disagrees with the grammar", s)
			}
		}
	}
}

// The reader in grammar_test.go rejects what it should, so that its passing
// the package's output means something.
func TestGrammarRejects(t *testing.T) {
	ok := "# HELP a h\n# TYPE a counter\na 1\n"
	if _, err := parseExposition(ok); err != nil {
		t.Fatalf("rejects valid input: %v", err)
	}
	for _, bad := range []string{
		"# TYPE a counter\na 1",                    // no final newline
		"# TYPE a counter\n\na 1\n",                // blank line
		"a 1\n",                                    // no TYPE
		"# TYPE a counter\na -1\n",                 // negative counter
		"# TYPE a counter\na 1e\n",                 // bad float
		"# TYPE a counter\na inf\n",                // Inf needs its sign
		"# TYPE a counter\na{} 1\n",                // empty braces
		"# TYPE a counter\na{b=\"x\",b=\"y\"} 1\n", // duplicate label
		"# TYPE a counter\na{__b=\"x\"} 1\n",       // reserved label
		"# TYPE a counter\na{b=\"x\\q\"} 1\n",      // unknown escape
		"# TYPE a counter\na{b=\"x} 1\n",           // unterminated
		"# TYPE a counter\na{b=\"x\"\"} 1\n",       // bare quote
		"# TYPE a counter\na 1\na 2\n",             // duplicate series
		"# TYPE a counter\na 1 1700000000\n",       // timestamp
		"# HELP a x\\\"y\n# TYPE a counter\na 1\n", // \" in HELP
		"# TYPE a counter\n# TYPE a counter\na 1\n",
		"# TYPE a summary\na 1\n",
		"# TYPE a counter\nb 1\n",
		"# TYPE a counter\na 1\n# HELP a late\n",
		"# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", // no +Inf
		"# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",                       // not cumulative
		"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",                                             // count mismatch
		"# TYPE h histogram\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n", // le order
	} {
		if _, err := parseExposition(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
