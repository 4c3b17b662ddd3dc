package value

import (
	"fmt"

	"goatdb/internal/schema"
)

// decodeRecordGeneric is DecodeRecord as it was before it decoded fields
// straight into their typed forms: every value goes through the generic
// parser and decodeStored. The differential tests hold DecodeRecord to it.
func decodeRecordGeneric(raw []byte, reg *schema.Registry) (*Item, error) {
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
			data, err = decodeDataGeneric(&p, s)
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
		if data, err = decodeDataGeneric(&dp, s); err != nil {
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

// decodeDataGeneric reads the "d" object of a record.
func decodeDataGeneric(p *parser, s *schema.Schema) (schema.Data, error) {
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
