//go:build !(js && wasm)

package trust

// The native side of the signing seam (see sig.go): crypto/ecdsa signs,
// p384*.go verify.

// signPayload returns s's signature over payload as r‖s (96 bytes).
func signPayload(s *Session, payload []byte) ([]byte, error) {
	return goSignPayload(s.PrivateKey, payload)
}

// verifyPayload reports whether raw (r‖s) is signer's signature over
// payload. q is signer's key as a point; digest is SHA-384(payload), or nil.
func verifyPayload(_ *Session, q *affine, payload []byte, digest *[48]byte, raw []byte) bool {
	return goVerifyPayload(q, payload, digest, raw)
}
