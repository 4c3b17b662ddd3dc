package value

import (
	"fmt"
	"sort"

	"goatdb/internal/schema"
)

// Patch applies changes field by field, in list order, with upstream's
// semantics (§9):
//   - string, number, boolean, date, rich text: Insert sets the value;
//     Delete removes the field only if it still holds the deleted value, so
//     a concurrent set beats a delete;
//   - set: Insert adds the elements, Delete removes them, and a set that
//     becomes empty is removed;
//   - map: Insert sets the keys; Delete removes a key only if it still
//     holds the deleted value; a map that becomes empty is removed.
//
// Fields the schema does not declare are ignored, as upstream ignores them.
// The item is then normalised, so a removed field with a default gets its
// default back.
//
// Changes that cannot be applied are skipped and reported in an error
// wrapping ErrNotApplied, after every other change has been applied:
// upstream rich-text operations (Change.RT), which need upstream's
// rich-text merge, and changes whose Type or value does not fit the field.
// The resulting checksum then differs from what upstream would compute,
// which is how a reader notices.
func (it *Item) Patch(ch Changes) error {
	fields := make([]string, 0, len(ch))
	for f := range ch {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var skipped []string
	for _, field := range fields {
		f, ok := it.Schema.Field(field)
		if !ok {
			continue
		}
		cur := it.Data[field]
		if cur != nil && checkCanonical(f.Type, cur) != nil {
			cur = nil
		}
		bad := false
		for _, c := range ch[field] {
			if c.RT != nil || c.Type != f.Type || (c.Op != Insert && c.Op != Delete) || c.Value == nil || checkCanonical(f.Type, c.Value) != nil {
				bad = true
				continue
			}
			cur = patchValue(f.Type, cur, c)
		}
		if bad {
			skipped = append(skipped, field)
		}
		if cur == nil {
			delete(it.Data, field)
		} else {
			it.Data[field] = cur
		}
	}
	_ = it.normalize(false) // values are canonical: nothing to convert
	if len(skipped) > 0 {
		return fmt.Errorf("%w: %s: fields %q", ErrNotApplied, it.Schema.Marker(), skipped)
	}
	return nil
}

// patchValue applies one change of type t to cur (nil when absent) and
// returns the new value, nil meaning absent. cur is never modified.
func patchValue(t schema.FieldType, cur any, c Change) any {
	switch t {
	case schema.Set:
		s, _ := cur.([]any)
		v := c.Value.([]any)
		if c.Op == Insert {
			return setUnion(s, v)
		}
		if c.Op == Delete && s != nil {
			if out := setSubtract(s, v); len(out) > 0 {
				return out
			}
			return nil
		}
	case schema.Map:
		m, _ := cur.(map[string]any)
		v := c.Value.(map[string]any)
		if c.Op == Insert {
			out := make(map[string]any, len(m)+len(v))
			for k, x := range m {
				out[k] = x
			}
			for k, x := range v {
				out[k] = cloneValue(x)
			}
			return out
		}
		if c.Op == Delete && m != nil {
			out := make(map[string]any, len(m))
			for k, x := range m {
				if y, ok := v[k]; !ok || !jsonEqual(x, y) {
					out[k] = x
				}
			}
			if len(out) > 0 {
				return out
			}
			return nil
		}
	default:
		if c.Op == Insert {
			return cloneValue(c.Value)
		}
		if c.Op == Delete && cur != nil && valuesEqual(t, cur, c.Value) {
			return nil
		}
	}
	if cur == nil {
		return nil // keeps a typed nil out of the result
	}
	return cur
}
