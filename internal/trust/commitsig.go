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
func SignCommit(s *Session, c *commit.Commit) error {
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
	sig, err := signParsed(s, ext, nil, now)
	if err != nil {
		return fmt.Errorf("trust: commit %s: %w", c.ID, err)
	}
	c.Sig = sig
	return nil
}

// SignCommit makes *Session the repository's commit signer.
func (s *Session) SignCommit(c *commit.Commit) error { return SignCommit(s, c) }

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
	if !verifyDigest(signer, &p.digest, p.sig.Raw) {
		return fmt.Errorf("%w: commit %s does not verify with session %s", ErrBadSignature, c.ID, signer.ID)
	}
	return nil
}

// preparedCommit is everything about a commit's signature that does not
// depend on the signer: the decoded signature and the digest of the
// signed bytes. The trust pool computes it once and caches verdicts on it.
type preparedCommit struct {
	c      *commit.Commit
	sig    *Signature
	digest [48]byte
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
	return &preparedCommit{c: c, sig: sig, digest: sha512.Sum384(payload)}, nil
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
