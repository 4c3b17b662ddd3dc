package bloom

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

const vectors = "../../../shared/fixtures/upstream-0.5.1/vectors/"

func readVectors(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(vectors + name)
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

type serialized struct {
	D string    `json:"d"`
	S []float64 `json:"s"`
}

func TestSizes(t *testing.T) {
	var v struct {
		Sizes []struct {
			Size      int     `json:"size"`
			FPR       float64 `json:"fpr"`
			MaxHashes int     `json:"maxHashes"`
			ByteSize  int     `json:"byteSize"`
			NumHashes int     `json:"numHashes"`
		} `json:"sizes"`
	}
	readVectors(t, "bloom.json", &v)
	if len(v.Sizes) == 0 {
		t.Fatal("no size vectors")
	}
	for _, c := range v.Sizes {
		f := New(c.Size, c.FPR, c.MaxHashes, nil)
		if f.ByteSize() != c.ByteSize || f.NumHashes() != c.NumHashes {
			t.Errorf("New(%d, %v, %d): %d bytes / %d hashes, want %d / %d",
				c.Size, c.FPR, c.MaxHashes, f.ByteSize(), f.NumHashes(), c.ByteSize, c.NumHashes)
		}
	}
}

func TestVectorCases(t *testing.T) {
	var v struct {
		Cases []struct {
			Size       int        `json:"size"`
			FPR        float64    `json:"fpr"`
			Seeds      []float64  `json:"seeds"`
			Added      []string   `json:"added"`
			Serialized serialized `json:"serialized"`
			ByteSize   int        `json:"byteSize"`
			Queries    []struct {
				Value string `json:"value"`
				Has   bool   `json:"has"`
			} `json:"queries"`
		} `json:"cases"`
	}
	readVectors(t, "bloom.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no filter vectors")
	}
	for i, c := range v.Cases {
		byteSize, numHashes := Sizes(c.Size, c.FPR, 0)
		if byteSize != c.ByteSize || numHashes != len(c.Seeds) {
			t.Errorf("case %d: sizes %d/%d, want %d/%d", i, byteSize, numHashes, c.ByteSize, len(c.Seeds))
		}
		f := FromSeeds(make([]byte, byteSize), c.Seeds)
		for _, s := range c.Added {
			f.Add(s)
		}
		got, err := f.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(c.Serialized)
		if string(got) != string(want) {
			t.Errorf("case %d: serialized %s, want %s", i, got, want)
		}
		for _, q := range c.Queries {
			if f.Has(q.Value) != q.Has {
				t.Errorf("case %d: Has(%q) = %v, want %v", i, q.Value, !q.Has, q.Has)
			}
		}
		// The decoded form must answer the same.
		var g Filter
		if err := g.UnmarshalJSON(want); err != nil {
			t.Fatalf("case %d: decode %s: %v", i, want, err)
		}
		for _, q := range c.Queries {
			if g.Has(q.Value) != q.Has {
				t.Errorf("case %d decoded: Has(%q) = %v, want %v", i, q.Value, !q.Has, q.Has)
			}
		}
	}
}

