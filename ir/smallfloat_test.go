package ir

import (
	"math"
	"testing"
)

// Golden values from the OCP 8-bit floating point spec, the ONNX Cast tables
// and the Cast conformance data (test_cast_FLOAT_to_FLOAT8*, *FLOAT4E2M1*,
// test_cast_e8m0_*).
func TestDecodeByte(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		dt   DType
		b    uint8
		want float64
	}{
		{Float8E4M3FN, 0x7e, 448}, {Float8E4M3FN, 0xfe, -448}, {Float8E4M3FN, 0x7f, nan},
		{Float8E4M3FN, 0x01, 0x1p-9}, {Float8E4M3FN, 0x08, 0x1p-6}, {Float8E4M3FN, 0x2f, 0.46875},
		{Float8E4M3FNUZ, 0x7f, 240}, {Float8E4M3FNUZ, 0x80, nan}, {Float8E4M3FNUZ, 0x01, 0x1p-10},
		{Float8E5M2, 0x7b, 57344}, {Float8E5M2, 0x7c, inf}, {Float8E5M2, 0xfc, -inf},
		{Float8E5M2, 0x7d, nan}, {Float8E5M2, 0x01, 0x1p-16}, {Float8E5M2, 0x3b, 0.875},
		{Float8E5M2FNUZ, 0x7f, 57344}, {Float8E5M2FNUZ, 0x80, nan}, {Float8E5M2FNUZ, 0x01, 0x1p-17},
		{Float4E2M1, 0x1, 0.5}, {Float4E2M1, 0x2, 1}, {Float4E2M1, 0x7, 6}, {Float4E2M1, 0xe, -4},
		{Float8E8M0, 0x7f, 1}, {Float8E8M0, 0x00, 0x1p-127}, {Float8E8M0, 0xfe, 0x1p127}, {Float8E8M0, 0xff, nan},
		{Int4, 0xf8, -8}, {Uint4, 0x0f, 15}, {Int2, 0xfe, -2},
	}
	for _, c := range cases {
		got := DecodeByte(c.dt, c.b)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("DecodeByte(%v, %#x) = %g, want %g", c.dt, c.b, got, c.want)
		}
	}
	if b := DecodeByte(Float8E4M3FN, 0x80); !math.Signbit(b) || b != 0 {
		t.Errorf("E4M3FN 0x80 = %g, want -0", b)
	}
}

func TestEncodeSmallFloat(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	type encoding struct {
		dt       DType
		v        float64
		saturate bool
		want     uint8
	}
	cases := []encoding{
		{Float8E4M3FN, 0.4789254665374756, true, 0x2f},
		{Float8E4M3FN, 0.4996848702430725, true, 0x30},
		{Float8E4M3FN, 1e6, true, 0x7e}, {Float8E4M3FN, 1e6, false, 0x7f},
		{Float8E4M3FN, -inf, true, 0xfe}, {Float8E4M3FN, nan, true, 0x7f},
		{Float8E4M3FN, -1e-7, true, 0x80}, {Float8E4M3FN, 464, false, 0x7e}, {Float8E4M3FN, 465, false, 0x7f},
		{Float8E4M3FN, 0x1p-10, true, 0x00}, {Float8E4M3FN, 0x1.8p-10, true, 0x01},
		{Float8E4M3FNUZ, -1e-7, true, 0x00}, {Float8E4M3FNUZ, inf, false, 0x80}, {Float8E4M3FNUZ, 0.8191054463386536, true, 0x3d},
		{Float8E5M2, 1e6, false, 0x7c}, {Float8E5M2, -1e6, false, 0xfc}, {Float8E5M2, -1e6, true, 0xfb},
		{Float8E5M2, 0.8191054463386536, true, 0x3b}, {Float8E5M2, 0.7229037880897522, true, 0x3a},
		{Float8E5M2FNUZ, -1e6, true, 0xff}, {Float8E5M2FNUZ, nan, true, 0x80},
		{Float4E2M1, 0.48, true, 0x1}, {Float4E2M1, 0.25, true, 0x0}, {Float4E2M1, -3.5, false, 0xe},
		{Float4E2M1, -8, false, 0xf}, {Float4E2M1, nan, true, 0x8}, {Float4E2M1, math.Copysign(0, -1), true, 0x8},
		{Float8E8M0, 0.124, true, 0x7c}, {Float8E8M0, 1.1, true, 0x80}, {Float8E8M0, 0, true, 0x00},
		{Float8E8M0, 0, false, 0xff}, {Float8E8M0, inf, true, 0xfe},
	}
	for _, c := range cases {
		if got := EncodeSmallFloat(c.dt, c.v, c.saturate); got != c.want {
			t.Errorf("EncodeSmallFloat(%v, %g, %v) = %#x, want %#x", c.dt, c.v, c.saturate, got, c.want)
		}
	}
}

func TestEncodeFloat8E8M0Rounding(t *testing.T) {
	cases := []struct {
		v    float64
		r    E8M0Rounding
		want uint8
	}{
		{1.1, E8M0Up, 0x80}, {1.1, E8M0Down, 0x7f}, {1.1, E8M0Nearest, 0x7f},
		{1.5, E8M0Nearest, 0x80}, {2, E8M0Up, 0x80}, {0x1p200, E8M0Down, 0xfe},
	}
	for _, c := range cases {
		if got := EncodeFloat8E8M0(c.v, c.r, true); got != c.want {
			t.Errorf("EncodeFloat8E8M0(%g, %d) = %#x, want %#x", c.v, c.r, got, c.want)
		}
	}
}

// Every finite code decodes to a value that encodes back to the same code.
func TestSmallFloatRoundTrip(t *testing.T) {
	for _, dt := range []DType{Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2, Float8E5M2FNUZ, Float4E2M1, Float8E8M0} {
		for c := 0; c < 256; c++ {
			if dt == Float4E2M1 && c > 0xf {
				break
			}
			v := DecodeByte(dt, uint8(c))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if got := EncodeSmallFloat(dt, v, true); got != uint8(c) {
				t.Errorf("%v: code %#x decodes to %g which encodes to %#x", dt, c, v, got)
			}
		}
	}
}
