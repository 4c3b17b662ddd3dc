package value

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	"goatdb/internal/schema"
)

// benchRecords returns every full record of the tasks repository.
func benchRecords(b *testing.B) [][]byte {
	var out [][]byte
	for _, c := range readCommits(b, "db-client/data/tasks.jsonl") {
		if c.C.R != nil {
			out = append(out, c.C.R)
		}
	}
	return out
}

func BenchmarkDecodeRecord(b *testing.B) {
	reg := fixtureRegistry(b)
	recs := benchRecords(b)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	b.SetBytes(int64(size / len(recs)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := DecodeRecord(recs[i%len(recs)], reg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRecordWritten decodes records as this package writes
// them, shaped like the items of the root package's 100k-item benchmarks;
// the fixture records above test more forms, and one of them holds numbers
// whose exact parsing dominates their average.
func BenchmarkDecodeRecordWritten(b *testing.B) {
	reg := fuzzRegistry(b)
	recs := make([][]byte, 1000)
	for i := range recs {
		it, err := NewItem(allTypes, schema.Data{"s": "item number " + strconv.Itoa(i), "n": float64(i), "tags": []any{"a", "b"}})
		if err != nil {
			b.Fatal(err)
		}
		recs[i] = it.AppendRecord(nil)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := DecodeRecord(recs[i%len(recs)], reg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRecordStdlib is the baseline: encoding/json into any,
// without any of the conversion DecodeRecord does.
func BenchmarkDecodeRecordStdlib(b *testing.B) {
	recs := benchRecords(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var v any
		if err := json.Unmarshal(recs[i%len(recs)], &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChecksum(b *testing.B) {
	reg := fixtureRegistry(b)
	var items []*Item
	for _, r := range benchRecords(b) {
		it, err := DecodeRecord(r, reg)
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, it)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		it := items[i%len(items)]
		it.invalidate()
		_ = it.Checksum()
	}
}

func BenchmarkAppendRecord(b *testing.B) {
	reg := fixtureRegistry(b)
	var items []*Item
	for _, r := range benchRecords(b) {
		it, _ := DecodeRecord(r, reg)
		_ = it.Checksum()
		items = append(items, it)
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = items[i%len(items)].AppendRecord(buf[:0])
	}
}

// BenchmarkDiffPatch diffs two random items of every field type, applies
// the diff to a copy and checksums the result: what reading a delta or
// merging costs.
func BenchmarkDiffPatch(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	type pair struct{ a, b *Item }
	pairs := make([]pair, 64)
	for i := range pairs {
		pairs[i] = pair{randItem(b, r), randItem(b, r)}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		c := p.a.Clone()
		if err := c.Patch(Diff(p.a, p.b)); err != nil {
			b.Fatal(err)
		}
		_ = c.Checksum()
	}
}
