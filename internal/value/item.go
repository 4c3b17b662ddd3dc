package value

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync/atomic"
	"time"

	"goatdb/internal/schema"
)

// Item is one version of an item's data together with its schema.
//
// Data holds canonical values (see the package documentation); a nil value
// means the field is absent. Code that changes Data directly must call
// Normalize afterwards, which also drops the cached checksum.
//
// An Item must not be copied by value; use Clone.
type Item struct {
	Schema *schema.Schema
	Data   schema.Data

	sum atomic.Pointer[checksum] // computed lazily, shared by readers
	// stored is the "cs" of the record the item was decoded from, cleared
	// by any change. Upstream trusts it verbatim; see StoredChecksum.
	stored string
	// ownSum is storage for the first checksum computed, allocated with
	// the item because nearly every written item needs one. Whoever sets
	// ownSumTaken fills it; it is never reused afterwards, since readers
	// may keep the string that aliases its digits.
	ownSum      checksum
	ownSumTaken atomic.Bool
}

type checksum struct {
	value string
	buf   [10]byte // holds value's bytes when computed here
	exact bool
	// stored: value is the record's "cs", taken because the data could not
	// be hashed exactly. It may be wrong if the record was damaged.
	stored bool
}

// NewItem builds an item of schema s from d: it normalises the data (Go
// types converted to the canonical forms, empty sets and maps dropped
// unless the field has a default, defaults filled, as upstream's normalize
// does) and then validates it. d is not modified or retained.
//
// Errors wrap ErrType for values of the wrong type and schema.ErrSchema for
// unknown fields, missing required fields and failed Validate functions.
func NewItem(s *schema.Schema, d schema.Data) (*Item, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil schema", schema.ErrSchema)
	}
	p := planFor(s)
	if it, err, ok := newItemFast(s, p, d); ok {
		return it, err
	}
	data := make(schema.Data, len(d))
	for k, v := range d {
		data[k] = v
	}
	it := &Item{Schema: s, Data: data}
	if err := it.Normalize(); err != nil {
		return nil, err
	}
	if err := it.Validate(); err != nil {
		return nil, err
	}
	return it, nil
}

// fastFields bounds the schemas whose field values fit in stack arrays.
const fastFields = 16

// slots holds an item's declared fields in plan order while it is built or
// checked, so that each field costs one map operation instead of several.
type slots struct {
	vals [fastFields]any
	pres [fastFields]bool // the key is in the map, possibly with nil
}

// load fills sl from d and reports whether d holds only declared fields.
func (sl *slots) load(p *plan, d schema.Data) bool {
	found := 0
	for i, name := range p.names {
		if v, ok := d[name]; ok {
			sl.vals[i], sl.pres[i] = v, true
			found++
		}
	}
	return found == len(d)
}

// newItemFast is NewItem for data without undeclared fields (ok=false
// otherwise). It follows Normalize and Validate step by step, including
// what a Default function sees of the data while it runs, but keeps the
// values in slots and builds the map once.
func newItemFast(s *schema.Schema, p *plan, d schema.Data) (it *Item, err error, ok bool) {
	if len(p.names) > fastFields {
		return nil, nil, false
	}
	var sl slots
	if !sl.load(p, d) {
		return nil, nil, false
	}
	it, err = newItemSlots(s, p, &sl)
	return it, err, true
}

