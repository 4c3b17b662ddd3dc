package trust

import (
	"errors"
	"strings"
	"testing"
)

const fixtureJWK = `{"kty":"EC","alg":"ES384","crv":"P-384","x":"0HZgrFms2z5e7TjkGoKCuC9FsrRmT06vu20C7KbjHqjIradYEQ7fNmn6IACZ1aIF","y":"kxpyOAOr1XTQkxMqmimKhnQK26TcNqJYRs0NU8bRdvpKPr59_JPuCe0v8UbOfVC5","key_ops":["verify"],"ext":true}`

const fixturePrivateJWK = `{"kty":"EC","alg":"ES384","crv":"P-384","d":"CgWpNAF4L3a_AfFcyzOk8lKmEIasAmHeLrcVdon_Hkp0vxLLStIWlA5FbGrZ2zNI","x":"0HZgrFms2z5e7TjkGoKCuC9FsrRmT06vu20C7KbjHqjIradYEQ7fNmn6IACZ1aIF","y":"kxpyOAOr1XTQkxMqmimKhnQK26TcNqJYRs0NU8bRdvpKPr59_JPuCe0v8UbOfVC5","key_ops":["sign"],"ext":true}`

func TestJWKRoundTripsUpstreamBytes(t *testing.T) {
	pub, err := ParsePublicJWK([]byte(fixtureJWK))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := EncodePublicJWK(pub); string(got) != fixtureJWK {
		t.Errorf("public JWK\n got %s\nwant %s", got, fixtureJWK)
	}
	priv, err := ParsePrivateJWK([]byte(fixturePrivateJWK))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := EncodePrivateJWK(priv); string(got) != fixturePrivateJWK {
		t.Errorf("private JWK\n got %s\nwant %s", got, fixturePrivateJWK)
	}
	// Node's export order, without "alg", reads the same.
	node := `{"key_ops":["verify"],"ext":true,"kty":"EC","x":"0HZgrFms2z5e7TjkGoKCuC9FsrRmT06vu20C7KbjHqjIradYEQ7fNmn6IACZ1aIF","y":"kxpyOAOr1XTQkxMqmimKhnQK26TcNqJYRs0NU8bRdvpKPr59_JPuCe0v8UbOfVC5","crv":"P-384"}`
	if p2, err := ParsePublicJWK([]byte(node)); err != nil || !p2.Equal(pub) {
		t.Errorf("Node JWK: %v", err)
	}
	s := newTestSession(t, "")
	b, _ := EncodePrivateJWK(s.PrivateKey)
	if p, err := ParsePrivateJWK(b); err != nil || !p.Equal(s.PrivateKey) {
		t.Errorf("generated key: %v", err)
	}
}

func TestJWKRejects(t *testing.T) {
	x := "0HZgrFms2z5e7TjkGoKCuC9FsrRmT06vu20C7KbjHqjIradYEQ7fNmn6IACZ1aIF"
	// y of another point: (x, y') is off the curve.
	badY := "eS0hzMmUMJlv1vMol-YsbcCPaepSqIPIv0k6xrg2nPpn0K47Uh32wuVw-_w3Ynsq"
	r := strings.NewReplacer
	for name, in := range map[string]string{
		"not JSON":       `{`,
		"array":          `[]`,
		"no kty":         r(`"kty":"EC",`, ``).Replace(fixtureJWK),
		"RSA":            r(`"kty":"EC"`, `"kty":"RSA"`).Replace(fixtureJWK),
		"P-256":          r(`"crv":"P-384"`, `"crv":"P-256"`).Replace(fixtureJWK),
		"numeric crv":    r(`"crv":"P-384"`, `"crv":384`).Replace(fixtureJWK),
		"wrong alg":      r(`"alg":"ES384"`, `"alg":"ES256"`).Replace(fixtureJWK),
		"use enc":        r(`"ext":true`, `"ext":true,"use":"enc"`).Replace(fixtureJWK),
		"ext false":      r(`"ext":true`, `"ext":false`).Replace(fixtureJWK),
		"sign only":      r(`["verify"]`, `["sign"]`).Replace(fixtureJWK),
		"ops not array":  r(`["verify"]`, `"verify"`).Replace(fixtureJWK),
		"duplicate ops":  r(`["verify"]`, `["verify","verify"]`).Replace(fixtureJWK),
		"no x":           r(`"x":"`+x+`",`, ``).Replace(fixtureJWK),
		"x padded":       r(x, x+"=").Replace(fixtureJWK),
		"x std base64":   r("_", "/").Replace(fixtureJWK),
		"x line break":   r(x, x[:10]+`\n`+x[10:]).Replace(fixtureJWK),
		"x short":        r(x, x[:60]).Replace(fixtureJWK),
		"x numeric":      r(`"`+x+`"`, `1`).Replace(fixtureJWK),
		"off curve":      r("kxpyOAOr1XTQkxMqmimKhnQK26TcNqJYRs0NU8bRdvpKPr59_JPuCe0v8UbOfVC5", badY).Replace(fixtureJWK),
		"private as pub": r(`"crv":"P-384",`, `"crv":"P-384","d":"CgWpNAF4L3a_AfFcyzOk8lKmEIasAmHeLrcVdon_Hkp0vxLLStIWlA5FbGrZ2zNI",`).Replace(fixtureJWK),
	} {
		if _, err := ParsePublicJWK([]byte(in)); !errors.Is(err, ErrBadJWK) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	for name, in := range map[string]string{
		"public only":  fixtureJWK,
		"verify op":    r(`["sign"]`, `["verify"]`).Replace(fixturePrivateJWK),
		"d short":      r("CgWpNAF4L3a_AfFcyzOk8lKmEIasAmHeLrcVdon_Hkp0vxLLStIWlA5FbGrZ2zNI", "CgWpNAF4").Replace(fixturePrivateJWK),
		"d mismatched": r("CgWpNAF4L3a_AfFcyzOk8lKmEIasAmHeLrcVdon_Hkp0vxLLStIWlA5FbGrZ2zNI", "CeQBgQVz0oE7ivJxQ0WmwW7ShbcsCfXlZypZpwrWHdCPu5JzjkpLjrtE0a0d043u").Replace(fixturePrivateJWK),
		"d zero":       r("CgWpNAF4L3a_AfFcyzOk8lKmEIasAmHeLrcVdon_Hkp0vxLLStIWlA5FbGrZ2zNI", strings.Repeat("A", 64)).Replace(fixturePrivateJWK),
	} {
		if _, err := ParsePrivateJWK([]byte(in)); !errors.Is(err, ErrBadJWK) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
