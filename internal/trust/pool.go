package trust

import (
	"fmt"
	"slices"
	"sync"

	"goatdb/internal/commit"
)

// TrustPool is upstream's TrustPool (§6.4 of the internals notes): the
// current session, the roots, and every known session by id. It decides
// which commits are authentic. Safe for concurrent use; sessions are
// replaced, never modified, so a *Session obtained from it stays valid.
type TrustPool struct {
	orgID string

	mu       sync.RWMutex
	current  *Session
	roots    []*Session
	sessions map[string]*Session
	onChange func()

	cache verifiedCache
}

// NewTrustPool builds a pool as upstream's constructor does: current and
// the trusted sessions are added with AddSession's rules, roots are taken
// as given. orgID is this database's organisation id, which every commit is
// verified under.
func NewTrustPool(orgID string, current *Session, roots, trusted []*Session) *TrustPool {
	p := &TrustPool{orgID: orgID, current: current, sessions: map[string]*Session{}}
	p.roots = slices.Clone(roots)
	p.addLocked(current)
	for _, s := range trusted {
		p.addLocked(s)
	}
	return p
}

// PoolFromSettings builds the pool a database opens with.
func PoolFromSettings(orgID string, st *Settings) *TrustPool {
	return NewTrustPool(orgID, st.Current, st.Roots, st.Trusted)
}

// OnChange sets f to be called after the pool's sessions changed, as
// upstream rewrites settings.json then. f runs without the pool's lock
// held, so it may call Settings.
func (p *TrustPool) OnChange(f func()) {
	p.mu.Lock()
	p.onChange = f
	p.mu.Unlock()
}

// OrgID returns the organisation id commits are verified under.
func (p *TrustPool) OrgID() string { return p.orgID }

// Current returns the session this database signs with.
func (p *TrustPool) Current() *Session {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.current
}

// SetCurrent makes s (which must hold its private key) the session this
// database signs with, as when a server grants a client its session.
func (p *TrustPool) SetCurrent(s *Session) {
	p.mu.Lock()
	p.current = s
	p.addLocked(s)
	p.mu.Unlock()
}

// Roots returns the root sessions.
func (p *TrustPool) Roots() []*Session {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.Clone(p.roots)
}

// Session returns the session with id: a known session, a root or the
// current session. Upstream's getSession looks only at known sessions, so
// commits of a root that is only in "roots" could not be verified there.
func (p *TrustPool) Session(id string) (*Session, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.lookupLocked(id)
}

func (p *TrustPool) lookupLocked(id string) (*Session, bool) {
	if s, ok := p.sessions[id]; ok {
		return s, true
	}
	for _, r := range p.roots {
		if r.ID == id {
			return r, true
		}
	}
	if p.current != nil && p.current.ID == id {
		return p.current, true
	}
	return nil, false
}

// Sessions returns every known session (the trusted set of settings.json).
func (p *TrustPool) Sessions() []*Session {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]*Session, 0, len(p.sessions))
	for _, s := range p.sessions {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Session) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return out
}

// Settings returns the pool as settings.json holds it.
func (p *TrustPool) Settings() *Settings {
	trusted := p.Sessions()
	p.mu.RLock()
	defer p.mu.RUnlock()
	for i, s := range trusted {
		// The stored entry may be the public copy from /sys/sessions; the
		// file keeps the owned one, as upstream's does.
		if p.current != nil && s.ID == p.current.ID {
			trusted[i] = p.current
		}
	}
	return &Settings{Current: p.current, Roots: slices.Clone(p.roots), Trusted: trusted}
}

// AddSession adds s without checking where it came from, with upstream's
// addSessionUnsafe rules: s is stored if it is new, expires later than the
// stored one, or gains an owner; a root is added to or refreshed in the
// roots; the current session is upgraded (keeping its private key) when it
// gains an owner or a later expiration. It reports whether the known
// sessions changed. Use it only for sessions from a trusted source (the
// settings file, the local /sys/sessions repository at load); sessions from
// peers go through AddSessionCommit.
func (p *TrustPool) AddSession(s *Session) bool {
	p.mu.Lock()
	updated := p.addLocked(s)
	f := p.onChange
	p.mu.Unlock()
	if updated && f != nil {
		f()
	}
	return updated
}

func (p *TrustPool) addLocked(s *Session) bool {
	if s == nil {
		return false
	}
	updated := false
	old, ok := p.sessions[s.ID]
	if !ok || old.Expiration.Before(s.Expiration) || (old.Owner == "" && s.Owner != "") {
		p.sessions[s.ID] = s
		updated = true
	}
	if s.IsRoot() {
		found := false
		for i, r := range p.roots {
			if r.ID == s.ID {
				found = true
				if r.Expiration.Before(s.Expiration) {
					p.roots[i] = s
				}
				break
			}
		}
		if !found {
			p.roots = append(p.roots, s)
		}
	}
	// Unlike upstream, the current session is upgraded only by a session
	// with its own key: its private key is kept, and must still match.
	if cur := p.current; updated && cur != nil && s.ID == cur.ID && s != cur &&
		((s.Owner != "" && cur.Owner == "") || s.Expiration.After(cur.Expiration)) &&
		s.PublicKey != nil && s.PublicKey.Equal(cur.PublicKey) {
		up := *s
		up.PrivateKey = cur.PrivateKey
		p.current = &up
	}
	return updated
}

// AddSessionCommit admits the session a /sys/sessions commit carries, if
// the commit is signed by a root session (the current one when it is root,
// or one of the roots) and verifies. It returns the session and whether the
// pool changed. This is the only way sessions from peers enter the pool.
func (p *TrustPool) AddSessionCommit(c *commit.Commit) (*Session, bool, error) {
	pc, err := prepareCommit(c, p.orgID)
	if err != nil {
		return nil, false, err
	}
	p.mu.RLock()
	var root *Session
	if cur := p.current; cur != nil && cur.IsRoot() && cur.ID == pc.sig.SessionID {
		root = cur
	}
	for _, r := range p.roots {
		if root == nil && r.ID == pc.sig.SessionID {
			root = r
		}
	}
	p.mu.RUnlock()
	if root == nil {
		return nil, false, fmt.Errorf("%w: session commit %s is signed by %s", ErrNotRoot, c.ID, pc.sig.SessionID)
	}
	if err := p.verifyPrepared(pc, root); err != nil {
		return nil, false, err
	}
	s, err := SessionFromCommit(c)
	if err != nil {
		return nil, false, err
	}
	return s, p.AddSession(s), nil
}
