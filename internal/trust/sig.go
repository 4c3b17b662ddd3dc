package trust

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha512"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Signature is a decoded upstream signature string (db/session.ts
// encodeSignature): base32url of the JSON {"i","s","ts","d"?}.
type Signature struct {
	// SessionID ("i") names the signer.
	SessionID string
	// Raw ("s", base32url-decoded) is the IEEE P1363 signature r‖s, 96
	// bytes; WebCrypto writes this form, not ASN.1 DER.
	Raw []byte
	// TS ("ts") is when the signer says it signed, in ms since the epoch.
	// It is not covered by the signature.
	TS int64
	// Data ("d") is the embedded data as JSON.stringify writes it, or nil.
	// It is signed (as "sigData").
	Data []byte

	data *jval
}

// maxSignatureLen bounds what ParseSignature decodes; upstream's longest
// signatures (login tokens) are well under 1 KiB.
const maxSignatureLen = 64 << 10

// ParseSignature decodes a signature string. It checks the shape only;
// VerifyData and friends check the signature itself.
func ParseSignature(s string) (*Signature, error) {
	if len(s) > maxSignatureLen {
		return nil, fmt.Errorf("%w: %d characters, more than %d", ErrBadSignature, len(s), maxSignatureLen)
	}
	text, err := DecodeBase32URL(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	v, err := parseJS(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if v.kind != jObject {
		return nil, fmt.Errorf("%w: not a JSON object", ErrBadSignature)
	}
	sig := &Signature{}
	i := v.get("i")
	if i == nil || i.kind != jString || i.str == "" {
		return nil, fmt.Errorf("%w: \"i\" (signer id) missing or not a non-empty string", ErrBadSignature)
	}
	sig.SessionID = i.str
	raw := v.get("s")
	if raw == nil || raw.kind != jString {
		return nil, fmt.Errorf("%w: \"s\" missing or not a string", ErrBadSignature)
	}
	if sig.Raw, err = DecodeBase32URL(raw.str); err != nil {
		return nil, fmt.Errorf("%w: \"s\": %w", ErrBadSignature, err)
	}
	if len(sig.Raw) != 96 {
		return nil, fmt.Errorf("%w: \"s\" is %d bytes, want 96 (P-384 r‖s)", ErrBadSignature, len(sig.Raw))
	}
	ts := v.get("ts")
	if ts == nil || ts.kind != jNumber || ts.num != math.Trunc(ts.num) || math.Abs(ts.num) > maxDateMs {
		// Upstream would let a missing ts through its expiration check
		// (undefined > x is false); a signature must say when it was made.
		return nil, fmt.Errorf("%w: \"ts\" missing or not a time in ms", ErrBadSignature)
	}
	sig.TS = int64(ts.num)
	if d := v.get("d"); d != nil && truthy(d) {
		// Upstream's decodeSignature keeps "d" only when truthy.
		sig.data = d
		sig.Data = appendCompact(nil, d)
	}
	return sig, nil
}

// String encodes sig as upstream's encodeSignature does: JSON.stringify of
// {i, s, ts, d?} in that member order, then base32url.
func (sig *Signature) String() string {
	b := []byte(`{"i":`)
	b = appendJSString(b, sig.SessionID)
	b = append(b, `,"s":"`...)
	b = append(b, EncodeBase32URL(sig.Raw)...)
	b = append(b, `","ts":`...)
	b = strconv.AppendInt(b, sig.TS, 10)
	if sig.data != nil {
		b = append(b, `,"d":`...)
		b = appendCompact(b, sig.data)
	}
	return EncodeBase32URL(append(b, '}'))
}

// appendContainer appends upstream's signed bytes: stableStringify of
// {sessionId, extData?, sigData?}, each optional member present only when
// truthy. Sorted, the members come as extData, sessionId, sigData.
func appendContainer(dst []byte, sessionID string, ext, data *jval) ([]byte, error) {
	dst = append(dst, '{')
	if ext != nil && truthy(ext) {
		dst = append(dst, `"extData":`...)
		var err error
		if dst, err = appendStable(dst, ext); err != nil {
			return dst, err
		}
		dst = append(dst, ',')
	}
	dst = append(dst, `"sessionId":`...)
	dst = appendJSString(dst, sessionID)
	if data != nil && truthy(data) {
		dst = append(dst, `,"sigData":`...)
		var err error
		if dst, err = appendStable(dst, data); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// parseOptional parses JSON that may be absent (nil).
func parseOptional(b []byte, what string) (*jval, error) {
	if b == nil {
		return nil, nil
	}
	v, err := parseJS(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// SignData is upstream's signData: it signs extData (JSON, or nil for
// none), which travels beside the signature, and sigData (JSON, or nil),
// which is embedded in it, and returns the signature string. now becomes
// its "ts".
func SignData(s *Session, extData, sigData []byte, now time.Time) (string, error) {
	ext, err := parseOptional(extData, "extData")
	if err != nil {
		return "", err
	}
	data, err := parseOptional(sigData, "sigData")
	if err != nil {
		return "", err
	}
	return signParsed(s, ext, data, now, false)
}

// signParsed signs through the seam (signPayload), or with crypto/ecdsa
// whatever the build when noWait is set (see SignCommitNoWait).
func signParsed(s *Session, ext, data *jval, now time.Time, noWait bool) (string, error) {
	if s.PrivateKey == nil {
		return "", fmt.Errorf("%w: session %s", ErrNoPrivateKey, s.ID)
	}
	payload, err := appendContainer(nil, s.ID, ext, data)
	if err != nil {
		return "", err
	}
	var raw []byte
	if noWait {
		raw, err = goSignPayload(s.PrivateKey, payload)
	} else {
		raw, err = signPayload(s, payload)
	}
	if err != nil {
		return "", fmt.Errorf("trust: sign with session %s: %w", s.ID, err)
	}
	sig := &Signature{SessionID: s.ID, Raw: raw, TS: now.UnixMilli()}
	if data != nil && truthy(data) {
		sig.data = data
	}
	return sig.String(), nil
}

// VerifyData is upstream's verifyData: the signature must name signer, must
// not postdate signer's expiration, and must verify over extData (JSON, or
// nil) and the embedded data. It returns the decoded signature.
func VerifyData(signer *Session, signature string, extData []byte) (*Signature, error) {
	sig, err := ParseSignature(signature)
	if err != nil {
		return nil, err
	}
	ext, err := parseOptional(extData, "extData")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	payload, err := checkSigner(signer, sig, ext)
	if err != nil {
		return nil, err
	}
	if !verifySession(signer, payload, sig.Raw) {
		return nil, fmt.Errorf("%w: does not verify with session %s", ErrBadSignature, signer.ID)
	}
	return sig, nil
}

// checkSigner makes upstream's checks other than the signature itself and
// returns the bytes the signature must cover.
func checkSigner(signer *Session, sig *Signature, ext *jval) ([]byte, error) {
	if sig.SessionID != signer.ID {
		return nil, fmt.Errorf("%w: signed by %s, expected %s", ErrSignerMismatch, sig.SessionID, signer.ID)
	}
	if sig.TS > signer.Expiration.UnixMilli() {
		return nil, fmt.Errorf("%w: session %s expired at %s, signature made at %s", ErrExpired,
			signer.ID, signer.Expiration.Format(time.RFC3339Nano), time.UnixMilli(sig.TS).UTC().Format(time.RFC3339Nano))
	}
	payload, err := appendContainer(nil, signer.ID, ext, sig.data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return payload, nil
}

// Signing and verifying go through a seam with two implementations:
// sig_native.go (every build but js/wasm) uses crypto/ecdsa to sign and
// p384*.go to verify, as described in doc.go; sig_js.go (js/wasm, in the
// browser) uses WebCrypto (crypto.subtle), which is faster there than
// Go's P-384 compiled to wasm and works off the page's thread, and falls
// back to the Go code below when WebCrypto is missing. Both take the signed bytes (the payload), not
// their digest, because WebCrypto hashes the message itself:
//
//	signPayload(s, payload) (raw r‖s, err)
//	verifyPayload(signer, q, payload, digest, raw) bool
//
// q is signer's key as a point (pointFromKey), which every caller needs
// anyway to refuse unusable keys and the pool for its verdict cache;
// digest is SHA-384(payload) when the caller already has it (a prepared
// commit), nil otherwise.

// verifySession checks raw (r‖s) over payload with signer's public key.
func verifySession(signer *Session, payload, raw []byte) bool {
	q, ok := pointFromKey(signer.PublicKey)
	return ok && verifyPayload(signer, &q, payload, nil, raw)
}

// goSignPayload signs payload with crypto/ecdsa (ECDSA P-384, SHA-384) and
// returns the signature as IEEE P1363 r‖s, the form WebCrypto's sign
// returns and upstream stores.
func goSignPayload(priv *ecdsa.PrivateKey, payload []byte) ([]byte, error) {
	h := sha512.Sum384(payload)
	r, s, err := ecdsa.Sign(rand.Reader, priv, h[:])
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 96)
	r.FillBytes(raw[:48])
	s.FillBytes(raw[48:])
	return raw, nil
}

// goVerifyPayload verifies raw over payload with this package's P-384
// verifier; digest is SHA-384(payload), or nil to compute it here.
func goVerifyPayload(q *affine, payload []byte, digest *[48]byte, raw []byte) bool {
	if digest == nil {
		h := sha512.Sum384(payload)
		digest = &h
	}
	return verifyP384(q, digest[:], raw)
}
