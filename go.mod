module goatdb

go 1.26

// coder/websocket carries the realtime push channel between peers
// (server/push.go, syncpush.go): a small, maintained, dependency-free
// WebSocket implementation that also builds for GOOS=js, which the
// browser client needs. Everything else is the standard library.
require github.com/coder/websocket v1.8.15
