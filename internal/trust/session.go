package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"math"
	"time"
)

// SessionTTL is how long a new session lives: upstream's generateSession
// default and what its /auth/session hands out. Upstream has no renewal, so
// a client needs a new session when this runs out.
const SessionTTL = 30 * 24 * time.Hour

// RootOwner is the owner of root sessions: servers, and trusted peers that
// share their keys. Only root sessions may vouch for other sessions.
const RootOwner = "root"

// Session is a signing identity: an id, a P-384 key pair (the private half
// only for sessions this process owns), an owner and an expiration.
//
// A Session is immutable once shared: the trust pool replaces sessions
// rather than changing them, so readers need no lock.
type Session struct {
	ID string
	// Owner is "" for an anonymous session, RootOwner for a root session,
	// or the key of a user in /sys/users.
	Owner string
	// Expiration has millisecond precision, as upstream's Date does.
	Expiration time.Time
	PublicKey  *ecdsa.PublicKey
	// PrivateKey is nil unless this process owns the session.
	PrivateKey *ecdsa.PrivateKey
}

// NewSession creates a session with a fresh key pair and id. A ttl of zero
// or less means SessionTTL.
func NewSession(owner string, ttl time.Duration) (*Session, error) {
	if ttl <= 0 {
		ttl = SessionTTL
	}
	priv, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("trust: generate session key: %w", err)
	}
	return &Session{
		ID:         newID(),
		Owner:      owner,
		Expiration: time.Now().Add(ttl).Truncate(time.Millisecond).UTC(),
		PublicKey:  &priv.PublicKey,
		PrivateKey: priv,
	}, nil
}

// IsRoot reports whether s is a root session.
func (s *Session) IsRoot() bool { return s.Owner == RootOwner }

// Expired reports whether s has expired at now. The expiration instant
// itself is still valid, as upstream accepts signatures made at it.
func (s *Session) Expired(now time.Time) bool { return now.After(s.Expiration) }

// Public returns s without its private key, for handing to others: upstream
// leaked the root private key through /auth/session by sending its owned
// session as is.
func (s *Session) Public() *Session {
	c := *s
	c.PrivateKey = nil
	return &c
}

// newID returns an id of upstream's form, 24 characters of [a-z0-9], drawn
// from crypto/rand: session ids are not secrets, but request signatures use
// ids as nonces, which must not be predictable.
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var out [24]byte
	var buf [32]byte
	for n := 0; n < len(out); {
		rand.Read(buf[:])
		for _, c := range buf {
			// 252 = 7·36: dropping the top four byte values keeps every
			// character equally likely.
			if c < 252 && n < len(out) {
				out[n] = alphabet[c%36]
				n++
			}
		}
	}
	return string(out[:])
}

// maxDateMs is JavaScript's Date range (±8.64e15 ms); times outside it are
// invalid Dates, which upstream would compare as NaN and so never reject.
const maxDateMs = 8.64e15

// expirationSeconds is upstream's serializeDate: milliseconds / 1000, a
// float written with JavaScript's number formatting.
func expirationSeconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

// expirationFromSeconds is upstream's deserializeDate for a number: values
// below 1e12 are seconds, larger ones milliseconds, and the result is
// truncated to whole milliseconds as Date's TimeClip does.
func expirationFromSeconds(v float64) (time.Time, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return time.Time{}, fmt.Errorf("%w: expiration %v is not a finite number", ErrBadSession, v)
	}
	if v < 1e12 {
		v *= 1000
	}
	if math.Abs(v) > maxDateMs {
		return time.Time{}, fmt.Errorf("%w: expiration %v ms is outside the Date range", ErrBadSession, v)
	}
	return time.UnixMilli(int64(math.Trunc(v))).UTC(), nil
}
