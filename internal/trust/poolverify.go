package trust

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

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
	if c == nil {
		return fmt.Errorf("%w: nil commit", ErrUnsigned)
	}
	pc, err := prepareCommit(c, p.orgID)
	if err != nil {
		return err
	}
	p.mu.RLock()
	signer, ok := p.lookupLocked(pc.sig.SessionID)
	p.mu.RUnlock()
	if !ok {
		return fmt.Errorf("%w: commit %s is signed by %s", ErrUnknownSession, c.ID, pc.sig.SessionID)
	}
	return p.verifyPrepared(pc, signer)
}

func (p *TrustPool) verifyPrepared(pc *preparedCommit, signer *Session) error {
	if err := pc.check(signer); err != nil {
		return err
	}
	q, ok := pointFromKey(signer.PublicKey)
	if !ok {
		return fmt.Errorf("%w: session %s has no usable P-384 key", ErrBadSignature, signer.ID)
	}
	key := verdictKey(&pc.digest, pc.sig.Raw, &q)
	if p.cache.has(key) {
		return nil
	}
	if !verifyP384(&q, pc.digest[:], pc.sig.Raw) {
		return fmt.Errorf("%w: commit %s does not verify with session %s", ErrBadSignature, pc.c.ID, signer.ID)
	}
	p.cache.add(key)
	return nil
}

// VerifyAll verifies cs in parallel on all cores (GOMAXPROCS workers) and
// returns one error (nil for authentic) per commit, in order. Opening or
// receiving a repository means verifying thousands of commits, and each
// verification is pure CPU.
func (p *TrustPool) VerifyAll(cs []*commit.Commit) []error {
	errs := make([]error, len(cs))
	workers := min(runtime.GOMAXPROCS(0), len(cs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(cs) {
					return
				}
				errs[i] = p.Verify(cs[i])
			}
		})
	}
	wg.Wait()
	return errs
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
