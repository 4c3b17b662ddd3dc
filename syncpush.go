package goatdb

import (
	"context"
	"strings"
	"sync"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/pushproto"
	"goatdb/internal/trust"
)

// pushOutQueue bounds the commits waiting to be pushed; beyond it they are
// left to the next bloom round.
const pushOutQueue = 1024

// pushLink is a peer's realtime channel: a WebSocket that carries this
// database's new commits to the peer the moment they exist, and the
// peer's to us. Bloom rounds keep running beside it, so anything a push
// loses arrives anyway.
type pushLink struct {
	mu  sync.Mutex
	out chan []byte // nil while disconnected
}

// push queues commits just added to repoPath for the peer, if the link is
// up, and reports whether the link carries them. It runs with that
// repository locked and never blocks.
func (p *peer) push(repoPath string, cs []*commit.Commit) bool {
	p.link.mu.Lock()
	out := p.link.out
	p.link.mu.Unlock()
	if out == nil {
		return false
	}
	lines := make([][]byte, 0, len(cs))
	for _, c := range cs {
		// Only this process's own commits (edits and merges): the rest came
		// from a peer, which has them, or reach it by bloom rounds.
		if c.ConnID == p.db.connID {
			lines = append(lines, c.Raw)
		}
	}
	if len(lines) == 0 {
		return true // nothing of ours to send
	}
	select {
	case out <- pushproto.AppendCommits(nil, repoPath, lines):
		return true
	default:
		return false // a bloom round will carry them
	}
}

// runPush keeps the realtime channel to the peer open until the database
// closes, reconnecting with back-off.
func (p *peer) runPush() {
	defer close(p.pushDone)
	backoff := 250 * time.Millisecond
	for p.ctx.Err() == nil {
		start := time.Now()
		err := p.pushOnce()
		if p.ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			backoff = 250 * time.Millisecond
		}
		p.db.opts.Logger.Debug("push channel to peer closed; reconnecting", "peer", p.url, "err", err, "in", backoff)
		select {
		case <-p.ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

func (p *peer) pushOnce() error {
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	if err := p.db.ensureGrant(ctx, p, false); err != nil {
		return err
	}
	url := "ws" + strings.TrimPrefix(p.url, "http") + "/push"
	dctx, dcancel := context.WithTimeout(ctx, syncTimeout)
	ws, err := p.tr.dial(dctx, url)
	dcancel()
	if err != nil {
		return err
	}
	defer ws.close()
	sig, err := trust.SignRequest(p.db.currentSession(), time.Now())
	if err != nil {
		return err
	}
	if err := ws.write(ctx, pushproto.AppendHello(nil, sig)); err != nil {
		return err
	}
	welcome, err := ws.read(ctx)
	if err != nil {
		return err
	}
	if pushproto.TypeOf(welcome) != pushproto.TypeWelcome {
		return errPushRefused
	}
	out := make(chan []byte, pushOutQueue)
	p.link.mu.Lock()
	p.link.out = out
	p.link.mu.Unlock()
	defer func() {
		p.link.mu.Lock()
		p.link.out = nil
		p.link.mu.Unlock()
	}()
	// What happened while disconnected goes by a bloom round now.
	p.touch()
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case frame := <-out:
				if err := ws.write(ctx, frame); err != nil {
					return
				}
			}
		}
	}()
	for {
		b, err := ws.read(ctx)
		if err != nil {
			return err
		}
		f, err := pushproto.DecodeCommits(b)
		if err != nil {
			return err
		}
		rep, err := p.db.Receive(ctx, f.Path, f.Commits)
		if err != nil {
			return err
		}
		if rep.Rejected > 0 {
			// Probably commits of a session this database does not know
			// yet: the next bloom round brings /sys/sessions first.
			p.touch()
		}
	}
}

type pushError string

func (e pushError) Error() string { return string(e) }

const errPushRefused = pushError("goatdb: the peer refused the push channel")
