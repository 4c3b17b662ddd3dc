package trust

import (
	"fmt"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/schema"
	"goatdb/internal/value"
)

// Sessions are published as items of /sys/sessions/<id> with schema
// sessions/1: {id, publicKey: the JWK as a JSON string, expiration: date,
// owner?}. That is how peers learn each other's keys, so the item must be
// readable by upstream: the JWK string is parsed there with JSON.parse and
// imported with WebCrypto.

// sessionsRegistry resolves the built-in sessions/1 schema; items keep a
// pointer to their schema, so every session item shares this one.
var sessionsRegistry = schema.NewRegistry()

// SessionSchema returns the built-in sessions/1 schema.
func SessionSchema() *schema.Schema {
	s, ok := sessionsRegistry.Get("sessions/1")
	if !ok {
		panic("trust: built-in schema sessions/1 missing")
	}
	return s
}

// SessionItemPath is the item path of session id.
func SessionItemPath(id string) string { return "/sys/sessions/" + id }

// Item returns s as a /sys/sessions item value (public parts only).
func (s *Session) Item() (*value.Item, error) {
	jwk, err := EncodePublicJWK(s.PublicKey)
	if err != nil {
		return nil, err
	}
	d := schema.Data{
		"id":         s.ID,
		"publicKey":  string(jwk),
		"expiration": s.Expiration,
	}
	if s.Owner != "" {
		d["owner"] = s.Owner
	}
	it, err := value.NewItem(SessionSchema(), d)
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: %w", ErrBadSession, s.ID, err)
	}
	return it, nil
}

// SessionFromItem reads a session item. The public key is checked as
// WebCrypto would check it on import.
func SessionFromItem(it *value.Item) (*Session, error) {
	if it == nil || it.Schema == nil || it.Schema.NS != "sessions" {
		return nil, fmt.Errorf("%w: not a sessions item", ErrBadSession)
	}
	id, _ := it.Get("id").(string)
	if id == "" {
		return nil, fmt.Errorf("%w: item has no id", ErrBadSession)
	}
	jwk, _ := it.Get("publicKey").(string)
	pub, err := ParsePublicJWK([]byte(jwk))
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: %w", ErrBadSession, id, err)
	}
	exp, ok := it.Get("expiration").(time.Time)
	if !ok {
		return nil, fmt.Errorf("%w: session %s has no expiration", ErrBadSession, id)
	}
	owner, _ := it.Get("owner").(string)
	return &Session{ID: id, Owner: owner, Expiration: exp.UTC(), PublicKey: pub}, nil
}

// SessionFromCommit reads the session a full /sys/sessions commit holds. It
// does not check the signature: TrustPool.AddSessionCommit does.
func SessionFromCommit(c *commit.Commit) (*Session, error) {
	if c.Record == nil {
		// Upstream never delta-compresses session commits.
		return nil, fmt.Errorf("%w: commit %s is not a full commit", ErrBadSession, c.ID)
	}
	it, err := value.DecodeRecord(c.Record, sessionsRegistry)
	if err != nil {
		return nil, fmt.Errorf("%w: commit %s: %w", ErrBadSession, c.ID, err)
	}
	s, err := SessionFromItem(it)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c.ID, err)
	}
	if s.ID != c.Key {
		return nil, fmt.Errorf("%w: commit %s stores session %s under key %s", ErrBadSession, c.ID, s.ID, c.Key)
	}
	return s, nil
}
