package jsonlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"goatdb/internal/vfs"
)

// commitLike returns a ~400-byte line shaped like a GoatDB commit.
func commitLike(i int) []byte {
	return fmt.Appendf(nil, `{"ver":50595584,"id":"c%023d","k":"note-%d","s":"gy96xxiuhjh8if8ddn767x0n",`+
		`"ts":%d,"org":"localhost","af":{"d":"AA==","s":[8121469697069652,7303680291119875]},`+
		`"c":{"r":{"s":"note/1","d":{"text":"Note %d: %s","pinned":%t},"n":true,"cs":"%d"}},`+
		`"sig":"pmrgsir2ejtxsojwpb4gs5linjudq2lghbsgi3rxgy3xqmdoeiwce4zc","cid":"z55rzshmbltbeyjsaj4ytef5"}`,
		i, i%997, 1795623461064+int64(i), i, strings.Repeat("ω", i%40), i%2 == 0, uint32(i*2654435761))
}

var (
	file100kOnce sync.Once
	file100k     []byte
)

func lines100k() []byte {
	file100kOnce.Do(func() {
		for i := range 100_000 {
			file100k = append(append(file100k, commitLike(i)...), '\n')
		}
	})
	return file100k
}

// BenchmarkOpen100k opens a 100,000-line log (about 45 MB) from the page
// cache. ReadFile is the floor: reading the bytes and nothing else. Scan and
// ScanJSONValid isolate the line splitting and validation on data already in
// memory, with this package's validator and with encoding/json's.
func BenchmarkOpen100k(b *testing.B) {
	data := lines100k()
	path := filepath.Join(b.TempDir(), "log.jsonl")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("ReadFile", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := os.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Open", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			l, st, err := Open(vfs.OS, path, quiet, nil)
			if err != nil || st.Records != 100_000 {
				b.Fatal(err, st)
			}
			l.Close()
		}
	})
	b.Run("Scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var st Stats
			scan(data, path, quiet.Logger, &st, false, func(Record) error { return nil })
		}
	})
	b.Run("ScanJSONValid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			n := 0
			for line := range bytes.Lines(data) {
				if json.Valid(line) && line[0] == '{' {
					n++
				}
			}
			if n != 100_000 {
				b.Fatal(n)
			}
		}
	})
}

// BenchmarkAppendFlush measures a durable append on the real filesystem:
// one line, then Flush. Parallel has many goroutines doing the same, which
// share fsyncs.
func BenchmarkAppendFlush(b *testing.B) {
	line := commitLike(1)
	open := func(b *testing.B) *Log {
		l, _, err := Open(vfs.OS, filepath.Join(b.TempDir(), "log.jsonl"), quiet, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { l.Close() })
		return l
	}
	b.Run("Serial", func(b *testing.B) {
		l := open(b)
		b.SetBytes(int64(len(line) + 1))
		for b.Loop() {
			l.Append(line)
			if err := l.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		l := open(b)
		b.SetBytes(int64(len(line) + 1))
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Append(line)
				if err := l.Flush(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("AppendOnly", func(b *testing.B) {
		l := open(b)
		b.SetBytes(int64(len(line) + 1))
		for b.Loop() {
			l.Append(line)
		}
		if err := l.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
	})
}
