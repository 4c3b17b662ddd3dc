package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"math/big"
	mrand "math/rand/v2"
	"testing"
)

func TestFieldArithmetic(t *testing.T) {
	p := elliptic.P384().Params().P
	if feToBigPlain(&feP).Cmp(p) != 0 {
		t.Fatal("feP is not the P-384 prime")
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	rnd := func() *big.Int {
		switch rng.IntN(6) {
		case 0:
			return big.NewInt(int64(rng.IntN(3)))
		case 1:
			return new(big.Int).Sub(p, big.NewInt(int64(1+rng.IntN(3))))
		}
		b := make([]byte, 48)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return new(big.Int).Mod(new(big.Int).SetBytes(b), p)
	}
	for i := 0; i < 5000; i++ {
		a, b := rnd(), rnd()
		fa, fb := feFromBig(a), feFromBig(b)
		var z fe
		check := func(op string, want *big.Int) {
			t.Helper()
			want.Mod(want, p)
			if got := feToBig(&z); got.Cmp(want) != 0 {
				t.Fatalf("%s(%x, %x) = %x, want %x", op, a, b, got, want)
			}
		}
		feMul(&z, &fa, &fb)
		check("mul", new(big.Int).Mul(a, b))
		feAdd(&z, &fa, &fb)
		check("add", new(big.Int).Add(a, b))
		feSub(&z, &fa, &fb)
		check("sub", new(big.Int).Sub(a, b))
		if i%100 == 0 && a.Sign() != 0 {
			feInv(&z, &fa)
			check("inv", new(big.Int).ModInverse(a, p))
		}
	}
	var buf [48]byte
	p.FillBytes(buf[:])
	var z fe
	if feSetBytes(&z, buf[:]) {
		t.Fatal("feSetBytes accepted p")
	}
}

// TestScalarMultMatchesStdlib checks u1·G + u2·Q against crypto/elliptic,
// including the scalars at the edges of the window and wNAF recodings.
func TestScalarMultMatchesStdlib(t *testing.T) {
	c := elliptic.P384()
	n := c.Params().N
	k, _ := ecdsa.GenerateKey(c, rand.Reader)
	b, _ := k.PublicKey.Bytes()
	q, ok := pointFromKey(&k.PublicKey)
	if !ok {
		t.Fatal("pointFromKey")
	}
	qx, qy := new(big.Int).SetBytes(b[1:49]), new(big.Int).SetBytes(b[49:])
	rng := mrand.New(mrand.NewPCG(3, 4))
	qTab := buildComb(&q)
	edge := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(15), big.NewInt(16), big.NewInt(17),
		big.NewInt(31), big.NewInt(32), new(big.Int).Sub(n, big.NewInt(1)), new(big.Int).Sub(n, big.NewInt(2)),
		new(big.Int).Lsh(big.NewInt(1), 383), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 383), big.NewInt(1)),
	}
	pick := func(i int) *big.Int {
		if i < len(edge) {
			return edge[i]
		}
		buf := make([]byte, 48)
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		return new(big.Int).Mod(new(big.Int).SetBytes(buf), n)
	}
	for i := 0; i < 200; i++ {
		u1, u2 := pick(i%len(edge)+i/len(edge)*len(edge)), pick((i*7)%(len(edge)+5))
		s1, s2 := scalarFromBig(u1), scalarFromBig(u2)
		got := mulAdd(&s1, &s2, &q, nil)
		if i%20 == 0 {
			gt := mulAdd(&s1, &s2, &q, qTab)
			if gt.isInfinity() != got.isInfinity() || (!got.isInfinity() && gt.toAffine() != got.toAffine()) {
				t.Fatalf("u1=%x u2=%x: table and wNAF paths differ", u1, u2)
			}
		}
		x1, y1 := c.ScalarBaseMult(u1.Bytes())
		x2, y2 := c.ScalarMult(qx, qy, u2.Bytes())
		wx, wy := c.Add(x1, y1, x2, y2)
		if wx.Sign() == 0 && wy.Sign() == 0 {
			if !got.isInfinity() {
				t.Fatalf("u1=%x u2=%x: want infinity", u1, u2)
			}
			continue
		}
		a := got.toAffine()
		if feToBig(&a.x).Cmp(wx) != 0 || feToBig(&a.y).Cmp(wy) != 0 {
			t.Fatalf("u1=%x u2=%x: point differs", u1, u2)
		}
	}
	// u1·G + u2·Q = infinity when Q = G and u2 = n − u1.
	g := curveG
	s1, s2 := scalarFromBig(big.NewInt(5)), scalarFromBig(new(big.Int).Sub(n, big.NewInt(5)))
	if p := mulAdd(&s1, &s2, &g, nil); !p.isInfinity() {
		t.Fatal("5G + (n−5)G is not infinity")
	}
	if p := mulAdd(&s1, &s2, &g, baseTable()); !p.isInfinity() {
		t.Fatal("5G + (n−5)G is not infinity with a table")
	}
}

