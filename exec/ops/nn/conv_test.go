package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestConv(t *testing.T) {
	x := f32(shape(1, 1, 3, 3), seq(9)...)
	w := f32(shape(1, 1, 2, 2), 1, 1, 1, 1)
	opstest.Check(t, tol, "2x2 sums", opstest.RunOp(t, "Conv", 11, nil, 1, x, w)[0], ir.Float32, shape(1, 1, 2, 2), 12, 16, 24, 28)
	got := opstest.RunOp(t, "Conv", 11, opstest.Attrs("pads", []int64{1, 1, 1, 1}, "strides", []int64{2, 2}), 1, x, w, f32(shape(1), 10))[0]
	opstest.Check(t, tol, "pads, strides, bias", got, ir.Float32, shape(1, 1, 2, 2), 11, 15, 21, 38)
	got = opstest.RunOp(t, "Conv", 11, opstest.Attrs("group", 2), 1, f32(shape(1, 2, 1, 1), 1, 2), f32(shape(2, 1, 1, 1), 3, 4))[0]
	opstest.Check(t, tol, "groups", got, ir.Float32, shape(1, 2, 1, 1), 3, 8)

	x1 := f32(shape(1, 1, 5), seq(5)...)
	pair := f32(shape(1, 1, 2), 1, 1)
	opstest.Check(t, tol, "dilations", opstest.RunOp(t, "Conv", 11, opstest.Attrs("dilations", []int64{2}), 1, x1, pair)[0], ir.Float32, shape(1, 1, 3), 4, 6, 8)
	x4 := f32(shape(1, 1, 4), seq(4)...)
	opstest.Check(t, tol, "SAME_UPPER", opstest.RunOp(t, "Conv", 11, opstest.Attrs("auto_pad", "SAME_UPPER"), 1, x4, pair)[0], ir.Float32, shape(1, 1, 4), 3, 5, 7, 4)
	opstest.Check(t, tol, "SAME_LOWER", opstest.RunOp(t, "Conv", 11, opstest.Attrs("auto_pad", "SAME_LOWER"), 1, x4, pair)[0], ir.Float32, shape(1, 1, 4), 1, 3, 5, 7)
	opstest.Check(t, tol, "VALID", opstest.RunOp(t, "Conv", 11, opstest.Attrs("auto_pad", "VALID", "pads", []int64{3, 3}), 1, x4, pair)[0], ir.Float32, shape(1, 1, 3), 3, 5, 7)
	opstest.Check(t, tol, "3-D", opstest.RunOp(t, "Conv", 11, nil, 1, f32(shape(1, 1, 2, 1, 1), 1, 2), f32(shape(1, 1, 2, 1, 1), 3, 4))[0], ir.Float32, shape(1, 1, 1, 1, 1), 11)

	fails(t, "channel mismatch", "Conv", 11, nil, x, f32(shape(1, 2, 2, 2)))
	fails(t, "kernel larger than input", "Conv", 11, nil, x1, f32(shape(1, 1, 6)))
	fails(t, "kernel_shape disagrees with W", "Conv", 11, opstest.Attrs("kernel_shape", []int64{3, 3}), x, w)
	fails(t, "bias length", "Conv", 11, nil, x, w, f32(shape(2)))

	got = opstest.RunOp(t, "ConvInteger", 10, nil, 1, opstest.Tensor(ir.Uint8, shape(1, 1, 2), 3, 5), opstest.Tensor(ir.Uint8, shape(1, 1, 1), 2),
		opstest.Tensor(ir.Uint8, shape(), 1), opstest.Tensor(ir.Uint8, shape(1), 1))[0]
	opstest.Check(t, tol, "ConvInteger", got, ir.Int32, shape(1, 1, 2), 2, 4)
}

