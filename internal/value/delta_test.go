package value

import (
	"math/rand/v2"
	"testing"
	"time"

	"goatdb/internal/schema"
)

// TestAppendDeltaMatchesDiff checks the fused writer against Diff followed
// by AppendEdit over random pairs of items.
func TestAppendDeltaMatchesDiff(t *testing.T) {
	s := &schema.Schema{NS: "d", Version: 1, Fields: map[string]schema.Field{
		"title": {Type: schema.String},
		"n":     {Type: schema.Number},
		"ok":    {Type: schema.Bool},
		"when":  {Type: schema.Date},
		"tags":  {Type: schema.Set},
		"meta":  {Type: schema.Map},
	}}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func() schema.Data {
		d := schema.Data{}
		if rng.IntN(3) > 0 {
			d["title"] = []string{"a", "b", "é\"x"}[rng.IntN(3)]
		}
		if rng.IntN(3) > 0 {
			d["n"] = float64(rng.IntN(3)) / 2
		}
		if rng.IntN(3) > 0 {
			d["ok"] = rng.IntN(2) == 0
		}
		if rng.IntN(3) > 0 {
			d["when"] = time.UnixMilli(int64(rng.IntN(3)) * 1500)
		}
		if rng.IntN(3) > 0 {
			d["tags"] = []any{"x", float64(rng.IntN(3)), rng.IntN(2) == 0}[:1+rng.IntN(3)]
		}
		if rng.IntN(3) > 0 {
			d["meta"] = map[string]any{"k": float64(rng.IntN(2)), "l": []any{"q"}}
		}
		return d
	}
	for i := range 2000 {
		a, err := NewItem(s, pick())
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewItemUpdate(s, a.Data, pick())
		if err != nil {
			t.Fatal(err)
		}
		want := AppendEdit(nil, a.Checksum(), b.Checksum(), Diff(a, b))
		got, ok := AppendDelta([]byte("x"), a.Checksum(), b.Checksum(), a, b)
		if !ok || string(got[1:]) != string(want) {
			t.Fatalf("pair %d: got %s, want %s", i, got, want)
		}
	}
}

func TestNewItemUpdateMatchesNewItem(t *testing.T) {
	s := &schema.Schema{NS: "u", Version: 1, Fields: map[string]schema.Field{
		"a": {Type: schema.String, Required: true},
		"b": {Type: schema.Number, Default: func(schema.Data) any { return 7 }},
		"c": {Type: schema.Set},
	}}
	base := schema.Data{"a": "x", "b": float64(1)}
	for _, ch := range []schema.Data{
		{"b": nil}, {"a": nil}, {"c": []any{}}, {"c": []any{"q"}}, {"b": 2}, {"zz": 1}, {"b": "bad"},
	} {
		merged := schema.Data{}
		for k, v := range base {
			merged[k] = v
		}
		for k, v := range ch {
			if v == nil {
				delete(merged, k)
			} else {
				merged[k] = v
			}
		}
		want, werr := NewItem(s, merged)
		got, gerr := NewItemUpdate(s, base, ch)
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Fatalf("%v: error %v, want %v", ch, gerr, werr)
		}
		if werr == nil && !got.Equal(want) {
			t.Fatalf("%v: %v, want %v", ch, got.Data, want.Data)
		}
		if len(ch) == 1 {
			for k, v := range ch {
				one, oerr := NewItemSet(s, base, k, v)
				if (werr == nil) != (oerr == nil) || (werr == nil && !one.Equal(want)) {
					t.Fatalf("NewItemSet %v: %v %v, want %v %v", ch, one, oerr, want, werr)
				}
			}
		}
	}
	if len(base) != 2 || base["b"] != float64(1) {
		t.Fatalf("base changed: %v", base)
	}
}
