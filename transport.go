package goatdb

import "context"

// transport is how a peer reaches its server: HTTP POSTs for sync rounds
// and grants, and the realtime WebSocket. Natively it is net/http and
// coder/websocket (transport_net.go); compiled to WebAssembly it is the
// browser's fetch and WebSocket (transport_js.go), which keeps net/http —
// megabytes of wasm — out of browser builds.
type transport interface {
	// post sends body with the given headers and returns the status code,
	// the status line's text and the whole response body.
	post(ctx context.Context, url string, header map[string]string, body []byte) (status int, statusText string, resp []byte, err error)
	// dial opens a WebSocket that carries text frames.
	dial(ctx context.Context, url string) (socket, error)
}

// socket is an open WebSocket.
type socket interface {
	write(ctx context.Context, frame []byte) error
	read(ctx context.Context) ([]byte, error)
	close()
}

// HTTP status codes the client acts on, spelled out so that this file
// does not need net/http.
const (
	statusOK        = 200
	statusForbidden = 403
)

// maxResponseBytes bounds what one response may hold in memory.
const maxResponseBytes = 256 << 20
