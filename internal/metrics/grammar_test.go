package metrics

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds an independent reader of the text exposition format,
// version 0.0.4, strict enough to catch anything a Prometheus parser would
// reject or misread, and some things it would accept but that this package
// never writes (blank lines, timestamps, untyped samples).

type parsedSample struct {
	name   string
	labels [][2]string // in order of appearance
	value  float64
}

func (s parsedSample) label(name string) (string, bool) {
	for _, l := range s.labels {
		if l[0] == name {
			return l[1], true
		}
	}
	return "", false
}

// key identifies a sample's series, le included.
func (s parsedSample) key() string {
	var b strings.Builder
	b.WriteString(s.name)
	for _, l := range s.labels {
		fmt.Fprintf(&b, ",%s=%q", l[0], l[1])
	}
	return b.String()
}

type parsedFamily struct {
	name, typ, help string
	hasHelp         bool
	samples         []parsedSample
}

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*`)
	valueRE      = regexp.MustCompile(`^(?:[+-]Inf|NaN|-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$`)
)

// parseExposition parses text and checks every line against the grammar and
// every family against the format's rules. It returns the families in
// order of appearance.
func parseExposition(text string) ([]*parsedFamily, error) {
	if text == "" {
		return nil, nil
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("output does not end with a newline")
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("output is not valid UTF-8")
	}
	var fams []*parsedFamily
	byName := map[string]*parsedFamily{}
	seen := map[string]bool{}
	var cur *parsedFamily
	for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d %q: %s", n+1, line, fmt.Sprintf(format, args...))
		}
		if strings.HasPrefix(line, "#") {
			kind, name, rest, err := parseComment(line)
			if err != nil {
				return nil, fail("%v", err)
			}
			f := byName[name]
			if f == nil {
				f = &parsedFamily{name: name}
				byName[name] = f
				fams = append(fams, f)
			} else if f != cur || len(f.samples) > 0 {
				return nil, fail("metadata for %s away from its family's start", name)
			}
			cur = f
			switch kind {
			case "HELP":
				if f.hasHelp {
					return nil, fail("second HELP")
				}
				f.hasHelp, f.help = true, rest
			case "TYPE":
				if f.typ != "" {
					return nil, fail("second TYPE")
				}
				f.typ = rest
			}
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			return nil, fail("%v", err)
		}
		if cur == nil || cur.typ == "" || familyOf(s.name, cur.typ) != cur.name {
			return nil, fail("sample outside a typed family")
		}
		if seen[s.key()] {
			return nil, fail("duplicate series")
		}
		seen[s.key()] = true
		cur.samples = append(cur.samples, s)
	}
	for _, f := range fams {
		if f.typ == "" {
			return nil, fmt.Errorf("family %s has no TYPE", f.name)
		}
		if err := checkFamily(f); err != nil {
			return nil, fmt.Errorf("family %s: %v", f.name, err)
		}
	}
	return fams, nil
}

// parseComment parses "# HELP name text" or "# TYPE name type".
func parseComment(line string) (kind, name, rest string, err error) {
	kind, after, ok := strings.Cut(strings.TrimPrefix(line, "# "), " ")
	if !ok || !strings.HasPrefix(line, "# ") || (kind != "HELP" && kind != "TYPE") {
		return "", "", "", fmt.Errorf("comment is neither HELP nor TYPE")
	}
	name = metricNameRE.FindString(after)
	if name == "" || len(after) == len(name) || after[len(name)] != ' ' {
		return "", "", "", fmt.Errorf("bad metric name")
	}
	rest = after[len(name)+1:]
	if kind == "TYPE" {
		switch rest {
		case "counter", "gauge", "histogram":
		default:
			return "", "", "", fmt.Errorf("bad type %q", rest)
		}
		return kind, name, rest, nil
	}
	rest, err = unescape(rest, false)
	return kind, name, rest, err
}

// parseSample parses name{label="value",...} value.
func parseSample(line string) (parsedSample, error) {
	var s parsedSample
	s.name = metricNameRE.FindString(line)
	if s.name == "" {
		return s, fmt.Errorf("bad metric name")
	}
	rest := line[len(s.name):]
	if strings.HasPrefix(rest, "{") {
		rest = rest[1:]
		for !strings.HasPrefix(rest, "}") {
			if len(s.labels) > 0 {
				if !strings.HasPrefix(rest, ",") {
					return s, fmt.Errorf("labels not separated by a comma")
				}
				rest = rest[1:]
			}
			name := labelNameRE.FindString(rest)
			if name == "" || strings.HasPrefix(name, "__") {
				return s, fmt.Errorf("bad label name at %q", rest)
			}
			if _, dup := s.label(name); dup {
				return s, fmt.Errorf("duplicate label %s", name)
			}
			rest = rest[len(name):]
			if !strings.HasPrefix(rest, `="`) {
				return s, fmt.Errorf("label %s: no =\"", name)
			}
			rest = rest[2:]
			end := closingQuote(rest)
			if end < 0 {
				return s, fmt.Errorf("label %s: unterminated value", name)
			}
			value, err := unescape(rest[:end], true)
			if err != nil {
				return s, fmt.Errorf("label %s: %v", name, err)
			}
			s.labels = append(s.labels, [2]string{name, value})
			rest = rest[end+1:]
		}
		if len(s.labels) == 0 {
			return s, fmt.Errorf("empty braces")
		}
		rest = rest[1:]
	}
	if !strings.HasPrefix(rest, " ") {
		return s, fmt.Errorf("no space before the value")
	}
	rest = rest[1:]
	if !valueRE.MatchString(rest) {
		return s, fmt.Errorf("bad value %q", rest)
	}
	v, err := strconv.ParseFloat(rest, 64)
	if err != nil {
		return s, err
	}
	s.value = v
	return s, nil
}

