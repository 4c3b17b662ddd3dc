package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"goatdb"
	"goatdb/server"
)

const (
	rssRow  = "RSS after opening 100k"
	syncRow = "sync A→B via server p50/p95/p99"
)

// memoryRow opens the signed N-item dataset of goatdb-default in a fresh
// process and reports that process's resident set and live Go heap with
// the repository loaded, so nothing the benchmark itself holds counts.
func memoryRow(r *runner, rw row) ([]Result, error) {
	sys := systems[0]
	dir, err := r.bigDir(sys)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	r.progress("%s: opening in a new process", rw.name)
	cmd := exec.CommandContext(r.ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+sys.name+"\n"+dir, childMemEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var rss, heap int64
	if _, err := fmt.Sscanf(string(out), "rss %d heap %d", &rss, &heap); err != nil {
		return nil, fmt.Errorf("child printed %q: %w", out, err)
	}
	return []Result{{Row: rw.name, System: sys.name, MedianNS: int64(d), P95NS: int64(d), Samples: 1,
		RSSBytes: rss, HeapBytes: heap}}, nil
}

// vmRSS reads the process's resident set size from /proc/self/status.
func vmRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}

// syncLatency measures a write on client A until the commit is seen on
// client B, through a server on 127.0.0.1 over the realtime channel,
// as server/latency_test.go does. Clients commit every edit at once.
func syncLatency(r *runner, rw row) ([]Result, error) {
	ctx := r.ctx
	srvDB, err := goatdb.Open(ctx, r.newDir("sync-server"), &goatdb.Options{Logger: quiet})
	if err != nil {
		return nil, err
	}
	defer srvDB.Close()
	srvDB.Registry().Register(itemSchema)
	srv, err := server.New(server.Config{DB: srvDB, Logger: quiet})
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	var clients []*goatdb.DB
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for _, name := range []string{"sync-a", "sync-b"} {
		db, err := goatdb.Open(ctx, r.newDir(name), &goatdb.Options{Peers: []string{hs.URL}, CommitDelay: -1, Logger: quiet})
		if err != nil {
			return nil, err
		}
		db.Registry().Register(itemSchema)
		clients = append(clients, db)
	}
	a, b := clients[0], clients[1]
	seen := make(chan string, 1024)
	stop := b.WatchCommits(func(_ string, lines [][]byte) {
		for _, l := range lines {
			select {
			case seen <- string(l):
			default:
			}
		}
	})
	defer stop()
	r.progress("%s: connecting", rw.name)
	// Sessions granted, repository open and both push channels up before
	// timing starts.
	for _, db := range clients {
		if _, err := db.Keys("/data/sync"); err != nil {
			return nil, err
		}
		if _, err := db.Sync(ctx, "/data/sync"); err != nil {
			return nil, err
		}
	}
	if err := waitPushPeers(ctx, hs.URL, 2); err != nil {
		return nil, err
	}
	n := rw.samples
	if r.cfg.Samples > 0 {
		n = r.cfg.Samples
	}
	var lat []time.Duration
	for i := range n {
		r.progress("%s: sample %d/%d", rw.name, i+1, n)
		marker := fmt.Sprintf("lat-%d-%d", i, time.Now().UnixNano())
		start := time.Now()
		if _, err := a.Set(fmt.Sprintf("/data/sync/l%d", i%50), &itemSchema, itemData(i, marker)); err != nil {
			return nil, err
		}
		if err := waitFor(ctx, seen, marker); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(start))
	}
	return []Result{summarize(rw.name, systems[0].name, lat)}, nil
}

// waitFor returns when a commit containing marker reaches B.
func waitFor(ctx context.Context, seen chan string, marker string) error {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l := <-seen:
			if strings.Contains(l, marker) {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("%s never reached the other client", marker)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// waitPushPeers returns once n peers hold a realtime channel to the
// server, as its metrics report.
func waitPushPeers(ctx context.Context, url string, n int) error {
	want := fmt.Sprintf("goatdb_connected_peers %d\n", n)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), want) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d push peers never connected", n)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
