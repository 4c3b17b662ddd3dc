package value

import (
	"goatdb/internal/jsjson"
	"goatdb/internal/schema"
)

// AppendDelta appends AppendEdit(dst, sc, dc, Diff(from, to)) without
// building the Changes: a commit writer diffs and serialises on every edit,
// and the intermediate map and copied values were most of that cost. from
// and to must have the same schema. ok is false, and dst is returned
// unchanged in length, when a rich-text field differs (see Portable).
func AppendDelta(dst []byte, sc, dc string, from, to *Item) (out []byte, ok bool) {
	pl := planFor(to.Schema)
	start := len(dst)
	dst = append(dst, `{"sc":`...)
	dst = jsjson.AppendString(dst, sc)
	dst = append(dst, `,"dc":`...)
	dst = jsjson.AppendString(dst, dc)
	dst = append(dst, `,"c":{`...)
	first := true
	field := func(i int) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, pl.keys[i]...)
		dst = append(dst, '[')
	}
	for i, name := range pl.names {
		t := pl.types[i]
		a, b := diffSides(from, to, name, t)
		var c Change
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			c = Change{Op: Insert, Type: t, Value: b}
		case b == nil:
			c = Change{Op: Delete, Type: t, Value: a}
		case t != schema.Set && t != schema.Map:
			if valuesEqual(t, a, b) {
				continue
			}
			c = Change{Op: Insert, Type: t, Value: b}
		default:
			list := diffValue(t, a, b)
			if len(list) == 0 {
				continue
			}
			field(i)
			for j, c := range list {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = appendChange(dst, c)
			}
			dst = append(dst, ']')
			continue
		}
		if t == schema.RichText {
			return dst[:start], false
		}
		field(i)
		dst = appendChange(dst, c)
		dst = append(dst, ']')
	}
	return append(dst, "}}"...), true
}

// NewItemUpdate is NewItem(s, d) for d a copy of base with changes applied,
// a nil change removing its field. Neither map is modified or retained; the
// copy is never made for data of declared fields.
func NewItemUpdate(s *schema.Schema, base, changes schema.Data) (*Item, error) {
	if s != nil {
		p := planFor(s)
		if len(p.names) <= fastFields {
			var sl slots
			if sl.load(p, base) && sl.overlay(p, changes) {
				return newItemSlots(s, p, &sl)
			}
		}
	}
	d := make(schema.Data, len(base)+len(changes))
	for k, v := range base {
		d[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = v
		}
	}
	return NewItem(s, d)
}

// NewItemSet is NewItemUpdate with the single change field = x.
func NewItemSet(s *schema.Schema, base schema.Data, field string, x any) (*Item, error) {
	if s != nil {
		p := planFor(s)
		if i, ok := p.index[field]; ok && len(p.names) <= fastFields {
			var sl slots
			if sl.load(p, base) {
				sl.vals[i], sl.pres[i] = x, x != nil
				return newItemSlots(s, p, &sl)
			}
		}
	}
	return NewItemUpdate(s, base, schema.Data{field: x})
}

// overlay applies changes to slots loaded from a map, as if the changes
// had been applied to that map first. It reports false for an undeclared
// field.
func (sl *slots) overlay(p *plan, changes schema.Data) bool {
	for k, v := range changes {
		i, ok := p.index[k]
		if !ok {
			return false
		}
		sl.vals[i], sl.pres[i] = v, v != nil
	}
	return true
}
