//go:build !js

package goatdb

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/coder/websocket"
)

type netTransport struct{ hc *http.Client }

func newTransport() transport { return netTransport{hc: &http.Client{Timeout: syncTimeout}} }

func (t netTransport) post(ctx context.Context, url string, header map[string]string, body []byte) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	return resp.StatusCode, resp.Status, b, err
}

func (netTransport) dial(ctx context.Context, url string) (socket, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(maxResponseBytes)
	return netSocket{ws}, nil
}

type netSocket struct{ ws *websocket.Conn }

func (s netSocket) write(ctx context.Context, frame []byte) error {
	return s.ws.Write(ctx, websocket.MessageText, frame)
}

func (s netSocket) read(ctx context.Context) ([]byte, error) {
	_, b, err := s.ws.Read(ctx)
	return b, err
}

func (s netSocket) close() { s.ws.CloseNow() }
