package value

import (
	"encoding/json"

	"goatdb/internal/schema"
)

// Field change operations (upstream's FieldOperation).
const (
	Insert = 1
	Delete = -1
)

// Change is one change to one field: upstream's FieldChange, or a
// rich-text change kept as raw JSON.
type Change struct {
	// Op is Insert or Delete. For a rich-text change it is upstream's op
	// (1 insert, -1 delete, -2 delete range), for information only.
	Op int
	// Type is the value type ("vType"); RichText for rich-text changes.
	Type schema.FieldType
	// Value is the inserted or deleted value in canonical Go form: for a
	// set the elements added or removed, for a map the keys set or removed
	// with their values.
	Value any
	// RT is the raw body of an upstream rich-text change
	// ({"changeType":"rt",…}); nil for field changes. This package relays
	// such changes but cannot apply them.
	RT json.RawMessage
}

// Changes lists the changes of each field, in the order they apply.
type Changes map[string][]Change
