package value

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"goatdb/internal/schema"
)

func TestTaggedRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 1000 {
		x := randItem(t, r)
		raw := AppendTagged(nil, allTypes, x.Data)
		if !json.Valid(raw) {
			t.Fatalf("%d: invalid JSON %s", i, raw)
		}
		d, err := FromTagged(allTypes, raw)
		if err != nil {
			t.Fatalf("%d: %v\n%s", i, err, raw)
		}
		d[schema.DeletedField] = x.Data[schema.DeletedField]
		y, err := NewItem(allTypes, d)
		if err != nil || !y.Equal(x) {
			t.Fatalf("%d: round trip differs (%v)\n%s", i, err, raw)
		}
		// TaggedValue agrees with AppendTagged.
		tree := map[string]any{}
		for k, v := range x.Data {
			if k != schema.DeletedField {
				f, _ := allTypes.Field(k)
				tree[k] = TaggedValue(f.Type, v)
			}
		}
		viaMarshal, err := json.Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, viaMarshal, raw) {
			t.Fatalf("%d: TaggedValue\n%s\nAppendTagged\n%s", i, viaMarshal, raw)
		}
	}
}

func TestFromTaggedPlainForms(t *testing.T) {
	d, err := FromTagged(allTypes, []byte(`{"n":{"$num":"-0"},"d":1700000000123,"tags":["a","a","b"],
		"m":{"k":{"$map":1}},"rt":{"root":{"children":[]}},"s":null,"isDeleted":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if n := d["n"].(float64); n != 0 || !math.Signbit(n) {
		t.Errorf("$num -0 = %v", n)
	}
	if d["d"].(time.Time).UnixMilli() != 1700000000123 {
		t.Errorf("date = %v", d["d"])
	}
	if !reflect.DeepEqual(d["tags"], []any{"a", "b"}) {
		t.Errorf("tags = %v", d["tags"])
	}
	if !jsonEqual(d["m"], map[string]any{"k": map[string]any{"$map": 1.0}}) {
		t.Errorf("map = %v", d["m"])
	}
	if string(d["rt"].(json.RawMessage)) != `{"root":{"children":[]}}` {
		t.Errorf("rich text = %s", d["rt"])
	}
	if _, ok := d["s"]; ok || d["isDeleted"] != true {
		t.Errorf("data = %v", d)
	}
	d, err = FromTagged(allTypes, []byte(`{"d":{"$date":"2024-01-02T03:04:05.678Z"}}`))
	if err != nil || d["d"].(time.Time).UnixMilli() != 1704164645678 {
		t.Errorf("RFC 3339 date: %v %v", d, err)
	}
}

func TestParseSchemas(t *testing.T) {
	list, err := ParseSchemas(readFixture(t, "schemas.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Fatalf("%d schemas", len(list))
	}
	task := list[0]
	if task.Marker() != "task/1" || !task.Fields["title"].Required || task.Fields["due"].Type != schema.Date {
		t.Fatalf("task/1 = %+v", task)
	}
	def := task.Fields["tags"].Default
	a, b := def(nil).([]any), def(nil).([]any)
	if len(a) != 0 || a == nil {
		t.Fatalf("tags default = %#v", a)
	}
	a = append(a, "x")
	if len(b) != 0 || len(def(nil).([]any)) != 0 {
		t.Fatal("defaults share state")
	}
	if list[1].Fields["status"].Default(nil) != "open" || list[1].Fields["done"].Default(nil) != false {
		t.Fatal("task/2 defaults")
	}
	bad := []string{
		`{}`, `[1]`, `[{"version":1}]`, `[{"ns":"x","version":0}]`, `[{"ns":"x","version":1.5}]`,
		`[{"ns":"x","version":1,"fields":{"f":{"type":"int"}}}]`,
		`[{"ns":"x","version":1,"fields":{"f":{"type":"set","default":"a"}}}]`,
		`[{"ns":"x","version":1,"fields":{"isDeleted":{"type":"boolean"}}}]`,
		`[{"ns":"x","version":1,"fields":{"f":{"type":"string","required":"yes"}}}]`,
	}
	for _, in := range bad {
		if _, err := ParseSchemas([]byte(in)); !errors.Is(err, schema.ErrSchema) && !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: err = %v", in, err)
		}
	}
}
