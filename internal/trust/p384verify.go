package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"math/big"
	"sync"
	"sync/atomic"
)

// Curve constants, taken from crypto/elliptic rather than retyped.
var (
	curveN      *big.Int // group order
	curveB      fe
	curveG      affine
	curvePMinus *big.Int // p − n: r + n is a field element only when r < p − n
)

func init() {
	params := elliptic.P384().Params()
	curveN = params.N
	curveB = feFromBig(params.B)
	curveG = affine{x: feFromBig(params.Gx), y: feFromBig(params.Gy)}
	curvePMinus = new(big.Int).Sub(params.P, params.N)
}

// pointFromKey converts a crypto/ecdsa P-384 public key. Keys built by this
// package's parsers are always valid; anything else is refused rather than
// trusted.
func pointFromKey(pub *ecdsa.PublicKey) (affine, bool) {
	if pub == nil || pub.Curve != elliptic.P384() {
		return affine{}, false
	}
	b, err := pub.Bytes()
	if err != nil || len(b) != 97 || b[0] != 4 {
		return affine{}, false
	}
	var a affine
	if !feSetBytes(&a.x, b[1:49]) || !feSetBytes(&a.y, b[49:]) || !a.onCurve() {
		return affine{}, false
	}
	return a, true
}

// verifyP384 reports whether sig (r‖s, 48 bytes each, as WebCrypto writes
// it) is a valid ECDSA signature of hash by q. It follows FIPS 186-5
// §6.4.2 as crypto/ecdsa does, including hashes longer than the order
// being truncated to its bit length.
func verifyP384(q *affine, hash, sig []byte) bool {
	return verifyP384With(q, keyTables.lookup(q), hash, sig)
}

// verifyP384With is verifyP384 with q's table given (nil for none).
func verifyP384With(q *affine, qTab *combTable, hash, sig []byte) bool {
	if len(sig) != 96 {
		return false
	}
	r := new(big.Int).SetBytes(sig[:48])
	s := new(big.Int).SetBytes(sig[48:])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(curveN) >= 0 || s.Cmp(curveN) >= 0 {
		return false
	}
	if len(hash) > 48 {
		hash = hash[:48]
	}
	e := new(big.Int).SetBytes(hash)
	w := new(big.Int).ModInverse(s, curveN)
	if w == nil {
		return false
	}
	u1 := e.Mul(e, w)
	u1.Mod(u1, curveN)
	u2 := w.Mul(r, w)
	u2.Mod(u2, curveN)
	su1, su2 := scalarFromBig(u1), scalarFromBig(u2)
	p := mulAdd(&su1, &su2, q, qTab)
	if p.isInfinity() {
		return false
	}
	// x(P) = X/Z² must be r mod n: x is below p < 2n, so it is r or r + n.
	// Compare r·Z² with X instead of dividing.
	var z2, t fe
	feSqr(&z2, &p.z)
	rf := feFromBig(r)
	feMul(&t, &rf, &z2)
	if t == p.x {
		return true
	}
	if r.Cmp(curvePMinus) < 0 {
		rf = feFromBig(new(big.Int).Add(r, curveN))
		feMul(&t, &rf, &z2)
		return t == p.x
	}
	return false
}

// keyTables keeps comb tables for the public keys that verify most: a
// repository's commits come from few sessions, and a table makes each of
// their verifications 2 to 2.5 times faster. A table costs about as much as
// three verifications without it, so a key gets one only on its
// tableAfter-th use and one-off keys never pay for one. Memory stays
// bounded by maxKeyTables tables and maxKeyCounts counters.
var keyTables = &keyTableCache{uses: map[affine]int32{}, tabs: map[affine]*keyTable{}}

const (
	tableAfter   = 3
	maxKeyTables = 128  // 74 KiB each
	maxKeyCounts = 4096 // use counters of keys without a table
)

type keyTableCache struct {
	mu   sync.Mutex
	uses map[affine]int32
	tabs map[affine]*keyTable
}

// keyTable is filled once its builder finishes; until then verifications
// use the generic path rather than wait.
type keyTable struct{ ready atomic.Pointer[combTable] }

func (c *keyTableCache) lookup(q *affine) *combTable {
	c.mu.Lock()
	if e, ok := c.tabs[*q]; ok {
		c.mu.Unlock()
		return e.ready.Load()
	}
	if n := c.uses[*q] + 1; n < tableAfter {
		if len(c.uses) >= maxKeyCounts {
			clear(c.uses) // forget cold keys wholesale; hot ones recount fast
		}
		c.uses[*q] = n
		c.mu.Unlock()
		return nil
	}
	delete(c.uses, *q)
	if len(c.tabs) >= maxKeyTables {
		for k := range c.tabs { // evict an arbitrary table
			delete(c.tabs, k)
			break
		}
	}
	e := new(keyTable)
	c.tabs[*q] = e
	c.mu.Unlock()
	t := buildComb(q)
	e.ready.Store(t)
	return t
}
