package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"goatdb"
)

// latencyPair is two clients of one server on 127.0.0.1 that commit every
// edit at once, with a channel that reports each commit b receives.
func latencyPair(t testing.TB) (a *goatdb.DB, seen chan string) {
	c := newClusterTB(t)
	defer waitPushPeers(t, c.http.URL, 2)
	open := func() *goatdb.DB {
		db, err := goatdb.Open(context.Background(), t.TempDir(), &goatdb.Options{
			Peers: []string{c.http.URL}, Logger: quiet, CommitDelay: -1})
		if err != nil {
			t.Fatal(err)
		}
		db.Registry().Register(task)
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	seen = make(chan string, 1024)
	b.WatchCommits(func(repo string, lines [][]byte) {
		for _, l := range lines {
			select {
			case seen <- string(l):
			default:
			}
		}
	})
	// Both sides need their sessions granted and the repository open
	// before timing starts.
	for _, db := range []*goatdb.DB{a, b} {
		if _, err := db.Keys("/data/tasks"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Sync(context.Background(), "/data/tasks"); err != nil {
			t.Fatal(err)
		}
	}
	return a, seen
}

// waitFor returns when a commit containing marker reaches b.
func waitFor(t testing.TB, seen chan string, marker string) {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l := <-seen:
			if strings.Contains(l, marker) {
				return
			}
		case <-timeout:
			t.Fatalf("%s never reached the other client", marker)
		}
	}
}

// TestPushReachesOtherClient: with the realtime channel a write reaches
// the other client well before a bloom round would bring it.
func TestPushReachesOtherClient(t *testing.T) {
	a, seen := latencyPair(t)
	marker := "pushed-" + fmt.Sprint(time.Now().UnixNano())
	if _, err := a.Set("/data/tasks/p1", &task, goatdb.Data{"title": marker}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, seen, marker)
}

// BenchmarkSyncLatency measures write on one client → visible on another
// through a server on 127.0.0.1, over the realtime channel, and reports
// the 50th, 95th and 99th percentiles.
func BenchmarkSyncLatency(b *testing.B) {
	a, seen := latencyPair(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		marker := fmt.Sprintf("lat-%d-%d", i, time.Now().UnixNano())
		start := time.Now()
		if _, err := a.Set("/data/tasks/l"+fmt.Sprint(i%50), &task, goatdb.Data{"title": marker}); err != nil {
			b.Fatal(err)
		}
		waitFor(b, seen, marker)
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// waitPushPeers returns once n peers hold a realtime channel to the server,
// as its metrics report.
func waitPushPeers(t testing.TB, url string, n int) {
	want := fmt.Sprintf("goatdb_connected_peers %d\n", n)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(10 * time.Second)
	for {
		resp, err := http.Get(url + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), want) {
				return
			}
		}
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("%d push peers never connected", n)
		}
	}
}
