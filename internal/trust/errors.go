package trust

import "errors"

// Sentinel errors. Every error this package returns wraps one of them (with
// %w) together with the context a log reader needs, so that callers can map
// failures to protocol answers (403 versus 400) with errors.Is while the
// message says what exactly was wrong.
var (
	// ErrBadSignature: a signature string that does not parse, or a
	// signature that does not verify.
	ErrBadSignature = errors.New("trust: bad signature")
	// ErrUnsigned: a commit without a signature where one is required.
	ErrUnsigned = errors.New("trust: unsigned")
	// ErrUnknownSession: the signer is not a known session.
	ErrUnknownSession = errors.New("trust: unknown session")
	// ErrExpired: the session had expired at the time that matters (the
	// signature's time, the commit's time, or now for requests).
	ErrExpired = errors.New("trust: session expired")
	// ErrSignerMismatch: the signature was made by another session than the
	// one the data names (a commit's "s", or the expected signer).
	ErrSignerMismatch = errors.New("trust: signer mismatch")
	// ErrReplay: a request signature that was already accepted once.
	ErrReplay = errors.New("trust: replayed request")
	// ErrReplayGuardFull: a ReplayGuard holds as many request ids as it
	// may; it refuses new requests rather than forget ids that could still
	// be replayed.
	ErrReplayGuardFull = errors.New("trust: too many recent requests")
	// ErrStale: a request signature outside the accepted clock window.
	ErrStale = errors.New("trust: request signature outside the time window")
	// ErrNotRoot: a session commit not signed by a root session.
	ErrNotRoot = errors.New("trust: not signed by a root session")
	// ErrBadJWK: a JSON Web Key that is not a valid P-384 ECDSA key.
	ErrBadJWK = errors.New("trust: bad JWK")
	// ErrBadSession: an encoded session or session item that cannot be read.
	ErrBadSession = errors.New("trust: bad session")
	// ErrNoPrivateKey: signing with a session whose private key is unknown.
	ErrNoPrivateKey = errors.New("trust: session has no private key")
	// ErrBadJSON: payload JSON that cannot be signed or verified.
	ErrBadJSON = errors.New("trust: bad JSON")
)
