package trust

import (
	"crypto/sha256"
	"fmt"
	"sync"

	"goatdb/internal/commit"
)

// Verify checks that c is authentic: it is signed, the signature parses,
// its signer is the commit's own session (upstream does not check this, so
// any session could write in a root's name), the signer is known here and
// had not expired when the commit and its signature were made, and the
// signature verifies over the commit as this pool's organisation reads it.
//
// Expiry is judged at the commit's time, not now: a commit made while its
// session was valid stays authentic, as a peer may receive it much later.
func (p *TrustPool) Verify(c *commit.Commit) error {
	j, pending, err := p.prepare(c)
	if !pending {
		return err
	}
	return p.settle(&j, j.verify())
}

func (p *TrustPool) verifyPrepared(pc *preparedCommit, signer *Session) error {
	j, pending, err := p.prepareSigned(pc, signer)
	if !pending {
		return err
	}
	return p.settle(&j, j.verify())
}

// sigJob is a commit that passed every check of Verify short of its
// signature, with what checking the signature needs. VerifyAll
// (poolverify_native.go, poolverify_js.go) gathers these to verify many
// at once.
type sigJob struct {
	pc     *preparedCommit
	signer *Session
	q      affine
	key    [32]byte // the verdict cache key
}

// prepare makes Verify's checks short of the signature. pending is false
// when the verdict is already known: err, or nil for a cached verdict.
func (p *TrustPool) prepare(c *commit.Commit) (j sigJob, pending bool, err error) {
	if c == nil {
		return j, false, fmt.Errorf("%w: nil commit", ErrUnsigned)
	}
	pc, err := prepareCommit(c, p.orgID)
	if err != nil {
		return j, false, err
	}
	p.mu.RLock()
	signer, ok := p.lookupLocked(pc.sig.SessionID)
	p.mu.RUnlock()
	if !ok {
		return j, false, fmt.Errorf("%w: commit %s is signed by %s", ErrUnknownSession, c.ID, pc.sig.SessionID)
	}
	return p.prepareSigned(pc, signer)
}

func (p *TrustPool) prepareSigned(pc *preparedCommit, signer *Session) (j sigJob, pending bool, err error) {
	if err := pc.check(signer); err != nil {
		return j, false, err
	}
	q, ok := pointFromKey(signer.PublicKey)
	if !ok {
		return j, false, fmt.Errorf("%w: session %s has no usable P-384 key", ErrBadSignature, signer.ID)
	}
	j = sigJob{pc: pc, signer: signer, q: q, key: verdictKey(&pc.digest, pc.sig.Raw, &q)}
	if p.cache.has(j.key) {
		return j, false, nil
	}
	return j, true, nil
}

// verify checks j's signature, one at a time.
func (j *sigJob) verify() bool {
	return verifyPayload(j.signer, &j.q, j.pc.payload, &j.pc.digest, j.pc.sig.Raw)
}

// settle turns the signature's verdict into Verify's answer and caches a
// valid one.
func (p *TrustPool) settle(j *sigJob, valid bool) error {
	if !valid {
		return fmt.Errorf("%w: commit %s does not verify with session %s", ErrBadSignature, j.pc.c.ID, j.signer.ID)
	}
	p.cache.add(j.key)
	return nil
}

// verifiedCache remembers signatures that verified, so that a commit seen
// again (a sync round that resends it, a repository reopened) costs no
// second ECDSA verification. The key is a hash of everything the verdict
// depends on: the digest of the signed bytes (which cover the commit's id
// and content), the signature and the public key. A key of id and
// signature alone would let a forged commit that reuses a genuine
// commit's id and signature pass. Expiry and signer checks run before the
// lookup, so a cached verdict never outlives its session.
//
// Memory is bounded by two generations of cacheGeneration entries: when
// the young one fills up, the old one is dropped, so what is used often
// survives and the rest ages out.
type verifiedCache struct {
	mu         sync.Mutex
	young, old map[[32]byte]struct{}
}

const cacheGeneration = 32 << 10

func verdictKey(digest *[48]byte, raw []byte, q *affine) [32]byte {
	h := sha256.New()
	h.Write(digest[:])
	h.Write(raw)
	var b [8]byte
	for _, limbs := range [2]*fe{&q.x, &q.y} {
		for _, l := range limbs {
			for i := range b {
				b[i] = byte(l >> (8 * i))
			}
			h.Write(b[:])
		}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (c *verifiedCache) has(k [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.young[k]; ok {
		return true
	}
	if _, ok := c.old[k]; ok {
		c.insertLocked(k) // promote what is still in use
		return true
	}
	return false
}

func (c *verifiedCache) add(k [32]byte) {
	c.mu.Lock()
	c.insertLocked(k)
	c.mu.Unlock()
}

func (c *verifiedCache) insertLocked(k [32]byte) {
	if c.young == nil || len(c.young) >= cacheGeneration {
		c.old, c.young = c.young, make(map[[32]byte]struct{}, 1024)
	}
	c.young[k] = struct{}{}
}