func TestWNAF(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(5, 6))
	n := elliptic.P384().Params().N
	for i := 0; i < 2000; i++ {
		buf := make([]byte, 48)
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		v := new(big.Int).Mod(new(big.Int).SetBytes(buf), n)
		if i < 3 {
			v = new(big.Int).Sub(n, big.NewInt(int64(i+1)))
		}
		s := scalarFromBig(v)
		d, cnt := wnaf5(&s)
		sum := new(big.Int)
		for j := cnt - 1; j >= 0; j-- {
			sum.Lsh(sum, 1)
			sum.Add(sum, big.NewInt(int64(d[j])))
			if d[j] != 0 && (d[j]%2 == 0 || d[j] > 15 || d[j] < -15) {
				t.Fatalf("bad digit %d", d[j])
			}
		}
		if sum.Cmp(v) != 0 {
			t.Fatalf("wNAF of %x sums to %x", v, sum)
		}
		r := recode16(&s)
		sum.SetInt64(0)
		for j := len(r) - 1; j >= 0; j-- {
			sum.Lsh(sum, 4)
			sum.Add(sum, big.NewInt(int64(r[j])))
			if r[j] < -7 || r[j] > 8 {
				t.Fatalf("bad base-16 digit %d", r[j])
			}
		}
		if sum.Cmp(v) != 0 {
			t.Fatalf("base-16 recoding of %x sums to %x", v, sum)
		}
	}
}

// TestVerifyP384MatchesStdlib runs the fast verifier and crypto/ecdsa on
// valid, tampered and random signatures.
func TestVerifyP384MatchesStdlib(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(7, 8))
	for i := 0; i < 150; i++ {
		k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		q, _ := pointFromKey(&k.PublicKey)
		msg := []byte{byte(i), byte(i >> 8), 'm'}
		h := sha512.Sum384(msg)
		r, s, err := ecdsa.Sign(rand.Reader, k, h[:])
		if err != nil {
			t.Fatal(err)
		}
		sig := make([]byte, 96)
		r.FillBytes(sig[:48])
		s.FillBytes(sig[48:])
		variants := [][]byte{sig}
		for j := 0; j < 3; j++ {
			bad := append([]byte(nil), sig...)
			bad[rng.IntN(96)] ^= byte(1 << rng.IntN(8))
			variants = append(variants, bad)
		}
		// The negated s is valid too (ECDSA malleability), as for WebCrypto.
		neg := append([]byte(nil), sig...)
		new(big.Int).Sub(curveN, s).FillBytes(neg[48:])
		variants = append(variants, neg)
		var qTab *combTable
		if i%10 == 0 {
			qTab = buildComb(&q) // both paths: with and without a key table
		}
		for _, v := range variants {
			want := ecdsa.Verify(&k.PublicKey, h[:], new(big.Int).SetBytes(v[:48]), new(big.Int).SetBytes(v[48:]))
			if got := verifyP384With(&q, qTab, h[:], v); got != want {
				t.Fatalf("sig %x: fast verify %v, crypto/ecdsa %v", v, got, want)
			}
		}
		if !verifyP384(&q, h[:], sig) {
			t.Fatal("valid signature rejected")
		}
		other := sha512.Sum384(append(msg, 'x'))
		if verifyP384(&q, other[:], sig) {
			t.Fatal("signature accepted for another message")
		}
	}
}

