package value

import (
	"sync"

	"goatdb/internal/jsjson"
	"goatdb/internal/schema"
)

// plan is what the hot paths need to know about a schema: every field name
// (isDeleted included) in JavaScript sort order, which is the order of
// checksums and of everything this package writes, and each field's type.
type plan struct {
	names []string
	types []schema.FieldType
	index map[string]int
	n     int // len(s.Fields) when built, to notice a schema changed in place
}

var plans sync.Map // *schema.Schema → *plan

// planFor returns the cached plan of s. Schemas are expected not to change
// once in use; a change in the number of fields rebuilds the plan anyway.
func planFor(s *schema.Schema) *plan {
	if v, ok := plans.Load(s); ok {
		if p := v.(*plan); p.n == len(s.Fields) {
			return p
		}
	}
	p := &plan{index: make(map[string]int, len(s.Fields)+1), n: len(s.Fields)}
	for name := range s.Fields {
		p.names = append(p.names, name)
	}
	if _, ok := s.Fields[schema.DeletedField]; !ok {
		p.names = append(p.names, schema.DeletedField)
	}
	jsjson.SortKeys(p.names)
	p.types = make([]schema.FieldType, len(p.names))
	for i, name := range p.names {
		f, _ := s.Field(name)
		p.types[i] = f.Type
		p.index[name] = i
	}
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
