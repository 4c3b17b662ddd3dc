package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"goatdb"
	"goatdb/internal/trust"
)

func newTestServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	db, err := goatdb.Open(context.Background(), t.TempDir(), &goatdb.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB, cfg.Logger = db, quiet
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); db.Close() })
	return hs
}

func do(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestStaticAssets(t *testing.T) {
	hs := newTestServer(t, Config{
		Static: fstest.MapFS{
			"index.html":      {Data: []byte("<html>app</html>")},
			"assets/app.js":   {Data: []byte("console.log(1)")},
			"assets/logo.png": {Data: []byte("\x89PNG\r\n\x1a\n")},
		},
		AppConfig: map[string]any{"version": goatdb.BuildVersion, "orgId": "localhost"},
	})
	resp, body := do(t, "GET", hs.URL+"/some/client/route", "")
	if resp.StatusCode != 200 || body != "<html>app</html>" || resp.Header.Get("Cross-Origin-Opener-Policy") != "same-origin" {
		t.Fatalf("fallback to index.html: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	_, body = do(t, "GET", hs.URL+"/assets/app.js", "")
	if !strings.HasPrefix(body, ";\nglobalThis.GoatDBConfig = {") || !strings.HasSuffix(body, "console.log(1)") {
		t.Fatalf("app.js: %q", body)
	}
	resp, _ = do(t, "GET", hs.URL+"/assets/logo.png", "")
	if resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=86400") {
		t.Fatalf("image headers: %v", resp.Header)
	}
	if resp, _ := do(t, "POST", hs.URL+"/assets/app.js", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("POST to a static path: %d", resp.StatusCode)
	}
	// Without static files there is nothing to serve.
	bare := newTestServer(t, Config{})
	if resp, _ := do(t, "GET", bare.URL+"/index.html", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("no static files: %d", resp.StatusCode)
	}
}

func TestCORSAndPreflight(t *testing.T) {
	hs := newTestServer(t, Config{AllowOrigin: "https://app.example"})
	resp, body := do(t, "OPTIONS", hs.URL+"/batch-sync", "", "Access-Control-Request-Method", "POST")
	if resp.StatusCode != 200 || body != "" {
		t.Fatalf("preflight: %d %q", resp.StatusCode, body)
	}
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != "https://app.example" || h.Get("Access-Control-Allow-Methods") != "POST" || h.Get("Access-Control-Allow-Headers") != "*" {
		t.Fatalf("CORS headers: %v", h)
	}
	if resp, _ := do(t, "POST", hs.URL+"/healthy", ""); resp.StatusCode == 200 {
		t.Fatal("/healthy answers POST")
	}
}

func TestAuthSessionEndpoint(t *testing.T) {
	hs := newTestServer(t, Config{})
	for _, c := range []struct{ body, want string }{
		{`{}`, "MissingPublicKey"},
		{`not json`, "MissingPublicKey"},
		{`{"publicKey":"x"}`, "MissingPublicKey"},
		{`{"publicKey":{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}}`, "InvalidPublicKey"},
	} {
		resp, body := do(t, "POST", hs.URL+"/auth/session", c.body)
		if resp.StatusCode != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s", c.body, resp.StatusCode, body)
		}
	}
	client, _ := trust.NewSession("", 0)
	jwk, _ := trust.EncodePublicJWK(client.PublicKey)
	resp, body := do(t, "POST", hs.URL+"/auth/session", `{"publicKey":`+string(jwk)+`}`)
	if resp.StatusCode != 200 || strings.Contains(body, `"d"`) || strings.Contains(body, "privateKey") {
		t.Fatalf("grant: %d %s", resp.StatusCode, body)
	}
	var g struct {
		Session struct{ ID string }
		Roots   []struct{ ID, Owner string }
	}
	if err := json.Unmarshal([]byte(body), &g); err != nil || g.Session.ID == "" || len(g.Roots) == 0 || g.Roots[0].Owner != "root" {
		t.Fatalf("grant %s: %v", body, err)
	}
	// Renewal needs a request signed by the session itself.
	if resp, _ := do(t, "PATCH", hs.URL+"/auth/session", ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned renewal: %d", resp.StatusCode)
	}
	client.ID = g.Session.ID
	sig, _ := trust.SignRequest(client, time.Now())
	if resp, body := do(t, "PATCH", hs.URL+"/auth/session", "", trust.RequestHeader, sig); resp.StatusCode != 200 || !strings.Contains(body, client.ID) {
		t.Fatalf("renewal: %d %s", resp.StatusCode, body)
	}
	// The same signature again is a replay.
	if resp, _ := do(t, "PATCH", hs.URL+"/auth/session", "", trust.RequestHeader, sig); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("replayed renewal: %d", resp.StatusCode)
	}
}
