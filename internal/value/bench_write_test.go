package value

import (
	"testing"
	"time"

	"goatdb/internal/schema"
)

// taskSchema is the typical item of the write benchmarks.
var taskSchema = &schema.Schema{NS: "bench-task", Version: 1, Fields: schema.Fields{
	"title": {Type: schema.String, Required: true},
	"n":     {Type: schema.Number},
	"ok":    {Type: schema.Bool, Default: func(schema.Data) any { return false }},
	"when":  {Type: schema.Date},
	"tags":  {Type: schema.Set},
	"meta":  {Type: schema.Map},
}}

var writeCases = []struct {
	name string
	data schema.Data
}{
	{"plain", schema.Data{"title": "a task title", "n": 1234}},
	{"set", schema.Data{"title": "a task title", "n": 1234, "tags": []any{"red", "blue"}}},
}

func mustItem(b *testing.B, d schema.Data) *Item {
	b.Helper()
	it, err := NewItem(taskSchema, d)
	if err != nil {
		b.Fatal(err)
	}
	return it
}

func BenchmarkWriteNewItem(b *testing.B) {
	for _, c := range writeCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewItem(taskSchema, c.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteEqual compares a stored item with an equal new one, the
// no-op write the database must detect.
func BenchmarkWriteEqual(b *testing.B) {
	for _, c := range writeCases {
		b.Run(c.name, func(b *testing.B) {
			cur := mustItem(b, c.data)
			_ = cur.Checksum()
			next := mustItem(b, c.data)
			b.ReportAllocs()
			for b.Loop() {
				if !cur.Equal(next) {
					b.Fatal("not equal")
				}
			}
		})
	}
}

func BenchmarkWriteChecksum(b *testing.B) {
	for _, c := range writeCases {
		b.Run(c.name, func(b *testing.B) {
			it := mustItem(b, c.data)
			b.ReportAllocs()
			for b.Loop() {
				it.invalidate()
				_ = it.Checksum()
			}
		})
	}
}

// BenchmarkWriteAppendRecord includes the checksum, as a new item has none
// cached.
func BenchmarkWriteAppendRecord(b *testing.B) {
	for _, c := range writeCases {
		b.Run(c.name, func(b *testing.B) {
			it := mustItem(b, c.data)
			b.ReportAllocs()
			for b.Loop() {
				it.invalidate()
				_ = it.AppendRecord(nil)
			}
		})
	}
}

// BenchmarkWriteDiffEdit is an update of one field: the delta the database
// writes next to the full record (both checksums already computed).
func BenchmarkWriteDiffEdit(b *testing.B) {
	for _, c := range writeCases {
		b.Run(c.name, func(b *testing.B) {
			base := mustItem(b, c.data)
			d := schema.Data{}
			for k, v := range c.data {
				d[k] = v
			}
			d["n"] = 1235
			d["when"] = time.UnixMilli(1700000000000)
			next := mustItem(b, d)
			sc, dc := base.Checksum(), next.Checksum()
			b.ReportAllocs()
			for b.Loop() {
				ch := Diff(base, next)
				if !ch.Portable() {
					b.Fatal("not portable")
				}
				_ = AppendEdit(nil, sc, dc, ch)
			}
		})
	}
}
