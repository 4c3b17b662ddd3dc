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
	"goatdb/server"
	"goatdb/web"
)

// runServe opens the data directory, loads every repository and serves
// them (upstream's sync endpoints, metrics, static files) until SIGINT or
// SIGTERM, then stops accepting, finishes requests in flight, flushes and
// closes.
func runServe(e env, args []string) error {
	fs := newFlags(e, "serve")
	df := addDBFlags(fs, "./goatdb-data")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	org := fs.String("org", "localhost", "organisation id, the same as the clients'")
	trusted := fs.Bool("trusted", false, "sign and verify nothing (every peer is trusted)")
	static := fs.String("static", "", "directory of static files to serve (index.html is the fallback)")
	demo := fs.Bool("demo", false, "serve the collaborative todo demo and the browser client (built by go generate ./web)")
	var peers multiFlag
	fs.Var(&peers, "peer", "another server to stay in sync with (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if *demo && *static != "" {
		return usagef("--demo and --static both choose the static files; give one")
	}
	if *demo && !web.Built() {
		return errors.New("this binary was built without the browser client: run `go generate ./web`, then build or run again")
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	db, err := df.open(ctx, &goatdb.Options{LoadProgress: loadProgress(e.stderr, logger), Logger: logger,
		OrgID: *org, Trusted: *trusted, Peers: peers})
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
	cfg := server.Config{DB: db, Logger: logger}
	if *static != "" {
		cfg.Static = os.DirFS(*static)
	}
	if *demo {
		cfg.Static = web.Static()
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
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
	return db.Close()
}
