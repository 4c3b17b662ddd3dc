package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"

	"goatdb/internal/schema"
)

// maxDateMs is JavaScript's Date range: larger times are Invalid Dates.
const maxDateMs = 8.64e15

// maxStoredMs bounds dates that survive storage: upstream writes seconds and
// reads numbers of 1e12 and more as milliseconds, so a date from 1e15 ms on
// (year 33658) would read back a thousand times too early.
const maxStoredMs = 1e15

// coerce converts v to the canonical Go form of type t, copying containers
// so the result never aliases the caller's data. The error says why v does
// not fit, without the field name, which the caller adds.
func coerce(t schema.FieldType, v any) (any, error) {
	switch t {
	case schema.String:
		if _, ok := v.(string); ok {
			return v, nil // v itself: boxing the string again would allocate
		}
	case schema.Number:
		if f, ok := v.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return v, nil // already canonical; re-boxing f would allocate
		}
		if f, ok := toNumber(v); ok {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, errors.New("NaN and infinities cannot be stored")
			}
			return f, nil
		}
	case schema.Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case schema.Date:
		switch d := v.(type) {
		case time.Time:
			return dateFromMs(float64(d.UnixMilli()))
		case *time.Time:
			if d != nil {
				return dateFromMs(float64(d.UnixMilli()))
			}
		}
	case schema.Set:
		return coerceSet(v)
	case schema.Map:
		if m, ok := v.(map[string]any); ok {
			return coerceObject(m)
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String {
			return coerceJSON(v)
		}
	case schema.RichText:
		return coerceRichText(v)
	default:
		return nil, fmt.Errorf("field type %v is not supported", t)
	}
	return nil, fmt.Errorf("got %s", describe(v))
}

// dateFromMs applies JavaScript's TimeClip: out-of-range times are invalid
// and the rest are truncated toward zero.
func dateFromMs(ms float64) (time.Time, error) {
	if math.IsNaN(ms) || math.Abs(ms) > maxDateMs {
		return time.Time{}, fmt.Errorf("date %v ms is outside JavaScript's Date range", ms)
	}
	if ms >= maxStoredMs {
		return time.Time{}, fmt.Errorf("date %v ms cannot be stored: upstream reads it back as %v ms", ms, ms/1000)
	}
	return time.UnixMilli(int64(math.Trunc(ms))).UTC(), nil
}

func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// coerceSet accepts any slice of strings, numbers and booleans. Duplicates
// are dropped keeping the first, as a JS Set built from the same values.
func coerceSet(v any) (any, error) {
	var in []any
	switch s := v.(type) {
	case []any:
		in = s
	case nil:
		return nil, errors.New("got null")
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return nil, fmt.Errorf("got %s", describe(v))
		}
		in = make([]any, rv.Len())
		for i := range in {
			in[i] = rv.Index(i).Interface()
		}
	}
	out := make([]any, len(in))
	for i, e := range in {
		c, err := coerceElement(e)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	if !hasDuplicates(out) {
		return out, nil // out is already a private copy
	}
	return dedupe(out), nil
}

func coerceElement(e any) (any, error) {
	switch x := e.(type) {
	case string, bool:
		return x, nil
	}
	if f, ok := toNumber(e); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, nil
	}
	return nil, fmt.Errorf("set element %s is not a string, finite number or boolean", describe(e))
}

func coerceObject(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		c, err := coerceJSON(v)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = c
	}
	return out, nil
}

// coerceJSON deep-copies a JSON-like value, converting numbers to float64
// and typed slices and maps to []any and map[string]any.
func coerceJSON(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, nil
	case map[string]any:
		return coerceObject(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := coerceJSON(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case json.RawMessage:
		return parseJSON(x)
	}
	if f, ok := toNumber(v); ok {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("NaN and infinities are not JSON")
		}
		return f, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			c, err := coerceJSON(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			c, err := coerceJSON(it.Value().Interface())
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = c
		}
		return out, nil
	}
	return nil, fmt.Errorf("%T is not a JSON value", v)
}

// coerceRichText accepts the tree as JSON text or as a decoded tree and
// returns compact JSON. Whether it is a rich-text tree is Validate's job.
func coerceRichText(v any) (any, error) {
	var raw []byte
	switch x := v.(type) {
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	case string:
		raw = []byte(x)
	case map[string]any:
		c, err := coerceObject(x)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(appendJSON(nil, c)), nil
	default:
		return nil, fmt.Errorf("got %s", describe(v))
	}
	return compactJSON(raw)
}

// compactJSON validates raw and returns a compact copy of it, leaving
// string contents untouched (json.Compact does not escape HTML).
func compactJSON(raw []byte) (json.RawMessage, error) {
	p := parser{b: raw}
	if _, err := p.skip(); err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(raw))
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return json.RawMessage(buf.Bytes()), nil
}
