package trust

import (
	"crypto/sha512"
	"fmt"
	"time"

	"goatdb/internal/commit"
)

// Commit signatures follow upstream's signCommit/verifyCommit: the signed
// data is the commit's JSON without "sig" (Commit.EncodeUnsigned), as
// extData, stable-stringified inside {extData, sessionId}.
//
// Verification re-serialises the commit rather than hashing the received
// bytes, as upstream does: key order and unknown members of the line do not
// matter, and "org" is replaced by the verifier's own organisation id
// because upstream never decodes it. Record, edit and ancestors filter are
// taken verbatim from the line; upstream re-encodes them from its decoded
// item, which yields the same JSON for everything upstream writes.

// SignCommit signs c with s and sets c.Sig. c.Session must be s's id: a
// commit whose "s" names another session than its signer is refused by
// every verifier here (upstream does not check, which let any session
// write as root). An expired session cannot sign either: upstream would,
// and its peers would then refuse the commit, so the write would be lost
// silently instead of failing.
func SignCommit(s *Session, c *commit.Commit) error { return signCommit(s, c, false) }

// SignCommit makes *Session the repository's commit signer.
func (s *Session) SignCommit(c *commit.Commit) error { return SignCommit(s, c) }

// SignCommitNoWait is SignCommit for a caller that must not wait on
// anything outside Go, such as one holding a lock that JavaScript
// callbacks may also take (repo.LockedSigner): it always signs with
// crypto/ecdsa. In js/wasm builds SignCommit signs through WebCrypto and
// waits for the JavaScript event loop to deliver the answer, which never
// comes while a callback is blocked; natively the two are the same.
func SignCommitNoWait(s *Session, c *commit.Commit) error { return signCommit(s, c, true) }

// SignCommitNoWait is the package function SignCommitNoWait.
func (s *Session) SignCommitNoWait(c *commit.Commit) error { return SignCommitNoWait(s, c) }

func signCommit(s *Session, c *commit.Commit, noWait bool) error {
	if c.Session != s.ID {
		return fmt.Errorf("%w: commit %s claims session %s, signer is %s", ErrSignerMismatch, c.ID, c.Session, s.ID)
	}
	now := time.Now()
	if exp := s.Expiration.UnixMilli(); c.TS > exp || now.UnixMilli() > exp {
		return fmt.Errorf("%w: session %s expired at %s, cannot sign commit %s", ErrExpired,
			s.ID, s.Expiration.Format(time.RFC3339Nano), c.ID)
	}
	ext, err := parseJS(c.EncodeUnsigned())
	if err != nil {
		return fmt.Errorf("trust: commit %s: %w", c.ID, err)
	}
	sig, err := signParsed(s, ext, nil, now, noWait)
	if err != nil {
		return fmt.Errorf("trust: commit %s: %w", c.ID, err)
	}
	c.Sig = sig
	return nil
}

// VerifyCommit checks c's signature as a reader with organisation orgID
// does, with signer as the signing session. Beyond upstream's checks
// (signature names signer, made before signer expired, verifies), the
// signer must be the commit's session and must not have expired at the
// commit's own time.
func VerifyCommit(c *commit.Commit, signer *Session, orgID string) error {
	p, err := prepareCommit(c, orgID)
	if err != nil {
		return err
	}
	if err := p.check(signer); err != nil {
		return err
	}
	q, ok := pointFromKey(signer.PublicKey)
	if !ok || !verifyPayload(signer, &q, p.payload, &p.digest, p.sig.Raw) {
		return fmt.Errorf("%w: commit %s does not verify with session %s", ErrBadSignature, c.ID, signer.ID)
	}
	return nil
}

// preparedCommit is everything about a commit's signature that does not
// depend on the signer: the decoded signature, the signed bytes and their
// digest. The trust pool computes it once and caches verdicts on it. The
// Go verifier needs only the digest; WebCrypto (sig_js.go) hashes the
// payload itself.
type preparedCommit struct {
	c       *commit.Commit
	sig     *Signature
	payload []byte
	digest  [48]byte
}

func prepareCommit(c *commit.Commit, orgID string) (*preparedCommit, error) {
	if c.Sig == "" {
		return nil, fmt.Errorf("%w: commit %s", ErrUnsigned, c.ID)
	}
	sig, err := ParseSignature(c.Sig)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c.ID, err)
	}
	if sig.SessionID != c.Session {
		return nil, fmt.Errorf("%w: commit %s claims session %s but is signed by %s",
			ErrSignerMismatch, c.ID, c.Session, sig.SessionID)
	}
	cc := *c
	cc.Org = orgID
	ext, err := parseJS(cc.EncodeUnsigned())
	if err != nil {
		return nil, fmt.Errorf("%w: commit %s: %w", ErrBadSignature, c.ID, err)
	}
	payload, err := appendContainer(nil, sig.SessionID, ext, sig.data)
	if err != nil {
		return nil, fmt.Errorf("%w: commit %s: %w", ErrBadSignature, c.ID, err)
	}
	return &preparedCommit{c: c, sig: sig, payload: payload, digest: sha512.Sum384(payload)}, nil
}

// check makes the checks that need the signer, short of the signature.
func (p *preparedCommit) check(signer *Session) error {
	if p.sig.SessionID != signer.ID {
		return fmt.Errorf("%w: commit %s is signed by %s, expected %s", ErrSignerMismatch, p.c.ID, p.sig.SessionID, signer.ID)
	}
	exp := signer.Expiration.UnixMilli()
	if p.sig.TS > exp || p.c.TS > exp {
		return fmt.Errorf("%w: session %s expired at %s, before commit %s (ts %d, signed at %d)", ErrExpired,
			signer.ID, signer.Expiration.Format(time.RFC3339Nano), p.c.ID, p.c.TS, p.sig.TS)
	}
	return nil
}
