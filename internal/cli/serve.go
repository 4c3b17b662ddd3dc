package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"goatdb"
)

// runServe opens the data directory, loads every repository and answers
// health checks until SIGINT or SIGTERM, then flushes and closes. Sync
// endpoints join it with the sync server.
func runServe(e env, args []string) error {
	fs := newFlags(e, "serve")
	df := addDBFlags(fs, "./goatdb-data")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	db, err := df.open(ctx, &goatdb.Options{LoadProgress: loadProgress(e.stderr, logger)})
	if err != nil {
		return err
	}
	defer db.Close()
	paths, err := db.RepoPaths()
	if err != nil {
		return err
	}
	for _, p := range paths {
		start := time.Now()
		st, err := db.OpenRepo(ctx, p)
		if err != nil {
			return err
		}
		logger.Info("repository loaded", "repo", p, "commits", st.Commits, "took", time.Since(start).Round(time.Microsecond))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, "OK")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "goatdb serving %s on http://%s\n", db.Dir(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := db.Flush(sctx); err != nil {
		return err
	}
	return db.Close()
}