func TestConvTranspose(t *testing.T) {
	x := f32(shape(1, 1, 2), 1, 2)
	w := f32(shape(1, 1, 2), 1, 1)
	opstest.Check(t, tol, "plain", opstest.RunOp(t, "ConvTranspose", 11, nil, 1, x, w)[0], ir.Float32, shape(1, 1, 3), 1, 3, 2)
	s2 := opstest.Attrs("strides", []int64{2})
	opstest.Check(t, tol, "strides", opstest.RunOp(t, "ConvTranspose", 11, s2, 1, x, w)[0], ir.Float32, shape(1, 1, 4), 1, 1, 2, 2)
	got := opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("strides", []int64{2}, "output_padding", []int64{1}), 1, x, w)[0]
	opstest.Check(t, tol, "output_padding", got, ir.Float32, shape(1, 1, 5), 1, 1, 2, 2, 0)
	got = opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("strides", []int64{2}, "output_shape", []int64{5}), 1, x, w)[0]
	opstest.Check(t, tol, "output_shape beyond the reach", got, ir.Float32, shape(1, 1, 5), 1, 1, 2, 2, 0)
	opstest.Check(t, tol, "pads", opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("pads", []int64{1, 0}), 1, x, w, f32(shape(1), 1))[0], ir.Float32, shape(1, 1, 2), 4, 3)
	opstest.Check(t, tol, "SAME_UPPER", opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("auto_pad", "SAME_UPPER"), 1, x, w)[0], ir.Float32, shape(1, 1, 2), 1, 3)
	opstest.Check(t, tol, "SAME_LOWER", opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("auto_pad", "SAME_LOWER"), 1, x, w)[0], ir.Float32, shape(1, 1, 2), 3, 2)
	opstest.Check(t, tol, "dilations", opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("dilations", []int64{2}), 1, x, w)[0], ir.Float32, shape(1, 1, 4), 1, 2, 1, 2)
	got = opstest.RunOp(t, "ConvTranspose", 11, opstest.Attrs("group", 2), 1, f32(shape(1, 2, 1), 1, 2), f32(shape(2, 1, 1), 3, 4))[0]
	opstest.Check(t, tol, "groups", got, ir.Float32, shape(1, 2, 1), 3, 8)
	fails(t, "channel mismatch", "ConvTranspose", 11, nil, x, f32(shape(2, 1, 2)))
}

func TestPools(t *testing.T) {
	x := f32(shape(1, 1, 4), 1, 3, 2, 4)
	k2s2 := opstest.Attrs("kernel_shape", []int64{2}, "strides", []int64{2})
	outs := opstest.RunOp(t, "MaxPool", 12, k2s2, 2, x)
	opstest.Check(t, tol, "MaxPool", outs[0], ir.Float32, shape(1, 1, 2), 3, 4)
	opstest.Check(t, tol, "MaxPool indices", outs[1], ir.Int64, shape(1, 1, 2), 1, 3)
	x5 := f32(shape(1, 1, 5), 1, 3, 2, 4, 5)
	opstest.Check(t, tol, "MaxPool floor", opstest.RunOp(t, "MaxPool", 12, k2s2, 1, x5)[0], ir.Float32, shape(1, 1, 2), 3, 4)
	got := opstest.RunOp(t, "MaxPool", 12, opstest.Attrs("kernel_shape", []int64{2}, "strides", []int64{2}, "ceil_mode", 1), 1, x5)[0]
	opstest.Check(t, tol, "MaxPool ceil_mode", got, ir.Float32, shape(1, 1, 3), 3, 4, 5)
	sq := f32(shape(1, 1, 2, 2), 1, 2, 4, 3)
	outs = opstest.RunOp(t, "MaxPool", 12, opstest.Attrs("kernel_shape", []int64{2, 2}, "storage_order", 1), 2, sq)
	opstest.Check(t, tol, "MaxPool column-major index", outs[1], ir.Int64, shape(1, 1, 1, 1), 1)
	got = opstest.RunOp(t, "MaxPool", 12, opstest.Attrs("kernel_shape", []int64{2}, "dilations", []int64{2}), 1, x)[0]
	opstest.Check(t, tol, "MaxPool dilations", got, ir.Float32, shape(1, 1, 2), 2, 4)
	opstest.Check(t, tol, "MaxPool uint8", opstest.RunOp(t, "MaxPool", 12, k2s2, 1, opstest.Tensor(ir.Uint8, shape(1, 1, 2), 7, 200))[0], ir.Uint8, shape(1, 1, 1), 200)

	x3 := f32(shape(1, 1, 3), 1, 2, 3)
	pad := opstest.Attrs("kernel_shape", []int64{2}, "pads", []int64{1, 1})
	opstest.Check(t, tol, "AveragePool", opstest.RunOp(t, "AveragePool", 11, pad, 1, x3)[0], ir.Float32, shape(1, 1, 4), 1, 1.5, 2.5, 3)
	withPad := opstest.Attrs("kernel_shape", []int64{2}, "pads", []int64{1, 1}, "count_include_pad", 1)
	opstest.Check(t, tol, "AveragePool count_include_pad", opstest.RunOp(t, "AveragePool", 11, withPad, 1, x3)[0], ir.Float32, shape(1, 1, 4), 0.5, 1.5, 2.5, 1.5)
	// ceil_mode adds a window [2, 3] reaching past the input: it averages
	// over the one element in it, padding or not.
	ceil := opstest.Attrs("kernel_shape", []int64{2}, "strides", []int64{2}, "ceil_mode", 1, "count_include_pad", 1)
	opstest.Check(t, tol, "AveragePool ceil_mode", opstest.RunOp(t, "AveragePool", 19, ceil, 1, x3)[0], ir.Float32, shape(1, 1, 2), 1.5, 3)

	opstest.Check(t, tol, "LpPool", opstest.RunOp(t, "LpPool", 18, opstest.Attrs("kernel_shape", []int64{2}), 1, f32(shape(1, 1, 2), 3, 4))[0], ir.Float32, shape(1, 1, 1), 5)
	fails(t, "no kernel_shape", "MaxPool", 12, nil, x)
	fails(t, "rank 2", "MaxPool", 12, k2s2, f32(shape(1, 4)))

	g := f32(shape(1, 2, 2), 1, 2, 3, 5)
	opstest.Check(t, tol, "GlobalAveragePool", opstest.RunOp(t, "GlobalAveragePool", 1, nil, 1, g)[0], ir.Float32, shape(1, 2, 1), 1.5, 4)
	opstest.Check(t, tol, "GlobalMaxPool", opstest.RunOp(t, "GlobalMaxPool", 1, nil, 1, g)[0], ir.Float32, shape(1, 2, 1), 2, 5)
	opstest.Check(t, tol, "GlobalLpPool", opstest.RunOp(t, "GlobalLpPool", 2, nil, 1, g)[0], ir.Float32, shape(1, 2, 1), math.Sqrt(5), math.Sqrt(34))
}

