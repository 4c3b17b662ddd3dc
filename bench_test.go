package goatdb

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

func BenchmarkReadByPath(b *testing.B) {
	db := openTest(b, b.TempDir(), nil)
	defer db.Close()
	if _, err := db.Set("/data/all/x", &allTypes, Data{"title": "hello", "n": 1}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		it, err := db.Item("/data/all/x")
		if err != nil || it.Get("title") != "hello" {
			b.Fatal(err)
		}
	}
}

func BenchmarkItemGet(b *testing.B) {
	db := openTest(b, b.TempDir(), nil)
	defer db.Close()
	it, _ := db.Set("/data/all/x", &allTypes, Data{"title": "hello", "n": 1})
	for b.Loop() {
		if it.Get("title") != "hello" {
			b.Fatal("wrong value")
		}
	}
}

// BenchmarkGetByPath reads every field of an item by path: DB.Get, which
// returns a copy of the item's fields.
func BenchmarkGetByPath(b *testing.B) {
	db := openTest(b, b.TempDir(), nil)
	defer db.Close()
	if _, err := db.Set("/data/all/x", &allTypes, Data{"title": "hello", "n": 1, "tags": []any{"a", "b"}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		d, err := db.Get("/data/all/x")
		if err != nil || d["title"] != "hello" {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreate measures a create that is committed at once in trusted
// mode: unsigned, no fsync (the log's writer goroutine writes it in the
// background).
func BenchmarkCreate(b *testing.B) {
	db := openTest(b, b.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	i := 0
	for b.Loop() {
		i++
		if _, err := db.Set("/data/all/k"+strconv.Itoa(i), &allTypes, Data{"title": "a task title", "n": float64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateSigned measures creates in the default mode: each is
// visible at once and committed with the others of its 300 ms window,
// signed in parallel off the caller's goroutine. The closing Flush is
// timed, so the figure is the cost per create including its signature.
func BenchmarkCreateSigned(b *testing.B) {
	db := openTest(b, b.TempDir(), &Options{})
	defer db.Close()
	b.ResetTimer()
	for i := range b.N { // not b.Loop: the Flush after the loop must be timed
		if _, err := db.Set("/data/all/k"+strconv.Itoa(i), &allTypes, Data{"title": "a task title", "n": float64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkUpdate updates items of a 1000-item repository in turn, each
// update committed at once in trusted mode: unsigned, no fsync.
func BenchmarkUpdate(b *testing.B) {
	db := openTest(b, b.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	items := make([]*Item, 1000)
	for i := range items {
		items[i], _ = db.Set("/data/all/k"+strconv.Itoa(i), &allTypes, Data{"title": "a task title", "n": 0})
	}
	i := 0
	for b.Loop() {
		i++
		if err := items[i%len(items)].Set("n", float64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateHotItem updates one item over and over. Every commit
// carries upstream's ancestors filter over the item's whole history, so the
// cost per commit grows with the history (as it does upstream).
func BenchmarkUpdateHotItem(b *testing.B) {
	db := openTest(b, b.TempDir(), &Options{CommitDelay: -1, Trusted: true})
	defer db.Close()
	it, _ := db.Set("/data/all/x", &allTypes, Data{"title": "a task title", "n": 0})
	i := 0
	for b.Loop() {
		i++
		if err := it.Set("n", float64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	bigRepoOnce sync.Once
	bigRepoDir  string
)

// bigRepo writes a data directory with a 100k-item repository of signed
// commits, as a real one holds, once per process; TestMain removes it.
func bigRepo(b *testing.B) string {
	bigRepoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goatdb-bench-100k")
		if err != nil {
			b.Fatal(err)
		}
		db := openTest(b, dir, &Options{})
		for i := range 100_000 {
			if _, err := db.Set(fmt.Sprintf("/data/all/k%06d", i), &allTypes,
				Data{"title": "item number " + strconv.Itoa(i), "n": float64(i), "tags": []any{"a", "b"}}); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		bigRepoDir = dir
	})
	return bigRepoDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigRepoDir != "" {
		os.RemoveAll(bigRepoDir)
	}
	os.Exit(code)
}

func BenchmarkOpen100k(b *testing.B) {
	dir := bigRepo(b)
	ctx := context.Background()
	for b.Loop() {
		db, err := Open(ctx, dir, &Options{CommitDelay: -1})
		if err != nil {
			b.Fatal(err)
		}
		st, err := db.OpenRepo(ctx, "/data/all")
		if err != nil || st.Commits != 100_000 {
			b.Fatalf("%v %+v", err, st)
		}
		db.Close()
	}
}

// BenchmarkMemoryAfterOpen100k reports the Go heap and the process RSS
// after opening the 100k-item repository in a fresh process, so that
// nothing left over from writing the repository counts.
func BenchmarkMemoryAfterOpen100k(b *testing.B) {
	dir := bigRepo(b)
	var heap, rss float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), memChildEnv+"="+dir)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		var h, r int64
		if _, err := fmt.Sscanf(lastLine(out), "heap %d rss %d", &h, &r); err != nil {
			b.Fatalf("child output %q: %v", out, err)
		}
		heap, rss = float64(h)/(1<<20), float64(r)/(1<<20)
	}
	b.ReportMetric(heap, "heap-MiB")
	b.ReportMetric(rss, "rss-MiB")
}

const memChildEnv = "GOATDB_MEM_CHILD_DIR"

// TestMemoryChild is the child side of BenchmarkMemoryAfterOpen100k.
func TestMemoryChild(t *testing.T) {
	dir := os.Getenv(memChildEnv)
	if dir == "" {
		return // only runs as the benchmark's child
	}
	db, err := Open(context.Background(), dir, &Options{CommitDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.OpenRepo(context.Background(), "/data/all"); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("heap %d rss %d\n", ms.HeapAlloc, rssBytes())
}

func lastLine(b []byte) string {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if bytes.HasPrefix(lines[i], []byte("heap ")) {
			return string(lines[i])
		}
	}
	return ""
}

func BenchmarkReadAll100k(b *testing.B) {
	dir := bigRepo(b)
	db := openTest(b, dir, nil)
	defer db.Close()
	keys, err := db.AllKeys("/data/all")
	if err != nil {
		b.Fatal(err)
	}
	paths := make([]string, len(keys))
	for i, k := range keys {
		paths[i] = "/data/all/" + k
	}
	for b.Loop() {
		for _, p := range paths {
			it, err := db.Item(p)
			if err != nil || it.Get("title") == nil {
				b.Fatal(err)
			}
		}
	}
}

func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) >= 2 && string(f[0]) == "VmRSS:" {
			kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkReadAllCold100k reads every item once right after opening, so
// each read decodes its value: the bench command's "read all" row.
func BenchmarkReadAllCold100k(b *testing.B) {
	dir := bigRepo(b)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := openTest(b, dir, nil)
		if _, err := db.OpenRepo(ctx, "/data/all"); err != nil {
			b.Fatal(err)
		}
		keys, err := db.AllKeys("/data/all")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, k := range keys {
			it, err := db.Item("/data/all/" + k)
			if err != nil || it.Get("title") == nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkPopulate100kSigned writes 100k items as an application would:
// Set after Set, with the default commit delay gathering them into
// batches that are signed on every core, then Close (everything durable).
// Run it with -benchtime 1x.
func BenchmarkPopulate100kSigned(b *testing.B) {
	for b.Loop() {
		db := openTest(b, b.TempDir(), &Options{})
		for i := range 100_000 {
			if _, err := db.Set(fmt.Sprintf("/data/all/k%06d", i), &allTypes,
				Data{"title": "item number " + strconv.Itoa(i), "n": float64(i)}); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
