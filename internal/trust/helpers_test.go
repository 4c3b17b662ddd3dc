package trust

import (
	"testing"
	"time"
)

func newTestSession(t testing.TB, owner string) *Session {
	t.Helper()
	s, err := NewSession(owner, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// expiredSession returns an owned session that expired an hour ago.
func expiredSession(t testing.TB) *Session {
	t.Helper()
	s := newTestSession(t, "")
	s.Expiration = time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()
	return s
}
