package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestQuantizeLinear(t *testing.T) {
	x := f32(shape(5), 0.5, 1.5, 2.5, -1, 300)
	got := opstest.RunOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 1), opstest.Tensor(ir.Uint8, shape(), 0))[0]
	opstest.Check(t, tol, "uint8", got, ir.Uint8, shape(5), 0, 2, 2, 0, 255)
	got = opstest.RunOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 2), opstest.Tensor(ir.Int8, shape(), -1))[0]
	opstest.Check(t, tol, "int8 with zero point", got, ir.Int8, shape(5), -1, 0, 0, -1, 127)
	got = opstest.RunOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 1))[0]
	opstest.Check(t, tol, "default uint8", got, ir.Uint8, shape(5), 0, 2, 2, 0, 255)
	got = opstest.RunOp(t, "QuantizeLinear", 21, nil, 1, x, f32(shape(), 1), opstest.Tensor(ir.Int4, shape(), 0))[0]
	opstest.Check(t, tol, "int4", got, ir.Int4, shape(5), 0, 2, 2, -1, 7)

	m := f32(shape(2, 2), 1, 2, 3, 4)
	got = opstest.RunOp(t, "QuantizeLinear", 21, opstest.Attrs("axis", 0), 1, m, f32(shape(2), 1, 2), opstest.Tensor(ir.Uint8, shape(2), 0, 10))[0]
	opstest.Check(t, tol, "per axis", got, ir.Uint8, shape(2, 2), 1, 2, 12, 12)
	got = opstest.RunOp(t, "QuantizeLinear", 21, opstest.Attrs("axis", 1, "block_size", 2), 1,
		f32(shape(1, 3), 1, 2, 3), f32(shape(1, 2), 1, 2), opstest.Tensor(ir.Uint8, shape(1, 2), 0, 0))[0]
	opstest.Check(t, tol, "blocked with a short last block", got, ir.Uint8, shape(1, 3), 1, 2, 2)
	fails(t, "per-axis scale of the wrong length", "QuantizeLinear", 21, opstest.Attrs("axis", 0), m, f32(shape(3), 1, 2, 3))

	big := f32(shape(2), 1000, -1000)
	got = opstest.RunOp(t, "QuantizeLinear", 21, nil, 1, big, f32(shape(), 1), opstest.Tensor(ir.Float8E4M3FN, shape(), 0))[0]
	opstest.Check(t, tol, "float8 saturates", got, ir.Float8E4M3FN, shape(2), 448, -448)
	got = opstest.RunOp(t, "QuantizeLinear", 21, opstest.Attrs("saturate", 0), 1, big, f32(shape(), 1), opstest.Tensor(ir.Float8E4M3FN, shape(), 0))[0]
	opstest.Check(t, tol, "float8 without saturate", got, ir.Float8E4M3FN, shape(2), math.NaN(), math.NaN())
}

func TestDequantizeLinear(t *testing.T) {
	got := opstest.RunOp(t, "DequantizeLinear", 21, nil, 1, opstest.Tensor(ir.Int8, shape(3), -2, 0, 3), f32(shape(), 0.5), opstest.Tensor(ir.Int8, shape(), 1))[0]
	opstest.Check(t, tol, "int8", got, ir.Float32, shape(3), -1.5, -0.5, 1)
	got = opstest.RunOp(t, "DequantizeLinear", 21, opstest.Attrs("axis", 0), 1, opstest.Tensor(ir.Uint8, shape(2, 2), 1, 2, 3, 4), f32(shape(2), 1, 10))[0]
	opstest.Check(t, tol, "per axis", got, ir.Float32, shape(2, 2), 1, 2, 30, 40)
	got = opstest.RunOp(t, "DequantizeLinear", 21, nil, 1, opstest.Tensor(ir.Int4, shape(2), -8, 7), opstest.Tensor(ir.Float16, shape(), 2))[0]
	opstest.Check(t, tol, "int4 to float16", got, ir.Float16, shape(2), -16, 14)
	got = opstest.RunOp(t, "DequantizeLinear", 21, opstest.Attrs("output_dtype", int(ir.Float32)), 1, opstest.Tensor(ir.Int32, shape(1), 3), opstest.Tensor(ir.Float16, shape(), 2))[0]
	opstest.Check(t, tol, "int32 with output_dtype", got, ir.Float32, shape(1), 6)
}

func TestDynamicQuantizeLinear(t *testing.T) {
	// Range [-255, 255]: scale 2, zero point round(127.5) = 128 (half to even).
	outs := opstest.RunOp(t, "DynamicQuantizeLinear", 11, nil, 3, f32(shape(3), -255, 0, 255))
	opstest.Check(t, tol, "y", outs[0], ir.Uint8, shape(3), 0, 128, 255)
	opstest.Check(t, tol, "y_scale", outs[1], ir.Float32, shape(), 2)
	opstest.Check(t, tol, "y_zero_point", outs[2], ir.Uint8, shape(), 128)
	outs = opstest.RunOp(t, "DynamicQuantizeLinear", 11, nil, 3, f32(shape(2), 0, 0))
	opstest.Check(t, tol, "all zeros", outs[0], ir.Uint8, shape(2), 0, 0)
}

func TestQLinearConv(t *testing.T) {
	// x' = ([3 5]-1)*0.5, w' = (3-1)*1, bias 2 (in x_scale*w_scale units):
	// ([2 4]*2 + 2) * 0.5/2 = [1.5 2.5], rounded half to even [2 2], plus 10.
	got := opstest.RunOp(t, "QLinearConv", 10, nil, 1,
		opstest.Tensor(ir.Uint8, shape(1, 1, 2), 3, 5), f32(shape(), 0.5), opstest.Tensor(ir.Uint8, shape(), 1),
		opstest.Tensor(ir.Uint8, shape(1, 1, 1), 3), f32(shape(1), 1), opstest.Tensor(ir.Uint8, shape(1), 1),
		f32(shape(), 2), opstest.Tensor(ir.Uint8, shape(), 10), opstest.Tensor(ir.Int32, shape(1), 2))[0]
	opstest.Check(t, tol, "QLinearConv", got, ir.Uint8, shape(1, 1, 2), 12, 12)
}
