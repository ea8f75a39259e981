package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestQuantizeLinear(t *testing.T) {
	x := f32(shape(5), 0.5, 1.5, 2.5, -1, 300)
	got := runOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 1), tensor(ir.Uint8, shape(), 0))[0]
	check(t, "uint8", got, ir.Uint8, shape(5), 0, 2, 2, 0, 255)
	got = runOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 2), tensor(ir.Int8, shape(), -1))[0]
	check(t, "int8 with zero point", got, ir.Int8, shape(5), -1, 0, 0, -1, 127)
	got = runOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 1))[0]
	check(t, "default uint8", got, ir.Uint8, shape(5), 0, 2, 2, 0, 255)
	got = runOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 1), tensor(ir.Int4, shape(), 0))[0]
	check(t, "int4", got, ir.Int4, shape(5), 0, 2, 2, -1, 7)

	m := f32(shape(2, 2), 1, 2, 3, 4)
	got = runOp(t, "QuantizeLinear", 21, attrs("axis", 0), 1, m, f32(shape(2), 1, 2), tensor(ir.Uint8, shape(2), 0, 10))[0]
	check(t, "per axis", got, ir.Uint8, shape(2, 2), 1, 2, 12, 12)
	got = runOp(t, "QuantizeLinear", 21, attrs("axis", 1, "block_size", 2), 1,
		f32(shape(1, 3), 1, 2, 3), f32(shape(1, 2), 1, 2), tensor(ir.Uint8, shape(1, 2), 0, 0))[0]
	check(t, "blocked with a short last block", got, ir.Uint8, shape(1, 3), 1, 2, 2)
	fails(t, "per-axis scale of the wrong length", "QuantizeLinear", 21, attrs("axis", 0), m, f32(shape(3), 1, 2, 3))

	big := f32(shape(2), 1000, -1000)
	got = runOp(t, "QuantizeLinear", 21, nil, 1, big, f32(shape(), 1), tensor(ir.Float8E4M3FN, shape(), 0))[0]
	check(t, "float8 saturates", got, ir.Float8E4M3FN, shape(2), 448, -448)
	got = runOp(t, "QuantizeLinear", 21, attrs("saturate", 0), 1, big, f32(shape(), 1), tensor(ir.Float8E4M3FN, shape(), 0))[0]
	check(t, "float8 without saturate", got, ir.Float8E4M3FN, shape(2), math.NaN(), math.NaN())
}

func TestDequantizeLinear(t *testing.T) {
	got := runOp(t, "DequantizeLinear", 21, nil, 1, tensor(ir.Int8, shape(3), -2, 0, 3), f32(shape(), 0.5), tensor(ir.Int8, shape(), 1))[0]
	check(t, "int8", got, ir.Float32, shape(3), -1.5, -0.5, 1)
	got = runOp(t, "DequantizeLinear", 21, attrs("axis", 0), 1, tensor(ir.Uint8, shape(2, 2), 1, 2, 3, 4), f32(shape(2), 1, 10))[0]
	check(t, "per axis", got, ir.Float32, shape(2, 2), 1, 2, 30, 40)
	got = runOp(t, "DequantizeLinear", 21, nil, 1, tensor(ir.Int4, shape(2), -8, 7), tensor(ir.Float16, shape(), 2))[0]
	check(t, "int4 to float16", got, ir.Float16, shape(2), -16, 14)
	got = runOp(t, "DequantizeLinear", 21, attrs("output_dtype", int(ir.Float32)), 1, tensor(ir.Int32, shape(1), 3), tensor(ir.Float16, shape(), 2))[0]
	check(t, "int32 with output_dtype", got, ir.Float32, shape(1), 6)
}

func TestDynamicQuantizeLinear(t *testing.T) {
	// Range [-255, 255]: scale 2, zero point round(127.5) = 128 (half to even).
	outs := runOp(t, "DynamicQuantizeLinear", 11, nil, 3, f32(shape(3), -255, 0, 255))
	check(t, "y", outs[0], ir.Uint8, shape(3), 0, 128, 255)
	check(t, "y_scale", outs[1], ir.Float32, shape(), 2)
	check(t, "y_zero_point", outs[2], ir.Uint8, shape(), 128)
	outs = runOp(t, "DynamicQuantizeLinear", 11, nil, 3, f32(shape(2), 0, 0))
	check(t, "all zeros", outs[0], ir.Uint8, shape(2), 0, 0)
}

func TestQLinearConv(t *testing.T) {
	// x' = ([3 5]-1)*0.5, w' = (3-1)*1, bias 2 (in x_scale*w_scale units):
	// ([2 4]*2 + 2) * 0.5/2 = [1.5 2.5], rounded half to even [2 2], plus 10.
	got := runOp(t, "QLinearConv", 10, nil, 1,
		tensor(ir.Uint8, shape(1, 1, 2), 3, 5), f32(shape(), 0.5), tensor(ir.Uint8, shape(), 1),
		tensor(ir.Uint8, shape(1, 1, 1), 3), f32(shape(1), 1), tensor(ir.Uint8, shape(1), 1),
		f32(shape(), 2), tensor(ir.Uint8, shape(), 10), tensor(ir.Int32, shape(1), 2))[0]
	check(t, "QLinearConv", got, ir.Uint8, shape(1, 1, 2), 12, 12)
}
