package elementwise_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func to(dt ir.DType, kv ...any) map[string]*ir.Attr {
	return opstest.Attrs(append([]any{"to", int(dt)}, kv...)...)
}

func castTo(t *testing.T, x *ir.Tensor, dt ir.DType, kv ...any) *ir.Tensor {
	t.Helper()
	return run(t, "Cast", 25, to(dt, kv...), x)
}

// Cast rules from the Cast section of Operators.md, values hand-computed.
func TestCastNumbers(t *testing.T) {
	opstest.CheckInts(t, "float->int32 truncates", castTo(t, f32(1.9, -1.9, nan), ir.Int32), ir.Int32, dims(3), 1, -1, 0)
	opstest.CheckInts(t, "float->uint8 wraps", castTo(t, f32(300.7, -1), ir.Uint8), ir.Uint8, dims(2), 44, 255)
	opstest.CheckInts(t, "float->int4 wraps", castTo(t, f32(-9, 7, 8), ir.Int4), ir.Int4, dims(3), 7, 7, -8)
	opstest.CheckInts(t, "int16->int8 wraps", castTo(t, opstest.Ints(ir.Int16, dims(1), 200), ir.Int8), ir.Int8, dims(1), -56)
	opstest.CheckInts(t, "int64->bool", castTo(t, opstest.Ints(ir.Int64, dims(3), 0, 2, -1), ir.Bool), ir.Bool, dims(3), 0, 1, 1)
	opstest.CheckInts(t, "float->bool", castTo(t, f32(0, math.Copysign(0, -1), nan, 0.1), ir.Bool), ir.Bool, dims(4), 0, 0, 1, 1)
	opstest.Check(t, tol, "bool->float", castTo(t, opstest.Bools(dims(2), true, false), ir.Float32), ir.Float32, dims(2), 1, 0)
	opstest.Check(t, tol, "uint64->double", castTo(t, opstest.Ints(ir.Uint64, dims(1), math.MinInt64), ir.Float64), ir.Float64, dims(1), 0x1p63)
	opstest.CheckInts(t, "double->uint64", castTo(t, opstest.Tensor(ir.Float64, dims(1), 0x1p63), ir.Uint64), ir.Uint64, dims(1), math.MinInt64)
	opstest.Check(t, tol, "int4->float16", castTo(t, opstest.Ints(ir.Int4, dims(2), -8, 7), ir.Float16), ir.Float16, dims(2), -8, 7)
	got := run(t, "CastLike", 25, nil, f32(1.5), opstest.Ints(ir.Int32, dims(0)))
	opstest.CheckInts(t, "CastLike", got, ir.Int32, dims(1), 1)
	// Cast-1 names the type.
	opstest.CheckInts(t, "Cast-1", run(t, "Cast", 1, opstest.Attrs("to", "INT64"), f32(2.5)), ir.Int64, dims(1), 2)
}

// Casts to float16 and bfloat16 round the value once, not first to float32.
func TestCastRoundsOnce(t *testing.T) {
	// 1 + 2^-11 + 2^-40 lies just above the midpoint of 1 and 1+2^-10;
	// through float32 it would land on the midpoint and round down to even.
	got := castTo(t, opstest.Tensor(ir.Float64, dims(1), 1+0x1p-11+0x1p-40), ir.Float16)
	if b := got.Data.([]uint16)[0]; b != 0x3c01 {
		t.Errorf("double->float16: got %#x, want 0x3c01", b)
	}
	// 2^24 + 2^16 + 1 lies just above a bfloat16 midpoint.
	got = castTo(t, opstest.Ints(ir.Int32, dims(1), 1<<24+1<<16+1), ir.BFloat16)
	opstest.Check(t, tol, "int32->bfloat16", got, ir.BFloat16, dims(1), 1<<24+1<<17)
}

func TestCastSmallFloats(t *testing.T) {
	x := f32(1e6, -1e6)
	opstest.Check(t, tol, "E5M2 saturate", castTo(t, x, ir.Float8E5M2), ir.Float8E5M2, dims(2), 57344, -57344)
	opstest.Check(t, tol, "E5M2 no saturate", castTo(t, x, ir.Float8E5M2, "saturate", 0), ir.Float8E5M2, dims(2), inf, -inf)
	opstest.Check(t, tol, "E4M3FN no saturate", castTo(t, x, ir.Float8E4M3FN, "saturate", 0), ir.Float8E4M3FN, dims(2), nan, nan)
	y := f32(1.1, 1.4, 1.5, 0)
	opstest.Check(t, tol, "E8M0 up", castTo(t, y, ir.Float8E8M0), ir.Float8E8M0, dims(4), 2, 2, 2, 0x1p-127)
	opstest.Check(t, tol, "E8M0 down", castTo(t, y, ir.Float8E8M0, "round_mode", "down"), ir.Float8E8M0, dims(4), 1, 1, 1, 0x1p-127)
	opstest.Check(t, tol, "E8M0 nearest", castTo(t, y, ir.Float8E8M0, "round_mode", "nearest", "saturate", 0),
		ir.Float8E8M0, dims(4), 1, 1, 2, nan)
	opstest.Fails(t, `unknown round_mode "sideways"`, "Cast", 25, to(ir.Float8E8M0, "round_mode", "sideways"), y)
	opstest.Check(t, tol, "float4", castTo(t, f32(0.25, 0.75, 100), ir.Float4E2M1), ir.Float4E2M1, dims(3), 0, 1, 6)
}

