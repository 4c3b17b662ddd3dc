// Package trust owns sessions, their keys and signatures, and the trust pool
// that decides which commits are authentic. (Who may read and write what is
// decided by the rules of the root package.)
//
// A session (Session) is an id, an owner and an expiration bound to a P-384
// ECDSA key pair. Sessions are stored in settings.json (Settings) and
// published as /sys/sessions items (Session.Item); keys travel as WebCrypto
// JWKs. Signatures, commit signatures and request signatures are
// byte-compatible with upstream GoatDB 0.5.1 (db/session.ts), so Go and
// TypeScript peers verify each other: the signed bytes are upstream's
// stableStringify of {sessionId, extData?, sigData?}, the signature is
// IEEE P1363 r‖s, and the signature string is upstream's base32url
// envelope. The TrustPool decides which sessions and commits are authentic.
//
// Where upstream has a security hole this package closes it, and says so
// where it does:
//   - a commit's signer must be the session it names ("s"); upstream never
//     compares them, so any session could write as root;
//   - request signatures cannot be replayed within their window
//     (ReplayGuard);
//   - private keys other than the database's own are never written or sent
//     (upstream's /auth/session leaked the root key);
//   - settings.json is replaced atomically, and a signer's expiry is also
//     checked against the commit's own time.
//
// Signing uses crypto/ecdsa. Verifying does not: crypto/ecdsa verifies a
// P-384 signature in about 1 ms here, which caps two cores at ~2,000
// verifications a second, below what receiving a large repository needs.
// p384*.go verify public data only (no secret ever reaches them, so
// timing does not matter) with precomputed tables for the keys that sign
// most, 3-4 times faster. They are checked against crypto/ecdsa by
// differential tests and a differential fuzz target (FuzzVerifyP384),
// including malleated, out-of-range and exceptional-point signatures.
//
// Compiled for the browser (GOOS=js GOARCH=wasm), the package signs and
// verifies through WebCrypto (crypto.subtle) instead, as upstream does:
// the browser's native code is faster than Go's P-384 compiled to wasm,
// most for keys without a table here, and it runs off the page's thread.
// The seam is signPayload/verifyPayload (sig.go), over the signed
// bytes rather than their digest, as WebCrypto hashes them itself; see
// webcrypto_js.go for how promises are awaited (never from inside a
// js.FuncOf callback) and for the fallback to the Go code when
// crypto.subtle is missing.
package trust