// TestDocumentedVector is the example of the internals fact sheet, §4.
func TestDocumentedVector(t *testing.T) {
	f := FromSeeds(make([]byte, 2), []float64{1000, 1001, 1002})
	if bs, nh := Sizes(3, 0.25, 0); bs != 2 || nh != 3 {
		t.Fatalf("Sizes(3, .25) = %d, %d", bs, nh)
	}
	for _, s := range []string{"abc", "def", "ghi"} {
		f.Add(s)
	}
	got, _ := f.MarshalJSON()
	if want := `{"d":"mWo=","s":[1000,1001,1002]}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestSyncFilters(t *testing.T) {
	var v struct {
		Cases []struct {
			Seq      int             `json:"seq"`
			Side     string          `json:"side"`
			Repo     string          `json:"repo"`
			Filter   json.RawMessage `json:"filter"`
			ByteSize int             `json:"byteSize"`
			Queries  [][2]any        `json:"queries"`
		} `json:"cases"`
	}
	readVectors(t, "bloom-sync.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no sync filter vectors")
	}
	for _, c := range v.Cases {
		var f Filter
		if err := json.Unmarshal(c.Filter, &f); err != nil {
			t.Fatalf("seq %d %s %s: %v", c.Seq, c.Side, c.Repo, err)
		}
		if f.ByteSize() != c.ByteSize {
			t.Errorf("seq %d: %d bytes, want %d", c.Seq, f.ByteSize(), c.ByteSize)
		}
		for _, q := range c.Queries {
			id, want := q[0].(string), q[1].(bool)
			if f.Has(id) != want {
				t.Errorf("seq %d %s %s: Has(%s) = %v, want %v", c.Seq, c.Side, c.Repo, id, !want, want)
			}
		}
		// Re-serialising a decoded filter reproduces upstream's bytes.
		got, _ := json.Marshal(&f)
		if string(got) != string(c.Filter) {
			t.Errorf("seq %d: re-serialised %s, want %s", c.Seq, got, c.Filter)
		}
	}
}

func TestNewAddHas(t *testing.T) {
	f := New(100, 0.01, 0, nil)
	for i := range 100 {
		f.Add(strings.Repeat("x", i))
	}
	for i := range 100 {
		if !f.Has(strings.Repeat("x", i)) {
			t.Fatalf("lost %d", i)
		}
	}
	for _, s := range f.Seeds() {
		if s < 1 || s >= maxSeed || s != float64(int64(s)) {
			t.Fatalf("seed %v outside [1, 2^53-1) or not an integer", s)
		}
	}
}

func TestNewWithRNG(t *testing.T) {
	vals := []float64{0, 0.5, 0.9999999999999999}
	i := 0
	f := New(1, 0.25, 0, func() float64 { v := vals[i%len(vals)]; i++; return v })
	seeds := f.Seeds()
	want := []float64{1, 4503599627370495, 9007199254740990}
	if len(seeds) != 3 {
		t.Fatalf("seeds %v", seeds)
	}
	for i := range want {
		if seeds[i] != want[i] {
			t.Fatalf("seeds %v, want %v", seeds, want)
		}
	}
}

func TestEmpty(t *testing.T) {
	f := Empty()
	if f.ByteSize() != 1 || f.NumHashes() != 2 {
		t.Fatalf("Empty: %d bytes, %d hashes", f.ByteSize(), f.NumHashes())
	}
	for _, s := range []string{"", "a", "abc", "i1vy"} {
		if f.Has(s) {
			t.Fatalf("empty filter has %q", s)
		}
	}
}

func TestSizesPanicsOnBadRate(t *testing.T) {
	for _, fpr := range []float64{0, 1, -0.5, 2} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Sizes(1, %v) did not panic", fpr)
				}
			}()
			Sizes(1, fpr, 0)
		}()
	}
}

func TestUnmarshalRejects(t *testing.T) {
	bad := []string{
		``, `null`, `[]`, `"x"`, `{}`,
		`{"d":"AA=="}`,
		`{"s":[1]}`,
		`{"d":"","s":[1]}`,
		`{"d":"AA==","s":[]}`,
		`{"d":"AA==","s":null}`,
		`{"d":"AA==","s":[null]}`,
		`{"d":"AA==","s":["1"]}`,
		`{"d":"AA==","s":[1e999]}`,
		`{"d":"AA==","s":1}`,
		`{"d":null,"s":[1]}`,
		`{"d":1,"s":[1]}`,
		`{"d":"A","s":[1]}`,
		`{"d":"AAAAA","s":[1]}`,
		`{"d":"AA===","s":[1]}`,
		`{"d":"A=A=","s":[1]}`,
		`{"d":"!!!!","s":[1]}`,
		`{"D":"AA==","S":[1]}`,
		`{"d":"AA==","s":[1]`,
	}
	for _, in := range bad {
		var f Filter
		if err := f.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("accepted %s", in)
		} else if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v does not wrap ErrInvalid", in, err)
		}
	}
	huge := `{"d":"` + strings.Repeat("A", maxJSON) + `","s":[1]}`
	var f Filter
	if err := f.UnmarshalJSON([]byte(huge)); !errors.Is(err, ErrInvalid) {
		t.Errorf("accepted an oversized filter: %v", err)
	}
}

func TestUnmarshalForgivingBase64(t *testing.T) {
	// atob, which upstream decodes "d" with, accepts all of these.
	for in, want := range map[string]string{
		`"mWo="`:       "\x99\x6a",
		`"mWo"`:        "\x99\x6a",
		`"mWp="`:       "\x99\x6a", // unused bits set
		`" m W\no = "`: "\x99\x6a",
		`"AAAAAA=="`:   "\x00\x00\x00\x00",
		`"/+/+"`:       "\xff\xef\xfe",
	} {
		var f Filter
		if err := f.UnmarshalJSON([]byte(`{"d":` + in + `,"s":[1]}`)); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if string(f.Bytes()) != want {
			t.Errorf("%s: % x, want % x", in, f.Bytes(), want)
		}
	}
}

func TestUnmarshalLastKeyWins(t *testing.T) {
	var f Filter
	if err := f.UnmarshalJSON([]byte(`{"d":"AAA=","s":[5],"d":"AA==","x":true}`)); err != nil {
		t.Fatal(err)
	}
	if f.ByteSize() != 1 || f.NumHashes() != 1 {
		t.Fatalf("%d bytes, %d hashes", f.ByteSize(), f.NumHashes())
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"d":"mWo=","s":[1000,1001,1002]}`))
	f.Add([]byte(`{"d":"AA==","s":[7503609104470820,7102456599121594]}`))
	f.Add([]byte(`{"d":"AA==","s":[0]}`))
	f.Add([]byte(`{"d":"AA==","s":[-1.5e300]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var g Filter
		if err := g.UnmarshalJSON(data); err != nil {
			return
		}
		g.Add("x")
		if !g.Has("x") {
			t.Fatal("added string missing")
		}
		out, err := g.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var h Filter
		if err := h.UnmarshalJSON(out); err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		if string(h.bits) != string(g.bits) || h.NumHashes() != g.NumHashes() {
			t.Fatal("round trip changed the filter")
		}
		for i := range g.hashes {
			if g.hashes[i] != h.hashes[i] {
				t.Fatalf("seed %v became %v", g.seeds[i], h.seeds[i])
			}
		}
	})
}
