package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"goatdb/internal/commit"
	"goatdb/internal/jsjson"
	"goatdb/internal/testutil"
)

func TestCommitSignatureVectors(t *testing.T) {
	v := readVectors(t, "commit-signatures.json")
	run := func(group string) (n, valid int) {
		for i, c := range v.get(group).vals {
			line := appendCompact(nil, c.get("commit"))
			cm, err := commit.Parse(line)
			if err != nil {
				t.Fatalf("%s %d: %v", group, i, err)
			}
			signer := vectorSession(t, c.get("signer"))
			want := c.get("expected").kind == jTrue
			err = VerifyCommit(cm, signer, c.get("verifierOrgId").str)
			if (err == nil) != want {
				name := ""
				if k := c.get("variant"); k != nil {
					name = k.str
				}
				t.Errorf("%s %d %s: err = %v, upstream says %v", group, i, name, err, want)
			}
			if want {
				valid++
			}
			n++
		}
		return n, valid
	}
	n, valid := run("cases")
	tn, tvalid := run("tampered")
	t.Logf("commit-signatures: %d cases (%d valid), %d tampered (%d still valid upstream)", n, valid, tn, tvalid)
}

// independentVerify re-derives the signed bytes of an encoded commit line
// without this package's JSON code: encoding/json into map[string]any,
// "sig" removed, "org" replaced, jsjson's stableStringify, crypto/ecdsa.
func independentVerify(t *testing.T, line []byte, pub *ecdsa.PublicKey, sessionID, org string) bool {
	t.Helper()
	c, err := commit.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(c.Raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	sigText := m["sig"].(string)
	delete(m, "sig")
	m["org"] = org
	tree := numbersToFloat(m)
	payload, err := jsjson.AppendStable(nil, map[string]any{"extData": tree, "sessionId": sessionID})
	if err != nil {
		t.Fatal(err)
	}
	env, err := DecodeBase32URL(sigText)
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ I, S string }
	if err := json.Unmarshal(env, &s); err != nil || s.I != sessionID {
		t.Fatalf("signature envelope %s: %v", env, err)
	}
	raw, err := DecodeBase32URL(s.S)
	if err != nil || len(raw) != 96 {
		t.Fatalf("raw signature: %v", err)
	}
	h := sha512.Sum384(payload)
	return ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(raw[:48]), new(big.Int).SetBytes(raw[48:]))
}

func numbersToFloat(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbersToFloat(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersToFloat(e)
		}
	}
	return v
}

// TestSignCommitVerifiesIndependently re-signs every fixture commit with a
// new session and checks each signature through independentVerify.
func TestSignCommitVerifiesIndependently(t *testing.T) {
	s := newTestSession(t, "")
	dir := filepath.Join(testutil.Fixtures(t), "db-client")
	n := 0
	for _, lines := range fixtureLines(t, dir) {
		for _, line := range lines {
			c, err := commit.Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			c.Session, c.Sig = s.ID, ""
			if err := s.SignCommit(c); err != nil {
				t.Fatal(err)
			}
			enc := c.Encode()
			if !independentVerify(t, enc, s.PublicKey, s.ID, "localhost") {
				t.Fatalf("commit %s does not verify independently", c.ID)
			}
			if err := VerifyCommit(c, s.Public(), "localhost"); err != nil {
				t.Fatalf("commit %s: %v", c.ID, err)
			}
			n++
		}
	}
	t.Logf("%d re-signed commits verify independently", n)
}

func TestVerifyCommitRejects(t *testing.T) {
	s, other := newTestSession(t, ""), newTestSession(t, "")
	line := fixtureLines(t, filepath.Join(testutil.Fixtures(t), "db-client"))[filepath.Join("data", "notes.jsonl")][0]
	fresh := func() *commit.Commit {
		c, err := commit.Parse(append([]byte(nil), line...))
		if err != nil {
			t.Fatal(err)
		}
		c.Session, c.Sig, c.TS = s.ID, "", time.Now().UnixMilli()
		if err := SignCommit(s, c); err != nil {
			t.Fatal(err)
		}
		c.Encode()
		return c
	}
	check := func(name string, c *commit.Commit, signer *Session, want error) {
		t.Helper()
		if err := VerifyCommit(c, signer, "localhost"); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", name, err, want)
		}
	}
	check("valid", fresh(), s, nil)

	// One changed byte in the record.
	c := fresh()
	tampered := bytes.Replace(c.Raw, []byte(`"d":{`), []byte(`"d":{"x":1,`), 1)
	if tc, err := commit.Parse(tampered); err == nil {
		check("tampered record", tc, s, ErrBadSignature)
	} else {
		t.Fatal(err)
	}
	c = fresh()
	c.TS++
	check("tampered ts", c, s, ErrBadSignature)
	c = fresh()
	c.Sig = strings.Replace(c.Sig, c.Sig[20:21], map[bool]string{true: "a", false: "b"}[c.Sig[20] != 'a'], 1)
	if err := VerifyCommit(c, s, "localhost"); err == nil {
		t.Error("tampered signature text verified")
	}
	if err := VerifyCommit(fresh(), s, "other"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other org: %v", err)
	}
	check("wrong signer", fresh(), other, ErrSignerMismatch)
	c = fresh()
	c.Session = other.ID // "s" names another session than the signer
	check("signer is not the session", c, s, ErrSignerMismatch)
	check("signer is not the session (as other)", c, other, ErrSignerMismatch)
	c = fresh()
	c.Sig = ""
	check("unsigned", c, s, ErrUnsigned)
	c = fresh()
	c.Sig = "garbage"
	check("garbage signature", c, s, ErrBadSignature)

	exp := *s
	exp.Expiration = time.Now().Add(-time.Hour)
	check("expired signer", fresh(), &exp, ErrExpired)
	// Another key under the same id.
	imp := *other
	imp.ID = s.ID
	check("impostor key", fresh(), &imp, ErrBadSignature)

	c = fresh()
	c.Session = other.ID
	if err := SignCommit(s, c); !errors.Is(err, ErrSignerMismatch) {
		t.Errorf("signing another session's commit: %v", err)
	}
	c = fresh()
	if err := SignCommit(&exp, c); !errors.Is(err, ErrExpired) {
		t.Errorf("expired session signed: %v", err)
	}
	c = fresh()
	c.TS = s.Expiration.UnixMilli() + 1
	if err := SignCommit(s, c); !errors.Is(err, ErrExpired) {
		t.Errorf("commit after expiration signed: %v", err)
	}
}

// The repository's signer interface.
var _ interface {
	SignCommit(*commit.Commit) error
} = (*Session)(nil)

// SignCommitNoWait signs as SignCommit does (in js/wasm, with Go rather
// than WebCrypto; see webcryptotest for it inside a JavaScript callback).
func TestSignCommitNoWait(t *testing.T) {
	s := newTestSession(t, "")
	c := noteCommit(t, s)
	c.Sig = ""
	if err := s.SignCommitNoWait(c); err != nil {
		t.Fatal(err)
	}
	if err := VerifyCommit(c, s.Public(), "localhost"); err != nil {
		t.Fatal(err)
	}
	c.Session = "other"
	if err := SignCommitNoWait(s, c); !errors.Is(err, ErrSignerMismatch) {
		t.Errorf("another session's commit: %v", err)
	}
}
