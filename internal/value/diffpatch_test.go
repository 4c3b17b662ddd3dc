package value

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"goatdb/internal/schema"
)

// allTypes has a field of every type, two of them with defaults.
var allTypes = &schema.Schema{NS: "all", Version: 1, Fields: schema.Fields{
	"s":    {Type: schema.String},
	"n":    {Type: schema.Number},
	"b":    {Type: schema.Bool, Default: func(schema.Data) any { return false }},
	"d":    {Type: schema.Date},
	"tags": {Type: schema.Set, Default: func(schema.Data) any { return []any{} }},
	"nums": {Type: schema.Set},
	"m":    {Type: schema.Map},
	"rt":   {Type: schema.RichText},
}}

func randString(r *rand.Rand) string {
	const alphabet = "ab\"\\\n é中🐐"
	runes := []rune(alphabet)
	n := r.IntN(4)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[r.IntN(len(runes))]
	}
	return string(out)
}

func randNumber(r *rand.Rand) float64 {
	switch r.IntN(4) {
	case 0:
		return float64(r.IntN(5))
	case 1:
		return r.NormFloat64() * 1e6
	case 2:
		return []float64{0.1, 1e21, 1e-7, -3.5, 5e-324}[r.IntN(5)]
	}
	return float64(r.IntN(3)) / 2
}

func randJSON(r *rand.Rand, depth int) any {
	switch k := r.IntN(7); {
	case k == 0:
		return nil
	case k == 1:
		return r.IntN(2) == 0
	case k == 2:
		return randNumber(r)
	case k == 3 && depth < 2:
		a := make([]any, r.IntN(3))
		for i := range a {
			a[i] = randJSON(r, depth+1)
		}
		return a
	case k == 4 && depth < 2:
		m := map[string]any{}
		for range r.IntN(3) {
			m[randString(r)] = randJSON(r, depth+1)
		}
		return m
	}
	return randString(r)
}

// storableDate returns a date that reads back unchanged from its stored
// seconds (see TestDateTruncationLikeUpstream for the others).
func storableDate(r *rand.Rand) time.Time {
	for {
		ms := r.Int64N(4e12) - 1e12
		if math.Trunc(float64(ms)/1000*1000) == float64(ms) {
			return time.UnixMilli(ms)
		}
	}
}

func randData(r *rand.Rand) schema.Data {
	d := schema.Data{}
	maybe := func(name string, v func() any) {
		if r.IntN(3) > 0 {
			d[name] = v()
		}
	}
	maybe("s", func() any { return randString(r) })
	maybe("n", func() any { return randNumber(r) })
	maybe("b", func() any { return r.IntN(2) == 0 })
	maybe("d", func() any { return storableDate(r) })
	maybe("tags", func() any {
		s := []any{}
		for range r.IntN(4) {
			s = append(s, []string{"a", "b", "c", "d"}[r.IntN(4)])
		}
		return s
	})
	maybe("nums", func() any {
		s := []any{}
		for range r.IntN(4) {
			s = append(s, []any{1.0, 2.0, "2", true}[r.IntN(4)])
		}
		return s
	})
	maybe("m", func() any {
		m := map[string]any{}
		for range r.IntN(4) {
			m[[]string{"k", "l", "x", "y"}[r.IntN(4)]] = randJSON(r, 0)
		}
		return m
	})
	maybe("rt", func() any {
		return json.RawMessage(fmt.Sprintf(`{"root":{"children":[{"tagName":"p","children":[{"text":%q}]}]}}`, randString(r)))
	})
	if r.IntN(4) == 0 {
		d[schema.DeletedField] = true
	}
	return d
}

