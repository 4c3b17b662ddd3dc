package value

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"goatdb/internal/jsjson"
	"goatdb/internal/schema"
)

// Tagged JSON is the human-facing form of item data, used by the CLI and
// the conformance fixtures: strings, numbers and booleans are plain; a date
// is {"$date": ms}, a set {"$set": […]}, a map {"$map": {…}} and rich text
// {"$richtext": tree}. Unlike the stored form it is unambiguous without the
// schema and keeps dates in milliseconds.

// AppendTagged appends the fields of d as a tagged JSON object, in
// JavaScript key order. isDeleted is left out (report it on its own), as
// are keys s does not declare.
func AppendTagged(dst []byte, s *schema.Schema, d schema.Data) []byte {
	pl := planFor(s)
	dst = append(dst, '{')
	first := true
	for i, name := range pl.names {
		v, ok := d[name]
		if !ok || v == nil || name == schema.DeletedField {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsjson.AppendString(dst, name)
		dst = append(dst, ':')
		dst = appendTaggedValue(dst, pl.types[i], v)
	}
	return append(dst, '}')
}

func appendTaggedValue(dst []byte, t schema.FieldType, v any) []byte {
	switch t {
	case schema.Date:
		if d, ok := v.(time.Time); ok {
			dst = append(dst, `{"$date":`...)
			dst = jsjson.AppendNumber(dst, float64(d.UnixMilli()))
			return append(dst, '}')
		}
	case schema.Set:
		dst = append(dst, `{"$set":`...)
		dst = appendJSON(dst, v)
		return append(dst, '}')
	case schema.Map:
		dst = append(dst, `{"$map":`...)
		dst = appendJSON(dst, v)
		return append(dst, '}')
	case schema.RichText:
		dst = append(dst, `{"$richtext":`...)
		dst = appendJSON(dst, v)
		return append(dst, '}')
	}
	return appendJSON(dst, v)
}

// TaggedValue returns v, a canonical value of type t, as a tagged tree
// ready for encoding/json. Containers are copied.
func TaggedValue(t schema.FieldType, v any) any {
	switch t {
	case schema.Date:
		if d, ok := v.(time.Time); ok {
			return map[string]any{"$date": float64(d.UnixMilli())}
		}
	case schema.Set:
		return map[string]any{"$set": cloneValue(v)}
	case schema.Map:
		return map[string]any{"$map": cloneValue(v)}
	case schema.RichText:
		return map[string]any{"$richtext": cloneValue(v)}
	}
	return cloneValue(v)
}

// FromTagged parses a JSON object of tagged values for schema s. Plain
// forms are accepted where they are unambiguous: an array for a set, an
// object for a map (unless its only key is "$map"), a number of
// milliseconds (or an RFC 3339 string) for a date, and the tree itself for
// rich text. {"$num": "-0"} gives negative zero. A null value means the
// field is absent. The result is not normalised; pass it to NewItem.
func FromTagged(s *schema.Schema, raw []byte) (schema.Data, error) {
	p := parser{b: raw}
	if p.peek() != '{' {
		return nil, fmt.Errorf("%w: tagged data must be a JSON object", ErrSyntax)
	}
	d := schema.Data{}
	err := p.object(func(k []byte) error {
		name := string(k)
		f, ok := s.Field(name)
		if !ok {
			_, err := p.skip()
			if err != nil {
				return err
			}
			return fmt.Errorf("%w: %s: unknown field %q", schema.ErrSchema, s.Marker(), name)
		}
		var v any
		var err error
		if f.Type == schema.RichText {
			v, err = taggedRichText(&p)
		} else {
			v, err = p.value()
			if err == nil && v != nil {
				v, err = fromTaggedValue(f.Type, v)
			}
		}
		if err != nil {
			if errors.Is(err, ErrSyntax) {
				return err
			}
			return typeErr(s, name, err, f.Type)
		}
		if v != nil {
			d[name] = v
		} else {
			delete(d, name)
		}
		return nil
	})
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// fromTaggedValue converts a parsed tagged value of type t (other than rich
// text) to its canonical Go form.
func fromTaggedValue(t schema.FieldType, v any) (any, error) {
	m, _ := v.(map[string]any)
	switch t {
	case schema.String, schema.Bool:
		return coerce(t, v)
	case schema.Number:
		return taggedNumber(v)
	case schema.Date:
		if x, ok := m["$date"]; ok && len(m) == 1 {
			v = x
		}
		switch x := v.(type) {
		case float64:
			return dateFromMs(x)
		case string:
			d, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return nil, fmt.Errorf("date %q is not RFC 3339", x)
			}
			return coerce(schema.Date, d)
		}
	case schema.Set:
		if x, ok := m["$set"]; ok && len(m) == 1 {
			v = x
		}
		a, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, 0, len(a))
		for _, e := range a {
			if _, isObj := e.(map[string]any); isObj {
				n, err := taggedNumber(e)
				if err != nil {
					return nil, err
				}
				e = n
			}
			c, err := coerceElement(e)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return dedupe(out), nil
	case schema.Map:
		if x, ok := m["$map"]; ok && len(m) == 1 {
			v = x
		}
		if obj, ok := v.(map[string]any); ok {
			return obj, nil
		}
	case schema.RichText:
		if x, ok := m["$richtext"]; ok && len(m) == 1 {
			v = x
		}
		if _, ok := v.(map[string]any); ok {
			return json.RawMessage(appendJSON(nil, v)), nil
		}
	}
	return nil, fmt.Errorf("got %s", describe(v))
}

// taggedNumber reads a number or {"$num": "-0"}, the fixtures' spelling of
// values JSON cannot write.
func taggedNumber(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case map[string]any:
		if s, ok := x["$num"].(string); ok && len(x) == 1 {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("$num %q is not a finite number", s)
			}
			return f, nil
		}
	}
	return nil, fmt.Errorf("got %s", describe(v))
}

// taggedRichText reads a rich-text value keeping the tree's bytes.
func taggedRichText(p *parser) (any, error) {
	raw, err := p.skip()
	if err != nil {
		return nil, err
	}
	if string(raw) == "null" {
		return nil, nil
	}
	inner := raw
	q := parser{b: raw}
	keys := 0
	if q.peek() == '{' {
		var tagged []byte
		if err := q.object(func(k []byte) error {
			keys++
			b, err := q.skip()
			if string(k) == "$richtext" {
				tagged = b
			}
			return err
		}); err != nil {
			return nil, err
		}
		if tagged != nil && keys == 1 {
			inner = tagged
		}
	}
	if len(inner) == 0 || inner[0] != '{' {
		return nil, fmt.Errorf("rich text must be an object")
	}
	return compactJSON(inner)
}