// newItemSlots is the body of newItemFast, for data loaded into sl.
func newItemSlots(s *schema.Schema, p *plan, sl *slots) (*Item, error) {
	var data schema.Data // built once a Default needs to see it
	var errs []error
	for i, name := range p.names {
		t := p.types[i]
		v := sl.vals[i]
		if v != nil {
			c, err := coerceField(s, name, t, v)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			v = c
		}
		if isEmpty(v) {
			v = nil
		}
		if v == nil {
			if def := p.fields[i].Default; def != nil {
				if data == nil {
					data = sl.build(p)
				}
				c, err := defaultField(s, name, t, def, data)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				v = c
			}
		}
		old, had := sl.vals[i], sl.pres[i]
		sl.vals[i], sl.pres[i] = v, v != nil
		if data == nil {
			continue
		}
		if v == nil {
			if had {
				delete(data, name)
			}
		} else if !had || !sameScalar(old, v) {
			data[name] = v
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if data == nil {
		data = sl.build(p)
	}
	it := &Item{Schema: s, Data: data}
	if err := it.validateSlots(p, sl); err != nil {
		return nil, err
	}
	return it, nil
}

// build returns the map the slots describe.
func (sl *slots) build(p *plan) schema.Data {
	n := 0
	for i := range p.names {
		if sl.pres[i] {
			n++
		}
	}
	data := make(schema.Data, n)
	for i, name := range p.names {
		if sl.pres[i] {
			data[name] = sl.vals[i]
		}
	}
	return data
}

// sameScalar reports that storing b over a would change nothing.
func sameScalar(a, b any) bool {
	switch b.(type) {
	case string, float64, bool:
		return a == b
	}
	return false
}

// Normalize converts every declared field to its canonical form, treats an
// empty set or map as absent, and fills absent fields that have a default
// (upstream's normalize, §5.2). Fields the schema does not declare are left
// for Validate to report. It returns the fields whose values could not be
// converted, each as an ErrType error; those values are left as they were.
func (it *Item) Normalize() error { return it.normalize(true) }

// normalize is Normalize; convert=false skips the type conversion for data
// already known to be canonical (after a patch).
func (it *Item) normalize(convert bool) error {
	it.invalidate()
	if it.Data == nil {
		it.Data = schema.Data{}
	}
	p := planFor(it.Schema)
	var errs []error
	for i, name := range p.names {
		t := p.types[i]
		v, ok := it.Data[name]
		if ok && v != nil && convert {
			c, err := coerceField(it.Schema, name, t, v)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			v = c
		}
		if isEmpty(v) {
			v = nil
		}
		if v == nil {
			if def := p.fields[i].Default; def != nil {
				c, err := defaultField(it.Schema, name, t, def, it.Data)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				v = c
			}
		}
		if v == nil {
			delete(it.Data, name)
		} else {
			it.Data[name] = v
		}
	}
	return errors.Join(errs...)
}

// coerceField converts a given field value to its canonical form, with an
// error naming the field.
func coerceField(s *schema.Schema, name string, t schema.FieldType, v any) (any, error) {
	c, err := coerce(t, v)
	if err != nil {
		return nil, fmt.Errorf("%w: %sfield %q (%s): %v", ErrType, schemaPrefix(s), name, t, err)
	}
	return c, nil
}

// defaultField is the canonical value of a field's default for data.
func defaultField(s *schema.Schema, name string, t schema.FieldType, def func(schema.Data) any, data schema.Data) (any, error) {
	c, err := coerce(t, def(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %sdefault of field %q (%s): %v", ErrType, schemaPrefix(s), name, t, err)
	}
	return c, nil
}

// isEmpty is upstream's emptiness: only sets and maps can be empty.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// Validate checks, in upstream's order, that required fields are present,
// that there are no unknown fields, that every value has its field's
// canonical type, and that the schema's Validate functions accept the data.
func (it *Item) Validate() error {
	s := it.Schema
	p := planFor(s)
	if len(p.names) <= fastFields {
		var sl slots
		if sl.load(p, it.Data) {
			return it.validateSlots(p, &sl)
		}
	}
	for i, name := range p.names {
		if p.fields[i].Required {
			if v, ok := it.Data[name]; !ok || v == nil {
				return fmt.Errorf("%w: %s: missing required field %q", schema.ErrSchema, s.Marker(), name)
			}
		}
	}
	keys := make([]string, 0, len(it.Data))
	for k := range it.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := p.index[k]; !ok {
			return fmt.Errorf("%w: %s: unknown field %q", schema.ErrSchema, s.Marker(), k)
		}
	}
	for _, k := range keys {
		v := it.Data[k]
		if v == nil {
			continue
		}
		f := p.fields[p.index[k]]
		if err := checkCanonical(f.Type, v); err != nil {
			return fmt.Errorf("%w: %s: field %q (%s): %v", ErrType, s.Marker(), k, f.Type, err)
		}
		if f.Validate != nil && !f.Validate(it.Data) {
			return fmt.Errorf("%w: %s: field %q failed the schema's validation", schema.ErrSchema, s.Marker(), k)
		}
	}
	return nil
}

// validateSlots is Validate for data without undeclared fields, loaded
// into sl.
func (it *Item) validateSlots(p *plan, sl *slots) error {
	for i, name := range p.names {
		if p.fields[i].Required && sl.vals[i] == nil {
			return fmt.Errorf("%w: %s: missing required field %q", schema.ErrSchema, p.marker, name)
		}
	}
	for _, i := range p.byteOrder {
		v := sl.vals[i]
		if v == nil {
			continue
		}
		f := &p.fields[i]
		if err := checkCanonical(f.Type, v); err != nil {
			return fmt.Errorf("%w: %s: field %q (%s): %v", ErrType, p.marker, p.names[i], f.Type, err)
		}
		if f.Validate != nil && !f.Validate(it.Data) {
			return fmt.Errorf("%w: %s: field %q failed the schema's validation", schema.ErrSchema, p.marker, p.names[i])
		}
	}
	return nil
}

// checkCanonical reports why v is not in the canonical form of t.
func checkCanonical(t schema.FieldType, v any) error {
	switch t {
	case schema.String:
		if _, ok := v.(string); ok {
			return nil
		}
	case schema.Number:
		if f, ok := v.(float64); ok {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return errors.New("not a finite number")
			}
			return nil
		}
	case schema.Bool:
		if _, ok := v.(bool); ok {
			return nil
		}
	case schema.Date:
		if d, ok := v.(time.Time); ok {
			if ms := float64(d.UnixMilli()); ms < -maxDateMs || ms >= maxStoredMs {
				return errors.New("outside the range of storable dates")
			}
			return nil
		}
	case schema.Set:
		if s, ok := v.([]any); ok {
			return checkSet(s)
		}
	case schema.Map:
		if m, ok := v.(map[string]any); ok {
			return checkJSON(m)
		}
	case schema.RichText:
		if raw, ok := v.(json.RawMessage); ok {
			return checkRichText(raw)
		}
	}
	return fmt.Errorf("got %s", describe(v))
}

func checkSet(s []any) error {
	for _, e := range s {
		switch x := e.(type) {
		case string, bool:
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return errors.New("set element is not a finite number")
			}
		default:
			return fmt.Errorf("set element %s is not a string, number or boolean", describe(e))
		}
	}
	if hasDuplicates(s) {
		return errors.New("duplicate set elements")
	}
	return nil
}

