package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goatdb"
)

var task = goatdb.Schema{NS: "task", Version: 1, Fields: goatdb.Fields{
	"title": {Type: goatdb.String, Required: true},
	"done":  {Type: goatdb.Bool},
	"tags":  {Type: goatdb.Set},
}}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// cluster is a server on 127.0.0.1 and clients that sync with it.
type cluster struct {
	t      testing.TB
	server *goatdb.DB
	http   *httptest.Server
}

func newCluster(t *testing.T) *cluster { return newClusterTB(t) }

func newClusterTB(t testing.TB) *cluster {
	t.Helper()
	db, err := goatdb.Open(context.Background(), t.TempDir(), &goatdb.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	db.Registry().Register(task)
	srv, err := New(Config{DB: db, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	return &cluster{t: t, server: db, http: hs}
}

func (c *cluster) client() *goatdb.DB {
	c.t.Helper()
	db, err := goatdb.Open(context.Background(), c.t.TempDir(), &goatdb.Options{Peers: []string{c.http.URL}, Logger: quiet})
	if err != nil {
		c.t.Fatal(err)
	}
	db.Registry().Register(task)
	c.t.Cleanup(func() { db.Close() })
	return db
}

func mustSync(t *testing.T, db *goatdb.DB, repo string) goatdb.SyncStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := db.Sync(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestTwoClientsSyncThroughServer(t *testing.T) {
	c := newCluster(t)
	a, b := c.client(), c.client()
	if _, err := a.Set("/data/tasks/t1", &task, goatdb.Data{"title": "from a", "tags": []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Background sync or the push channel may have carried it already.
	mustSync(t, a, "/data/tasks")
	mustSync(t, b, "/data/tasks")
	d, err := b.Get("/data/tasks/t1")
	if err != nil || d["title"] != "from a" {
		t.Fatalf("b reads %v %v", d, err)
	}
	// The server verified and stored the client's commit.
	if d, err := c.server.Get("/data/tasks/t1"); err != nil || d["title"] != "from a" {
		t.Fatalf("server reads %v %v", d, err)
	}

	// Concurrent edits on both clients merge to one value everywhere.
	ia, _ := a.Item("/data/tasks/t1")
	ib, _ := b.Item("/data/tasks/t1")
	ia.Set("done", true)
	ib.Update(goatdb.Data{"title": "renamed by b"})
	a.Flush(context.Background())
	b.Flush(context.Background())
	for range 3 {
		mustSync(t, a, "/data/tasks")
		mustSync(t, b, "/data/tasks")
	}
	da, _ := a.Get("/data/tasks/t1")
	db, _ := b.Get("/data/tasks/t1")
	if da["done"] != true || da["title"] != "renamed by b" || db["done"] != true || db["title"] != "renamed by b" {
		t.Fatalf("diverged: a=%v b=%v", da, db)
	}
}

func TestBackgroundSyncPropagates(t *testing.T) {
	c := newCluster(t)
	a, b := c.client(), c.client()
	// Opening the repository on b makes background sync keep it current.
	if _, err := b.Keys("/data/tasks"); err != nil {
		t.Fatal(err)
	}
	arrived := arrivals(b)
	if _, err := a.Set("/data/tasks/bg", &task, goatdb.Data{"title": "in the background"}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, arrived, func() bool {
		d, err := b.Get("/data/tasks/bg")
		return err == nil && d["title"] == "in the background"
	})
}

// arrivals signals every commit added to db.
func arrivals(db *goatdb.DB) chan struct{} {
	ch := make(chan struct{}, 1)
	db.WatchCommits(func(string, [][]byte) {
		select {
		case ch <- struct{}{}:
		default:
		}
	})
	return ch
}

// waitUntil checks cond each time something arrives, failing after 20 s.
func waitUntil(t *testing.T, arrived chan struct{}, cond func() bool) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-arrived:
		case <-timeout:
			t.Fatal("what was written never arrived")
		}
	}
}

func TestBatchSyncRefusals(t *testing.T) {
	c := newCluster(t)
	post := func(body, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, c.http.URL+"/batch-sync", strings.NewReader(body))
		if sig != "" {
			req.Header.Set("x-goat-sig", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(`[]`, ""); code != http.StatusBadRequest {
		t.Errorf("unsigned: %d", code)
	}
	if code := post(`[]`, "garbage"); code != http.StatusForbidden {
		t.Errorf("bad signature: %d", code)
	}
	resp, err := http.Get(c.http.URL + "/HEALTHY")
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, _ = http.Get(c.http.URL + "/metrics")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `goatdb_http_requests_total{endpoint="batch_sync",code="403"} 1`) {
		t.Fatalf("metrics:\n%s", b)
	}
}

// TestServerToServer: a server that lists another as its peer stays in
// sync with it both ways. The servers share their root session, as
// upstream's clusters do.
func TestServerToServer(t *testing.T) {
	a := newCluster(t)
	dirB := t.TempDir()
	settings, err := os.ReadFile(filepath.Join(a.server.Dir(), "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dirB, "settings.json"), settings, 0o600)
	b, err := goatdb.Open(context.Background(), dirB, &goatdb.Options{Peers: []string{a.http.URL}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Registry().Register(task)
	arrivedA, arrivedB := arrivals(a.server), arrivals(b)
	if _, err := a.server.Set("/data/tasks/on-a", &task, goatdb.Data{"title": "written on a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Set("/data/tasks/on-b", &task, goatdb.Data{"title": "written on b"}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, arrivedA, func() bool { _, err := a.server.Get("/data/tasks/on-b"); return err == nil })
	waitUntil(t, arrivedB, func() bool { _, err := b.Get("/data/tasks/on-a"); return err == nil })
}

func TestSyncStatus(t *testing.T) {
	c := newCluster(t)
	a := c.client()
	if st := a.SyncStatus(); len(st) != 1 || st[0].Online || st[0].Synced || st[0].URL != c.http.URL {
		t.Fatalf("before any round: %+v", st)
	}
	if _, err := a.Set("/data/tasks/t1", &task, goatdb.Data{"title": "one"}); err != nil {
		t.Fatal(err)
	}
	// The edit waits for the commit delay, then for the server.
	if st := a.SyncStatus(); st[0].Pending < 1 {
		t.Fatalf("an unsynced edit is not pending: %+v", st)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		mustSync(t, a, "/data/tasks")
	}
	st := a.SyncStatus()[0]
	if !st.Online || !st.Synced || st.Pending != 0 || st.LastSync.IsZero() || st.Failures != 0 {
		t.Fatalf("after sync: %+v", st)
	}
	// A repository opened since has not had its round yet.
	if _, err := a.OpenRepo(context.Background(), "/data/other"); err != nil {
		t.Fatal(err)
	}
	if st := a.SyncStatus()[0]; st.Synced {
		t.Fatalf("synced before /data/other had a round: %+v", st)
	}
	mustSync(t, a, "/data/other")

	// The server goes away: the next round fails, and a new edit stays
	// pending.
	c.http.Close()
	if _, err := a.Set("/data/tasks/t2", &task, goatdb.Data{"title": "two"}); err != nil {
		t.Fatal(err)
	}
	a.Flush(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := a.Sync(ctx, "/data/tasks"); err == nil {
		t.Fatal("sync with a closed server succeeded")
	}
	st = a.SyncStatus()[0]
	if st.Online || st.Synced || st.Failures == 0 || st.LastError == "" || st.Pending < 1 {
		t.Fatalf("with the server down: %+v", st)
	}
}

// TestSyncDeliversEveryCommit: when Sync returns, the server holds every
// commit of the client, even when the server's bloom filter claims one it
// lacks (a false positive, frequent with the small filters of a small
// repository): Sync does not end while the server counts fewer commits.
func TestSyncDeliversEveryCommit(t *testing.T) {
	c := newCluster(t)
	// Without the realtime channel, only Sync's rounds carry commits.
	h := c.http.Config.Handler
	c.http.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/push" {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
	a := c.client()
	for i := range 100 {
		// Repositories of up to ten commits: small filters, frequent
		// false positives.
		repo := fmt.Sprintf("/data/small%d", i/10)
		path := fmt.Sprintf("%s/t%d", repo, i)
		if _, err := a.Set(path, &task, goatdb.Data{"title": path}); err != nil {
			t.Fatal(err)
		}
		if err := a.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		mustSync(t, a, repo)
		if _, err := c.server.Get(path); err != nil {
			t.Fatalf("after Sync #%d the server lacks %s: %v", i, path, err)
		}
	}
}
