package value

import (
	"encoding/json"
	"strconv"

	"goatdb/internal/jsjson"
)

// appendJSON writes a JSON-like tree (string, float64, bool, nil, []any,
// map[string]any, json.RawMessage) as JavaScript's JSON.stringify would,
// except that object keys are sorted in JavaScript order: Go maps have no
// insertion order, and a fixed order keeps the output deterministic.
func appendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return jsjson.AppendString(dst, x)
	case float64:
		return jsjson.AppendNumber(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		dst = append(dst, '{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsjson.AppendString(dst, k)
			dst = append(dst, ':')
			dst = appendJSON(dst, x[k])
		}
		return append(dst, '}')
	case json.RawMessage:
		return append(dst, x...)
	}
	// Unreachable for values that went through coercion; null keeps the
	// output valid JSON if a caller bypassed it.
	return append(dst, "null"...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	jsjson.SortKeys(keys)
	return keys
}
