package value

import (
	"sort"
	"sync"
	"unicode/utf8"

	"goatdb/internal/jsjson"
	"goatdb/internal/schema"
)

// plan is what the hot paths need to know about a schema: every field name
// (isDeleted included) in JavaScript sort order, which is the order of
// checksums and of everything this package writes, and each field's
// description. Looking these up in the schema's map on every write cost
// more than the rest of the work.
type plan struct {
	names  []string
	types  []schema.FieldType
	fields []schema.Field
	// byteOrder lists field indexes in Go's byte order, the order Validate
	// reports problems in (it differs from names only for rare runes).
	byteOrder []int
	// keys[i] is `"name":` as written in records and edits.
	keys [][]byte
	// litKeys[i] is keys[i] when reading it back gives name, which it does
	// not for a name that is not valid UTF-8; nil otherwise.
	litKeys [][]byte
	index   map[string]int
	// recPrefix is `{"s":"ns/ver","d":`.
	recPrefix []byte
	marker    string
	// Schemas are expected not to change once in use; these notice the
	// changes that are cheap to notice and rebuild the plan.
	n       int
	ns      string
	version int
}

var plans sync.Map // *schema.Schema → *plan

// planFor returns the cached plan of s.
func planFor(s *schema.Schema) *plan {
	if v, ok := plans.Load(s); ok {
		if p := v.(*plan); p.n == len(s.Fields) && p.version == s.Version && p.ns == s.NS {
			return p
		}
	}
	p := &plan{index: make(map[string]int, len(s.Fields)+1), n: len(s.Fields), ns: s.NS, version: s.Version}
	for name := range s.Fields {
		p.names = append(p.names, name)
	}
	if _, ok := s.Fields[schema.DeletedField]; !ok {
		p.names = append(p.names, schema.DeletedField)
	}
	jsjson.SortKeys(p.names)
	p.types = make([]schema.FieldType, len(p.names))
	p.fields = make([]schema.Field, len(p.names))
	p.keys = make([][]byte, len(p.names))
	p.litKeys = make([][]byte, len(p.names))
	p.byteOrder = make([]int, len(p.names))
	for i, name := range p.names {
		f, _ := s.Field(name)
		p.types[i] = f.Type
		p.fields[i] = f
		p.index[name] = i
		p.keys[i] = append(jsjson.AppendString(nil, name), ':')
		if utf8.ValidString(name) {
			p.litKeys[i] = p.keys[i]
		}
		p.byteOrder[i] = i
	}
	sort.Slice(p.byteOrder, func(a, b int) bool { return p.names[p.byteOrder[a]] < p.names[p.byteOrder[b]] })
	p.marker = s.Marker()
	p.recPrefix = append(jsjson.AppendString([]byte(`{"s":`), p.marker), `,"d":`...)
	plans.Store(s, p)
	return p
}

// field returns the interned name and type of a declared field.
func (p *plan) field(name []byte) (string, schema.FieldType, bool) {
	i, ok := p.index[string(name)]
	if !ok {
		return "", schema.Invalid, false
	}
	return p.names[i], p.types[i], true
}
