package bench

import (
	"fmt"
	"net/http/httptest"
	"time"

	"goatdb"
	"goatdb/server"
)

const initialSyncRow = "initial sync of 10k signed commits (new peer)"

// initialSync times a new client taking a whole repository of signed
// commits from a server on 127.0.0.1: requests, transfer, verifying
// every signature and storing. The repository holds a tenth of the big
// dataset's items (10k for 100k).
func initialSync(r *runner, rw row) ([]Result, error) {
	ctx := r.ctx
	n := max(r.cfg.Items/10, 1)
	const repo = "/data/initial"
	srvDB, err := goatdb.Open(ctx, r.newDir("initial-sync-server"), &goatdb.Options{Logger: quiet})
	if err != nil {
		return nil, err
	}
	defer srvDB.Close()
	srvDB.Registry().Register(itemSchema)
	st := &goatStore{db: srvDB, sys: systems[0]}
	const chunk = 1000
	for i := 0; i < n; i += chunk {
		r.progress("%s: writing %d/%d", rw.name, i, n)
		if err := st.setBatch("initial", i, min(chunk, n-i)); err != nil {
			return nil, err
		}
	}
	if err := srvDB.Flush(ctx); err != nil {
		return nil, err
	}
	srv, err := server.New(server.Config{DB: srvDB, Logger: quiet})
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	samples := rw.samples
	if r.cfg.Samples > 0 {
		samples = min(r.cfg.Samples, rw.samples)
	}
	var ds []time.Duration
	for s := range samples {
		var received int
		client, err := goatdb.Open(ctx, r.newDir("initial-sync-client"), &goatdb.Options{
			Peers: []string{hs.URL}, Logger: quiet,
			SyncProgress: func(_, _ string, _ int, total goatdb.SyncStats) {
				received = total.Received
				r.progress("%s: sample %d/%d, %d/%d commits", rw.name, s+1, samples, received, n)
			},
		})
		if err != nil {
			return nil, err
		}
		client.Registry().Register(itemSchema)
		start := time.Now()
		_, err = client.Sync(ctx, repo)
		d := time.Since(start)
		var count int
		if err == nil {
			count, err = client.Count(repo)
		}
		client.Close()
		if err != nil {
			return nil, err
		}
		if count != n {
			return nil, fmt.Errorf("the new peer has %d items after syncing, want %d", count, n)
		}
		ds = append(ds, d)
	}
	return []Result{summarize(rw.name, systems[0].name, ds)}, nil
}
