package value

import "goatdb/internal/schema"

// Diff returns the changes that turn from into to, over the fields of to's
// schema, as upstream's diff does (§9): a scalar, date or rich text that
// appeared or changed is inserted and one that disappeared is deleted; a set
// inserts the added elements and deletes the removed ones; a map inserts
// new and changed keys and deletes removed ones. from may be nil, meaning
// the null item. Values are copied, so the result shares nothing with the
// items.
//
// Rich text is diffed as a whole value (a field change with Type RichText),
// not with upstream's character-level rich-text changes; upstream cannot
// apply such a change, so edits holding one must not be written as delta
// commits (see Portable).
func Diff(from, to *Item) Changes {
	pl := planFor(to.Schema)
	ch := Changes{}
	// One backing array for the usual one-change fields instead of one
	// allocation each; the three-index slices keep callers' appends apart.
	var arena []Change
	one := func(c Change) []Change {
		if len(arena) == cap(arena) {
			arena = make([]Change, 0, len(pl.names))
		}
		arena = append(arena, c)
		n := len(arena)
		return arena[n-1 : n : n]
	}
	for i, name := range pl.names {
		t := pl.types[i]
		a, b := diffSides(from, to, name, t)
		switch {
		case a == nil && b == nil:
		case a == nil:
			ch[name] = one(Change{Op: Insert, Type: t, Value: cloneValue(b)})
		case b == nil:
			ch[name] = one(Change{Op: Delete, Type: t, Value: cloneValue(a)})
		case t != schema.Set && t != schema.Map:
			if !valuesEqual(t, a, b) {
				ch[name] = one(Change{Op: Insert, Type: t, Value: cloneValue(b)})
			}
		default:
			if c := diffValue(t, a, b); len(c) > 0 {
				ch[name] = c
			}
		}
	}
	return ch
}

func diffValue(t schema.FieldType, a, b any) []Change {
	switch t {
	case schema.Set:
		sa, sb := a.([]any), b.([]any)
		var out []Change
		if added := setSubtract(sb, sa); len(added) > 0 {
			out = append(out, Change{Op: Insert, Type: t, Value: added})
		}
		if removed := setSubtract(sa, sb); len(removed) > 0 {
			out = append(out, Change{Op: Delete, Type: t, Value: removed})
		}
		return out
	case schema.Map:
		ma, mb := a.(map[string]any), b.(map[string]any)
		ins, del := map[string]any{}, map[string]any{}
		for k, va := range ma {
			vb, ok := mb[k]
			if !ok {
				del[k] = cloneValue(va)
			} else if !jsonEqual(va, vb) {
				ins[k] = cloneValue(vb)
			}
		}
		for k, vb := range mb {
			if _, ok := ma[k]; !ok {
				ins[k] = cloneValue(vb)
			}
		}
		var out []Change
		if len(ins) > 0 {
			out = append(out, Change{Op: Insert, Type: t, Value: ins})
		}
		if len(del) > 0 {
			out = append(out, Change{Op: Delete, Type: t, Value: del})
		}
		return out
	}
	if valuesEqual(t, a, b) {
		return nil
	}
	return []Change{{Op: Insert, Type: t, Value: cloneValue(b)}}
}

// Portable reports whether upstream can apply every change: false when a
// field change carries a whole rich-text value, which only this package
// understands.
func (ch Changes) Portable() bool {
	for _, list := range ch {
		for _, c := range list {
			if c.RT == nil && c.Type == schema.RichText {
				return false
			}
		}
	}
	return true
}

// diffSides returns the old and new value of a field for a diff. An old
// value of another type (the base has another schema) counts as absent, so
// the new value replaces it whole. Diff and AppendDelta share this rule so
// they always describe the same change.
func diffSides(from, to *Item, name string, t schema.FieldType) (a, b any) {
	if from != nil {
		a = from.Data[name]
		if a != nil && checkCanonical(t, a) != nil {
			a = nil
		}
	}
	return a, to.Data[name]
}
