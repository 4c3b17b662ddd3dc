package trust

import (
	"math/big"
	"math/bits"
	"sync"
)

// combTable holds j·16^i·P for i < 97 and j = 1…8, in affine form. With it
// k·P costs one mixed addition per non-zero base-16 digit of k (about 90)
// and no doublings, where the generic path needs 384 doublings. The base
// point has one; hot public keys get one too (see keyTables). 74 KiB each.
type combTable [97][8]affine

// buildComb computes p's table: about 2.5 times the cost of one verification
// without it.
func buildComb(p *affine) *combTable {
	const n = 97 * 8
	jac := make([]jacobian, n)
	var base jacobian
	base.setAffine(p)
	for i := 0; i < 97; i++ {
		row := jac[i*8 : (i+1)*8]
		row[0] = base
		row[1] = base
		row[1].double()
		for j := 2; j < 8; j++ {
			row[j] = row[j-1]
			row[j].add(&base)
		}
		base = row[7]
		base.double() // 16·base
	}
	// Montgomery's trick: one inversion for every point. None is infinity:
	// each multiplier j·16^i has only the prime factors 2, 3, 5 and 7, so
	// none is a multiple of the (prime) group order.
	prefix := make([]fe, n)
	acc := feOne
	for k := range jac {
		prefix[k] = acc
		feMul(&acc, &acc, &jac[k].z)
	}
	var inv fe
	feInv(&inv, &acc)
	tab := new(combTable)
	for k := n - 1; k >= 0; k-- {
		var zi, zi2, zi3 fe
		feMul(&zi, &inv, &prefix[k])
		feMul(&inv, &inv, &jac[k].z)
		feSqr(&zi2, &zi)
		feMul(&zi3, &zi2, &zi)
		a := &tab[k/8][k%8]
		feMul(&a.x, &jac[k].x, &zi2)
		feMul(&a.y, &jac[k].y, &zi3)
	}
	return tab
}

// baseTable is the base point's comb, built on first use (a few
// milliseconds) so that programs that never verify do not pay for it.
var baseTable = sync.OnceValue(func() *combTable { return buildComb(&curveG) })

// scalar is an integer below n as six little-endian limbs.
type scalar [6]uint64

func scalarFromBig(v *big.Int) scalar {
	var s scalar
	feSetBigPlain((*fe)(&s), v)
	return s
}

// recode16 writes k in base 16 with digits in [−7, 8]: signed digits halve
// the table, since −P costs only a negation.
func recode16(k *scalar) (d [97]int8) {
	var carry int8
	for i := 0; i < 96; i++ {
		v := int8(k[i/16]>>(4*(i%16))&15) + carry
		carry = 0
		if v > 8 {
			v -= 16
			carry = 1
		}
		d[i] = v
	}
	d[96] = carry
	return d
}

// addComb adds k·P to acc, given P's table and k's digits.
func addComb(acc *jacobian, tab *combTable, d *[97]int8) {
	for i := range d {
		switch v := d[i]; {
		case v > 0:
			acc.addAffine(&tab[i][v-1])
		case v < 0:
			neg := tab[i][-v-1]
			var zero fe
			feSub(&neg.y, &zero, &neg.y)
			acc.addAffine(&neg)
		}
	}
}

// wnaf5 returns k in width-5 non-adjacent form, least significant digit
// first: digits are 0 or odd in [−15, 15], and at most one of any five
// consecutive digits is non-zero, so about one in six positions costs an
// addition.
func wnaf5(k *scalar) (digits [386]int8, n int) {
	var t [7]uint64
	copy(t[:], k[:])
	for t != [7]uint64{} {
		if t[0]&1 == 1 {
			d := int64(t[0] & 31)
			if d >= 16 {
				d -= 32
			}
			digits[n] = int8(d)
			// t −= d; t stays non-negative and below 2^385.
			var c uint64
			if d > 0 {
				t[0], c = bits.Sub64(t[0], uint64(d), 0)
				for i := 1; i < 7; i++ {
					t[i], c = bits.Sub64(t[i], 0, c)
				}
			} else {
				t[0], c = bits.Add64(t[0], uint64(-d), 0)
				for i := 1; i < 7; i++ {
					t[i], c = bits.Add64(t[i], 0, c)
				}
			}
		}
		for i := 0; i < 6; i++ {
			t[i] = t[i]>>1 | t[i+1]<<63
		}
		t[6] >>= 1
		n++
	}
	return digits, n
}

// mulWNAF returns k·q by double-and-add over k's wNAF, for keys without a
// table.
func mulWNAF(k *scalar, q *affine) jacobian {
	// Odd multiples q, 3q, …, 15q.
	var tab [8]jacobian
	tab[0].setAffine(q)
	q2 := tab[0]
	q2.double()
	for j := 1; j < 8; j++ {
		tab[j] = tab[j-1]
		tab[j].add(&q2)
	}
	digits, n := wnaf5(k)
	var acc jacobian
	for i := n - 1; i >= 0; i-- {
		if !acc.isInfinity() {
			acc.double()
		}
		switch d := digits[i]; {
		case d > 0:
			acc.add(&tab[d/2])
		case d < 0:
			var m jacobian
			m.neg(&tab[-d/2])
			acc.add(&m)
		}
	}
	return acc
}

// mulAdd returns u1·G + u2·q, using q's table when it has one.
func mulAdd(u1, u2 *scalar, q *affine, qTab *combTable) jacobian {
	var acc jacobian
	if qTab != nil {
		d2 := recode16(u2)
		addComb(&acc, qTab, &d2)
	} else {
		acc = mulWNAF(u2, q)
	}
	d1 := recode16(u1)
	addComb(&acc, baseTable(), &d1)
	return acc
}
