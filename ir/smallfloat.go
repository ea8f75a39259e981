package ir

import "math"

// miniFormat describes one of the float8/float4 formats: a sign bit, an
// exponent and man mantissa bits, stored in the low bits of a byte.
type miniFormat struct {
	man  uint // mantissa bits
	bias int  // exponent bias
	// maxCode is the largest finite magnitude code, signBit the sign's bit.
	maxCode, signBit uint8
	// nanCode is the code a NaN encodes to.
	nanCode uint8
	// hasInf: the code above maxCode is infinity (E5M2).
	hasInf bool
	// unsignedZero: no negative zero; the sign bit alone is NaN (the FNUZ types).
	unsignedZero bool
	// alwaysSaturates: out-of-range values saturate whatever Cast's
	// saturate says (float4, which has neither infinity nor NaN).
	alwaysSaturates bool
}

// miniFormatOf returns the format of a float8/float4 dtype other than E8M0.
func miniFormatOf(dt DType) (miniFormat, bool) {
	switch dt {
	case Float8E4M3FN:
		return miniFormat{man: 3, bias: 7, maxCode: 0x7e, signBit: 0x80, nanCode: 0x7f}, true
	case Float8E4M3FNUZ:
		return miniFormat{man: 3, bias: 8, maxCode: 0x7f, signBit: 0x80, nanCode: 0x80, unsignedZero: true}, true
	case Float8E5M2:
		return miniFormat{man: 2, bias: 15, maxCode: 0x7b, signBit: 0x80, nanCode: 0x7e, hasInf: true}, true
	case Float8E5M2FNUZ:
		return miniFormat{man: 2, bias: 16, maxCode: 0x7f, signBit: 0x80, nanCode: 0x80, unsignedZero: true}, true
	case Float4E2M1:
		// float4 has no NaN or infinity; NaN encodes as -0 (as the ONNX
		// reference and ml_dtypes do).
		return miniFormat{man: 1, bias: 1, maxCode: 0x7, signBit: 0x8, nanCode: 0x8, alwaysSaturates: true}, true
	}
	return miniFormat{}, false
}

func (f miniFormat) decode(b uint8) float64 {
	b &= f.signBit<<1 - 1
	mag := b &^ f.signBit
	limit := f.maxCode
	if f.hasInf {
		limit++
	}
	switch {
	case f.unsignedZero && b == f.signBit, mag > limit:
		return math.NaN()
	case f.hasInf && mag == limit:
		return signed(math.Inf(1), b&f.signBit != 0)
	}
	exp := int(mag >> f.man)
	m := float64(mag & (1<<f.man - 1))
	if exp == 0 {
		exp = 1 // subnormal: same scale as the smallest normal, no implicit one
	} else {
		m += float64(int(1) << f.man)
	}
	return signed(math.Ldexp(m, exp-f.bias-int(f.man)), b&f.signBit != 0)
}

func signed(v float64, neg bool) float64 {
	if neg {
		return -v
	}
	return v
}

// encode rounds v to nearest even; out-of-range values saturate to the
// largest finite value, or with !saturate become infinity where the format
// has one and NaN where it does not (float4 always saturates).
func (f miniFormat) encode(v float64, saturate bool) uint8 {
	if math.IsNaN(v) {
		return f.nanCode
	}
	a := math.Abs(v)
	code := f.maxCode + 1 // overflow unless a is finite and in range
	if !math.IsInf(a, 0) {
		// k is the exponent of a's leading bit, clamped to the smallest
		// normal exponent; a/q below is then exact and rounds to n.
		emin := 1 - f.bias
		k := emin
		if _, e := math.Frexp(a); a != 0 && e-1 > emin {
			k = e - 1
		}
		n := math.RoundToEven(math.Ldexp(a, int(f.man)-k))
		// The code of n*2^(k-man): exponent field k-emin+1 plus mantissa
		// n-2^man (subnormals, k == emin and n < 2^man, come out right too,
		// and so does a carry of n to 2^(man+1)).
		c := float64(k-emin+1)*float64(int(1)<<f.man) + n - float64(int(1)<<f.man)
		if c <= float64(f.maxCode) {
			code = uint8(c)
		}
	}
	if code > f.maxCode {
		switch {
		case saturate || f.alwaysSaturates:
			code = f.maxCode
		case f.hasInf:
			code = f.maxCode + 1
		default:
			return f.nanCode
		}
	}
	if math.Signbit(v) && !(f.unsignedZero && code == 0) {
		code |= f.signBit
	}
	return code
}

// DecodeByte returns the value of one element of a one-byte dtype: uint8,
// the sign-extended 8/4/2-bit integers, or the raw bits of a float8/float4.
func DecodeByte(dt DType, b uint8) float64 {
	switch dt {
	case Int4, Int2, Int8:
		return float64(int8(b))
	case Float8E8M0:
		if b == 0xff {
			return math.NaN()
		}
		return math.Ldexp(1, int(b)-127)
	}
	if f, ok := miniFormatOf(dt); ok {
		return f.decode(b)
	}
	return float64(b)
}

// EncodeByte converts v to the one-byte representation of dt: integers
// truncate toward zero and wrap, float8/float4 round to nearest even and
// saturate to the largest finite value (float8e8m0 rounds up).
func EncodeByte(dt DType, v float64) uint8 {
	if !dt.IsFloat() {
		return wrapSmallInt(dt, floatToInt64(v))
	}
	return EncodeSmallFloat(dt, v, true)
}

// EncodeSmallFloat converts v to a float8/float4 bit pattern with
// round-to-nearest-even (float8e8m0: rounding up, as Cast does by default).
// With saturate, values beyond the largest finite value become that value;
// otherwise they become infinity where the type has one and NaN where it
// does not. float4e2m1, which has neither, always saturates and encodes NaN
// as -0.
func EncodeSmallFloat(dt DType, v float64, saturate bool) uint8 {
	if dt == Float8E8M0 {
		return EncodeFloat8E8M0(v, E8M0Up, saturate)
	}
	f, _ := miniFormatOf(dt)
	return f.encode(v, saturate)
}

// E8M0Rounding is how a value rounds to a power of two in float8e8m0
// (Cast's round_mode attribute).
type E8M0Rounding int

// The round modes of Cast to float8e8m0.
const (
	// E8M0Up rounds away from zero to the next power of two ("up").
	E8M0Up E8M0Rounding = iota
	// E8M0Down rounds toward zero ("down").
	E8M0Down
	// E8M0Nearest rounds to the nearer power of two, ties (1.5*2^k) up ("nearest").
	E8M0Nearest
)

// EncodeFloat8E8M0 converts v to float8e8m0 (2^(code-127), code 0..254,
// 0xff NaN). The sign is ignored. With saturate, values beyond the range
// (zero and infinity included) become the smallest or largest code;
// otherwise they become NaN.
func EncodeFloat8E8M0(v float64, r E8M0Rounding, saturate bool) uint8 {
	if math.IsNaN(v) {
		return 0xff
	}
	a := math.Abs(v)
	code := math.Inf(1)
	switch {
	case a == 0:
		code = math.Inf(-1)
	case !math.IsInf(a, 0):
		frac, e := math.Frexp(a) // a = frac * 2^e, frac in [0.5, 1)
		code = float64(e - 1 + 127)
		if r == E8M0Up && frac > 0.5 || r == E8M0Nearest && frac >= 0.75 {
			code++
		}
	}
	switch {
	case code >= 0 && code <= 254:
		return uint8(code)
	case !saturate:
		return 0xff
	case code < 0:
		return 0
	}
	return 254
}
