package value

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
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

// lit consumes s if the input continues with it.
func (p *parser) lit(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
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
	more, err := p.objBegin()
	for more && err == nil {
		var k []byte
		if k, err = p.objKey(); err != nil {
			return err
		}
		if err = fn(k); err != nil {
			return err
		}
		more, err = p.objNext()
	}
	return err
}

// objBegin, objKey and objNext walk an object as object does, for the hot
// paths that cannot afford a closure per object: objBegin consumes '{' and
// reports whether a key follows, objKey reads `"key":`, and objNext, after
// the caller consumed the value, reports whether another key follows.
func (p *parser) objBegin() (bool, error) {
	if p.peek() != '{' {
		return false, p.errf("expected an object")
	}
	p.i++
	if p.peek() == '}' {
		p.i++
		return false, nil
	}
	return true, nil
}

func (p *parser) objKey() ([]byte, error) {
	if p.peek() != '"' {
		return nil, p.errf("expected a string key")
	}
	k, err := p.str()
	if err != nil {
		return nil, err
	}
	if p.peek() != ':' {
		return nil, p.errf("expected ':'")
	}
	p.i++
	return k, nil
}

func (p *parser) objNext() (bool, error) {
	// Compact input, the common case, needs no peek.
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case ',':
			p.i++
			return true, nil
		case '}':
			p.i++
			return false, nil
		}
	}
	return p.objNextSpaced()
}

func (p *parser) objNextSpaced() (bool, error) {
	switch p.peek() {
	case ',':
		p.i++
		return true, nil
	case '}':
		p.i++
		return false, nil
	}
	return false, p.errf("expected ',' or '}'")
}

// array calls fn for every element; fn must consume it.
func (p *parser) array(fn func() error) error {
	more, err := p.arrBegin()
	for more && err == nil {
		if err = fn(); err != nil {
			return err
		}
		more, err = p.arrNext()
	}
	return err
}

// arrBegin and arrNext walk an array as array does (see objBegin).
func (p *parser) arrBegin() (bool, error) {
	if p.peek() != '[' {
		return false, p.errf("expected an array")
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		return false, nil
	}
	return true, nil
}

func (p *parser) arrNext() (bool, error) {
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case ',':
			p.i++
			return true, nil
		case ']':
			p.i++
			return false, nil
		}
	}
	return p.arrNextSpaced()
}

func (p *parser) arrNextSpaced() (bool, error) {
	switch p.peek() {
	case ',':
		p.i++
		return true, nil
	case ']':
		p.i++
		return false, nil
	}
	return false, p.errf("expected ',' or ']'")
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
	b := p.b
	start := p.i + 1 // after the opening quote
	i := start
	for i+8 <= len(b) {
		if m := unplainBytes(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			goto scanned
		}
		i += 8
	}
	for i < len(b) && plainByte[b[i]] {
		i++
	}
scanned:
	if i < len(b) && b[i] == '"' {
		p.i = i + 1
		return b[start:i], nil
	}
	p.i = i
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

// plainByte tells the bytes that stand for themselves in a string and are
// ASCII, so that most strings are scanned at a table lookup per byte.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// unplainBytes sets the high bit of the bytes of x (little endian) that are
// not plainByte: '"', '\\', below 0x20 or not ASCII. Borrows can set bits
// only above a byte that is itself flagged, so the lowest bit set is exact.
func unplainBytes(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	s := x ^ (lo * '\\')
	return ((q-lo)&^q | (s-lo)&^s | (x-lo*0x20)&^x | x) & hi
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
	// The digits are gathered into mant on the way: most numbers have few
	// enough of them to be converted exactly below, without ParseFloat.
	var mant uint64
	nd := 0       // digits in mant, leading zeros excluded
	exact := true // mant holds every significant digit
	frac := 0     // digits after the point
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if nd < 19 {
				mant = mant*10 + uint64(b[i]-'0')
				nd++
			} else {
				exact = false
			}
			i++
		}
	default:
		p.i = i
		return 0, p.errf("invalid number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.i = i
			return 0, p.errf("invalid number")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			switch {
			case mant == 0 && b[i] == '0':
			case nd < 19:
				mant = mant*10 + uint64(b[i]-'0')
				nd++
			default:
				exact = false
			}
			frac++
			i++
		}
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.i = i
			return 0, p.errf("invalid number")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if exp < 1e6 {
				exp = exp*10 + int(b[i]-'0')
			}
			i++
		}
		if eneg {
			exp = -exp
		}
	}
	p.i = i
	// A mantissa below 2^53 and a power of ten up to 1e22 are both exact
	// in float64, so one multiplication or division rounds correctly and
	// gives what ParseFloat gives (this is its own first fast path).
	if exact && mant <= 1<<53 {
		f, ok := 0.0, true
		switch e := exp - frac; {
		case mant == 0:
		case e >= 0 && e <= 22:
			f = float64(mant) * pow10[e]
		case e < 0 && e >= -22:
			f = float64(mant) / pow10[-e]
		default:
			ok = false
		}
		if ok {
			if neg {
				f = -f
			}
			return f, nil
		}
	}
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil || math.IsInf(f, 0) {
		p.i = start
		return 0, p.errf("number %s out of range", b[start:i])
	}
	return f, nil
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseJSON decodes a complete JSON document into a generic tree.
func parseJSON(b []byte) (any, error) {
	p := parser{b: b}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return v, p.end()
}
