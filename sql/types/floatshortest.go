package types

import (
	"math"
	"math/big"
	"strconv"
)

// PostgreSQL prints floats with its copy of Ryu, which never accepts the
// boundaries of a value's rounding interval: the shortest digits must lie
// strictly between the value and the halfway points to its neighbours.
// Go's shortest formatting includes those halfway points when the
// mantissa is even (they read back as the value under round-half-even),
// so for such values it can be one digit string shorter: '9e9'::float4
// is 8999999488, which Go prints as 9e+09 and PostgreSQL as
// 8.999999e+09, since 9e9 is exactly halfway to the next float4; and
// '1e23'::float8 prints as 9.999999999999999e+22.

// shortestDigits returns the decimal digits and exponent (value =
// 0.d1d2... × 10^(exp+1), i.e. d1.d2... × 10^exp) of PostgreSQL's
// shortest output for a finite, non-zero |f| of the given size.
func shortestDigits(f float64, bits int) (digits []byte, exp int) {
	f = math.Abs(f)
	digits, exp = goShortest(f, bits)
	if !mantissaEven(f, bits) || !mayBeHalfway(digits, exp, bits) {
		return digits, exp
	}
	lo, hi := roundingInterval(f, bits)
	if v := decimalRat(digits, exp); v.Cmp(lo) > 0 && v.Cmp(hi) < 0 {
		return digits, exp
	}
	// Go landed on a boundary: find the shortest length with a digit
	// string strictly inside, and take the one nearest the value there.
	maxDigits := 17
	if bits == 32 {
		maxDigits = 9
	}
	exact := new(big.Rat).SetFloat64(f)
	for n := len(digits); n <= maxDigits; n++ {
		rd, re := roundedDigits(f, n)
		best, bestExp := []byte(nil), 0
		var bestDist *big.Rat
		for _, c := range [][]byte{rd, nil} {
			ce := re
			if c == nil {
				// The neighbour of the rounded string on the other side
				// of the value.
				r := decimalRat(rd, re)
				up := r.Cmp(exact) < 0
				c, ce = stepDigits(rd, re, up)
			}
			v := decimalRat(c, ce)
			if v.Cmp(lo) <= 0 || v.Cmp(hi) >= 0 {
				continue
			}
			d := new(big.Rat).Sub(v, exact)
			d.Abs(d)
			if best == nil || d.Cmp(bestDist) < 0 || (d.Cmp(bestDist) == 0 && (c[len(c)-1]-'0')%2 == 0) {
				best, bestExp, bestDist = c, ce, d
			}
		}
		if best != nil {
			return trimZeros(best), bestExp
		}
	}
	return digits, exp
}

// goShortest is strconv's shortest round-tripping digits.
func goShortest(f float64, bits int) ([]byte, int) {
	var buf [32]byte
	return splitE(strconv.AppendFloat(buf[:0], f, 'e', -1, bits))
}

// roundedDigits is f correctly rounded to n significant digits.
func roundedDigits(f float64, n int) ([]byte, int) {
	var buf [40]byte
	d, e := splitE(strconv.AppendFloat(buf[:0], f, 'e', n-1, 64))
	return d, e
}

// splitE takes apart strconv's 'e' format of a non-negative number.
func splitE(e []byte) ([]byte, int) {
	epos := 0
	for e[epos] != 'e' {
		epos++
	}
	exp, _ := strconv.Atoi(string(e[epos+1:]))
	digits := make([]byte, 0, epos)
	for _, c := range e[:epos] {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	return digits, exp
}

func trimZeros(d []byte) []byte {
	for len(d) > 1 && d[len(d)-1] == '0' {
		d = d[:len(d)-1]
	}
	return d
}

// stepDigits adds or subtracts one unit in the last place of a digit
// string, keeping its length (and adjusting the exponent on a carry out
// of or a borrow into the first digit).
func stepDigits(d []byte, exp int, up bool) ([]byte, int) {
	c := append([]byte(nil), d...)
	i := len(c) - 1
	if up {
		for i >= 0 && c[i] == '9' {
			c[i] = '0'
			i--
		}
		if i < 0 {
			return append([]byte{'1'}, c[:len(c)-1]...), exp + 1
		}
		c[i]++
		return c, exp
	}
	for i >= 0 && c[i] == '0' {
		c[i] = '9'
		i--
	}
	c[i]--
	if c[0] == '0' {
		return append(c[1:], '9'), exp - 1
	}
	return c, exp
}

func mantissaEven(f float64, bits int) bool {
	if bits == 32 {
		return math.Float32bits(float32(f))&1 == 0
	}
	return math.Float64bits(f)&1 == 0
}

// mayBeHalfway is a quick test that a digit string could be a halfway
// point between two floats: such a point is a dyadic rational whose odd
// part has at most 55 bits, so d × 10^k needs d divisible by 5^-k when k
// is negative, and 5^k below 2^55 otherwise.
func mayBeHalfway(digits []byte, exp, bits int) bool {
	k := exp - (len(digits) - 1) // value = D × 10^k
	if k >= 0 {
		return k <= 23
	}
	if -k > 27 {
		return false
	}
	d, _ := strconv.ParseUint(string(digits), 10, 64)
	p := uint64(1)
	for i := 0; i < -k; i++ {
		p *= 5
	}
	return d%p == 0
}

// roundingInterval returns the halfway points between |f| and its
// neighbours.
func roundingInterval(f float64, bits int) (lo, hi *big.Rat) {
	var prev, next float64
	if bits == 32 {
		x := float32(f)
		prev = float64(math.Nextafter32(x, 0))
		next = float64(math.Nextafter32(x, float32(math.Inf(1))))
	} else {
		prev = math.Nextafter(f, 0)
		next = math.Nextafter(f, math.Inf(1))
	}
	half := big.NewRat(1, 2)
	x := new(big.Rat).SetFloat64(f)
	lo = new(big.Rat).Add(x, new(big.Rat).SetFloat64(prev))
	lo.Mul(lo, half)
	if math.IsInf(next, 0) {
		// The largest finite value: its upper bound is as far above it
		// as the lower one is below.
		hi = new(big.Rat).Sub(x, lo)
		hi.Add(hi, x)
	} else {
		hi = new(big.Rat).Add(x, new(big.Rat).SetFloat64(next))
		hi.Mul(hi, half)
	}
	return lo, hi
}

// decimalRat is d1.d2... × 10^exp exactly.
func decimalRat(digits []byte, exp int) *big.Rat {
	r, ok := new(big.Rat).SetString(string(digits) + "e" + strconv.Itoa(exp-(len(digits)-1)))
	if !ok {
		panic("types: bad digits " + string(digits))
	}
	return r
}
