package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"fmt"
)

// JWKs are how upstream stores and sends session keys: WebCrypto's
// exportKey('jwk'). They are written here in the member order of the
// upstream fixtures, which were exported by Deno:
//
//	{"kty":"EC","alg":"ES384","crv":"P-384","x":…,"y":…,"key_ops":["verify"],"ext":true}
//
// Node writes {"key_ops","ext","kty","x","y","crv"} without "alg"; readers
// parse JSON, so either order interoperates, but a session item stores the
// JWK as a JSON string, so the order chosen here is what later gets signed.
// Both forms are accepted when reading.

// EncodePublicJWK returns pub as upstream's public JWK.
func EncodePublicJWK(pub *ecdsa.PublicKey) ([]byte, error) {
	x, y, err := coordinates(pub)
	if err != nil {
		return nil, err
	}
	b := []byte(`{"kty":"EC","alg":"ES384","crv":"P-384","x":"`)
	b = base64.RawURLEncoding.AppendEncode(b, x)
	b = append(b, `","y":"`...)
	b = base64.RawURLEncoding.AppendEncode(b, y)
	return append(b, `","key_ops":["verify"],"ext":true}`...), nil
}

// EncodePrivateJWK returns priv as upstream's private JWK (with "d").
func EncodePrivateJWK(priv *ecdsa.PrivateKey) ([]byte, error) {
	x, y, err := coordinates(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	d, err := priv.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadJWK, err)
	}
	b := []byte(`{"kty":"EC","alg":"ES384","crv":"P-384","d":"`)
	b = base64.RawURLEncoding.AppendEncode(b, d)
	b = append(b, `","x":"`...)
	b = base64.RawURLEncoding.AppendEncode(b, x)
	b = append(b, `","y":"`...)
	b = base64.RawURLEncoding.AppendEncode(b, y)
	return append(b, `","key_ops":["sign"],"ext":true}`...), nil
}

func coordinates(pub *ecdsa.PublicKey) (x, y []byte, err error) {
	if pub == nil || pub.Curve != elliptic.P384() {
		return nil, nil, fmt.Errorf("%w: not a P-384 key", ErrBadJWK)
	}
	b, err := pub.Bytes()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadJWK, err)
	}
	return b[1:49], b[49:], nil
}

// ParsePublicJWK reads a public P-384 JWK with the checks WebCrypto's
// importKey('jwk', …, ['verify']) makes, so that a key accepted here is one
// upstream accepts too. A JWK carrying a private key ("d") is refused:
// WebCrypto refuses it for 'verify', and it should not be stored as public.
func ParsePublicJWK(b []byte) (*ecdsa.PublicKey, error) {
	v, err := parseJWK(b, "verify")
	if err != nil {
		return nil, err
	}
	if v.get("d") != nil {
		return nil, fmt.Errorf("%w: a public key must not carry \"d\"", ErrBadJWK)
	}
	return publicFromJWK(v)
}

// ParsePrivateJWK reads a private P-384 JWK; "d" must match "x" and "y".
func ParsePrivateJWK(b []byte) (*ecdsa.PrivateKey, error) {
	v, err := parseJWK(b, "sign")
	if err != nil {
		return nil, err
	}
	pub, err := publicFromJWK(v)
	if err != nil {
		return nil, err
	}
	d, err := jwkBytes(v, "d")
	if err != nil {
		return nil, err
	}
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P384(), d)
	if err != nil {
		return nil, fmt.Errorf("%w: d: %w", ErrBadJWK, err)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, fmt.Errorf("%w: d does not belong to the public point x, y", ErrBadJWK)
	}
	return priv, nil
}

// parseJWK checks the members common to both kinds of key.
func parseJWK(b []byte, op string) (*jval, error) {
	v, err := parseJS(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadJWK, err)
	}
	if v.kind != jObject {
		return nil, fmt.Errorf("%w: not a JSON object", ErrBadJWK)
	}
	for _, req := range [...][2]string{{"kty", "EC"}, {"crv", "P-384"}} {
		name, want := req[0], req[1]
		m := v.get(name)
		if m == nil {
			return nil, fmt.Errorf("%w: %q is missing", ErrBadJWK, name)
		}
		if m.kind != jString || m.str != want {
			return nil, fmt.Errorf("%w: %q is %s, want %q", ErrBadJWK, name, describeJS(m), want)
		}
	}
	// Optional members, checked as WebCrypto checks them on import.
	if m := v.get("alg"); m != nil && (m.kind != jString || m.str != "ES384") {
		return nil, fmt.Errorf("%w: \"alg\" is %s, want \"ES384\"", ErrBadJWK, describeJS(m))
	}
	if m := v.get("use"); m != nil && (m.kind != jString || m.str != "sig") {
		return nil, fmt.Errorf("%w: \"use\" is %s, want \"sig\"", ErrBadJWK, describeJS(m))
	}
	if m := v.get("ext"); m != nil && m.kind != jTrue {
		// Upstream imports keys as extractable, which ext:false forbids.
		return nil, fmt.Errorf("%w: \"ext\" is %s, want true", ErrBadJWK, describeJS(m))
	}
	if m := v.get("key_ops"); m != nil {
		if m.kind != jArray {
			return nil, fmt.Errorf("%w: \"key_ops\" is %s, want an array", ErrBadJWK, describeJS(m))
		}
		found, seen := false, map[string]bool{}
		for _, e := range m.vals {
			if e.kind != jString || seen[e.str] {
				return nil, fmt.Errorf("%w: \"key_ops\" holds %s", ErrBadJWK, describeJS(e))
			}
			seen[e.str] = true
			found = found || e.str == op
		}
		if !found {
			return nil, fmt.Errorf("%w: \"key_ops\" does not allow %q", ErrBadJWK, op)
		}
	}
	return v, nil
}

func publicFromJWK(v *jval) (*ecdsa.PublicKey, error) {
	x, err := jwkBytes(v, "x")
	if err != nil {
		return nil, err
	}
	y, err := jwkBytes(v, "y")
	if err != nil {
		return nil, err
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), point)
	if err != nil {
		return nil, fmt.Errorf("%w: point is not on P-384: %w", ErrBadJWK, err)
	}
	return pub, nil
}

// jwkBytes decodes a 48-byte member in unpadded base64url (RFC 7518 wants
// the full field length, so shorter encodings are refused).
func jwkBytes(v *jval, name string) ([]byte, error) {
	m := v.get(name)
	if m == nil {
		return nil, fmt.Errorf("%w: %q is missing", ErrBadJWK, name)
	}
	if m.kind != jString {
		return nil, fmt.Errorf("%w: %q is %s, want a base64url string", ErrBadJWK, name, describeJS(m))
	}
	// encoding/base64 skips '\r' and '\n'; a JWK may not contain them.
	if bytes.ContainsAny([]byte(m.str), "\r\n") {
		return nil, fmt.Errorf("%w: %q: line break in base64url", ErrBadJWK, name)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(m.str)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: bad base64url: %w", ErrBadJWK, name, err)
	}
	if len(b) != 48 {
		return nil, fmt.Errorf("%w: %q is %d bytes, want 48", ErrBadJWK, name, len(b))
	}
	return b, nil
}

// describeJS names a JSON value briefly for error messages.
func describeJS(v *jval) string {
	switch v.kind {
	case jString:
		if len(v.str) > 40 {
			return fmt.Sprintf("%q…", v.str[:40])
		}
		return fmt.Sprintf("%q", v.str)
	case jNumber:
		return "a number"
	case jArray:
		return "an array"
	case jObject:
		return "an object"
	case jNull:
		return "null"
	}
	return "a boolean"
}