func TestVerifyP384RangeChecks(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	q, _ := pointFromKey(&k.PublicKey)
	h := sha512.Sum384([]byte("x"))
	r, s, _ := ecdsa.Sign(rand.Reader, k, h[:])
	n := curveN
	for _, c := range []struct{ r, s *big.Int }{
		{big.NewInt(0), s}, {r, big.NewInt(0)}, {new(big.Int).Add(r, n), s}, {r, new(big.Int).Add(s, n)},
		{n, s}, {r, n},
	} {
		sig := make([]byte, 96)
		if c.r.BitLen() > 384 || c.s.BitLen() > 384 {
			continue
		}
		c.r.FillBytes(sig[:48])
		c.s.FillBytes(sig[48:])
		if verifyP384(&q, h[:], sig) {
			t.Fatalf("accepted r=%x s=%x", c.r, c.s)
		}
	}
	if verifyP384(&q, h[:], make([]byte, 95)) {
		t.Fatal("accepted a short signature")
	}
}

// TestVerifyP384XAboveOrder builds a signature whose R has x ≥ n, the rare
// case where x mod n = r needs the second comparison. The key is derived
// from R so that the signature verifies: Q = u2⁻¹(R − u1·G).
func TestVerifyP384XAboveOrder(t *testing.T) {
	c := elliptic.P384()
	params := c.Params()
	n, p := params.N, params.P
	// Find a point with n ≤ x < p.
	var rx, ry *big.Int
	for x := new(big.Int).Add(n, big.NewInt(1)); x.Cmp(p) < 0; x.Add(x, big.NewInt(1)) {
		rhs := new(big.Int).Exp(x, big.NewInt(3), p)
		rhs.Sub(rhs, new(big.Int).Mul(big.NewInt(3), x))
		rhs.Add(rhs, params.B)
		rhs.Mod(rhs, p)
		if y := new(big.Int).ModSqrt(rhs, p); y != nil {
			rx, ry = new(big.Int).Set(x), y
			break
		}
	}
	if rx == nil || !c.IsOnCurve(rx, ry) {
		t.Fatal("no point with x ≥ n found")
	}
	h := sha512.Sum384([]byte("edge"))
	e := new(big.Int).SetBytes(h[:])
	r := new(big.Int).Sub(rx, n)
	u1 := big.NewInt(12345)
	// s = e/u1, u2 = r·u1/e, all mod n.
	einv := new(big.Int).ModInverse(e, n)
	s := new(big.Int).Mul(e, new(big.Int).ModInverse(u1, n))
	s.Mod(s, n)
	u2 := new(big.Int).Mul(r, u1)
	u2.Mul(u2, einv)
	u2.Mod(u2, n)
	gx, gy := c.ScalarBaseMult(u1.Bytes())
	negGy := new(big.Int).Sub(p, gy)
	dx, dy := c.Add(rx, ry, gx, negGy)
	qx, qy := c.ScalarMult(dx, dy, new(big.Int).ModInverse(u2, n).Bytes())
	pt := make([]byte, 97)
	pt[0] = 4
	qx.FillBytes(pt[1:49])
	qy.FillBytes(pt[49:])
	pub, err := ecdsa.ParseUncompressedPublicKey(c, pt)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := pointFromKey(pub)
	sig := make([]byte, 96)
	r.FillBytes(sig[:48])
	s.FillBytes(sig[48:])
	if !ecdsa.Verify(pub, h[:], r, s) {
		t.Fatal("crypto/ecdsa rejects the constructed signature")
	}
	if !verifyP384(&q, h[:], sig) {
		t.Fatal("fast verify rejects a signature whose R has x ≥ n")
	}
}
