package trust

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/schema"
	"goatdb/internal/testutil"
	"goatdb/internal/value"
)

// TestSessionItemMatchesUpstream rebuilds the session items of the fixture
// from the sessions in settings.json: the checksum covers every byte of the
// stored JWK string, so it matches only if the JWK is written as upstream
// wrote it.
func TestSessionItemMatchesUpstream(t *testing.T) {
	root := testutil.Fixtures(t)
	st, err := LoadSettings(filepath.Join(root, "db-client"))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Session{}
	for _, s := range st.Trusted {
		byID[s.ID] = s
	}
	lines := fixtureLines(t, filepath.Join(root, "db-client"))[filepath.Join("sys", "sessions.jsonl")]
	for _, line := range lines {
		c, err := commit.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := SessionFromCommit(c)
		if err != nil {
			t.Fatal(err)
		}
		s := byID[stored.ID]
		if s == nil || !s.PublicKey.Equal(stored.PublicKey) || !s.Expiration.Equal(stored.Expiration) || s.Owner != stored.Owner {
			t.Fatalf("session %s differs from settings.json", stored.ID)
		}
		it, err := s.Item()
		if err != nil {
			t.Fatal(err)
		}
		want, err := value.DecodeRecord(c.Record, schema.NewRegistry())
		if err != nil {
			t.Fatal(err)
		}
		if it.Checksum() != want.StoredChecksum() || !it.Equal(want) {
			t.Errorf("session %s: checksum %s, upstream %s", s.ID, it.Checksum(), want.StoredChecksum())
		}
		back, err := SessionFromItem(it)
		if err != nil || back.ID != s.ID || !back.PublicKey.Equal(s.PublicKey) || !back.Expiration.Equal(s.Expiration) {
			t.Errorf("round trip: %+v %v", back, err)
		}
	}
}

func TestSessionItemOwnerAndErrors(t *testing.T) {
	s := newTestSession(t, "user1")
	it, err := s.Item()
	if err != nil {
		t.Fatal(err)
	}
	back, err := SessionFromItem(it)
	if err != nil || back.Owner != "user1" || back.PrivateKey != nil {
		t.Fatalf("%+v %v", back, err)
	}
	bad, _ := value.NewItem(SessionSchema(), schema.Data{"id": "x", "publicKey": "{}", "expiration": time.Now()})
	if _, err := SessionFromItem(bad); !errors.Is(err, ErrBadSession) || !errors.Is(err, ErrBadJWK) {
		t.Errorf("bad key: %v", err)
	}
	if SessionItemPath("abc") != "/sys/sessions/abc" {
		t.Error(SessionItemPath("abc"))
	}
}

func TestSessionBasics(t *testing.T) {
	s, err := NewSession(RootOwner, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !s.IsRoot() || s.Expired(time.Now()) || !s.Expired(s.Expiration.Add(time.Millisecond)) || s.Expired(s.Expiration) {
		t.Error("IsRoot/Expired")
	}
	if d := time.Until(s.Expiration); d < 59*time.Minute || d > time.Hour {
		t.Errorf("ttl %v", d)
	}
	if d, _ := NewSession("", 0); time.Until(d.Expiration) < SessionTTL-time.Minute {
		t.Error("default ttl")
	}
	if len(s.ID) != 24 || s.Public().PrivateKey != nil || s.PrivateKey == nil {
		t.Error("id or Public")
	}
	for in, want := range map[float64]int64{1798215458.76: 1798215458760, 1798215458578: 1798215458578, 0.0015: 1, -1.5: -1500} {
		got, err := expirationFromSeconds(in)
		if err != nil || got.UnixMilli() != want {
			t.Errorf("expirationFromSeconds(%v) = %v, %v; want %d", in, got.UnixMilli(), err, want)
		}
	}
	if _, err := expirationFromSeconds(1e20); !errors.Is(err, ErrBadSession) {
		t.Errorf("1e20: %v", err)
	}
}