func TestCastStrings(t *testing.T) {
	in := opstest.Strs(dims(8), "0.47892547", "NaN", "INF", "+INF", "-INF", "1e-7", " 1E8 ", "-inf")
	opstest.Check(t, tol, "string->float", castTo(t, in, ir.Float32), ir.Float32, dims(8),
		float64(float32(0.47892547)), nan, inf, inf, -inf, float64(float32(1e-7)), 1e8, -inf)
	opstest.CheckInts(t, "string->int64", castTo(t, opstest.Strs(dims(3), "100.5", "-7", "9223372036854775807"), ir.Int64),
		ir.Int64, dims(3), 100, -7, math.MaxInt64)
	opstest.CheckInts(t, "string->uint64", castTo(t, opstest.Strs(dims(1), "18446744073709551615"), ir.Uint64), ir.Uint64, dims(1), -1)
	opstest.CheckInts(t, "string->bool", castTo(t, opstest.Strs(dims(4), "True", "0", "1.5", "false"), ir.Bool), ir.Bool, dims(4), 1, 0, 1, 0)
	opstest.Check(t, tol, "string->float8", castTo(t, opstest.Strs(dims(1), "1e6"), ir.Float8E4M3FN), ir.Float8E4M3FN, dims(1), 448)
	opstest.Fails(t, `cannot cast "hello" to f32`, "Cast", 25, to(ir.Float32), opstest.Strs(dims(1), "hello"))

	for _, c := range []struct {
		x    *ir.Tensor
		want []string
	}{
		{f32(0.5, nan, -inf, inf, 1e-7, 100, 0.47892547, 1e16), []string{"0.5", "NaN", "-INF", "INF", "1e-07", "100.0", "0.47892547", "1e+16"}},
		{opstest.Tensor(ir.Float64, dims(2), 0.1, -2.5), []string{"0.1", "-2.5"}},
		{opstest.Ints(ir.Int32, dims(1), -5), []string{"-5"}},
		{opstest.Ints(ir.Uint64, dims(1), -1), []string{"18446744073709551615"}},
		{opstest.Bools(dims(2), true, false), []string{"True", "False"}},
	} {
		got := castTo(t, c.x, ir.String)
		if fmt.Sprintf("%q", got.Data) != fmt.Sprintf("%q", c.want) {
			t.Errorf("%v->string: got %q, want %q", c.x.DType, got.Data, c.want)
		}
	}
}

func TestCastErrors(t *testing.T) {
	c := &ir.Tensor{DType: ir.Complex64, Shape: dims(1), Data: []complex64{1}}
	opstest.Fails(t, "cannot cast from dtype c64", "Cast", 25, to(ir.Float32), c)
	opstest.Fails(t, "cannot cast to dtype c64", "Cast", 25, to(ir.Complex64), f32(1))
	opstest.Fails(t, "cannot cast to dtype dtype(99)", "Cast", 25, opstest.Attrs("to", 99), f32(1))
	opstest.Fails(t, "needs two inputs", "CastLike", 25, nil, f32(1))
	opstest.Fails(t, `attribute "to" is missing`, "Cast", 25, nil, f32(1))
	opstest.Fails(t, `unknown data type "REAL"`, "Cast", 1, opstest.Attrs("to", "REAL"), f32(1))
}

func TestCastCopies(t *testing.T) {
	x := f32(1, 2)
	got := castTo(t, x, ir.Float32)
	got.Data.([]float32)[0] = 5
	if x.Data.([]float32)[0] != 1 {
		t.Error("Cast to the same type shares the input's data")
	}
}

// BitCast keeps the bits: IEEE encodings of the values below.
func TestBitCast(t *testing.T) {
	bitcast := func(x *ir.Tensor, dt ir.DType) *ir.Tensor { return run(t, "BitCast", 26, to(dt), x) }
	opstest.CheckInts(t, "float32->int32", bitcast(f32(1, -2), ir.Int32), ir.Int32, dims(2), 0x3f800000, -0x40000000)
	opstest.Check(t, tol, "int32->float32", bitcast(opstest.Ints(ir.Int32, dims(1), 0x40490fdb), ir.Float32), ir.Float32, dims(1), float64(float32(math.Pi)))
	opstest.CheckInts(t, "float64->int64", bitcast(opstest.Tensor(ir.Float64, dims(1), -2), ir.Int64), ir.Int64, dims(1), -0x4000000000000000)
	opstest.CheckInts(t, "int8->uint8", bitcast(opstest.Ints(ir.Int8, dims(2), -1, 5), ir.Uint8), ir.Uint8, dims(2), 255, 5)
	opstest.CheckInts(t, "bool->uint8", bitcast(opstest.Bools(dims(2), true, false), ir.Uint8), ir.Uint8, dims(2), 1, 0)
	opstest.CheckInts(t, "int4->uint4", bitcast(opstest.Ints(ir.Int4, dims(2), -1, -8), ir.Uint4), ir.Uint4, dims(2), 15, 8)
	opstest.CheckInts(t, "uint4->int4", bitcast(opstest.Ints(ir.Uint4, dims(1), 15), ir.Int4), ir.Int4, dims(1), -1)
	opstest.Check(t, tol, "uint16->float16", bitcast(opstest.Ints(ir.Uint16, dims(1), 0x3c00), ir.Float16), ir.Float16, dims(1), 1)
	if b := bitcast(opstest.Ints(ir.Int4, dims(1), -8), ir.Float4E2M1).Data.([]uint8)[0]; b != 0x8 {
		t.Errorf("int4 -8 -> float4: got %#x, want 0x8", b)
	}
	opstest.Fails(t, "cannot bit-cast f32 to i64", "BitCast", 26, to(ir.Int64), f32(1))
	opstest.Fails(t, "cannot bit-cast string to u8", "BitCast", 26, to(ir.Uint8), opstest.Strs(dims(1), "a"))
}