func randItem(t testing.TB, r *rand.Rand) *Item {
	t.Helper()
	it, err := NewItem(allTypes, randData(r))
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestDiffPatchProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		a, b := randItem(t, r), randItem(t, r)
		if !a.Equal(a.Clone()) {
			t.Fatalf("%d: item not equal to its clone: %s", i, AppendTagged(nil, allTypes, a.Data))
		}
		if d := Diff(a, a); len(d) != 0 {
			t.Fatalf("%d: Diff(a, a) = %v", i, d)
		}
		ch := Diff(a, b)
		p := a.Clone()
		if err := p.Patch(ch); err != nil {
			t.Fatal(err)
		}
		if !p.Equal(b) || p.Checksum() != b.Checksum() {
			t.Fatalf("%d: patch(a, diff(a, b)) != b\n   a %s\n   b %s\n got %s", i,
				AppendTagged(nil, allTypes, a.Data), AppendTagged(nil, allTypes, b.Data), AppendTagged(nil, allTypes, p.Data))
		}
		if !a.Equal(a.Clone()) || (a.Equal(b) != (len(ch) == 0)) {
			t.Fatalf("%d: Equal disagrees with Diff", i)
		}
		// From the null item.
		empty, _ := NewItem(allTypes, nil)
		if err := empty.Patch(Diff(nil, b)); err != nil || !empty.Equal(b) {
			t.Fatalf("%d: patch(null, diff(null, b)) != b", i)
		}
		// Edits survive encoding.
		if !ch.Portable() {
			continue // whole rich-text values: not for upstream, checked below
		}
		raw := AppendEdit(nil, a.Checksum(), b.Checksum(), ch)
		sc, dc, ch2, err := DecodeEdit(raw, allTypes)
		if err != nil || sc != a.Checksum() || dc != b.Checksum() {
			t.Fatalf("%d: DecodeEdit(%s): %v", i, raw, err)
		}
		if re := AppendEdit(nil, sc, dc, ch2); string(re) != string(raw) {
			t.Fatalf("%d: edit round trip\n got %s\nwant %s", i, re, raw)
		}
		p2 := a.Clone()
		if err := p2.Patch(ch2); err != nil || p2.Checksum() != dc {
			t.Fatalf("%d: decoded edit patches to %s, want %s (%v)", i, p2.Checksum(), dc, err)
		}
	}
}

func TestPatchDoesNotAlias(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		a, b := randItem(t, r), randItem(t, r)
		before := string(b.AppendRecord(nil))
		ch := Diff(a, b)
		p := a.Clone()
		_ = p.Patch(ch)
		_ = p.Patch(Changes{"m": {{Op: Insert, Type: schema.Map, Value: map[string]any{"k": "changed"}}}})
		_ = p.Patch(Changes{"tags": {{Op: Insert, Type: schema.Set, Value: []any{"z"}}}})
		if after := string(b.AppendRecord(nil)); before != after {
			t.Fatalf("patching a copy changed b:\n%s\n%s", before, after)
		}
	}
}

