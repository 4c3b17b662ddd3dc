package value

import (
	"bytes"
	"encoding/json"
	"time"

	"goatdb/internal/schema"
)

// Equal reports whether both items have the same schema (namespace and
// version) and equal data: sets regardless of order, maps and rich text
// deeply. Upstream compares map values with ===, so an item whose map holds
// an object or array is never equal to its own copy, and its item API then
// commits empty deltas forever; this package compares by value instead.
// Numbers compare exactly (upstream's |a-b| < EPSILON makes tiny edits
// vanish; it changes no stored bytes, so it is not copied either).
func (it *Item) Equal(o *Item) bool {
	if it == o {
		return true
	}
	if it == nil || o == nil || it.Schema.NS != o.Schema.NS || it.Schema.Version != o.Schema.Version {
		return false
	}
	if a, b := it.sum.Load(), o.sum.Load(); a != nil && b != nil && a.exact && b.exact && !a.stored && !b.stored && a.value != b.value {
		return false // different checksums prove inequality; equal ones prove nothing
	}
	// One pass over it.Data: every present value must be present and equal
	// in o.Data, and then o.Data holds nothing else present if it has no
	// other keys, which canonical data never has.
	p := planFor(it.Schema)
	n := 0
	for k, v := range it.Data {
		if v == nil {
			continue
		}
		n++
		w, ok := o.Data[k]
		if !ok || w == nil {
			return false
		}
		t := schema.Invalid
		if i, ok := p.index[k]; ok {
			t = p.types[i]
		}
		if !valuesEqual(t, v, w) {
			return false
		}
	}
	return len(o.Data) == n || presentLen(o.Data) == n
}

func presentLen(d schema.Data) int {
	n := 0
	for _, v := range d {
		if v != nil {
			n++
		}
	}
	return n
}

// valuesEqual compares two canonical values of type t.
func valuesEqual(t schema.FieldType, a, b any) bool {
	switch t {
	case schema.Date:
		da, ok1 := a.(time.Time)
		db, ok2 := b.(time.Time)
		return ok1 && ok2 && da.UnixMilli() == db.UnixMilli()
	case schema.Set:
		sa, ok1 := a.([]any)
		sb, ok2 := b.([]any)
		return ok1 && ok2 && setsEqual(sa, sb)
	case schema.RichText:
		ra, ok1 := a.(json.RawMessage)
		rb, ok2 := b.(json.RawMessage)
		if !ok1 || !ok2 {
			return false
		}
		if bytes.Equal(ra, rb) {
			return true
		}
		ta, err1 := parseJSON(ra)
		tb, err2 := parseJSON(rb)
		return err1 == nil && err2 == nil && jsonEqual(ta, tb)
	}
	return jsonEqual(a, b)
}

// jsonEqual compares JSON-like trees by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case string, float64, bool, nil:
		return a == b
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.UnixMilli() == y.UnixMilli()
	case json.RawMessage:
		y, ok := b.(json.RawMessage)
		return ok && valuesEqual(schema.RichText, x, y)
	}
	return false
}
