package goatdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"goatdb/internal/itempath"
	"goatdb/internal/repo"
	"goatdb/internal/trust"
)

// ErrInvalidPublicKey is returned, wrapped, for session key material that
// is not a P-384 public key in WebCrypto's JWK form.
var ErrInvalidPublicKey = errors.New("goatdb: invalid public key")

// ErrNotRoot is returned when an operation needs this database to hold a
// root session (to vouch for other sessions) and it does not.
var ErrNotRoot = errors.New("goatdb: this database's session is not root")

// SessionGrant is what a server answers a client that asked for a session
// (upstream's POST /auth/session): the client's new session and the root
// sessions that vouch for it, public parts only. Upstream also sends the
// root's private key, which lets any client sign as the server.
type SessionGrant struct {
	Session trust.EncodedSession   `json:"session"`
	Roots   []trust.EncodedSession `json:"roots"`
}

// IssueSession creates an anonymous session for the client that holds the
// private half of publicKeyJWK, publishes it in /sys/sessions signed by
// this database's root session, makes it durable, and returns the grant
// to send back. Only a root database can issue sessions.
//
// A client may propose the session id (requestedID, "" for none): a client
// that started offline has already signed commits with the id it chose,
// and they verify once the server knows that id with that key. Upstream
// always assigns a new id. A proposal already taken by another key gets a
// new id; one taken by the same key is a retry and gets the same grant.
func (db *DB) IssueSession(ctx context.Context, publicKeyJWK []byte, requestedID string) (*SessionGrant, error) {
	if db.currentSession() == nil || !db.currentSession().IsRoot() {
		return nil, ErrNotRoot
	}
	pub, err := trust.ParsePublicJWK(publicKeyJWK)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPublicKey, err)
	}
	id := repo.NewID()
	if requestedID != "" && len(requestedID) <= 64 && itempath.ValidKey(requestedID) {
		old, taken := db.pool.Session(requestedID)
		switch {
		case !taken:
			id = requestedID
		case old.PublicKey.Equal(pub) && !old.Expired(time.Now()):
			return db.grant(old)
		}
	}
	s := &trust.Session{
		ID:         id,
		PublicKey:  pub,
		Expiration: time.Now().Add(trust.SessionTTL).Truncate(time.Millisecond).UTC(),
	}
	if err := db.publishSession(ctx, s); err != nil {
		return nil, err
	}
	return db.grant(s)
}

// RenewSession extends a known, unexpired session by another 30 days,
// published in /sys/sessions signed by this database's root session.
// Upstream has no renewal: its sessions stop working after 30 days. The
// caller must have checked that the request comes from the session itself
// (a request signature), which proves it holds the private key.
func (db *DB) RenewSession(ctx context.Context, id string) (*SessionGrant, error) {
	if db.currentSession() == nil || !db.currentSession().IsRoot() {
		return nil, ErrNotRoot
	}
	old, ok := db.pool.Session(id)
	if !ok {
		return nil, fmt.Errorf("goatdb: renew session %s: %w", id, trust.ErrUnknownSession)
	}
	if old.Expired(time.Now()) {
		return nil, fmt.Errorf("goatdb: renew session %s: %w", id, trust.ErrExpired)
	}
	renewed := *old.Public()
	renewed.Expiration = time.Now().Add(trust.SessionTTL).Truncate(time.Millisecond).UTC()
	if err := db.publishSession(ctx, &renewed); err != nil {
		return nil, err
	}
	return db.grant(&renewed)
}

// publishSession writes s into /sys/sessions and the trust pool and makes
// it durable before the client is told about it.
func (db *DB) publishSession(ctx context.Context, s *trust.Session) error {
	if err := db.addSession(s); err != nil {
		return err
	}
	return db.Flush(ctx)
}

func (db *DB) grant(s *trust.Session) (*SessionGrant, error) {
	enc, err := s.Encode(false)
	if err != nil {
		return nil, err
	}
	g := &SessionGrant{Session: enc}
	now := time.Now()
	for _, r := range db.pool.Roots() {
		if r.Expired(now) {
			continue
		}
		e, err := r.Encode(false) // never the private key
		if err != nil {
			return nil, err
		}
		g.Roots = append(g.Roots, e)
	}
	return g, nil
}
