package value

import (
	"errors"
	"fmt"

	"goatdb/internal/schema"
)

var (
	// ErrType reports a value whose Go or JSON type does not fit its field.
	ErrType = errors.New("value: wrong type")
	// ErrUnknownSchema reports a record whose schema marker is not
	// registered. Upstream refuses such records too (it asserts), so a
	// repository holding one cannot be read until the schema is registered.
	ErrUnknownSchema = errors.New("value: unknown schema")
	// ErrSyntax reports malformed JSON, or JSON of the wrong overall shape
	// (for example a record that is not an object).
	ErrSyntax = errors.New("value: malformed JSON")
	// ErrNotApplied is returned by Patch when some changes could not be
	// applied (rich-text operations, or changes whose type contradicts the
	// field). All other changes are still applied.
	ErrNotApplied = errors.New("value: changes not applied")
)

// typeErr describes a field value of the wrong type. s may be nil.
func typeErr(s *schema.Schema, field string, got any, want schema.FieldType) error {
	return fmt.Errorf("%w: %sfield %q: got %s, want %s", ErrType, schemaPrefix(s), field, describe(got), want)
}

func schemaPrefix(s *schema.Schema) string {
	if s == nil {
		return ""
	}
	return s.Marker() + ": "
}

// describe names a value's kind the way a JSON user thinks of it, so that
// messages read the same whether the value came from Go or from JSON.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case error:
		return x.Error()
	}
	return fmt.Sprintf("%T", v)
}
