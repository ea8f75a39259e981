package nn_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestMatMul(t *testing.T) {
	a := f32(shape(2, 3), seq(6)...)
	b := f32(shape(3, 2), seq(6)...)
	opstest.Check(t, tol, "2-D", opstest.RunOp(t, "MatMul", 13, nil, 1, a, b)[0], ir.Float32, shape(2, 2), 22, 28, 49, 64)
	opstest.Check(t, tol, "1-D x 2-D", opstest.RunOp(t, "MatMul", 13, nil, 1, f32(shape(3), 1, 2, 3), b)[0], ir.Float32, shape(2), 22, 28)
	opstest.Check(t, tol, "2-D x 1-D", opstest.RunOp(t, "MatMul", 13, nil, 1, a, f32(shape(3), 1, 1, 1))[0], ir.Float32, shape(2), 6, 15)
	opstest.Check(t, tol, "1-D x 1-D", opstest.RunOp(t, "MatMul", 13, nil, 1, f32(shape(3), 1, 2, 3), f32(shape(3), 1, 2, 3))[0], ir.Float32, shape(), 14)
	opstest.Check(t, tol, "batch broadcast", opstest.RunOp(t, "MatMul", 13, nil, 1, f32(shape(2, 1, 2), 1, 2, 3, 4), f32(shape(2, 1), 1, 1))[0],
		ir.Float32, shape(2, 1, 1), 3, 7)
	opstest.Check(t, tol, "int32", opstest.RunOp(t, "MatMul", 13, nil, 1, opstest.Tensor(ir.Int32, shape(1, 2), 2, 3), opstest.Tensor(ir.Int32, shape(2, 1), 4, 5))[0],
		ir.Int32, shape(1, 1), 23)
	opstest.Check(t, tol, "float16", opstest.RunOp(t, "MatMul", 13, nil, 1, opstest.Tensor(ir.Float16, shape(1, 2), 0.5, 2), opstest.Tensor(ir.Float16, shape(2, 1), 4, 0.25))[0],
		ir.Float16, shape(1, 1), 2.5)
	fails(t, "inner mismatch", "MatMul", 13, nil, a, a)
	fails(t, "scalar operand", "MatMul", 13, nil, f32(shape(), 1), a)
	fails(t, "batch mismatch", "MatMul", 13, nil, f32(shape(2, 1, 1), 1, 2), f32(shape(3, 1, 1), 1, 2, 3))
}

func TestGemm(t *testing.T) {
	at := f32(shape(3, 2), 1, 4, 2, 5, 3, 6) // transposed [[1 2 3] [4 5 6]]
	b := f32(shape(3, 2), seq(6)...)
	bt := f32(shape(2, 3), 1, 3, 5, 2, 4, 6)
	c := f32(shape(2), 10, 20)
	got := opstest.RunOp(t, "Gemm", 13, opstest.Attrs("transA", 1, "alpha", float32(2), "beta", float32(0.5)), 1, at, b, c)[0]
	opstest.Check(t, tol, "transA alpha beta", got, ir.Float32, shape(2, 2), 49, 66, 103, 138)
	got = opstest.RunOp(t, "Gemm", 13, opstest.Attrs("transB", 1), 1, f32(shape(2, 3), seq(6)...), bt)[0]
	opstest.Check(t, tol, "transB no C", got, ir.Float32, shape(2, 2), 22, 28, 49, 64)
	got = opstest.RunOp(t, "Gemm", 13, nil, 1, f32(shape(2, 3), seq(6)...), b, f32(shape(), 1))[0]
	opstest.Check(t, tol, "scalar C", got, ir.Float32, shape(2, 2), 23, 29, 50, 65)
	fails(t, "C not broadcastable", "Gemm", 13, nil, f32(shape(2, 3), seq(6)...), b, f32(shape(3), 1, 2, 3))
	fails(t, "C broadcasting the output", "Gemm", 13, nil, f32(shape(2, 3), seq(6)...), b, f32(shape(3, 2, 2), seq(12)...))
	fails(t, "inner mismatch", "Gemm", 13, nil, f32(shape(2, 3), seq(6)...), bt)
	fails(t, "not a matrix", "Gemm", 13, nil, f32(shape(6), seq(6)...), b)
}

func TestIntegerMatMuls(t *testing.T) {
	a := opstest.Tensor(ir.Uint8, shape(2, 2), 5, 6, 7, 8)
	b := opstest.Tensor(ir.Int8, shape(2, 2), 1, 0, 0, 1)
	got := opstest.RunOp(t, "MatMulInteger", 10, nil, 1, a, b, opstest.Tensor(ir.Uint8, shape(), 1), opstest.Tensor(ir.Int8, shape(2), 0, 1))[0]
	opstest.Check(t, tol, "MatMulInteger", got, ir.Int32, shape(2, 2), 4, -4, 6, -6)
	got = opstest.RunOp(t, "MatMulInteger", 10, nil, 1, a, b, opstest.Tensor(ir.Uint8, shape(2), 5, 7))[0]
	opstest.Check(t, tol, "MatMulInteger per-row a_zero_point", got, ir.Int32, shape(2, 2), 0, 1, 0, 1)
	fails(t, "zero point of the wrong length", "MatMulInteger", 10, nil, a, b, opstest.Tensor(ir.Uint8, shape(3), 1, 2, 3))

	// a' = ([10 20]-10)*0.5 = [0 5], b' = [2 4]*0.25 = [0.5 1]: a'b' = 5; 5/0.5 + 1 = 11.
	one := func(dt ir.DType, v float64) *ir.Tensor { return opstest.Tensor(dt, shape(), v) }
	got = opstest.RunOp(t, "QLinearMatMul", 21, nil, 1,
		opstest.Tensor(ir.Uint8, shape(1, 2), 10, 20), one(ir.Float32, 0.5), one(ir.Uint8, 10),
		opstest.Tensor(ir.Uint8, shape(2, 1), 2, 4), one(ir.Float32, 0.25), one(ir.Uint8, 0),
		one(ir.Float32, 0.5), one(ir.Uint8, 1))[0]
	opstest.Check(t, tol, "QLinearMatMul", got, ir.Uint8, shape(1, 1), 11)
	// 2.5 rounds half to even (2), and -300 saturates to -128.
	got = opstest.RunOp(t, "QLinearMatMul", 21, nil, 1,
		opstest.Tensor(ir.Int8, shape(2, 1), 5, -100), one(ir.Float32, 0.5), one(ir.Int8, 0),
		opstest.Tensor(ir.Int8, shape(1, 1), 1), one(ir.Float32, 1), one(ir.Int8, 0),
		one(ir.Float32, 1), one(ir.Int8, 0))[0]
	opstest.Check(t, tol, "QLinearMatMul rounding", got, ir.Int8, shape(2, 1), 2, -50)
}
