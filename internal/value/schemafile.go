package value

import (
	"fmt"
	"math"

	"goatdb/internal/schema"
)

// ParseSchemas reads a schema file: a JSON list of
// {"ns":…,"version":…,"fields":{name:{"type":…,"required":…,"default":…}}}
// where a default is a tagged value (see FromTagged). Other keys ("usedIn",
// "note", "upgrade" text, "builtin"…) are ignored; upgrade functions cannot
// be expressed in the file, so versions upgrade by copying shared fields.
// Each Default returns a fresh copy of the parsed value.
func ParseSchemas(data []byte) ([]schema.Schema, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: schema file must be a JSON list, got %s", schema.ErrSchema, describe(v))
	}
	out := make([]schema.Schema, 0, len(list))
	for i, e := range list {
		s, err := parseSchema(e)
		if err != nil {
			return nil, fmt.Errorf("schema #%d: %w", i+1, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseSchema(e any) (schema.Schema, error) {
	obj, ok := e.(map[string]any)
	if !ok {
		return schema.Schema{}, fmt.Errorf("%w: got %s, want an object", schema.ErrSchema, describe(e))
	}
	ns, _ := obj["ns"].(string)
	if ns == "" {
		return schema.Schema{}, fmt.Errorf("%w: missing \"ns\"", schema.ErrSchema)
	}
	ver, ok := obj["version"].(float64)
	if !ok || ver < 1 || ver != math.Trunc(ver) || ver > math.MaxInt32 {
		return schema.Schema{}, fmt.Errorf("%w: %s: \"version\" must be an integer ≥ 1", schema.ErrSchema, ns)
	}
	s := schema.Schema{NS: ns, Version: int(ver), Fields: schema.Fields{}}
	fields, ok := obj["fields"].(map[string]any)
	if !ok && obj["fields"] != nil {
		return schema.Schema{}, fmt.Errorf("%w: %s: \"fields\" must be an object", schema.ErrSchema, s.Marker())
	}
	for name, fv := range fields {
		f, err := parseField(fv)
		if err != nil {
			return schema.Schema{}, fmt.Errorf("%w: %s: field %q: %w", schema.ErrSchema, s.Marker(), name, err)
		}
		if name == "" || name == schema.DeletedField {
			return schema.Schema{}, fmt.Errorf("%w: %s: field name %q cannot be declared", schema.ErrSchema, s.Marker(), name)
		}
		s.Fields[name] = f
	}
	return s, nil
}

func parseField(fv any) (schema.Field, error) {
	obj, ok := fv.(map[string]any)
	if !ok {
		return schema.Field{}, fmt.Errorf("got %s, want an object", describe(fv))
	}
	tn, _ := obj["type"].(string)
	t, err := schema.ParseFieldType(tn)
	if err != nil {
		return schema.Field{}, err
	}
	f := schema.Field{Type: t}
	switch r := obj["required"].(type) {
	case nil:
	case bool:
		f.Required = r
	default:
		return schema.Field{}, fmt.Errorf("\"required\" must be a boolean")
	}
	if dv, ok := obj["default"]; ok && dv != nil {
		def, err := fromTaggedValue(t, dv)
		if err != nil {
			return schema.Field{}, fmt.Errorf("default: %w", err)
		}
		f.Default = func(schema.Data) any { return cloneValue(def) }
	}
	return f, nil
}
