package goatdb

import (
	"encoding/json"
	"slices"
)

// copyValue deep-copies the mutable field values (sets, maps, rich text) so
// that callers can never change a stored item through what they were given.
func copyValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	case json.RawMessage:
		return slices.Clone(x)
	}
	return v
}
