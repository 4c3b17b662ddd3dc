//go:build js && wasm

package trust

// The browser side of the signing seam (see sig.go): WebCrypto signs and
// verifies (webcrypto_js.go), and the Go code of the native build takes
// over when crypto.subtle is missing (an insecure context), when
// UseWebCrypto(false) turned it off, or when WebCrypto refuses an
// operation.
//
// Both block the calling goroutine until WebCrypto's promise settles, so
// they must never run inside a js.FuncOf callback: that deadlocks. The
// engine signs and verifies on its own goroutines.

// signPayload returns s's signature over payload as r‖s (96 bytes).
func signPayload(s *Session, payload []byte) ([]byte, error) {
	if w := webCryptoAPI(); w != nil {
		raw, err := w.sign(s.PrivateKey, payload)
		if err == nil {
			return raw, nil
		}
		warnFallback("sign", err)
	}
	return goSignPayload(s.PrivateKey, payload)
}

// verifyPayload reports whether raw (r‖s) is signer's signature over
// payload. q is signer's key as a point; digest is SHA-384(payload), or
// nil. WebCrypto hashes payload itself and needs no digest.
func verifyPayload(signer *Session, q *affine, payload []byte, digest *[48]byte, raw []byte) bool {
	if w := webCryptoAPI(); w != nil {
		valid, err := w.verify(q, signer.PublicKey, payload, raw)
		if err == nil {
			return valid
		}
		warnFallback("verify", err)
	}
	return goVerifyPayload(q, payload, digest, raw)
}
