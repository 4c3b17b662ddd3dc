package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"goatdb"
	"goatdb/internal/commit"
	"goatdb/internal/pushproto"
)

// pushQueue is how many frames may wait for a slow peer before it is
// dropped; a dropped peer reconnects and catches up by bloom rounds.
const pushQueue = 1024

// hub is the set of peers connected for realtime push.
type hub struct {
	s     *Server
	mu    sync.Mutex
	conns map[*pushConn]struct{}
	stop  func()
}

type pushConn struct {
	session goatdb.Session
	out     chan []byte
	cancel  context.CancelFunc
	once    sync.Once
}

func newHub(s *Server) *hub {
	h := &hub{s: s, conns: map[*pushConn]struct{}{}}
	h.stop = s.cfg.DB.WatchCommits(h.broadcast)
	return h
}

// broadcast queues commits for every connected peer that may read them.
// It runs with the repository locked (see goatdb.DB.WatchCommits), so it
// only builds frames and queues them.
func (h *hub) broadcast(repoPath string, lines [][]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.conns) == 0 {
		return
	}
	var all []byte // the frame for peers that may read everything
	for pc := range h.conns {
		frame := all
		if h.s.cfg.DB.Trusted() || pc.session.IsRoot() {
			if all == nil {
				all = pushproto.AppendCommits(nil, repoPath, lines)
			}
			frame = all
		} else {
			var mine [][]byte
			for _, l := range lines {
				c, err := commit.Parse(l)
				if err == nil && h.s.cfg.DB.Authorize(repoPath, c.Key, pc.session, goatdb.OpRead) {
					mine = append(mine, l)
				}
			}
			if len(mine) == 0 {
				continue
			}
			frame = pushproto.AppendCommits(nil, repoPath, mine)
		}
		select {
		case pc.out <- frame:
		default:
			h.s.log.Warn("dropping a push peer that does not keep up", "session", pc.session.ID)
			pc.close()
		}
	}
}

func (pc *pushConn) close() { pc.once.Do(pc.cancel) }

// handlePush serves the realtime channel: a WebSocket on which the peer
// first sends a hello carrying a request signature (browsers cannot set
// headers on a WebSocket), then commits it made; the server sends every
// commit added to a repository the peer may read as soon as it is stored.
func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: s.cfg.AllowOrigin == "*"})
	if err != nil {
		return // Accept has answered
	}
	ws.SetReadLimit(s.cfg.MaxBodyBytes)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	hctx, hcancel := context.WithTimeout(ctx, 10*time.Second)
	_, hello, err := ws.Read(hctx)
	hcancel()
	if err != nil {
		ws.Close(websocket.StatusPolicyViolation, "no hello")
		return
	}
	var h pushproto.Hello
	if json.Unmarshal(hello, &h) != nil || h.Type != pushproto.TypeHello {
		ws.Close(websocket.StatusPolicyViolation, "bad hello")
		return
	}
	session, err := s.cfg.DB.AuthenticateRequest(h.Sig)
	if err != nil {
		ws.Close(websocket.StatusPolicyViolation, "forbidden")
		return
	}
	pc := &pushConn{session: session, out: make(chan []byte, pushQueue), cancel: cancel}
	s.hub.mu.Lock()
	s.hub.conns[pc] = struct{}{}
	s.hub.mu.Unlock()
	s.metrics.peers.Inc()
	defer func() {
		s.hub.mu.Lock()
		delete(s.hub.conns, pc)
		s.hub.mu.Unlock()
		s.metrics.peers.Dec()
	}()
	if err := ws.Write(ctx, websocket.MessageText, pushproto.AppendWelcome(nil, session.ID)); err != nil {
		return
	}
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case frame := <-pc.out:
				if err := ws.Write(ctx, websocket.MessageText, frame); err != nil {
					return
				}
			}
		}
	}()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) && websocket.CloseStatus(err) == -1 {
				s.log.Debug("push peer gone", "session", session.ID, "err", err)
			}
			ws.CloseNow()
			return
		}
		f, err := pushproto.DecodeCommits(b)
		if err != nil {
			ws.Close(websocket.StatusUnsupportedData, "bad frame")
			return
		}
		start := time.Now()
		rep, err := s.cfg.DB.Receive(ctx, f.Path, f.Commits)
		if err != nil {
			ws.Close(websocket.StatusPolicyViolation, "refused")
			return
		}
		s.metrics.sync(goatdb.SyncStats{Received: rep.Accepted, Rejected: rep.Rejected, Verify: rep.Verify}, time.Since(start))
	}
}

// closeAll disconnects every push peer.
func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for pc := range h.conns {
		pc.close()
	}
}
