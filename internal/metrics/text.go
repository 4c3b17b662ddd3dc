package metrics

import (
	"math"
	"strconv"
	"strings"
)

// textWriter renders the text exposition format, version 0.0.4.
type textWriter struct {
	buf []byte
}

// family writes the HELP and TYPE lines and the samples of f, or nothing
// if f has no samples: a family with no series tells a scraper nothing.
func (w *textWriter) family(f family) {
	d := f.desc()
	mark := len(w.buf)
	if d.help != "" {
		w.buf = append(w.buf, "# HELP "...)
		w.buf = append(w.buf, d.name...)
		w.buf = append(w.buf, ' ')
		w.buf = appendEscaped(w.buf, d.help, false)
		w.buf = append(w.buf, '\n')
	}
	w.buf = append(w.buf, "# TYPE "...)
	w.buf = append(w.buf, d.name...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, d.typ...)
	w.buf = append(w.buf, '\n')
	header := len(w.buf)
	f.write(w)
	if len(w.buf) == header {
		w.buf = w.buf[:mark]
	}
}

// sample writes one line: name, the labels (names[i]="values[i]"), an
// optional extra label (a histogram's le; skipped when extraName is
// empty), and the value.
func (w *textWriter) sample(name, suffix string, names, values []string, extraName, extraValue string, v float64) {
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, suffix...)
	if len(names) > 0 || extraName != "" {
		w.buf = append(w.buf, '{')
		for i, n := range names {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf = appendLabel(w.buf, n, values[i])
		}
		if extraName != "" {
			if len(names) > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf = appendLabel(w.buf, extraName, extraValue)
		}
		w.buf = append(w.buf, '}')
	}
	w.buf = append(w.buf, ' ')
	w.buf = appendFloat(w.buf, v)
	w.buf = append(w.buf, '\n')
}

func appendLabel(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendEscaped(b, value, true)
	return append(b, '"')
}

// appendEscaped escapes backslash and newline, which HELP text and label
// values share, and the double quote, which only label values escape: in
// HELP text \" would read back as two characters.
func appendEscaped(b []byte, s string, quote bool) []byte {
	if !strings.ContainsAny(s, "\\\n\"") {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat formats v as Prometheus parsers read it: +Inf, -Inf and NaN
// by name, whole numbers below 2^53 in plain digits (a counter at a million
// reads 1000000, not 1e+06), and anything else in the shortest form that
// parses back to v exactly.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case v == math.Trunc(v) && math.Abs(v) < 1<<53:
		// Negative zero has no sign in Prometheus's model either.
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
