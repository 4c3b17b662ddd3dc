// Package schema owns item schemas: their fields and types, the implicit
// isDeleted field, the registry of versions and the upgrade chain between
// them. The root package re-exports these types as goatdb.Schema and
// friends; they live here so that lower layers can use them too.
package schema

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
)

// ErrSchema reports an unknown, invalid or conflicting schema, or data that
// does not follow its schema.
var ErrSchema = errors.New("schema")

// FieldType is the type of a field's value.
type FieldType uint8

// Field types and the Go values that hold them.
const (
	Invalid  FieldType = iota
	String             // string
	Number             // float64
	Bool               // bool
	Date               // time.Time, millisecond precision
	Set                // []any of string, float64 or bool; insertion order kept, equality ignores it
	Map                // map[string]any with JSON-like values
	RichText           // json.RawMessage, kept and relayed as its JSON tree
)

var typeNames = [...]string{"invalid", "string", "number", "boolean", "date", "set", "map", "richtext"}

// String returns upstream's name for the type ("boolean", "set", …).
func (t FieldType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "FieldType(" + strconv.Itoa(int(t)) + ")"
}

// ParseFieldType maps upstream's type name to a FieldType.
func ParseFieldType(name string) (FieldType, error) {
	for i, n := range typeNames {
		if i > 0 && n == name {
			return FieldType(i), nil
		}
	}
	if name == "bool" {
		return Bool, nil
	}
	return Invalid, fmt.Errorf("%w: unknown field type %q", ErrSchema, name)
}

// Data is an item's field values by name.
type Data map[string]any

// Field describes one field of a schema.
type Field struct {
	Type     FieldType
	Required bool
	// Default returns the value of the field when it is absent.
	Default func(Data) any
	// Validate is called with the whole item data when the field is present.
	Validate func(Data) bool
}

// Fields maps field names to their descriptions.
type Fields map[string]Field

// DeletedField is the implicit boolean field every schema has.
const DeletedField = "isDeleted"

// UpgradeFunc turns data of the previous version into data of this one.
type UpgradeFunc func(data Data, from *Schema) (Data, error)

// Schema describes one version of an item type.
type Schema struct {
	NS      string
	Version int
	Fields  Fields
	// Upgrade converts data from version Version-1. Nil copies the fields
	// both versions share.
	Upgrade UpgradeFunc

	// superseded is set (atomically) by the registry on its own copy once a
	// newer version of the namespace is registered, so that every read can
	// tell whether an item needs upgrading without a lookup.
	superseded uint32
}

// Superseded reports whether a newer version of this schema's namespace is
// registered. It is meaningful for schemas returned by a Registry.
func (s *Schema) Superseded() bool { return atomic.LoadUint32(&s.superseded) != 0 }

// Marker is the "ns/version" string stored with every item.
func (s *Schema) Marker() string { return s.NS + "/" + strconv.Itoa(s.Version) }

// Field returns the named field, including the implicit isDeleted.
func (s *Schema) Field(name string) (Field, bool) {
	if f, ok := s.Fields[name]; ok {
		return f, true
	}
	if name == DeletedField {
		return Field{Type: Bool}, true
	}
	return Field{}, false
}

// check reports why s cannot be registered.
func (s *Schema) check() error {
	if s.NS == "" || strings.ContainsAny(s.NS, "/") || s.NS == "null" {
		return fmt.Errorf("%w: invalid namespace %q", ErrSchema, s.NS)
	}
	if s.Version < 1 {
		return fmt.Errorf("%w: %s: version must be ≥ 1, got %d", ErrSchema, s.NS, s.Version)
	}
	for name, f := range s.Fields {
		if name == "" {
			return fmt.Errorf("%w: %s: empty field name", ErrSchema, s.Marker())
		}
		if name == DeletedField {
			return fmt.Errorf("%w: %s: %q is implicit and cannot be declared", ErrSchema, s.Marker(), name)
		}
		if f.Type == Invalid || f.Type > RichText {
			return fmt.Errorf("%w: %s: field %q has no valid type", ErrSchema, s.Marker(), name)
		}
	}
	return nil
}

// ParseMarker splits "ns/version". Upstream decodes version 0 as "latest".
func ParseMarker(m string) (ns string, version int, err error) {
	i := strings.LastIndexByte(m, '/')
	if i <= 0 {
		return "", 0, fmt.Errorf("%w: malformed schema marker %q", ErrSchema, m)
	}
	v, err := strconv.Atoi(m[i+1:])
	if err != nil || v < 0 {
		return "", 0, fmt.Errorf("%w: malformed schema marker %q", ErrSchema, m)
	}
	return m[:i], v, nil
}
