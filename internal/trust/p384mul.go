package trust

import "math/bits"

// feMul sets z = x·y·2^-384 mod p: Montgomery multiplication in CIOS
// form, unrolled, since the loop version spent more time on loop and
// array overhead than on multiplying. z may alias x or y.
func feMul(z, x, y *fe) {
	x0, x1, x2, x3, x4, x5 := x[0], x[1], x[2], x[3], x[4], x[5]
	var t0, t1, t2, t3, t4, t5, t6, t7, c, cc, m uint64
	// t = (t + x·y[0] + m·p) / 2^64
	yi := y[0]
	c, t0 = mac(x0, yi, t0, 0)
	c, t1 = mac(x1, yi, t1, c)
	c, t2 = mac(x2, yi, t2, c)
	c, t3 = mac(x3, yi, t3, c)
	c, t4 = mac(x4, yi, t4, c)
	c, t5 = mac(x5, yi, t5, c)
	t6, t7 = bits.Add64(t6, c, 0)
	m = t0 * fePInv
	c, _ = mac(m, 0x00000000ffffffff, t0, 0)
	c, t0 = mac(m, 0xffffffff00000000, t1, c)
	c, t1 = mac(m, 0xfffffffffffffffe, t2, c)
	c, t2 = mac(m, 0xffffffffffffffff, t3, c)
	c, t3 = mac(m, 0xffffffffffffffff, t4, c)
	c, t4 = mac(m, 0xffffffffffffffff, t5, c)
	t5, cc = bits.Add64(t6, c, 0)
	t6 = t7 + cc
	// t = (t + x·y[1] + m·p) / 2^64
	yi = y[1]
	c, t0 = mac(x0, yi, t0, 0)
	c, t1 = mac(x1, yi, t1, c)
	c, t2 = mac(x2, yi, t2, c)
	c, t3 = mac(x3, yi, t3, c)
	c, t4 = mac(x4, yi, t4, c)
	c, t5 = mac(x5, yi, t5, c)
	t6, t7 = bits.Add64(t6, c, 0)
	m = t0 * fePInv
	c, _ = mac(m, 0x00000000ffffffff, t0, 0)
	c, t0 = mac(m, 0xffffffff00000000, t1, c)
	c, t1 = mac(m, 0xfffffffffffffffe, t2, c)
	c, t2 = mac(m, 0xffffffffffffffff, t3, c)
	c, t3 = mac(m, 0xffffffffffffffff, t4, c)
	c, t4 = mac(m, 0xffffffffffffffff, t5, c)
	t5, cc = bits.Add64(t6, c, 0)
	t6 = t7 + cc
	// t = (t + x·y[2] + m·p) / 2^64
	yi = y[2]
	c, t0 = mac(x0, yi, t0, 0)
	c, t1 = mac(x1, yi, t1, c)
	c, t2 = mac(x2, yi, t2, c)
	c, t3 = mac(x3, yi, t3, c)
	c, t4 = mac(x4, yi, t4, c)
	c, t5 = mac(x5, yi, t5, c)
	t6, t7 = bits.Add64(t6, c, 0)
	m = t0 * fePInv
	c, _ = mac(m, 0x00000000ffffffff, t0, 0)
	c, t0 = mac(m, 0xffffffff00000000, t1, c)
	c, t1 = mac(m, 0xfffffffffffffffe, t2, c)
	c, t2 = mac(m, 0xffffffffffffffff, t3, c)
	c, t3 = mac(m, 0xffffffffffffffff, t4, c)
	c, t4 = mac(m, 0xffffffffffffffff, t5, c)
	t5, cc = bits.Add64(t6, c, 0)
	t6 = t7 + cc
	// t = (t + x·y[3] + m·p) / 2^64
	yi = y[3]
	c, t0 = mac(x0, yi, t0, 0)
	c, t1 = mac(x1, yi, t1, c)
	c, t2 = mac(x2, yi, t2, c)
	c, t3 = mac(x3, yi, t3, c)
	c, t4 = mac(x4, yi, t4, c)
	c, t5 = mac(x5, yi, t5, c)
	t6, t7 = bits.Add64(t6, c, 0)
	m = t0 * fePInv
	c, _ = mac(m, 0x00000000ffffffff, t0, 0)
	c, t0 = mac(m, 0xffffffff00000000, t1, c)
	c, t1 = mac(m, 0xfffffffffffffffe, t2, c)
	c, t2 = mac(m, 0xffffffffffffffff, t3, c)
	c, t3 = mac(m, 0xffffffffffffffff, t4, c)
	c, t4 = mac(m, 0xffffffffffffffff, t5, c)
	t5, cc = bits.Add64(t6, c, 0)
	t6 = t7 + cc
	// t = (t + x·y[4] + m·p) / 2^64
	yi = y[4]
	c, t0 = mac(x0, yi, t0, 0)
	c, t1 = mac(x1, yi, t1, c)
	c, t2 = mac(x2, yi, t2, c)
	c, t3 = mac(x3, yi, t3, c)
	c, t4 = mac(x4, yi, t4, c)
	c, t5 = mac(x5, yi, t5, c)
	t6, t7 = bits.Add64(t6, c, 0)
	m = t0 * fePInv
	c, _ = mac(m, 0x00000000ffffffff, t0, 0)
	c, t0 = mac(m, 0xffffffff00000000, t1, c)
	c, t1 = mac(m, 0xfffffffffffffffe, t2, c)
	c, t2 = mac(m, 0xffffffffffffffff, t3, c)
	c, t3 = mac(m, 0xffffffffffffffff, t4, c)
	c, t4 = mac(m, 0xffffffffffffffff, t5, c)
	t5, cc = bits.Add64(t6, c, 0)
	t6 = t7 + cc
	// t = (t + x·y[5] + m·p) / 2^64
	yi = y[5]
	c, t0 = mac(x0, yi, t0, 0)
	c, t1 = mac(x1, yi, t1, c)
	c, t2 = mac(x2, yi, t2, c)
	c, t3 = mac(x3, yi, t3, c)
	c, t4 = mac(x4, yi, t4, c)
	c, t5 = mac(x5, yi, t5, c)
	t6, t7 = bits.Add64(t6, c, 0)
	m = t0 * fePInv
	c, _ = mac(m, 0x00000000ffffffff, t0, 0)
	c, t0 = mac(m, 0xffffffff00000000, t1, c)
	c, t1 = mac(m, 0xfffffffffffffffe, t2, c)
	c, t2 = mac(m, 0xffffffffffffffff, t3, c)
	c, t3 = mac(m, 0xffffffffffffffff, t4, c)
	c, t4 = mac(m, 0xffffffffffffffff, t5, c)
	t5, cc = bits.Add64(t6, c, 0)
	t6 = t7 + cc
	// t < 2p: subtract p once if the result is still p or more.
	var u0, u1, u2, u3, u4, u5, b uint64
	u0, b = bits.Sub64(t0, 0x00000000ffffffff, 0)
	u1, b = bits.Sub64(t1, 0xffffffff00000000, b)
	u2, b = bits.Sub64(t2, 0xfffffffffffffffe, b)
	u3, b = bits.Sub64(t3, 0xffffffffffffffff, b)
	u4, b = bits.Sub64(t4, 0xffffffffffffffff, b)
	u5, b = bits.Sub64(t5, 0xffffffffffffffff, b)
	if t6 != 0 || b == 0 {
		z[0], z[1], z[2], z[3], z[4], z[5] = u0, u1, u2, u3, u4, u5
	} else {
		z[0], z[1], z[2], z[3], z[4], z[5] = t0, t1, t2, t3, t4, t5
	}
}

// mac returns x·y + t + c as (hi, lo); it cannot overflow 128 bits.
func mac(x, y, t, c uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(x, y)
	var cc uint64
	lo, cc = bits.Add64(lo, t, 0)
	hi += cc
	lo, cc = bits.Add64(lo, c, 0)
	return hi + cc, lo
}
