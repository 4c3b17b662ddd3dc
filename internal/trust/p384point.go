package trust

// Points on P-384 (y² = x³ − 3x + b) for the variable-time verifier. Every
// formula handles its exceptional inputs (infinity, equal or opposite points)
// by branching: verification inputs are public, so branching leaks nothing,
// and an exceptional case that a formula silently got wrong would make the
// verifier accept or reject the wrong signatures.

// jacobian is (X, Y, Z) for the affine point (X/Z², Y/Z³); Z = 0 is the
// point at infinity.
type jacobian struct{ x, y, z fe }

// affine is a finite point (x, y).
type affine struct{ x, y fe }

func (p *jacobian) isInfinity() bool { return feIsZero(&p.z) }

func (p *jacobian) setAffine(a *affine) {
	p.x, p.y, p.z = a.x, a.y, feOne
}

// double sets p = 2p with the a = −3 formulas (dbl-2001-b). Infinity stays
// infinity because Z3 is computed as 2·Y·Z; P-384 has no point of order 2.
func (p *jacobian) double() {
	var delta, gamma, beta, alpha, t, u fe
	feSqr(&delta, &p.z)
	feSqr(&gamma, &p.y)
	feMul(&beta, &p.x, &gamma)
	feSub(&t, &p.x, &delta)
	feAdd(&u, &p.x, &delta)
	feMul(&alpha, &t, &u)
	feAdd(&t, &alpha, &alpha)
	feAdd(&alpha, &alpha, &t) // alpha = 3(X−δ)(X+δ)

	// Z3 = (Y+Z)² − γ − δ
	feAdd(&t, &p.y, &p.z)
	feSqr(&t, &t)
	feSub(&t, &t, &gamma)
	feSub(&p.z, &t, &delta)

	// X3 = α² − 8β
	feAdd(&beta, &beta, &beta)
	feAdd(&beta, &beta, &beta) // 4β
	feSqr(&t, &alpha)
	feAdd(&u, &beta, &beta)
	feSub(&p.x, &t, &u)

	// Y3 = α(4β − X3) − 8γ²
	feSub(&t, &beta, &p.x)
	feMul(&t, &alpha, &t)
	feSqr(&u, &gamma)
	feAdd(&u, &u, &u)
	feAdd(&u, &u, &u)
	feAdd(&u, &u, &u)
	feSub(&p.y, &t, &u)
}

// addAffine sets p = p + q (madd-2007-bl).
func (p *jacobian) addAffine(q *affine) {
	if p.isInfinity() {
		p.setAffine(q)
		return
	}
	var z1z1, u2, s2, h, hh, i, j, r, v, t fe
	feSqr(&z1z1, &p.z)
	feMul(&u2, &q.x, &z1z1)
	feMul(&s2, &q.y, &p.z)
	feMul(&s2, &s2, &z1z1)
	feSub(&h, &u2, &p.x)
	feSub(&r, &s2, &p.y)
	if feIsZero(&h) {
		if feIsZero(&r) {
			p.double()
		} else {
			*p = jacobian{}
		}
		return
	}
	feAdd(&r, &r, &r)
	feSqr(&hh, &h)
	feAdd(&i, &hh, &hh)
	feAdd(&i, &i, &i)
	feMul(&j, &h, &i)
	feMul(&v, &p.x, &i)

	// Z3 = (Z1+H)² − Z1Z1 − HH, computed before Z1 is overwritten.
	feAdd(&t, &p.z, &h)
	feSqr(&t, &t)
	feSub(&t, &t, &z1z1)
	feSub(&p.z, &t, &hh)

	// X3 = r² − J − 2V
	feSqr(&t, &r)
	feSub(&t, &t, &j)
	feSub(&t, &t, &v)
	feSub(&t, &t, &v)
	// Y3 = r(V − X3) − 2·Y1·J
	feSub(&v, &v, &t)
	feMul(&v, &r, &v)
	feMul(&j, &p.y, &j)
	feAdd(&j, &j, &j)
	feSub(&p.y, &v, &j)
	p.x = t
}

// add sets p = p + q (add-2007-bl).
func (p *jacobian) add(q *jacobian) {
	if q.isInfinity() {
		return
	}
	if p.isInfinity() {
		*p = *q
		return
	}
	var z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v, t fe
	feSqr(&z1z1, &p.z)
	feSqr(&z2z2, &q.z)
	feMul(&u1, &p.x, &z2z2)
	feMul(&u2, &q.x, &z1z1)
	feMul(&s1, &p.y, &q.z)
	feMul(&s1, &s1, &z2z2)
	feMul(&s2, &q.y, &p.z)
	feMul(&s2, &s2, &z1z1)
	feSub(&h, &u2, &u1)
	feSub(&r, &s2, &s1)
	if feIsZero(&h) {
		if feIsZero(&r) {
			p.double()
		} else {
			*p = jacobian{}
		}
		return
	}
	feAdd(&r, &r, &r)
	feAdd(&i, &h, &h)
	feSqr(&i, &i)
	feMul(&j, &h, &i)
	feMul(&v, &u1, &i)

	// Z3 = ((Z1+Z2)² − Z1Z1 − Z2Z2)·H
	feAdd(&t, &p.z, &q.z)
	feSqr(&t, &t)
	feSub(&t, &t, &z1z1)
	feSub(&t, &t, &z2z2)
	feMul(&p.z, &t, &h)

	// X3 = r² − J − 2V
	feSqr(&t, &r)
	feSub(&t, &t, &j)
	feSub(&t, &t, &v)
	feSub(&t, &t, &v)
	// Y3 = r(V − X3) − 2·S1·J
	feSub(&v, &v, &t)
	feMul(&v, &r, &v)
	feMul(&j, &s1, &j)
	feAdd(&j, &j, &j)
	feSub(&p.y, &v, &j)
	p.x = t
}

// neg sets p = −q.
func (p *jacobian) neg(q *jacobian) {
	var zero fe
	p.x, p.z = q.x, q.z
	feSub(&p.y, &zero, &q.y)
}

// toAffine returns p's affine coordinates; p must not be infinity. It costs
// an inversion, so only tests and table building use it.
func (p *jacobian) toAffine() affine {
	var zi, zi2, zi3 fe
	feInv(&zi, &p.z)
	feSqr(&zi2, &zi)
	feMul(&zi3, &zi2, &zi)
	var out affine
	feMul(&out.x, &p.x, &zi2)
	feMul(&out.y, &p.y, &zi3)
	return out
}

// onCurve reports whether a satisfies y² = x³ − 3x + b.
func (a *affine) onCurve() bool {
	var l, r, t fe
	feSqr(&l, &a.y)
	feSqr(&r, &a.x)
	feMul(&r, &r, &a.x)
	feAdd(&t, &a.x, &a.x)
	feAdd(&t, &t, &a.x)
	feSub(&r, &r, &t)
	feAdd(&r, &r, &curveB)
	return l == r
}
