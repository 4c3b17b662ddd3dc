package value

import (
	"encoding/json"
	"fmt"
	"strconv"

	"goatdb/internal/jsjson"
	"goatdb/internal/schema"
)

// AppendEdit appends the edit of a delta commit as upstream writes it:
// {"sc":…,"dc":…,"c":{field:[{"__t":"E","__v":{"changeType":"fd",
// "operation":1,"vType":"number","value":1}}]}}. Values are in stored form
// (sets wrapped, dates in seconds, maps as objects); rich-text changes are
// written back as received. Fields are in JavaScript key order. Upstream
// never writes the optional schema key "s", and neither does this.
func AppendEdit(dst []byte, sc, dc string, ch Changes) []byte {
	need := len(`{"sc":"","dc":"","c":{}}`) + len(sc) + len(dc)
	var small [8]string
	fields := small[:0]
	if len(ch) > len(small) {
		fields = make([]string, 0, len(ch))
	}
	for f, list := range ch {
		fields = append(fields, f)
		need += len(f) + 8
		for _, c := range list {
			need += 80 + len(c.RT) + sizeHint(c.Value)
		}
	}
	if cap(dst)-len(dst) < need {
		dst = append(make([]byte, 0, len(dst)+need), dst...)
	}
	sortFields(fields)
	dst = append(dst, `{"sc":`...)
	dst = jsjson.AppendString(dst, sc)
	dst = append(dst, `,"dc":`...)
	dst = jsjson.AppendString(dst, dc)
	dst = append(dst, `,"c":{`...)
	for i, field := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsjson.AppendString(dst, field)
		dst = append(dst, ":["...)
		for j, c := range ch[field] {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendChange(dst, c)
		}
		dst = append(dst, ']')
	}
	return append(dst, "}}"...)
}

// sortFields is jsjson.SortKeys without its allocations for the few
// fields an edit usually has.
func sortFields(keys []string) {
	if len(keys) > 12 {
		jsjson.SortKeys(keys)
		return
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && jsjson.LessUTF16(keys[j], keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

func appendChange(dst []byte, c Change) []byte {
	dst = append(dst, `{"__t":"E","__v":`...)
	if c.RT != nil {
		dst = append(dst, c.RT...)
		return append(dst, '}')
	}
	dst = append(dst, `{"changeType":"fd","operation":`...)
	dst = strconv.AppendInt(dst, int64(c.Op), 10)
	dst = append(dst, `,"vType":`...)
	dst = jsjson.AppendString(dst, c.Type.String())
	dst = append(dst, `,"value":`...)
	dst = appendStored(dst, c.Type, c.Value)
	return append(dst, "}}"...)
}

// DecodeEdit decodes the edit "e" of a delta commit. Every field change
// carries its own value type ("vType"), so s, the schema of the base item,
// is only consulted for a change without one; it may be nil. Rich-text
// changes ("changeType":"rt") are kept raw in Change.RT. The optional "s"
// key (a schema change upstream never writes and never applies) is
// ignored.
func DecodeEdit(raw []byte, s *schema.Schema) (sc, dc string, ch Changes, err error) {
	p := parser{b: raw}
	var haveSC, haveDC, haveC bool
	err = p.object(func(k []byte) error {
		switch string(k) {
		case "sc", "dc":
			v, err := p.value()
			if err != nil {
				return err
			}
			str, ok := v.(string)
			if !ok {
				return fmt.Errorf("%w: edit %q is %s, not a string", ErrSyntax, k, describe(v))
			}
			if k[0] == 's' {
				sc, haveSC = str, true
			} else {
				dc, haveDC = str, true
			}
			return nil
		case "c":
			haveC = true
			ch = Changes{}
			return p.object(func(fk []byte) error {
				field := string(fk)
				list := []Change{}
				err := p.array(func() error {
					c, err := decodeChange(&p, s, field)
					list = append(list, c)
					return err
				})
				ch[field] = list
				return err
			})
		default:
			_, err := p.skip()
			return err
		}
	})
	if err == nil {
		err = p.end()
	}
	if err == nil && !(haveSC && haveDC && haveC) {
		err = fmt.Errorf("%w: edit needs \"sc\", \"dc\" and \"c\"", ErrSyntax)
	}
	if err != nil {
		return "", "", nil, err
	}
	return sc, dc, ch, nil
}

// decodeChange reads one {"__t":"E","__v":{…}} change.
func decodeChange(p *parser, s *schema.Schema, field string) (Change, error) {
	var tag any
	var body []byte
	if p.peek() != '{' {
		return Change{}, fmt.Errorf("%w: change of field %q is not an object", ErrSyntax, field)
	}
	err := p.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "__t":
			tag, err = p.value()
		case "__v":
			body, err = p.skip()
		default:
			_, err = p.skip()
		}
		return err
	})
	if err != nil {
		return Change{}, err
	}
	if tag != "E" || body == nil || body[0] != '{' {
		return Change{}, fmt.Errorf("%w: change of field %q is not wrapped as {\"__t\":\"E\",\"__v\":{…}}", ErrSyntax, field)
	}
	v, err := parseJSON(body)
	if err != nil {
		return Change{}, err
	}
	m := v.(map[string]any)
	switch m["changeType"] {
	case "rt":
		raw, err := compactJSON(body)
		if err != nil {
			return Change{}, err
		}
		op, _ := m["op"].(float64)
		return Change{Op: int(op), Type: schema.RichText, RT: raw}, nil
	case "fd":
	default:
		return Change{}, fmt.Errorf("%w: change of field %q has unsupported changeType %s", ErrSyntax, field, jsonText(m["changeType"]))
	}
	op, _ := m["operation"].(float64)
	if op != Insert && op != Delete {
		return Change{}, fmt.Errorf("%w: change of field %q has operation %s, want 1 or -1", ErrSyntax, field, jsonText(m["operation"]))
	}
	var t schema.FieldType
	if name, ok := m["vType"].(string); ok {
		if t, err = schema.ParseFieldType(name); err != nil {
			return Change{}, fmt.Errorf("%w: change of field %q: %w", ErrSyntax, field, err)
		}
	} else if f, ok := fieldOf(s, field); ok && m["vType"] == nil {
		t = f.Type
	} else {
		return Change{}, fmt.Errorf("%w: change of field %q has no vType", ErrSyntax, field)
	}
	raw, ok := m["value"]
	if !ok {
		return Change{}, fmt.Errorf("%w: change of field %q has no value", ErrSyntax, field)
	}
	val, err := decodeStored(t, raw)
	if err != nil {
		return Change{}, typeErr(s, field, err, t)
	}
	return Change{Op: int(op), Type: t, Value: val}, nil
}

func fieldOf(s *schema.Schema, name string) (schema.Field, bool) {
	if s == nil {
		return schema.Field{}, false
	}
	return s.Field(name)
}

func jsonText(v any) string {
	if v == nil {
		return "(none)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
