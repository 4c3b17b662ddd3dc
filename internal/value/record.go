package value

import (
	"encoding/json"
	"fmt"
	"time"

	"goatdb/internal/jsjson"
	"goatdb/internal/murmur"
	"goatdb/internal/schema"
)

// DecodeRecord decodes the "r" of a full commit,
// {"s":"ns/ver","d":{…},"n":true,"cs":"…"}, as upstream's Item.deserialize
// does: the schema must be registered (ErrUnknownSchema otherwise), only
// fields the schema declares are read and other keys are dropped, and the
// data is normalised only when "n" is not true. The stored "cs" is kept
// (StoredChecksum) but Checksum recomputes from the data.
//
// Values must have their field's stored type (ErrType otherwise); upstream
// would carry a mistyped value along, but no upstream writer produces one.
func DecodeRecord(raw []byte, reg *schema.Registry) (*Item, error) {
	p := parser{b: raw}
	var (
		s         *schema.Schema
		haveS     bool
		data      schema.Data
		deferredD []byte
		n         bool
		cs        string
	)
	err := p.object(func(k []byte) error {
		switch string(k) {
		case "s":
			v, err := p.value()
			if err != nil {
				return err
			}
			m, ok := v.(string)
			if !ok {
				return fmt.Errorf("%w: record schema marker is %s, not a string", ErrSyntax, describe(v))
			}
			haveS = true
			got, ok := reg.Get(m)
			if !ok {
				return fmt.Errorf("%w: %q", ErrUnknownSchema, m)
			}
			s = got
		case "d":
			if s == nil {
				// "s" comes later: keep the bytes and decode them then.
				b, err := p.skip()
				deferredD = b
				return err
			}
			var err error
			data, err = decodeData(&p, s)
			return err
		case "n":
			v, err := p.value()
			n = v == true
			return err
		case "cs":
			v, err := p.value()
			if str, ok := v.(string); ok {
				cs = str
			}
			return err
		default:
			_, err := p.skip()
			return err
		}
		return nil
	})
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, err
	}
	if !haveS {
		return nil, fmt.Errorf("%w: record has no schema marker \"s\"", ErrSyntax)
	}
	if deferredD != nil {
		dp := parser{b: deferredD}
		if data, err = decodeData(&dp, s); err != nil {
			return nil, err
		}
	}
	if data == nil {
		data = schema.Data{}
	}
	it := &Item{Schema: s, Data: data}
	if !n {
		_ = it.normalize(false) // values were decoded canonical; this cannot fail
	}
	it.stored = cs
	return it, nil
}

// decodeData reads the "d" object of a record.
func decodeData(p *parser, s *schema.Schema) (schema.Data, error) {
	pl := planFor(s)
	data := make(schema.Data, len(pl.names))
	err := p.object(func(k []byte) error {
		name, t, ok := pl.field(k)
		if !ok {
			_, err := p.skip()
			return err
		}
		if t == schema.RichText {
			raw, err := p.skip()
			if err != nil {
				return err
			}
			c, err := compactJSON(raw)
			if err != nil {
				return err
			}
			data[name] = c
			return nil
		}
		v, err := p.value()
		if err != nil {
			return err
		}
		dv, err := decodeStored(t, v)
		if err != nil {
			return typeErr(s, name, err, t)
		}
		data[name] = dv
		return nil
	})
	return data, err
}

// decodeStored converts a parsed JSON value in upstream's stored form of
// type t (§2.2) to the canonical Go form.
func decodeStored(t schema.FieldType, v any) (any, error) {
	switch t {
	case schema.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case schema.Number:
		if f, ok := v.(float64); ok {
			return f, nil
		}
	case schema.Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case schema.Date:
		if f, ok := v.(float64); ok {
			return dateFromStored(f)
		}
		if m, ok := v.(map[string]any); ok && m["__t"] == "D" {
			if f, ok := m["__v"].(float64); ok {
				return dateFromStored(f)
			}
		}
	case schema.Set:
		return decodeStoredSet(v)
	case schema.Map:
		if m, ok := v.(map[string]any); ok {
			return m, nil
		}
	case schema.RichText:
		if _, ok := v.(map[string]any); ok {
			return json.RawMessage(appendJSON(nil, v)), nil
		}
	}
	return nil, fmt.Errorf("%s in stored form", describe(v))
}

// dateFromStored is upstream's deserializeDate: numbers below 1e12 are
// seconds, larger ones milliseconds.
func dateFromStored(f float64) (time.Time, error) {
	if f < 1e12 {
		f *= 1000
	}
	return dateFromMs(f)
}