func item(t testing.TB, d schema.Data) *Item {
	t.Helper()
	it, err := NewItem(allTypes, d)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// merge applies both sides' changes against base in the given order, as a
// merge or rebase does.
func merge(t testing.TB, base, first, second *Item) *Item {
	t.Helper()
	out := base.Clone()
	ch := Diff(base, first)
	for k, v := range Diff(base, second) {
		ch[k] = append(ch[k], v...)
	}
	if err := out.Patch(ch); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConcurrentSemantics(t *testing.T) {
	base := item(t, schema.Data{"s": "base", "n": 1, "tags": []any{"a", "b"}, "m": map[string]any{"k": "v", "x": 1}})
	deleter := base.Clone()
	delete(deleter.Data, "s")
	delete(deleter.Data, "n")
	deleter.Data["tags"] = []any{"a"}
	deleter.Data["m"] = map[string]any{"x": 1}
	if err := deleter.Normalize(); err != nil {
		t.Fatal(err)
	}
	setter := base.Clone()
	setter.Data["n"] = 2.0
	setter.Data["tags"] = []any{"a", "b", "c"}
	setter.Data["m"] = map[string]any{"k": "v2", "x": 1, "y": true}
	if err := setter.Normalize(); err != nil {
		t.Fatal(err)
	}
	for _, order := range []string{"delete first", "set first"} {
		var got *Item
		if order == "delete first" {
			got = merge(t, base, deleter, setter)
		} else {
			got = merge(t, base, setter, deleter)
		}
		// The string was only deleted: gone. The number was deleted on one
		// side and set on the other: the set wins in either order.
		if _, ok := got.Data["s"]; ok {
			t.Errorf("%s: deleted string survived", order)
		}
		if got.Data["n"] != 2.0 {
			t.Errorf("%s: n = %v, want the concurrent set 2", order, got.Data["n"])
		}
		if !setsEqual(got.Data["tags"].([]any), []any{"a", "c"}) {
			t.Errorf("%s: tags = %v, want [a c]", order, got.Data["tags"])
		}
		m := got.Data["m"].(map[string]any)
		if !jsonEqual(m, map[string]any{"k": "v2", "x": 1.0, "y": true}) {
			t.Errorf("%s: m = %v: the changed key must survive its concurrent delete", order, m)
		}
	}
	// Removing every element removes the field; with a default it comes back.
	it := item(t, schema.Data{"nums": []any{1}, "tags": []any{"a"}})
	if err := it.Patch(Changes{
		"nums": {{Op: Delete, Type: schema.Set, Value: []any{1.0}}},
		"tags": {{Op: Delete, Type: schema.Set, Value: []any{"a"}}},
		"m":    {{Op: Delete, Type: schema.Map, Value: map[string]any{"k": "v"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := it.Data["nums"]; ok {
		t.Error("emptied set without default was kept")
	}
	if tags, ok := it.Data["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("emptied set with default: %v, want the empty default", it.Data["tags"])
	}
	// Deleting a map key whose value changed meanwhile keeps it; deleting
	// the last key removes the map.
	it = item(t, schema.Data{"m": map[string]any{"k": "new"}})
	_ = it.Patch(Changes{"m": {{Op: Delete, Type: schema.Map, Value: map[string]any{"k": "old"}}}})
	if !jsonEqual(it.Data["m"], map[string]any{"k": "new"}) {
		t.Errorf("map delete of a changed value: %v", it.Data["m"])
	}
	_ = it.Patch(Changes{"m": {{Op: Delete, Type: schema.Map, Value: map[string]any{"k": "new"}}}})
	if _, ok := it.Data["m"]; ok {
		t.Error("emptied map was kept")
	}
}

func TestEqualNestedMaps(t *testing.T) {
	d := schema.Data{"m": map[string]any{"nested": map[string]any{"a": []any{1, 2, map[string]any{"b": "😀"}}}, "list": []any{3, "x", false}}}
	a, b := item(t, d), item(t, d)
	if !a.Equal(a) || !a.Equal(b) || !a.Equal(a.Clone()) {
		t.Fatal("items with nested map values must equal their copies")
	}
	if len(Diff(a, b)) != 0 {
		t.Fatal("diff of equal nested maps is not empty")
	}
	b.Data["m"].(map[string]any)["nested"].(map[string]any)["a"].([]any)[0] = 7.0
	_ = b.Normalize()
	if a.Equal(b) {
		t.Fatal("a deep change went unnoticed")
	}
	if ch := Diff(a, b); len(ch["m"]) != 1 || ch["m"][0].Op != Insert {
		t.Fatalf("diff of a nested change: %v", ch)
	}
}

func TestEqualIgnoresSetOrder(t *testing.T) {
	a := item(t, schema.Data{"tags": []string{"a", "b"}})
	b := item(t, schema.Data{"tags": []string{"b", "a"}})
	if !a.Equal(b) || a.Checksum() != b.Checksum() {
		t.Fatal("set order must not matter")
	}
	if c := item(t, schema.Data{"tags": []string{"a"}}); a.Equal(c) {
		t.Fatal("different sets compare equal")
	}
	other := &schema.Schema{NS: "all", Version: 2, Fields: allTypes.Fields}
	o, _ := NewItem(other, schema.Data{"tags": []string{"a", "b"}})
	if a.Equal(o) {
		t.Fatal("items of different schema versions compare equal")
	}
}

func TestPatchReportsUnappliable(t *testing.T) {
	it := item(t, schema.Data{"s": "x", "n": 1})
	err := it.Patch(Changes{
		"rt":      {{Op: 1, Type: schema.RichText, RT: json.RawMessage(`{"changeType":"rt","op":1,"start":0}`)}},
		"s":       {{Op: Insert, Type: schema.Number, Value: 3.0}},
		"n":       {{Op: Insert, Type: schema.Number, Value: 5.0}},
		"unknown": {{Op: Insert, Type: schema.String, Value: "ignored"}},
	})
	if !errors.Is(err, ErrNotApplied) {
		t.Fatalf("err = %v, want ErrNotApplied", err)
	}
	if it.Data["s"] != "x" || it.Data["n"] != 5.0 {
		t.Fatalf("data = %v: applicable changes must still apply", it.Data)
	}
	if _, ok := it.Data["unknown"]; ok {
		t.Fatal("undeclared field was patched in")
	}
}
