package value

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 10000

// parser is a strict RFC 8259 JSON reader over a byte slice. It exists
// because reading a repository means decoding every record, and reflection
// through encoding/json costs several times more; it also lets the record
// decoder walk objects key by key without building intermediate maps.
//
// Strings are decoded as encoding/json decodes them: invalid UTF-8 and lone
// surrogate escapes become U+FFFD. Duplicate object keys keep the last
// value, as JSON.parse does.
type parser struct {
	b     []byte
	i     int
	depth int
}

func (p *parser) errf(format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", ErrSyntax, p.i, fmt.Sprintf(format, args...))
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// end checks that only white space is left.
func (p *parser) end() error {
	if p.peek() != 0 || p.i < len(p.b) {
		return p.errf("unexpected data after the value")
	}
	return nil
}

// value decodes the next value into map[string]any, []any, string, float64,
// bool or nil.
func (p *parser) value() (any, error) {
	switch c := p.peek(); c {
	case '{':
		if err := p.enter(); err != nil {
			return nil, err
		}
		m := map[string]any{}
		err := p.object(func(k []byte) error {
			v, err := p.value()
			if err != nil {
				return err
			}
			m[string(k)] = v
			return nil
		})
		p.depth--
		return m, err
	case '[':
		if err := p.enter(); err != nil {
			return nil, err
		}
		a := []any{}
		err := p.array(func() error {
			v, err := p.value()
			if err != nil {
				return err
			}
			a = append(a, v)
			return nil
		})
		p.depth--
		return a, err
	case '"':
		b, err := p.str()
		return string(b), err
	case 't', 'f', 'n':
		return p.literal()
	case 0:
		return nil, p.errf("unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return p.num()
		}
		return nil, p.errf("unexpected character %q", c)
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("nesting deeper than %d", maxDepth)
	}
	return nil
}

func (p *parser) literal() (any, error) {
	rest := p.b[p.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		p.i += 4
		return true, nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		p.i += 5
		return false, nil
	case len(rest) >= 4 && string(rest[:4]) == "null":
		p.i += 4
		return nil, nil
	}
	return nil, p.errf("invalid literal")
}

// object calls fn for every key; fn must consume the key's value. The key
// slice may alias the input and is only valid during the call.
func (p *parser) object(fn func(key []byte) error) error {
	if p.peek() != '{' {
		return p.errf("expected an object")
	}
	p.i++
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.errf("expected a string key")
		}
		k, err := p.str()
		if err != nil {
			return err
		}
		if p.peek() != ':' {
			return p.errf("expected ':'")
		}
		p.i++
		if err := fn(k); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.errf("expected ',' or '}'")
		}
	}
}

// array calls fn for every element; fn must consume it.
func (p *parser) array(fn func() error) error {
	if p.peek() != '[' {
		return p.errf("expected an array")
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return p.errf("expected ',' or ']'")
		}
	}
}

// skip validates the next value and returns its raw bytes.
func (p *parser) skip() ([]byte, error) {
	p.ws()
	start := p.i
	var err error
	switch c := p.peek(); c {
	case '{':
		if err = p.enter(); err == nil {
			err = p.object(func([]byte) error { _, err := p.skip(); return err })
			p.depth--
		}
	case '[':
		if err = p.enter(); err == nil {
			err = p.array(func() error { _, err := p.skip(); return err })
			p.depth--
		}
	case '"':
		_, err = p.str()
	default:
		_, err = p.value()
	}
	if err != nil {
		return nil, err
	}
	return p.b[start:p.i], nil
}

// str reads a string token. The result aliases the input when the string
// has no escapes and is valid UTF-8.
func (p *parser) str() ([]byte, error) {
	p.i++ // opening quote
	start := p.i
	ascii := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !ascii && !utf8.Valid(s) {
				return []byte(string([]rune(string(s)))), nil // U+FFFD for bad bytes
			}
			return s, nil
		case c == '\\':
			return p.strSlow(start)
		case c < 0x20:
			return nil, p.errf("control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.i++
	}
	return nil, p.errf("unterminated string")
}

func (p *parser) strSlow(start int) ([]byte, error) {
	out := make([]byte, 0, p.i-start+16)
	out = append(out, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				out = []byte(string([]rune(string(out))))
			}
			return out, nil
		case c < 0x20:
			return nil, p.errf("control character in string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return nil, p.errf("unterminated escape")
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, p.errf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if lo, ok := p.hex4(); ok {
						if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
							r2 = d
						} else {
							p.i = save // not a pair: the next escape stands alone
						}
					} else {
						return nil, p.errf("invalid \\u escape")
					}
				}
				r = r2
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, p.errf("invalid escape \\%c", e)
		}
	}
	return nil, p.errf("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// num reads a number with JSON's grammar. Values beyond float64's range
// are rejected: JavaScript would read them as Infinity, which JSON cannot
// carry back.
func (p *parser) num() (float64, error) {
	start := p.i
	b := p.b
	i := p.i
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	digits := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		p.i = i
		return 0, p.errf("invalid number")
	}
	simple := true
	if i < len(b) && b[i] == '.' {
		simple = false
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.i = i
			return 0, p.errf("invalid number")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		simple = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.i = i
			return 0, p.errf("invalid number")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	p.i = i
	// Integers of up to 15 digits are exact in float64: skip ParseFloat.
	if simple && i-digits <= 15 {
		var n int64
		for _, c := range b[digits:i] {
			n = n*10 + int64(c-'0')
		}
		f := float64(n)
		if neg {
			f = -f
		}
		return f, nil
	}
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil || math.IsInf(f, 0) {
		p.i = start
		return 0, p.errf("number %s out of range", b[start:i])
	}
	return f, nil
}

// parseJSON decodes a complete JSON document into a generic tree.
func parseJSON(b []byte) (any, error) {
	p := parser{b: b}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return v, p.end()
}
