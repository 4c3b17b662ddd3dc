package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"goatdb"
	"goatdb/internal/trust"
)

// readBody reads a request body up to the configured limit. It answers
// 413 itself and returns nil when the body is too large.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) []byte {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
		}
		return nil
	}
	return body
}

// handleBatchSync serves upstream's POST /batch-sync: 400 for a malformed
// batch, 403 for a request that is not signed by a known, unexpired
// session (or is a replay), 200 with the replies otherwise.
func (s *Server) handleBatchSync(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	header := r.Header.Get(trust.RequestHeader)
	if header == "" && !s.cfg.DB.Trusted() {
		http.Error(w, "missing "+trust.RequestHeader, http.StatusBadRequest)
		return
	}
	session, err := s.cfg.DB.AuthenticateRequest(header)
	if err != nil {
		s.log.Info("sync request refused", "remote", r.RemoteAddr, "err", err)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	body := s.readBody(w, r)
	if body == nil {
		return
	}
	start := time.Now()
	res, st, err := s.cfg.DB.HandleBatchSync(r.Context(), session, body, s.cfg.Limits)
	if err != nil {
		if errors.Is(err, goatdb.ErrBadRequest) || errors.Is(err, goatdb.ErrInvalidPath) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.log.Error("sync request failed", "session", session.ID, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.metrics.sync(st, time.Since(start))
	w.Header().Set("Content-Type", "application/json")
	w.Write(res)
}

// handleSession serves POST /auth/session (a new session for the client's
// public key, upstream's flow) and PATCH /auth/session (renewal of the
// signing session, which upstream lacks).
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	var grant *goatdb.SessionGrant
	switch r.Method {
	case http.MethodPost:
		body := s.readBody(w, r)
		if body == nil {
			return
		}
		var req struct {
			PublicKey json.RawMessage `json:"publicKey"`
			ID        string          `json:"id"`
		}
		if json.Unmarshal(body, &req) != nil || len(req.PublicKey) == 0 || req.PublicKey[0] != '{' {
			writeJSONError(w, http.StatusBadRequest, "MissingPublicKey")
			return
		}
		var err error
		grant, err = s.cfg.DB.IssueSession(r.Context(), req.PublicKey, req.ID)
		switch {
		case errors.Is(err, goatdb.ErrInvalidPublicKey):
			writeJSONError(w, http.StatusBadRequest, "InvalidPublicKey")
			return
		case err != nil:
			s.log.Error("issuing a session", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	case http.MethodPatch:
		session, err := s.cfg.DB.AuthenticateRequest(r.Header.Get(trust.RequestHeader))
		if err != nil || session.ID == "" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if grant, err = s.cfg.DB.RenewSession(r.Context(), session.ID); err != nil {
			s.log.Info("renewing a session", "session", session.ID, "err", err)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b, err := json.Marshal(grant)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func writeJSONError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"error": code})
	w.Write(b)
}
