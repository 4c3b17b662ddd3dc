package trust

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// EncodedSession is upstream's EncodedSession JSON: what settings.json
// holds and what POST /auth/session sends. Keys are JWK objects and the
// expiration is in seconds (a float, as upstream's serializeDate writes).
type EncodedSession struct {
	ID         string          `json:"id"`
	PublicKey  json.RawMessage `json:"publicKey"`
	Owner      string          `json:"owner,omitempty"`
	Expiration jsSeconds       `json:"expiration"`
	PrivateKey json.RawMessage `json:"privateKey,omitempty"`
}

// jsSeconds is a float written as JavaScript writes numbers, so that
// 1798215458.76 is not written in exponent form or with extra digits.
type jsSeconds float64

func (s jsSeconds) MarshalJSON() ([]byte, error) {
	return appendStable(nil, &jval{kind: jNumber, num: float64(s)})
}

// Encode returns s as an EncodedSession. The private key is included only
// when withPrivate is set and s has one: upstream sent its root private key
// to every client by encoding owned sessions whole.
func (s *Session) Encode(withPrivate bool) (EncodedSession, error) {
	pub, err := EncodePublicJWK(s.PublicKey)
	if err != nil {
		return EncodedSession{}, fmt.Errorf("session %s: %w", s.ID, err)
	}
	e := EncodedSession{ID: s.ID, PublicKey: pub, Owner: s.Owner, Expiration: jsSeconds(expirationSeconds(s.Expiration))}
	if withPrivate && s.PrivateKey != nil {
		if e.PrivateKey, err = EncodePrivateJWK(s.PrivateKey); err != nil {
			return EncodedSession{}, fmt.Errorf("session %s: %w", s.ID, err)
		}
	}
	return e, nil
}

// Decode checks e and returns its session. A private key, when present,
// must belong to the public key.
func (e *EncodedSession) Decode() (*Session, error) {
	if e.ID == "" {
		return nil, fmt.Errorf("%w: missing id", ErrBadSession)
	}
	if len(e.PublicKey) == 0 {
		return nil, fmt.Errorf("%w: session %s has no publicKey", ErrBadSession, e.ID)
	}
	pub, err := ParsePublicJWK(e.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: publicKey: %w", ErrBadSession, e.ID, err)
	}
	exp, err := expirationFromSeconds(float64(e.Expiration))
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", e.ID, err)
	}
	s := &Session{ID: e.ID, Owner: e.Owner, Expiration: exp, PublicKey: pub}
	if len(e.PrivateKey) > 0 && string(e.PrivateKey) != "null" {
		if s.PrivateKey, err = ParsePrivateJWK(e.PrivateKey); err != nil {
			return nil, fmt.Errorf("%w: session %s: privateKey: %w", ErrBadSession, e.ID, err)
		}
		if !s.PrivateKey.PublicKey.Equal(pub) {
			return nil, fmt.Errorf("%w: session %s: privateKey does not match publicKey", ErrBadSession, e.ID)
		}
	}
	return s, nil
}

// UnmarshalJSON reads an EncodedSession strictly: members must have their
// types (encoding/json alone would match member names case-insensitively
// and let a missing expiration read as 1970).
func (e *EncodedSession) UnmarshalJSON(b []byte) error {
	v, err := parseJS(b)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSession, err)
	}
	if v.kind != jObject {
		return fmt.Errorf("%w: not a JSON object", ErrBadSession)
	}
	*e = EncodedSession{}
	id := v.get("id")
	if id == nil || id.kind != jString {
		return fmt.Errorf("%w: \"id\" missing or not a string", ErrBadSession)
	}
	e.ID = id.str
	pk := v.get("publicKey")
	if pk == nil || pk.kind != jObject {
		return fmt.Errorf("%w: session %s: \"publicKey\" missing or not an object", ErrBadSession, e.ID)
	}
	e.PublicKey = appendCompact(nil, pk)
	if o := v.get("owner"); o != nil && o.kind != jNull {
		if o.kind != jString {
			return fmt.Errorf("%w: session %s: \"owner\" is %s", ErrBadSession, e.ID, describeJS(o))
		}
		e.Owner = o.str
	}
	x := v.get("expiration")
	if x == nil || x.kind != jNumber {
		return fmt.Errorf("%w: session %s: \"expiration\" missing or not a number", ErrBadSession, e.ID)
	}
	e.Expiration = jsSeconds(x.num)
	if p := v.get("privateKey"); p != nil && p.kind != jNull {
		if p.kind != jObject {
			return fmt.Errorf("%w: session %s: \"privateKey\" is %s", ErrBadSession, e.ID, describeJS(p))
		}
		e.PrivateKey = appendCompact(nil, p)
	}
	return nil
}

// String is for logs: never the private key.
func (e EncodedSession) String() string {
	return "session " + e.ID + " owner=" + strconv.Quote(e.Owner)
}