// decodeStoredSet reads {"__t":"S","__v":[…]}. A bare array is upstream's
// legacy form, whose elements are JSON texts.
func decodeStoredSet(v any) (any, error) {
	var elems []any
	legacy := false
	switch x := v.(type) {
	case map[string]any:
		a, ok := x["__v"].([]any)
		if x["__t"] != "S" || !ok {
			return nil, fmt.Errorf("object that is not a set wrapper {\"__t\":\"S\",\"__v\":[…]}")
		}
		elems = a
	case []any:
		elems, legacy = x, true
	default:
		return nil, fmt.Errorf("%s in stored form", describe(v))
	}
	out := make([]any, 0, len(elems))
	for _, e := range elems {
		if legacy {
			var text string
			switch x := e.(type) {
			case string:
				text = x
			case float64:
				text = jsjson.FormatNumber(x)
			case bool:
				text = fmt.Sprint(x)
			}
			parsed, err := parseJSON([]byte(text))
			if err != nil {
				return nil, fmt.Errorf("legacy set element %q: %w", text, err)
			}
			e = parsed
		}
		switch e.(type) {
		case string, float64, bool:
			out = append(out, e)
		default:
			return nil, fmt.Errorf("set element %s is not a string, number or boolean", describe(e))
		}
	}
	return dedupe(out), nil
}

// AppendRecord appends the item as upstream writes a full commit's record:
// {"s":…,"d":{…},"n":true,"cs":…}. Fields are written in JavaScript key
// order (upstream uses declaration order, which Go schemas do not keep;
// readers do not depend on it).
func (it *Item) AppendRecord(dst []byte) []byte {
	p := planFor(it.Schema)
	sum := it.sum.Load()
	csLen := len("4294967295")
	if sum != nil {
		csLen = len(sum.value)
	}
	if need := len(p.recPrefix) + dataSizeHint(p, it.Data) + len(`,"n":true,"cs":""}`) + csLen; cap(dst)-len(dst) < need {
		dst = append(make([]byte, 0, len(dst)+need), dst...)
	}
	dst = append(dst, p.recPrefix...)
	if sum == nil {
		// The checksum visits the same fields in the same order as the
		// record, so the first record of an item computes it on the way
		// instead of looking every field up twice.
		var h32 uint32
		var exact bool
		dst, h32, exact = appendDataSummed(dst, p, it.Data, true)
		sum = it.storeChecksum(h32, exact)
	} else {
		dst = appendData(dst, it.Schema, it.Data)
	}
	dst = append(dst, `,"n":true,"cs":`...)
	dst = jsjson.AppendString(dst, sum.value)
	return append(dst, '}')
}

// appendDataSummed writes the record's "d" object and, when sum is set,
// computes the item checksum of the same data as computeChecksum does, in
// the same pass over the fields.
func appendDataSummed(dst []byte, p *plan, d schema.Data, sum bool) ([]byte, uint32, bool) {
	hs := csHasher{exact: true}
	h := murmur.New(murmur.ChecksumSeed)
	dst = append(dst, '{')
	first := true
	for i, name := range p.names {
		v, ok := d[name]
		if !ok || v == nil {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, p.keys[i]...)
		dst = appendStored(dst, p.types[i], v)
		if sum && name != protoKey {
			h.WriteString(name)
			hs.field(&h, p.types[i], v)
		}
	}
	return append(dst, '}'), h.Sum32(), hs.exact
}

// dataSizeHint estimates the length of appendData's output, so that a
// record is written into one allocation in the common cases.
func dataSizeHint(p *plan, d schema.Data) int {
	n := 2
	for _, v := range d {
		n += 24 + sizeHint(v)
	}
	for _, k := range p.keys {
		n += len(k)
	}
	return n
}

func sizeHint(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + len(x)/8 + 2
	case []any:
		n := 20
		for _, e := range x {
			n += 1 + sizeHint(e)
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + sizeHint(e)
		}
		return n
	case json.RawMessage:
		return len(x)
	}
	return 24
}

func appendData(dst []byte, s *schema.Schema, d schema.Data) []byte {
	dst, _, _ = appendDataSummed(dst, planFor(s), d, false)
	return dst
}

// appendStored writes a value in upstream's stored form: dates as seconds,
// sets wrapped, maps as plain objects, rich text as its tree.
func appendStored(dst []byte, t schema.FieldType, v any) []byte {
	switch t {
	case schema.Date:
		if d, ok := v.(time.Time); ok {
			return jsjson.AppendNumber(dst, float64(d.UnixMilli())/1000)
		}
	case schema.Set:
		if s, ok := v.([]any); ok {
			dst = append(dst, `{"__t":"S","__v":`...)
			dst = appendJSON(dst, s)
			return append(dst, '}')
		}
	}
	return appendJSON(dst, v)
}
