package ir

import "math"

// DecodeByte returns the value of one element of a one-byte dtype: uint8,
// the sign-extended 4/2-bit integers, or the raw bits of a float8/float4.
func DecodeByte(dt DType, b uint8) float64 {
	switch dt {
	case Int4, Int2, Int8:
		return float64(int8(b))
	case Float8E4M3FN:
		if b&0x7f == 0x7f {
			return math.NaN()
		}
		return minifloat(b, 4, 3, 7)
	case Float8E4M3FNUZ:
		if b == 0x80 {
			return math.NaN()
		}
		return minifloat(b, 4, 3, 8)
	case Float8E5M2:
		if b&0x7f > 0x7c {
			return math.NaN()
		}
		if b&0x7f == 0x7c {
			if b&0x80 != 0 {
				return math.Inf(-1)
			}
			return math.Inf(1)
		}
		return minifloat(b, 5, 2, 15)
	case Float8E5M2FNUZ:
		if b == 0x80 {
			return math.NaN()
		}
		return minifloat(b, 5, 2, 16)
	case Float4E2M1:
		return minifloat(b&0xf<<4, 2, 1, 1)
	case Float8E8M0:
		if b == 0xff {
			return math.NaN()
		}
		return math.Ldexp(1, int(b)-127)
	}
	return float64(b)
}

// minifloat decodes an 8-bit pattern with 1 sign bit, e exponent bits and m
// mantissa bits (sub-byte formats are passed left-aligned).
func minifloat(b uint8, e, m uint, bias int) float64 {
	sign := b >> 7
	exp := int(b>>m) & (1<<e - 1)
	man := float64(int(b) & (1<<m - 1))
	var v float64
	if exp == 0 {
		v = math.Ldexp(man, 1-bias-int(m))
	} else {
		v = math.Ldexp(1+man/float64(int(1)<<m), exp-bias)
	}
	if sign == 1 {
		return -v
	}
	return v
}

// EncodeByte converts v to the one-byte representation of dt: integers
// wrap, float8/float4 round to nearest even and saturate to the largest
// finite value.
func EncodeByte(dt DType, v float64) uint8 {
	if !dt.IsFloat() {
		return wrapSmallInt(dt, floatToInt64(v))
	}
	return EncodeSmallFloat(dt, v, true)
}

// EncodeSmallFloat converts v to a float8/float4 bit pattern with
// round-to-nearest-even. With saturate, values beyond the largest finite
// value become that value; otherwise they become infinity where the type has
// one and NaN where it does not.
func EncodeSmallFloat(dt DType, v float64, saturate bool) uint8 {
	codes := smallFloatCodes(dt)
	nan := smallFloatNaN(dt)
	if math.IsNaN(v) {
		return nan
	}
	var signBit uint8 = 0x80
	if dt == Float4E2M1 {
		signBit = 0x8
	}
	neg := math.Signbit(v)
	a := math.Abs(v)
	if dt == Float8E8M0 {
		neg = false
	}
	maxCode := codes[len(codes)-1]
	maxVal := DecodeByte(dt, maxCode)
	var out uint8
	switch {
	case math.IsInf(a, 1) || a > maxVal:
		if !saturate || math.IsInf(a, 1) && !saturate {
			if dt == Float8E5M2 {
				out = 0x7c
			} else {
				return nan
			}
		} else {
			out = maxCode
		}
		if math.IsInf(a, 1) && saturate {
			out = maxCode
		}
	default:
		// Binary search the sorted table of non-negative finite codes.
		lo, hi := 0, len(codes)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if DecodeByte(dt, codes[mid]) < a {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		out = codes[lo]
		if lo > 0 {
			below := codes[lo-1]
			dBelow := a - DecodeByte(dt, below)
			dAbove := DecodeByte(dt, out) - a
			if dBelow < dAbove || dBelow == dAbove && below&1 == 0 {
				out = below
			}
		}
	}
	if neg && (out != 0 || dt != Float8E4M3FNUZ && dt != Float8E5M2FNUZ) {
		out |= signBit
	}
	return out
}

func smallFloatNaN(dt DType) uint8 {
	switch dt {
	case Float8E4M3FN:
		return 0x7f
	case Float8E5M2:
		return 0x7e
	case Float8E8M0:
		return 0xff
	case Float4E2M1:
		return 0x7 // no NaN: saturate
	}
	return 0x80
}

// smallFloatTables holds, per float8/float4 type, its non-negative finite
// codes in increasing order of value; built once at init, read-only after.
var smallFloatTables = map[DType][]uint8{}

func init() {
	for _, dt := range []DType{Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2, Float8E5M2FNUZ, Float4E2M1, Float8E8M0} {
		smallFloatTables[dt] = buildSmallFloatCodes(dt)
	}
}

func smallFloatCodes(dt DType) []uint8 { return smallFloatTables[dt] }

func buildSmallFloatCodes(dt DType) []uint8 {
	limit := 0x80
	if dt == Float4E2M1 {
		limit = 0x8
	}
	if dt == Float8E8M0 {
		limit = 0x100
	}
	var codes []uint8
	for c := 0; c < limit; c++ {
		v := DecodeByte(dt, uint8(c))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		codes = append(codes, uint8(c))
	}
	return codes
}
