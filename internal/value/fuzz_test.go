package value

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"goatdb/internal/schema"
)

func fuzzRegistry(t testing.TB) *schema.Registry {
	reg := fixtureRegistry(t)
	if err := reg.Register(*allTypes); err != nil {
		t.Fatal(err)
	}
	return reg
}

// sameModuloDates is Equal, except that dates may differ by one
// millisecond: upstream's date storage is lossy that way (see
// TestDateTruncationLikeUpstream), and this package reads as upstream does.
func sameModuloDates(a, b *Item) bool {
	if a.Equal(b) {
		return true
	}
	c := b.Clone()
	for k, v := range a.Data {
		if d, ok := v.(time.Time); ok {
			if e, ok := c.Data[k].(time.Time); ok && math.Abs(float64(d.UnixMilli()-e.UnixMilli())) <= 1 {
				c.Data[k] = d
			}
		}
	}
	return a.Equal(c)
}

func FuzzDecodeRecord(f *testing.F) {
	for _, c := range readCommits(f, "db-client/data/tasks.jsonl")[:20] {
		if c.C.R != nil {
			f.Add([]byte(c.C.R))
		}
	}
	var v checksumVectors
	if err := json.Unmarshal(readFixture(f, "vectors/checksum.json"), &v); err != nil {
		f.Fatal(err)
	}
	for _, c := range append(v.Cases[:10], v.RichtextCases...) {
		f.Add([]byte(c.Encoded))
	}
	f.Add([]byte(`{"s":"all/1","d":{"s":"x","n":-0,"b":true,"d":-271928397.247,"tags":{"__t":"S","__v":["a","a"]},"nums":["1"],"m":{"k":[{}]},"rt":{"root":{"children":[{"text":"t","isLocal":true}]}}},"n":false,"cs":"1"}`))
	reg := fuzzRegistry(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		it, err := DecodeRecord(raw, reg)
		if err != nil {
			return
		}
		sum := it.Checksum()
		out := it.AppendRecord(nil)
		if !json.Valid(out) {
			t.Fatalf("invalid record %s", out)
		}
		back, err := DecodeRecord(out, reg)
		if err != nil {
			t.Fatalf("re-encoded record %s: %v", out, err)
		}
		if !sameModuloDates(it, back) {
			t.Fatalf("round trip differs:\n in %s\nout %s", raw, out)
		}
		if back.StoredChecksum() != sum {
			t.Fatalf("stored %s, checksum %s", back.StoredChecksum(), sum)
		}
		_ = Diff(it, back)
		_ = it.Clone().Patch(Diff(back, it))
		_ = AppendTagged(nil, it.Schema, it.Data)
	})
}

func FuzzFromTagged(f *testing.F) {
	for _, s := range []string{
		`{"s":"x","n":{"$num":"-0"},"b":true,"d":{"$date":-1},"tags":{"$set":["a",1,true]},"m":{"$map":{"k":[1,{"a":null}]}},"rt":{"$richtext":{"root":{"children":[]}}}}`,
		`{"tags":["a"],"m":{"x":1},"d":1700000000123,"isDeleted":true}`,
		`{"d":{"$date":"2024-01-02T03:04:05Z"}}`,
		`{"n":1e21,"s":"\u2028<&>"}`,
	} {
		f.Add([]byte(s))
	}
	reg := fuzzRegistry(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := FromTagged(allTypes, raw)
		if err != nil {
			return
		}
		it, err := NewItem(allTypes, d)
		if err != nil {
			return
		}
		tagged := AppendTagged(nil, allTypes, it.Data)
		d2, err := FromTagged(allTypes, tagged)
		if err != nil {
			t.Fatalf("re-read %s: %v", tagged, err)
		}
		if del, ok := it.Data[schema.DeletedField]; ok {
			d2[schema.DeletedField] = del
		}
		it2, err := NewItem(allTypes, d2)
		if err != nil || !it2.Equal(it) || it2.Checksum() != it.Checksum() {
			t.Fatalf("tagged round trip differs (%v):\n in %s\nout %s", err, raw, tagged)
		}
		back, err := DecodeRecord(it.AppendRecord(nil), reg)
		if err != nil || !sameModuloDates(it, back) {
			t.Fatalf("record round trip (%v): %s", err, it.AppendRecord(nil))
		}
	})
}
