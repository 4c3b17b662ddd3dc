package schema

import (
	"errors"
	"sync"
	"testing"
)

func TestRegisterAndLookup(t *testing.T) {
	r := NewRegistry()
	if _, ok := r.Get("sessions/1"); !ok {
		t.Fatal("built-in sessions/1 missing")
	}
	v1 := Schema{NS: "task", Version: 1, Fields: Fields{"title": {Type: String, Required: true}}}
	v2 := Schema{NS: "task", Version: 2, Fields: Fields{"title": {Type: String, Required: true}, "rank": {Type: Number}}}
	for _, s := range []Schema{v2, v1} {
		if err := r.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	if s, ok := r.Latest("task"); !ok || s.Version != 2 {
		t.Fatalf("Latest = %v", s)
	}
	if s, ok := r.Get("task/0"); !ok || s.Version != 2 {
		t.Fatal("version 0 must mean latest, as upstream decodes it")
	}
	if _, ok := r.Get("task/3"); ok {
		t.Fatal("unknown version found")
	}
	if f, ok := v1.Field(DeletedField); !ok || f.Type != Bool {
		t.Fatal("implicit isDeleted missing")
	}
	// Same version, other fields: refused.
	bad := Schema{NS: "task", Version: 1, Fields: Fields{"title": {Type: Number}}}
	if err := r.Register(bad); !errors.Is(err, ErrSchema) {
		t.Fatalf("conflicting re-registration: %v", err)
	}
	// Same fields with an upgrade function: accepted, function kept.
	v2.Upgrade = func(d Data, from *Schema) (Data, error) { d["rank"] = 1.0; return d, nil }
	if err := r.Register(v2); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Version("task", 2); s.Upgrade == nil {
		t.Fatal("upgrade function not kept")
	}
}

func TestRegisterRejectsInvalid(t *testing.T) {
	r := NewRegistry()
	for _, s := range []Schema{
		{NS: "", Version: 1},
		{NS: "a/b", Version: 1},
		{NS: "x", Version: 0},
		{NS: "x", Version: 1, Fields: Fields{"": {Type: String}}},
		{NS: "x", Version: 1, Fields: Fields{"f": {}}},
		{NS: "x", Version: 1, Fields: Fields{DeletedField: {Type: Bool}}},
	} {
		if err := r.Register(s); !errors.Is(err, ErrSchema) {
			t.Errorf("Register(%+v) = %v, want ErrSchema", s, err)
		}
	}
}

func TestUpgradeChain(t *testing.T) {
	r := NewRegistry()
	r.Register(Schema{NS: "n", Version: 1, Fields: Fields{"a": {Type: Number}}})
	r.Register(Schema{NS: "n", Version: 2, Fields: Fields{"b": {Type: Number}},
		Upgrade: func(d Data, from *Schema) (Data, error) {
			if from.Version != 1 {
				t.Errorf("v2 upgrade from %d", from.Version)
			}
			return Data{"b": d["a"].(float64) * 10}, nil
		}})
	r.Register(Schema{NS: "n", Version: 3, Fields: Fields{"b": {Type: Number}}}) // copies shared fields
	v1, _ := r.Version("n", 1)
	d, s, err := r.Upgrade(Data{"a": 2.0}, v1, 3)
	if err != nil || s.Version != 3 || d["b"] != 20.0 || len(d) != 1 {
		t.Fatalf("upgrade: %v %v %v", d, s, err)
	}
	// A gap in the chain is an error, as upstream asserts.
	r.Register(Schema{NS: "g", Version: 1, Fields: Fields{"a": {Type: Number}}})
	r.Register(Schema{NS: "g", Version: 3, Fields: Fields{"a": {Type: Number}}})
	g1, _ := r.Version("g", 1)
	if _, _, err := r.Upgrade(Data{"a": 1.0}, g1, 3); !errors.Is(err, ErrSchema) {
		t.Fatalf("gap: %v", err)
	}
	// Down-grades return a copy unchanged.
	v3, _ := r.Version("n", 3)
	in := Data{"b": 1.0}
	d, s, _ = r.Upgrade(in, v3, 1)
	d["b"] = 5.0
	if s != v3 || in["b"] != 1.0 {
		t.Fatal("downgrade must copy and keep the schema")
	}
}

func TestMarkers(t *testing.T) {
	for _, c := range []struct {
		in  string
		ns  string
		ver int
		ok  bool
	}{
		{"task/1", "task", 1, true}, {"user-stats/1", "user-stats", 1, true}, {"task/0", "task", 0, true},
		{"task", "", 0, false}, {"/1", "", 0, false}, {"task/x", "", 0, false}, {"task/-1", "", 0, false},
	} {
		ns, v, err := ParseMarker(c.in)
		if (err == nil) != c.ok || ns != c.ns || v != c.ver {
			t.Errorf("ParseMarker(%q) = %q %d %v", c.in, ns, v, err)
		}
	}
	for _, n := range []string{"string", "number", "boolean", "date", "set", "map", "richtext"} {
		ft, err := ParseFieldType(n)
		if err != nil || ft.String() != n {
			t.Errorf("%s: %v %v", n, ft, err)
		}
	}
}

func TestConcurrentRegisterAndRead(t *testing.T) {
	r := NewRegistry()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for v := 1; v <= 50; v++ {
				r.Register(Schema{NS: "c" + string(rune('a'+i)), Version: v, Fields: Fields{"x": {Type: Number}}})
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				r.Latest("ca")
				r.Get("cb/3")
				r.All()
			}
		}()
	}
	wg.Wait()
	if s, _ := r.Latest("cd"); s.Version != 50 {
		t.Fatalf("latest cd = %d", s.Version)
	}
}
