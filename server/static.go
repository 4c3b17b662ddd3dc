package server

import (
	"encoding/json"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// serveStatic serves Config.Static as upstream serves its static assets:
// the file at the path, else /index.html, with the cross-origin isolation
// headers its browser bundle needs, and the app config injected into
// */app.js.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Static == nil {
		http.NotFound(w, r)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	data, err := fs.ReadFile(s.cfg.Static, name)
	if err != nil {
		name = "index.html"
		if data, err = fs.ReadFile(s.cfg.Static, name); err != nil {
			http.NotFound(w, r)
			return
		}
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(data)
	}
	h.Set("Content-Type", ctype)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if strings.HasPrefix(ctype, "image/") {
		h.Set("Cache-Control", "public, max-age=86400") // upstream repeats the header name in the value
	}
	if strings.HasSuffix(name, "app.js") && s.cfg.AppConfig != nil {
		cfg, err := json.Marshal(s.cfg.AppConfig)
		if err == nil {
			data = append([]byte(";\nglobalThis.GoatDBConfig = "+string(cfg)+";\n;"), data...)
		}
	}
	if r.Method == http.MethodHead {
		return
	}
	w.Write(data)
}
