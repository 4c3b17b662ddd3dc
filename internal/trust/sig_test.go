package trust

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

// vectorSession builds a public session from a vector's "signer".
func vectorSession(t testing.TB, v *jval) *Session {
	t.Helper()
	pub, err := ParsePublicJWK(appendCompact(nil, v.get("publicKey")))
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{ID: v.get("id").str, PublicKey: pub}
	if ms := v.get("expirationMs"); ms != nil {
		s.Expiration = time.UnixMilli(int64(ms.num)).UTC()
	} else {
		s.Expiration, _ = expirationFromSeconds(v.get("expiration").num)
	}
	if o := v.get("owner"); o != nil {
		s.Owner = o.str
	}
	return s
}

func TestSignatureVectors(t *testing.T) {
	cases := readVectors(t, "signatures.json").get("cases")
	if len(cases.vals) == 0 {
		t.Fatal("no cases")
	}
	valid := 0
	for i, c := range cases.vals {
		kind := c.get("kind").str
		signer := vectorSession(t, c.get("signer"))
		sigText := c.get("signature").str
		var ext []byte
		if e := c.get("extData"); e != nil {
			ext = appendCompact(nil, e)
		}
		want := c.get("expected").kind == jTrue

		sig, err := ParseSignature(sigText)
		if err != nil {
			t.Fatalf("case %d (%s): %v", i, kind, err)
		}
		dec := c.get("decoded")
		if sig.SessionID != dec.get("i").str || sig.TS != int64(dec.get("ts").num) || EncodeBase32URL(sig.Raw) != dec.get("s").str {
			t.Errorf("case %d (%s): decoded %+v", i, kind, sig)
		}
		if d := dec.get("d"); d != nil && string(sig.Data) != string(appendCompact(nil, d)) {
			t.Errorf("case %d (%s): d = %s", i, kind, sig.Data)
		}
		if h := c.get("rawSignatureHex"); h != nil && hex.EncodeToString(sig.Raw) != h.str {
			t.Errorf("case %d (%s): raw signature differs", i, kind)
		}
		if sig.String() != sigText {
			t.Errorf("case %d (%s): re-encoded\n got %s\nwant %s", i, kind, sig.String(), sigText)
		}
		// The payload the vector says was signed, when the signature names
		// the signer.
		if sig.SessionID == signer.ID {
			extV, _ := parseOptional(ext, "ext")
			payload, err := appendContainer(nil, signer.ID, extV, sig.data)
			if err != nil || string(payload) != c.get("payload").str {
				t.Errorf("case %d (%s): payload\n got %s\nwant %s", i, kind, payload, c.get("payload").str)
			}
		}

		_, err = VerifyData(signer, sigText, ext)
		if (err == nil) != want {
			t.Errorf("case %d (%s): VerifyData err = %v, upstream says %v", i, kind, err, want)
		}
		switch kind {
		case "wrong-signer":
			if !errors.Is(err, ErrSignerMismatch) {
				t.Errorf("wrong-signer: %v", err)
			}
		case "signed-after-signer-expiration":
			if !errors.Is(err, ErrExpired) {
				t.Errorf("expired: %v", err)
			}
		case "tampered-payload", "tampered-signature-bytes", "other-key-same-id":
			if !errors.Is(err, ErrBadSignature) {
				t.Errorf("%s: %v", kind, err)
			}
		}
		if want {
			valid++
		}
	}
	t.Logf("%d signature cases, %d valid", len(cases.vals), valid)
}

func TestSignDataRoundTrip(t *testing.T) {
	s := newTestSession(t, "")
	now := time.UnixMilli(1_700_000_000_123)
	for _, c := range []struct{ ext, data string }{
		{``, `{"id":"abc","ts":1}`},
		{`"user@example.com"`, ``},
		{`{"n":1e21,"m":0.1,"a":[3,2,1]}`, `{"u":"k","s":"x","10":1,"2":2}`},
		{`0`, `""`}, // falsy: both left out of the container
		{`"\ud800<>"`, ``},
	} {
		var ext, data []byte
		if c.ext != "" {
			ext = []byte(c.ext)
		}
		if c.data != "" {
			data = []byte(c.data)
		}
		sigText, err := SignData(s, ext, data, now)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		sig, err := VerifyData(s.Public(), sigText, ext)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if sig.TS != now.UnixMilli() {
			t.Errorf("ts = %d", sig.TS)
		}
		if c.data == `{"u":"k","s":"x","10":1,"2":2}` && string(sig.Data) != `{"2":2,"10":1,"u":"k","s":"x"}` {
			t.Errorf("d written as %s, not in JavaScript property order", sig.Data)
		}
		if _, err := VerifyData(s, sigText, []byte(`"other"`)); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%+v: other extData: %v", c, err)
		}
	}
	if _, err := SignData(s.Public(), nil, nil, now); !errors.Is(err, ErrNoPrivateKey) {
		t.Errorf("public session signed: %v", err)
	}
	if _, err := SignData(s, []byte(`{"a":null}`), nil, now); !errors.Is(err, ErrBadJSON) {
		t.Errorf("null signed: %v", err)
	}
}

func TestParseSignatureRejectsGarbage(t *testing.T) {
	s := newTestSession(t, "")
	good, _ := SignData(s, nil, nil, time.Now())
	enc := func(js string) string { return EncodeBase32URL([]byte(js)) }
	raw := EncodeBase32URL(make([]byte, 96))
	for name, in := range map[string]string{
		"empty":        "",
		"not base32":   "!!!!",
		"truncated":    good[:len(good)-8],
		"not JSON":     enc("hello"),
		"array":        enc(`[1]`),
		"no i":         enc(`{"s":"` + raw + `","ts":1}`),
		"empty i":      enc(`{"i":"","s":"` + raw + `","ts":1}`),
		"numeric i":    enc(`{"i":5,"s":"` + raw + `","ts":1}`),
		"short s":      enc(`{"i":"a","s":"aebag_==","ts":1}`),
		"s not base32": enc(`{"i":"a","s":"!","ts":1}`),
		"no ts":        enc(`{"i":"a","s":"` + raw + `"}`),
		"string ts":    enc(`{"i":"a","s":"` + raw + `","ts":"1"}`),
		"fraction ts":  enc(`{"i":"a","s":"` + raw + `","ts":1.5}`),
		"huge ts":      enc(`{"i":"a","s":"` + raw + `","ts":1e300}`),
		"too long":     strings.Repeat("a", maxSignatureLen+8),
	} {
		if _, err := ParseSignature(in); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
