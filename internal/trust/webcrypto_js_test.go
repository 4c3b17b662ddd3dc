//go:build js && wasm

package trust

// These run with `GOOS=js GOARCH=wasm go test` under Node (which has
// crypto.subtle; put $(go env GOROOT)/lib/wasm on PATH), where every other
// test of the package also goes through WebCrypto. The browser test is
// internal/trust/webcryptotest.

import (
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"goatdb/internal/commit"
)

func needWebCrypto(t *testing.T) *webCrypto {
	t.Helper()
	w := webCryptoAPI()
	if w == nil {
		// Node.js 20 and every browser have it: its absence is a failure
		// of the environment these tests are for, not a reason to pass.
		t.Fatal("no crypto.subtle here: run these tests in Node.js 20+ or a browser")
	}
	t.Cleanup(func() {
		if webCryptoWarned.Load() {
			t.Error("WebCrypto failed and the Go code took over (see the console warning)")
		}
	})
	return w
}

// TestWebCryptoAgreesWithGo signs with each side and verifies with both,
// over valid, tampered, malleated and out-of-range signatures.
func TestWebCryptoAgreesWithGo(t *testing.T) {
	w := needWebCrypto(t)
	s := newTestSession(t, "")
	q, ok := pointFromKey(s.PublicKey)
	if !ok {
		t.Fatal("pointFromKey")
	}
	check := func(name string, payload, raw []byte, want bool) {
		t.Helper()
		got, err := w.verify(&q, s.PublicKey, payload, raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if gv := goVerifyPayload(&q, payload, nil, raw); got != want || gv != want {
			t.Errorf("%s: WebCrypto %v, Go %v, want %v", name, got, gv, want)
		}
	}
	for i := range 8 {
		payload := fmt.Appendf(nil, `{"sessionId":"%s","sigData":{"n":%d}}`, s.ID, i)
		wraw, err := w.sign(s.PrivateKey, payload)
		if err != nil {
			t.Fatal(err)
		}
		graw, err := goSignPayload(s.PrivateKey, payload)
		if err != nil {
			t.Fatal(err)
		}
		for _, side := range []struct {
			name string
			raw  []byte
		}{{"WebCrypto-signed", wraw}, {"Go-signed", graw}} {
			check(side.name, payload, side.raw, true)
			check(side.name+", other payload", append(payload, ' '), side.raw, false)
			bad := append([]byte(nil), side.raw...)
			bad[i*11%96] ^= 1
			check(side.name+", flipped bit", payload, bad, false)
			// (r, n−s) is as valid as (r, s): neither side insists on low s.
			mal := append([]byte(nil), side.raw...)
			new(big.Int).Sub(curveN, new(big.Int).SetBytes(mal[48:])).FillBytes(mal[48:])
			check(side.name+", malleated", payload, mal, true)
			check(side.name+", short", payload, side.raw[:95], false)
		}
		// r or s zero, n, or above n.
		for _, half := range []int{0, 48} {
			for _, v := range []*big.Int{new(big.Int), curveN, new(big.Int).Add(curveN, big.NewInt(1))} {
				raw := append([]byte(nil), graw...)
				v.FillBytes(raw[half : half+48])
				check(fmt.Sprintf("out of range at %d", half), payload, raw, false)
			}
		}
	}
	// A signature by another key.
	other := newTestSession(t, "")
	payload := []byte(`{"sessionId":"x"}`)
	raw, err := w.sign(other.PrivateKey, payload)
	if err != nil {
		t.Fatal(err)
	}
	check("other key", payload, raw, false)
}

// TestWebCryptoConcurrent signs and verifies from many goroutines at once:
// each blocks on its own promise.
func TestWebCryptoConcurrent(t *testing.T) {
	needWebCrypto(t)
	s := newTestSession(t, "")
	var wg sync.WaitGroup
	errs := make([]error, 32)
	for i := range errs {
		wg.Go(func() {
			data := fmt.Appendf(nil, `{"i":%d}`, i)
			sig, err := SignData(s, nil, data, time.Now())
			if err == nil {
				_, err = VerifyData(s.Public(), sig, nil)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// TestWebCryptoVerifyAllWindows runs VerifyAll over more than two windows
// with valid, tampered, unknown-signer and cached commits, and compares
// with the Go path one commit at a time.
func TestWebCryptoVerifyAllWindows(t *testing.T) {
	needWebCrypto(t)
	signers := []*Session{newTestSession(t, ""), newTestSession(t, ""), newTestSession(t, "")}
	stranger := newTestSession(t, "")
	p := NewTrustPool("localhost", signers[0], nil, []*Session{signers[1].Public(), signers[2].Public()})
	n := 2*verifyWindow + 37
	cs := make([]*commit.Commit, n)
	line := noteCommit(t, stranger).Encode()
	t0 := time.Now()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < n; i += 8 {
				s := signers[i%3]
				if i%101 == 5 {
					s = stranger
				}
				c, err := commit.Parse(append([]byte(nil), line...))
				if err != nil {
					panic(err)
				}
				c.ID, c.Session, c.Sig = newID(), s.ID, ""
				if err := SignCommit(s, c); err != nil {
					panic(err)
				}
				if i%13 == 7 {
					c.TS++ // tampered
				}
				cs[i] = c
			}
		})
	}
	wg.Wait()
	t.Logf("signed %d commits in %v", n, time.Since(t0))
	// Some verdicts are cached before the batch.
	for i := 0; i < n; i += 17 {
		p.Verify(cs[i])
	}
	want := func(i int) error {
		switch {
		case i%101 == 5:
			return ErrUnknownSession
		case i%13 == 7:
			return ErrBadSignature
		}
		return nil
	}
	for round := range 2 {
		t0 := time.Now()
		errs := p.VerifyAll(cs)
		t.Logf("round %d: VerifyAll of %d in %v", round, n, time.Since(t0))
		for i, err := range errs {
			if w := want(i); (w == nil) != (err == nil) || (w != nil && !errors.Is(err, w)) {
				t.Errorf("round %d commit %d: %v, want %v", round, i, err, w)
			}
		}
	}
	// The Go path gives the same answers.
	UseWebCrypto(false)
	defer UseWebCrypto(true)
	gp := NewTrustPool("localhost", signers[0], nil, []*Session{signers[1].Public(), signers[2].Public()})
	for i, err := range gp.VerifyAll(cs[:200]) {
		if w := want(i); (w == nil) != (err == nil) {
			t.Errorf("Go path commit %d: %v, want %v", i, err, w)
		}
	}
}

func TestWebCryptoKeyCacheBounded(t *testing.T) {
	w := needWebCrypto(t)
	c := newLRU[int](3)
	for i := range 5 {
		c.put(i, w.promise)
	}
	if _, ok := c.get(0); ok {
		t.Error("0 not evicted")
	}
	if _, ok := c.get(2); !ok {
		t.Error("2 evicted")
	}
	c.put(5, w.promise) // evicts 3, the least recently used now
	if _, ok := c.get(3); ok {
		t.Error("3 not evicted")
	}
	if c.order.Len() != 3 || len(c.items) != 3 {
		t.Errorf("%d, %d entries", c.order.Len(), len(c.items))
	}
}
