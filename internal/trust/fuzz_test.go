package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"goatdb/internal/commit"
	"goatdb/internal/testutil"
)

// The fuzz targets must never panic; where an independent answer exists
// they also compare against it.

func FuzzParseSignature(f *testing.F) {
	for _, c := range readVectors(f, "signatures.json").get("cases").vals {
		f.Add(c.get("signature").str)
	}
	for _, c := range readVectors(f, "request-signatures.json").get("cases").vals {
		f.Add(c.get("header").str)
	}
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := ParseSignature(s)
		if err != nil {
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("error does not wrap ErrBadSignature: %v", err)
			}
			return
		}
		again, err := ParseSignature(sig.String())
		if err != nil || again.SessionID != sig.SessionID || again.TS != sig.TS ||
			!bytes.Equal(again.Raw, sig.Raw) || !bytes.Equal(again.Data, sig.Data) {
			t.Fatalf("re-encoded signature reads back differently: %+v, %v", again, err)
		}
	})
}

func FuzzParseJWK(f *testing.F) {
	f.Add([]byte(fixtureJWK))
	f.Add([]byte(fixturePrivateJWK))
	for _, c := range readVectors(f, "signatures.json").get("cases").vals {
		f.Add(appendCompact(nil, c.get("signer").get("publicKey")))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if pub, err := ParsePublicJWK(b); err == nil {
			enc, _ := EncodePublicJWK(pub)
			if p2, err := ParsePublicJWK(enc); err != nil || !p2.Equal(pub) {
				t.Fatalf("public key does not round-trip: %v", err)
			}
		} else if !errors.Is(err, ErrBadJWK) {
			t.Fatalf("error does not wrap ErrBadJWK: %v", err)
		}
		if priv, err := ParsePrivateJWK(b); err == nil {
			enc, _ := EncodePrivateJWK(priv)
			if p2, err := ParsePrivateJWK(enc); err != nil || !p2.Equal(priv) {
				t.Fatalf("private key does not round-trip: %v", err)
			}
		} else if !errors.Is(err, ErrBadJWK) {
			t.Fatalf("error does not wrap ErrBadJWK: %v", err)
		}
	})
}

func FuzzVerifyRequest(f *testing.F) {
	cases := readVectors(f, "request-signatures.json").get("cases").vals
	sessions := map[string]*Session{}
	for _, c := range cases {
		s := vectorSession(f, c.get("signer"))
		sessions[s.ID] = s
		f.Add(c.get("header").str, int64(c.get("timestampMs").num))
	}
	lookup := func(id string) (*Session, bool) { s, ok := sessions[id]; return s, ok }
	f.Fuzz(func(t *testing.T, header string, nowMs int64) {
		now := time.UnixMilli(nowMs)
		rs, err := VerifyRequest(header, lookup, now)
		if err != nil {
			return
		}
		// Anything accepted is signed by a known key: the embedded data
		// must check out independently.
		sig, _ := ParseSignature(header)
		payload, _ := appendContainer(nil, rs.Session.ID, nil, sig.data)
		h := sha512.Sum384(payload)
		if !ecdsa.Verify(rs.Session.PublicKey, h[:], new(big.Int).SetBytes(sig.Raw[:48]), new(big.Int).SetBytes(sig.Raw[48:])) {
			t.Fatalf("accepted a request crypto/ecdsa rejects: %q", header)
		}
		g := NewReplayGuard(4)
		if _, err := g.Verify(header, lookup, now); err != nil {
			t.Fatalf("guard refused a fresh request: %v", err)
		}
		if _, err := g.Verify(header, lookup, now); !errors.Is(err, ErrReplay) {
			t.Fatalf("guard accepted a replay: %v", err)
		}
	})
}

// FuzzVerifyCommitLine feeds arbitrary lines to the trust pool of the
// db-client fixture. A line that verifies must also verify through the
// independent path (encoding/json, jsjson, crypto/ecdsa).
func FuzzVerifyCommitLine(f *testing.F) {
	dir := filepath.Join(testutil.Fixtures(f), "db-client")
	p := fixturePool(f, dir)
	for _, lines := range fixtureLines(f, dir) {
		for i, line := range lines {
			if i < 20 {
				f.Add(line)
			}
		}
	}
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := commit.Parse(line)
		if err != nil {
			return
		}
		if err := p.Verify(c); err != nil {
			return
		}
		s, _ := p.Session(c.Session)
		if !independentVerify(t, c.Raw, s.PublicKey, s.ID, "localhost") {
			t.Fatalf("pool accepted a commit the independent path rejects: %s", line)
		}
	})
}

// FuzzParseJS compares the strict parser's verdict with encoding/json's on
// valid UTF-8, and checks that stable output is itself parseable.
func FuzzParseJS(f *testing.F) {
	for _, c := range readVectors(f, "stable-stringify.json").get("cases").vals {
		f.Add(appendCompact(nil, c.get("input")))
	}
	f.Add([]byte(`"\ud800"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseJS(b)
		nesting := bytes.Count(b, []byte("[")) + bytes.Count(b, []byte("{"))
		if utf8.Valid(b) && nesting <= maxJSONDepth && (err == nil) != json.Valid(b) {
			t.Fatalf("parseJS err = %v, json.Valid = %v", err, json.Valid(b))
		}
		if err != nil {
			return
		}
		out, err := appendStable(nil, v)
		if err != nil {
			return // null inside
		}
		if _, err := parseJS(out); err != nil {
			t.Fatalf("stable output %s does not parse: %v", out, err)
		}
	})
}

// FuzzVerifyP384 compares the fast verifier with crypto/ecdsa.
func FuzzVerifyP384(f *testing.F) {
	priv, err := ParsePrivateJWK([]byte(fixturePrivateJWK))
	if err != nil {
		f.Fatal(err)
	}
	q, _ := pointFromKey(&priv.PublicKey)
	for _, m := range []string{"", "a", "commit"} {
		h := sha512.Sum384([]byte(m))
		r, s, _ := ecdsa.Sign(rand.Reader, priv, h[:])
		sig := make([]byte, 96)
		r.FillBytes(sig[:48])
		s.FillBytes(sig[48:])
		f.Add([]byte(m), sig)
	}
	f.Fuzz(func(t *testing.T, msg, sig []byte) {
		h := sha512.Sum384(msg)
		got := verifyP384(&q, h[:], sig)
		want := len(sig) == 96 && ecdsa.Verify(&priv.PublicKey, h[:], new(big.Int).SetBytes(sig[:48]), new(big.Int).SetBytes(sig[48:]))
		if got != want {
			t.Fatalf("fast verify %v, crypto/ecdsa %v", got, want)
		}
	})
}
