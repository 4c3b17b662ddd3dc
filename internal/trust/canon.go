package trust

import (
	"errors"
	"fmt"
	"strconv"
)

// jval is a JSON value as JavaScript's JSON.parse holds it. Signing hashes
// upstream's stableStringify of parsed JSON, so parsing must keep what
// JavaScript keeps: a lone surrogate escape ("\ud800") stays a lone
// surrogate, stored here as its three-byte WTF-8 form, where encoding/json
// would turn it into U+FFFD and so change the signed bytes.
type jval struct {
	kind jkind
	num  float64
	str  string   // jString
	keys []string // jObject: keys in first-occurrence order
	vals []*jval  // jArray elements, or jObject values parallel to keys
}

type jkind uint8

const (
	jNull jkind = iota
	jFalse
	jTrue
	jNumber
	jString
	jArray
	jObject
)

// maxJSONDepth bounds nesting so that hostile input cannot exhaust the
// stack; nothing GoatDB signs comes near it.
const maxJSONDepth = 512

// parseJS parses b, a single JSON text in UTF-8, strictly (RFC 8259).
// Duplicate keys keep the last value at the first key's position, as
// JSON.parse does.
func parseJS(b []byte) (*jval, error) {
	p := jparser{b: b}
	v, err := p.value(0)
	if err == nil {
		p.ws()
		if p.i != len(b) {
			err = p.errf("unexpected data after the value")
		}
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

type jparser struct {
	b []byte
	i int
}

func (p *jparser) errf(format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", ErrBadJSON, p.i, fmt.Sprintf(format, args...))
}

func (p *jparser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) lit(s string, v *jval) (*jval, error) {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return nil, p.errf("invalid literal")
	}
	p.i += len(s)
	return v, nil
}

func (p *jparser) value(depth int) (*jval, error) {
	if depth > maxJSONDepth {
		return nil, p.errf("nesting deeper than %d", maxJSONDepth)
	}
	p.ws()
	if p.i >= len(p.b) {
		return nil, p.errf("unexpected end of input")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		p.i++
		v := &jval{kind: jArray}
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return v, nil
		}
		for {
			e, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, e)
			p.ws()
			if p.i < len(p.b) && p.b[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.b) && p.b[p.i] == ']' {
				p.i++
				return v, nil
			}
			return nil, p.errf("expected ',' or ']'")
		}
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return &jval{kind: jString, str: s}, nil
	case c == 't':
		return p.lit("true", &jval{kind: jTrue})
	case c == 'f':
		return p.lit("false", &jval{kind: jFalse})
	case c == 'n':
		return p.lit("null", &jval{kind: jNull})
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.errf("unexpected character %q", p.b[p.i])
}

func (p *jparser) object(depth int) (*jval, error) {
	p.i++
	v := &jval{kind: jObject}
	var index map[string]int // built once an object is large enough
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errf("expected a key")
		}
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errf("expected ':'")
		}
		p.i++
		e, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		at := -1
		if index != nil {
			if j, ok := index[k]; ok {
				at = j
			}
		} else {
			for j, have := range v.keys {
				if have == k {
					at = j
					break
				}
			}
		}
		if at >= 0 {
			v.vals[at] = e
		} else {
			v.keys = append(v.keys, k)
			v.vals = append(v.vals, e)
			if index != nil {
				index[k] = len(v.keys) - 1
			} else if len(v.keys) == 16 {
				index = make(map[string]int, 32)
				for j, have := range v.keys {
					index[have] = j
				}
			}
		}
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			return v, nil
		}
		return nil, p.errf("expected ',' or '}'")
	}
}

func (p *jparser) number() (*jval, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.errf("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errf("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errf("invalid number")
		}
	}
	f, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, p.errf("invalid number: %v", err)
	}
	// Out of range: ParseFloat returns ±Inf or ±0, as JSON.parse does.
	return &jval{kind: jNumber, num: f}, nil
}

// get returns the member k of an object, or nil.
func (v *jval) get(k string) *jval {
	if v == nil || v.kind != jObject {
		return nil
	}
	for i, have := range v.keys {
		if have == k {
			return v.vals[i]
		}
	}
	return nil
}
