package trust

import (
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"
)

func TestRequestSignatureVectors(t *testing.T) {
	cases := readVectors(t, "request-signatures.json").get("cases")
	valid := 0
	for i, c := range cases.vals {
		signer := vectorSession(t, c.get("signer"))
		now := time.UnixMilli(int64(c.get("timestampMs").num))
		want := c.get("expected").kind == jTrue
		lookup := func(string) (*Session, bool) { return signer, true }
		rs, err := VerifyRequest(c.get("header").str, lookup, now)
		if (err == nil) != want {
			t.Errorf("case %d: err = %v, upstream says %v", i, err, want)
			continue
		}
		if want {
			valid++
			d := c.get("decoded").get("d")
			if rs.ID != d.get("id").str || rs.TS != int64(d.get("ts").num) || rs.Session != signer {
				t.Errorf("case %d: %+v", i, rs)
			}
			sig, _ := ParseSignature(c.get("header").str)
			payload, _ := appendContainer(nil, signer.ID, nil, sig.data)
			if string(payload) != c.get("payload").str {
				t.Errorf("case %d: payload %s", i, payload)
			}
			// Three minutes either way is accepted, a millisecond more is not.
			for _, skew := range []time.Duration{RequestWindow, -RequestWindow} {
				if _, err := VerifyRequest(c.get("header").str, lookup, now.Add(skew)); err != nil {
					t.Errorf("case %d: skew %v: %v", i, skew, err)
				}
			}
			for _, skew := range []time.Duration{RequestWindow + time.Millisecond, -RequestWindow - time.Millisecond} {
				if _, err := VerifyRequest(c.get("header").str, lookup, now.Add(skew)); !errors.Is(err, ErrStale) {
					t.Errorf("case %d: skew %v: %v", i, skew, err)
				}
			}
		}
	}
	t.Logf("%d request signature cases, %d valid", len(cases.vals), valid)
}

func TestRequestSignRoundTrip(t *testing.T) {
	s := newTestSession(t, "")
	now := time.Now()
	h, err := SignRequest(s, now)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]*Session{s.ID: s.Public()}
	lookup := func(id string) (*Session, bool) { x, ok := known[id]; return x, ok }
	rs, err := VerifyRequest(h, lookup, now.Add(time.Second))
	if err != nil || rs.Session.ID != s.ID || rs.TS != now.UnixMilli() || len(rs.ID) != 24 {
		t.Fatalf("%+v, %v", rs, err)
	}
	sig, _ := ParseSignature(h)
	if want := fmt.Sprintf(`{"id":"%s","ts":%d}`, rs.ID, now.UnixMilli()); string(sig.Data) != want {
		t.Errorf("d = %s, want %s", sig.Data, want)
	}
	if _, err := VerifyRequest(h, func(string) (*Session, bool) { return nil, false }, now); !errors.Is(err, ErrUnknownSession) {
		t.Errorf("unknown: %v", err)
	}
	// A session that expired before now is refused even with a fresh
	// signature made before its expiration.
	ex := expiredSession(t)
	h2, _ := SignRequest(ex, ex.Expiration.Add(-time.Minute))
	exLookup := func(string) (*Session, bool) { return ex, true }
	if _, err := VerifyRequest(h2, exLookup, ex.Expiration.Add(time.Minute)); !errors.Is(err, ErrExpired) {
		t.Errorf("expired: %v", err)
	}
	// A signature over data other than {id, ts} is not a request signature.
	h3, _ := SignData(s, nil, []byte(`{"u":"x"}`), now)
	if _, err := VerifyRequest(h3, lookup, now); !errors.Is(err, ErrBadSignature) {
		t.Errorf("not a request signature: %v", err)
	}
	h4, _ := SignData(s, []byte(`"ext"`), nil, now)
	if _, err := VerifyRequest(h4, lookup, now); !errors.Is(err, ErrBadSignature) {
		t.Errorf("no embedded data: %v", err)
	}
}

func TestReplayGuard(t *testing.T) {
	s := newTestSession(t, "")
	lookup := func(string) (*Session, bool) { return s, true }
	g := NewReplayGuard(0)
	now := time.Now()
	h, _ := SignRequest(s, now)
	if _, err := g.Verify(h, lookup, now); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Verify(h, lookup, now.Add(time.Second)); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay accepted: %v", err)
	}
	// The same request with the unsigned outer ts changed, or with the
	// signature malleated, is the same request.
	sig, _ := ParseSignature(h)
	sig.TS++
	if _, err := g.Verify(sig.String(), lookup, now); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay with another outer ts accepted: %v", err)
	}
	sig, _ = ParseSignature(h)
	new(big.Int).Sub(curveN, new(big.Int).SetBytes(sig.Raw[48:])).FillBytes(sig.Raw[48:])
	if _, err := VerifyRequest(sig.String(), lookup, now); err != nil {
		t.Fatalf("malleated signature should still verify: %v", err)
	}
	if _, err := g.Verify(sig.String(), lookup, now); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay with a malleated signature accepted: %v", err)
	}
	// Once the window has passed, the request is stale, and the id is
	// forgotten.
	later := now.Add(RequestWindow + time.Second)
	if _, err := g.Verify(h, lookup, later); !errors.Is(err, ErrStale) {
		t.Fatalf("after the window: %v", err)
	}
	h2, _ := SignRequest(s, later)
	if _, err := g.Verify(h2, lookup, later); err != nil {
		t.Fatal(err)
	}
	if g.Len() != 1 {
		t.Errorf("guard holds %d ids, want 1", g.Len())
	}
	// The clock going back does not reopen forgotten ids.
	if _, err := g.Verify(h, lookup, now); !errors.Is(err, ErrStale) {
		t.Errorf("clock went back: %v", err)
	}
	// A full guard refuses rather than forgets.
	small := NewReplayGuard(2)
	for i := 0; i < 3; i++ {
		hi, _ := SignRequest(s, now)
		_, err := small.Verify(hi, lookup, now)
		if (i < 2) != (err == nil) || (i == 2 && !errors.Is(err, ErrReplayGuardFull)) {
			t.Errorf("request %d: %v", i, err)
		}
	}
}

func TestReplayGuardConcurrent(t *testing.T) {
	s := newTestSession(t, "")
	lookup := func(string) (*Session, bool) { return s, true }
	g := NewReplayGuard(0)
	now := time.Now()
	headers := make([]string, 16)
	for i := range headers {
		headers[i], _ = SignRequest(s, now)
	}
	var mu sync.Mutex
	accepted := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for _, h := range headers {
				if _, err := g.Verify(h, lookup, now); err == nil {
					mu.Lock()
					accepted[h]++
					mu.Unlock()
				} else if !errors.Is(err, ErrReplay) {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, h := range headers {
		if accepted[h] != 1 {
			t.Errorf("header accepted %d times", accepted[h])
		}
	}
}