// closingQuote returns the index of the first unescaped '"' in s, or -1.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unescape undoes the format's escapes: \\ and \n everywhere, \" only in
// label values, where a bare '"' cannot occur either.
func unescape(s string, label bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' && label {
			return "", fmt.Errorf("bare double quote")
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i++; i == len(s) {
			return "", fmt.Errorf("trailing backslash")
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case '"':
			if !label {
				return "", fmt.Errorf(`\" in HELP text`)
			}
			b.WriteByte('"')
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// familyOf returns the family a sample named name belongs to, given the
// current family's type.
func familyOf(name, typ string) string {
	if typ == "histogram" {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok {
				return base
			}
		}
		return ""
	}
	return name
}

// checkFamily checks the rules of each type: counters are not negative;
// histograms have, per series, le-labeled buckets with increasing bounds
// ending in +Inf, cumulative counts, a _sum and a _count equal to the +Inf
// bucket.
func checkFamily(f *parsedFamily) error {
	if f.typ == "counter" {
		for _, s := range f.samples {
			if s.value < 0 {
				return fmt.Errorf("negative counter %v", s.value)
			}
		}
	}
	if f.typ != "histogram" {
		return nil
	}
	type series struct {
		les    []float64
		counts []float64
		sum    int
		count  float64
		hasCnt bool
	}
	all := map[string]*series{}
	var order []string
	for _, s := range f.samples {
		var id []string
		le, hasLE := "", false
		for _, l := range s.labels {
			if l[0] == "le" {
				le, hasLE = l[1], true
				continue
			}
			id = append(id, l[0]+"="+l[1])
		}
		k := strings.Join(id, "\x00")
		sr := all[k]
		if sr == nil {
			sr = &series{}
			all[k] = sr
			order = append(order, k)
		}
		switch {
		case strings.HasSuffix(s.name, "_bucket"):
			if !hasLE {
				return fmt.Errorf("bucket without le")
			}
			if !valueRE.MatchString(le) {
				return fmt.Errorf("le %q is not a float", le)
			}
			bound, _ := strconv.ParseFloat(le, 64)
			if n := len(sr.les); n > 0 && !(sr.les[n-1] < bound) {
				return fmt.Errorf("le %v after %v", bound, sr.les[n-1])
			}
			if n := len(sr.counts); n > 0 && s.value < sr.counts[n-1] {
				return fmt.Errorf("bucket le=%v not cumulative", bound)
			}
			if s.value != math.Trunc(s.value) || s.value < 0 {
				return fmt.Errorf("bucket count %v", s.value)
			}
			sr.les = append(sr.les, bound)
			sr.counts = append(sr.counts, s.value)
		case hasLE:
			return fmt.Errorf("le on %s", s.name)
		case strings.HasSuffix(s.name, "_sum"):
			sr.sum++
		case strings.HasSuffix(s.name, "_count"):
			sr.count, sr.hasCnt = s.value, true
		}
	}
	for _, k := range order {
		sr := all[k]
		n := len(sr.les)
		if n == 0 || !math.IsInf(sr.les[n-1], 1) {
			return fmt.Errorf("series {%s}: no +Inf bucket", k)
		}
		if sr.sum != 1 || !sr.hasCnt || sr.count != sr.counts[n-1] {
			return fmt.Errorf("series {%s}: _sum/_count missing or _count != +Inf bucket", k)
		}
	}
	return nil
}

// values returns the samples of fams by key, for looking values up.
func sampleValues(fams []*parsedFamily) map[string]float64 {
	m := map[string]float64{}
	for _, f := range fams {
		for _, s := range f.samples {
			m[s.key()] = s.value
		}
	}
	return m
}

// familyNames returns the names of fams in order.
func familyNames(fams []*parsedFamily) []string {
	var names []string
	for _, f := range fams {
		names = append(names, f.name)
	}
	return slices.Clip(names)
}