func TestMaxUnpool(t *testing.T) {
	x, idx := f32(shape(1, 1, 2), 5, 6), opstest.Tensor(ir.Int64, shape(1, 1, 2), 1, 2)
	k2s2 := opstest.Attrs("kernel_shape", []int64{2}, "strides", []int64{2})
	opstest.Check(t, tol, "implied shape", opstest.RunOp(t, "MaxUnpool", 11, k2s2, 1, x, idx)[0], ir.Float32, shape(1, 1, 4), 0, 5, 6, 0)
	got := opstest.RunOp(t, "MaxUnpool", 11, k2s2, 1, x, idx, opstest.Tensor(ir.Int64, shape(3), 1, 1, 5))[0]
	opstest.Check(t, tol, "output_shape", got, ir.Float32, shape(1, 1, 5), 0, 5, 6, 0, 0)
	fails(t, "index out of range", "MaxUnpool", 11, k2s2, x, opstest.Tensor(ir.Int64, shape(1, 1, 2), 1, 4))
}

func TestDeformConv(t *testing.T) {
	x := f32(shape(1, 1, 3, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8)
	w := f32(shape(1, 1, 2, 2), 1, 1, 1, 1)
	zero := f32(shape(1, 8, 2, 2))
	opstest.Check(t, tol, "zero offsets", opstest.RunOp(t, "DeformConv", 19, nil, 1, x, w, zero)[0], ir.Float32, shape(1, 1, 2, 2), 8, 12, 20, 24)
	// Tap (0, 0) of output (0, 0) moves down by half a row: it reads
	// halfway between x[0][0] = 0 and x[1][0] = 3.
	shifted := f32(shape(1, 8, 2, 2))
	shifted.Data.([]float32)[0] = 0.5
	opstest.Check(t, tol, "offset", opstest.RunOp(t, "DeformConv", 19, nil, 1, x, w, shifted)[0], ir.Float32, shape(1, 1, 2, 2), 9.5, 12, 20, 24)
	mask := f32(shape(1, 4, 2, 2), 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5)
	opstest.Check(t, tol, "mask and bias", opstest.RunOp(t, "DeformConv", 19, nil, 1, x, w, zero, f32(shape(1), 1), mask)[0], ir.Float32, shape(1, 1, 2, 2), 5, 7, 11, 13)
	// Moving tap (1, 1) of output (0, 0) (offset channel 6) five rows up,
	// off the input, drops its x[1][1] = 4.
	far := f32(shape(1, 8, 2, 2))
	far.Data.([]float32)[6*4] = -5
	opstest.Check(t, tol, "off the input", opstest.RunOp(t, "DeformConv", 19, nil, 1, x, w, far)[0], ir.Float32, shape(1, 1, 2, 2), 4, 12, 20, 24)
	fails(t, "offset shape", "DeformConv", 19, nil, x, w, f32(shape(1, 4, 2, 2)))
}
