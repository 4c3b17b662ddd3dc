// Package server serves a GoatDB database over HTTP: upstream GoatDB's
// endpoints (/healthy, /auth/session, /batch-sync), so that stock
// TypeScript clients sync with it, plus Prometheus metrics and static
// assets. It embeds in any Go program and has the lifecycle of an
// http.Server: Serve, Shutdown, Close.
package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"goatdb"
)

// Config configures a Server. DB is required; everything else has a
// default.
type Config struct {
	// DB is the database served. The server flushes it on Shutdown but
	// never closes it.
	DB *goatdb.DB
	// Logger receives one record per failed request and lifecycle events.
	Logger *slog.Logger
	// AllowOrigin is the CORS origin allowed to call the server from a
	// browser. Default "*": sync requests carry a signature, not cookies.
	AllowOrigin string
	// Static, when set, serves GET requests no endpoint handles, with
	// /index.html as the fallback for unknown paths (single-page apps).
	Static fs.FS
	// AppConfig, when set, is injected into every */app.js served from
	// Static as globalThis.GoatDBConfig, which upstream's browser bundle
	// reads its server URL and build version from.
	AppConfig map[string]any
	// MaxBodyBytes bounds a request body. Default 64 MiB.
	MaxBodyBytes int64
	// Limits bound sync batches and replies.
	Limits goatdb.SyncLimits
}

// Server is a GoatDB HTTP server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	srv     *http.Server
	metrics *serverMetrics
	handler http.Handler
	hub     *hub

	mu       sync.Mutex
	shutdown bool
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("server: Config.DB is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.AllowOrigin == "" {
		cfg.AllowOrigin = "*"
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	if cfg.Limits == (goatdb.SyncLimits{}) {
		cfg.Limits = goatdb.DefaultSyncLimits
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newServerMetrics()}
	s.hub = newHub(s)
	s.handler = s.routes()
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler returns the server's HTTP handler, for mounting in another
// server or testing with httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve accepts connections on l until Shutdown or Close. Like
// http.Server.Serve it returns http.ErrServerClosed after those.
func (s *Server) Serve(l net.Listener) error {
	s.log.Info("serving", "addr", l.Addr().String())
	return s.srv.Serve(l)
}

// Shutdown stops accepting connections, waits for requests in progress
// (until ctx ends), and flushes the database so that everything the server
// acknowledged is durable.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	s.hub.stop()
	s.hub.closeAll() // WebSockets are hijacked: Shutdown does not wait for them
	err := s.srv.Shutdown(ctx)
	return errors.Join(err, s.cfg.DB.Flush(context.WithoutCancel(ctx)))
}

// Close closes every connection at once, then flushes the database.
func (s *Server) Close() error {
	s.hub.stop()
	s.hub.closeAll()
	err := s.srv.Close()
	return errors.Join(err, s.cfg.DB.Flush(context.Background()))
}

func (s *Server) routes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		s.cors(sw, r)
		endpoint := s.dispatch(sw, r)
		s.metrics.request(endpoint, sw.status, time.Since(start))
	})
}

// dispatch routes r and returns the endpoint's name for metrics. Paths
// match case-insensitively, as upstream's do.
func (s *Server) dispatch(w *statusWriter, r *http.Request) string {
	path := strings.ToLower(r.URL.Path)
	switch {
	case r.Method == http.MethodOptions:
		w.WriteHeader(http.StatusOK)
		return "options"
	case path == "/healthy" && r.Method == http.MethodGet:
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte("OK"))
		return "healthy"
	case path == "/auth/session":
		s.handleSession(w, r)
		return "auth_session"
	case path == "/batch-sync":
		s.handleBatchSync(w, r)
		return "batch_sync"
	case path == "/push" && r.Method == http.MethodGet:
		s.handlePush(w, r)
		return "push"
	case path == "/metrics" && r.Method == http.MethodGet:
		s.metrics.ServeHTTP(w, r)
		return "metrics"
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.serveStatic(w, r)
		return "static"
	}
	http.Error(w, "not found", http.StatusNotFound)
	return "not_found"
}

// cors adds upstream's CORS headers to every response.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", s.cfg.AllowOrigin)
	method := r.Method
	if m := r.Header.Get("Access-Control-Request-Method"); m != "" {
		method = m
	}
	h.Set("Access-Control-Allow-Methods", method)
	h.Set("Access-Control-Allow-Headers", "*")
}

// statusWriter remembers the status code for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (WebSocket
// upgrades need it).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