// checkJSON reports a value that is not a canonical JSON-like tree.
func checkJSON(v any) error {
	switch x := v.(type) {
	case nil, string, bool:
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errors.New("not a finite number")
		}
		return nil
	case []any:
		for _, e := range x {
			if err := checkJSON(e); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for _, e := range x {
			if err := checkJSON(e); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%T is not a JSON value", v)
}

// Get returns the value of field, or the field's default when it is absent
// (upstream's get). It returns nil for absent fields without a default and
// for fields the schema does not declare.
func (it *Item) Get(field string) any {
	if v, ok := it.Data[field]; ok && v != nil {
		return v
	}
	f, ok := it.Schema.Field(field)
	if !ok || f.Default == nil {
		return nil
	}
	d := f.Default(it.Data)
	if c, err := coerce(f.Type, d); err == nil {
		return c
	}
	return d
}

// Deleted reports the isDeleted flag.
func (it *Item) Deleted() bool {
	b, _ := it.Get(schema.DeletedField).(bool)
	return b
}

// Clone returns a deep copy, cached checksums included.
func (it *Item) Clone() *Item {
	c := &Item{Schema: it.Schema, Data: make(schema.Data, len(it.Data)), stored: it.stored}
	for k, v := range it.Data {
		c.Data[k] = cloneValue(v)
	}
	if sum := it.sum.Load(); sum != nil {
		c.sum.Store(sum)
	}
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case json.RawMessage:
		return append(json.RawMessage(nil), x...)
	}
	return v
}

// StoredChecksum returns the "cs" of the record the item was decoded from,
// or "" if it had none or the item changed since. Upstream uses that value
// verbatim as the item's checksum when it checks a delta's "sc", so a
// reader that wants upstream's verdict on damaged records compares against
// it; Checksum instead recomputes from the data.
func (it *Item) StoredChecksum() string { return it.stored }

func (it *Item) invalidate() {
	it.sum.Store(nil)
	it.stored = ""
}
