//go:build js && wasm

package goatdb

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"goatdb/internal/jsutil"
)

// jsTransport is the browser's fetch and WebSocket.
type jsTransport struct{}

func newTransport() transport { return jsTransport{} }

func (jsTransport) post(ctx context.Context, url string, header map[string]string, body []byte) (int, string, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	abort := js.Global().Get("AbortController").New()
	h := js.Global().Get("Object").New()
	for k, v := range header {
		h.Set(k, v)
	}
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	init.Set("headers", h)
	init.Set("body", jsutil.Uint8Array(body))
	init.Set("signal", abort.Get("signal"))
	stop := func() { abort.Call("abort") }
	resp, err := jsutil.Await(ctx, js.Global().Call("fetch", url, init), stop)
	if err != nil {
		return 0, "", nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	buf, err := jsutil.Await(ctx, resp.Call("arrayBuffer"), stop)
	if err != nil {
		return 0, "", nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if n := buf.Get("byteLength").Int(); n > maxResponseBytes {
		return 0, "", nil, fmt.Errorf("fetch %s: response of %d bytes is over the limit", url, n)
	}
	status := resp.Get("status").Int()
	return status, fmt.Sprintf("%d %s", status, resp.Get("statusText").String()), jsutil.Bytes(buf), nil
}

// jsSocket is a browser WebSocket. Its event handlers only queue what
// they get: the goroutines that read and write do the waiting.
type jsSocket struct {
	ws     js.Value
	frames chan []byte
	closed chan struct{}
	funcs  []js.Func
}

func (jsTransport) dial(ctx context.Context, url string) (socket, error) {
	ws := js.Global().Get("WebSocket").New(url)
	s := &jsSocket{ws: ws, frames: make(chan []byte, 256), closed: make(chan struct{})}
	opened := make(chan struct{})
	var once, openOnce bool
	handler := func(f func(js.Value)) js.Func {
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			f(args[0])
			return nil
		})
		s.funcs = append(s.funcs, fn)
		return fn
	}
	ws.Set("onopen", handler(func(js.Value) {
		if !openOnce {
			openOnce = true
			close(opened)
		}
	}))
	ws.Set("onmessage", handler(func(ev js.Value) {
		data := ev.Get("data")
		var b []byte
		if data.Type() == js.TypeString {
			b = []byte(data.String())
		} else {
			b = jsutil.Bytes(data)
		}
		select {
		case s.frames <- b:
		default:
			// A reader that has fallen this far behind loses the link;
			// bloom rounds bring anything it missed.
			ws.Call("close")
		}
	}))
	closed := handler(func(js.Value) {
		if !once {
			once = true
			close(s.closed)
		}
	})
	ws.Set("onclose", closed)
	ws.Set("onerror", closed)
	select {
	case <-opened:
		return s, nil
	case <-s.closed:
		s.close()
		return nil, errors.New("websocket " + url + ": connection failed")
	case <-ctx.Done():
		s.close()
		return nil, ctx.Err()
	}
}

func (s *jsSocket) write(ctx context.Context, frame []byte) error {
	select {
	case <-s.closed:
		return errSocketClosed
	default:
	}
	s.ws.Call("send", string(frame))
	return nil
}

func (s *jsSocket) read(ctx context.Context) ([]byte, error) {
	select {
	case b := <-s.frames:
		return b, nil
	case <-s.closed:
		return nil, errSocketClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *jsSocket) close() {
	s.ws.Call("close")
	// Detach before releasing: the browser may still fire onclose.
	for _, ev := range []string{"onopen", "onmessage", "onclose", "onerror"} {
		s.ws.Set(ev, js.Null())
	}
	for _, f := range s.funcs {
		f.Release()
	}
	s.funcs = nil
}

var errSocketClosed = errors.New("websocket closed")
