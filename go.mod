module goatdb

go 1.26.0

// coder/websocket carries the realtime push channel between peers
// (server/push.go, syncpush.go): a small, maintained, dependency-free
// WebSocket implementation that also builds for GOOS=js, which the
// browser client needs. Everything else is the standard library.
require github.com/coder/websocket v1.8.15

// modernc.org/sqlite is only for the SQLite comparison in `goatdb bench` (internal/bench); the library never imports it.
require modernc.org/sqlite v1.62.0

require (
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	golang.org/x/sys v0.49.0 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)
