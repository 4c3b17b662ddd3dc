package goatdb

import (
	"os"

	"goatdb/internal/schema"
	"goatdb/internal/value"
)

// Schema describes one version of an item type: its namespace, version and
// fields. Every schema also has the implicit boolean field "isDeleted".
type Schema = schema.Schema

// Field describes one field: its type, whether it is required, its default
// and an optional validation function.
type Field = schema.Field

// Fields maps field names to their descriptions.
type Fields = schema.Fields

// Data holds an item's field values by name.
type Data = schema.Data

// FieldType is the type of a field's values.
type FieldType = schema.FieldType

// UpgradeFunc converts data of the previous schema version to this one.
type UpgradeFunc = schema.UpgradeFunc

// Registry holds the schemas a database knows, by namespace and version.
type Registry = schema.Registry

// Field types and the Go values that hold them. Setters also accept
// convertible forms (ints for numbers, []string for sets, …).
const (
	String   = schema.String   // string
	Number   = schema.Number   // float64
	Bool     = schema.Bool     // bool
	Date     = schema.Date     // time.Time, millisecond precision
	Set      = schema.Set      // []any of string, float64 or bool
	Map      = schema.Map      // map[string]any with JSON-like values
	RichText = schema.RichText // json.RawMessage, kept opaque
)

// ParseSchemas reads a JSON list of schemas: objects with "ns", "version"
// and "fields", each field with "type", "required" and "default" (a tagged
// JSON value such as {"$set": []}).
func ParseSchemas(data []byte) ([]Schema, error) { return value.ParseSchemas(data) }

// LoadSchemaFile reads a schema file written in ParseSchemas's format.
func LoadSchemaFile(path string) ([]Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSchemas(b)
}
