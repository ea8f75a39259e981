package reduce_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// The data of the Operators.md Reduce examples.
var (
	seq3x2x2 = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	mix3x2x2 = []float64{5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2}
)

func TestReduceOperatorsExamples(t *testing.T) {
	inf := math.Inf(1)
	axes1 := i64(shape(1), 1)
	cases := []struct {
		op    string
		data  []float64
		axes  *ir.Tensor
		keep  int64
		shape []int64
		want  []float64
	}{
		{"ReduceSum", seq3x2x2, axes1, 1, shape(3, 1, 2), []float64{4, 6, 12, 14, 20, 22}},
		{"ReduceSum", seq3x2x2, nil, 1, shape(1, 1, 1), []float64{78}},
		{"ReduceSum", seq3x2x2, axes1, 0, shape(3, 2), []float64{4, 6, 12, 14, 20, 22}},
		{"ReduceMean", mix3x2x2, axes1, 1, shape(3, 1, 2), []float64{12.5, 1.5, 35, 1.5, 57.5, 1.5}},
		{"ReduceMean", mix3x2x2, i64(shape(1), -2), 0, shape(3, 2), []float64{12.5, 1.5, 35, 1.5, 57.5, 1.5}},
		{"ReduceMean", mix3x2x2, nil, 1, shape(1, 1, 1), []float64{18.25}},
		{"ReduceMax", mix3x2x2, axes1, 1, shape(3, 1, 2), []float64{20, 2, 40, 2, 60, 2}},
		{"ReduceMax", mix3x2x2, nil, 0, shape(), []float64{60}},
		{"ReduceMin", mix3x2x2, axes1, 0, shape(3, 2), []float64{5, 1, 30, 1, 55, 1}},
		{"ReduceProd", seq3x2x2, axes1, 1, shape(3, 1, 2), []float64{3, 8, 35, 48, 99, 120}},
		{"ReduceProd", seq3x2x2, nil, 1, shape(1, 1, 1), []float64{479001600}},
		{"ReduceL1", seq3x2x2, i64(shape(1), 2), 1, shape(3, 2, 1), []float64{3, 7, 11, 15, 19, 23}},
		{"ReduceL1", seq3x2x2, nil, 1, shape(1, 1, 1), []float64{78}},
		{"ReduceL2", seq3x2x2, i64(shape(1), 2), 0, shape(3, 2),
			[]float64{math.Sqrt(5), 5, math.Sqrt(61), math.Sqrt(113), math.Sqrt(181), math.Sqrt(265)}},
		{"ReduceLogSum", seq3x2x2, i64(shape(2), 0, 1), 0, shape(2), []float64{math.Log(36), math.Log(42)}},
		{"ReduceLogSumExp", mix3x2x2, axes1, 1, shape(3, 1, 2),
			[]float64{20.00000031, 2.31326169, 40.00004540, 2.31326169, 60.00671535, 2.31326169}},
		{"ReduceSumSquare", seq3x2x2, axes1, 1, shape(3, 1, 2), []float64{10, 20, 74, 100, 202, 244}},
		// Empty groups give the identity of the op.
		{"ReduceSum", nil, axes1, 1, shape(2, 1, 4), []float64{0, 0, 0, 0, 0, 0, 0, 0}},
		{"ReduceProd", nil, axes1, 1, shape(2, 1, 4), []float64{1, 1, 1, 1, 1, 1, 1, 1}},
		{"ReduceMax", nil, axes1, 0, shape(2, 4), []float64{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}},
		{"ReduceMin", nil, axes1, 0, shape(2, 4), []float64{inf, inf, inf, inf, inf, inf, inf, inf}},
		{"ReduceLogSum", nil, axes1, 0, shape(2, 4), []float64{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}},
		{"ReduceLogSumExp", nil, axes1, 0, shape(2, 4), []float64{-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}},
		{"ReduceL2", nil, axes1, 0, shape(2, 4), []float64{0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		x := f32(shape(2, 0, 4))
		if c.data != nil {
			x = f32(shape(3, 2, 2), c.data...)
		}
		attrs := opstest.Attrs("keepdims", c.keep)
		got := opstest.RunOp(t, c.op, 20, attrs, 1, x, c.axes)[0]
		opstest.Check(t, tol, c.op, got, ir.Float32, c.shape, c.want...)
	}
}

func TestReduceAxesAttributeBeforeInput(t *testing.T) {
	x := f32(shape(3, 2, 2), mix3x2x2...)
	attrs := opstest.Attrs("axes", []int64{1}, "keepdims", 0)
	opstest.Check(t, tol, "ReduceMean-13", opstest.RunOp(t, "ReduceMean", 13, attrs, 1, x)[0], ir.Float32, shape(3, 2), 12.5, 1.5, 35, 1.5, 57.5, 1.5)
	opstest.Check(t, tol, "ReduceSum-11", opstest.RunOp(t, "ReduceSum", 11, attrs, 1, x)[0], ir.Float32, shape(3, 2), 25, 3, 70, 3, 115, 3)
	opstest.Check(t, tol, "ReduceMax-1", opstest.RunOp(t, "ReduceMax", 1, nil, 1, x)[0], ir.Float32, shape(1, 1, 1), 60)
}

func TestReduceNoopWithEmptyAxes(t *testing.T) {
	x := f32(shape(2, 2), -1, 2, -3, 4)
	noop := opstest.Attrs("noop_with_empty_axes", 1)
	empty := i64(shape(0))
	opstest.Check(t, tol, "ReduceSum", opstest.RunOp(t, "ReduceSum", 13, noop, 1, x, empty)[0], ir.Float32, shape(2, 2), -1, 2, -3, 4)
	opstest.Check(t, tol, "ReduceSumSquare", opstest.RunOp(t, "ReduceSumSquare", 18, noop, 1, x, nil)[0], ir.Float32, shape(2, 2), 1, 4, 9, 16)
	opstest.Check(t, tol, "ReduceL1", opstest.RunOp(t, "ReduceL1", 18, noop, 1, x)[0], ir.Float32, shape(2, 2), 1, 2, 3, 4)
	opstest.Check(t, tol, "ReduceLogSumExp", opstest.RunOp(t, "ReduceLogSumExp", 18, noop, 1, x)[0], ir.Float32, shape(2, 2), -1, 2, -3, 4)
	// Without the flag an empty axes list reduces everything.
	opstest.Check(t, tol, "ReduceSum all", opstest.RunOp(t, "ReduceSum", 13, nil, 1, x, empty)[0], ir.Float32, shape(1, 1), 2)
}

func TestReduceIntegersAreExact(t *testing.T) {
	big := opstest.Tensor(ir.Int64, shape(2), 1<<53, 1)
	opstest.Check(t, tol, "ReduceSum int64", opstest.RunOp(t, "ReduceSum", 13, nil, 1, big)[0], ir.Int64, shape(1), 1<<53+1)
	// int32 sums wrap around.
	w := opstest.Tensor(ir.Int32, shape(2), math.MaxInt32, 1)
	opstest.Check(t, tol, "ReduceSum int32", opstest.RunOp(t, "ReduceSum", 13, nil, 1, w)[0], ir.Int32, shape(1), math.MinInt32)
	m := opstest.Tensor(ir.Int32, shape(3), 7, 2, 4)
	opstest.Check(t, tol, "ReduceMean int32", opstest.RunOp(t, "ReduceMean", 18, nil, 1, m)[0], ir.Int32, shape(1), 4)
	opstest.Check(t, tol, "ReduceL1 int32", opstest.RunOp(t, "ReduceL1", 18, nil, 1, opstest.Tensor(ir.Int32, shape(2), -3, 4))[0], ir.Int32, shape(1), 7)
	// uint64 compares unsigned.
	u := &ir.Tensor{DType: ir.Uint64, Shape: shape(2), Data: []uint64{1 << 63, 5}}
	if got := opstest.RunOp(t, "ReduceMax", 18, nil, 1, u)[0].Data.([]uint64); got[0] != 1<<63 {
		t.Errorf("ReduceMax uint64 = %v", got)
	}
	// The empty max of an integer type is its smallest value.
	e := opstest.RunOp(t, "ReduceMax", 18, nil, 1, opstest.Tensor(ir.Int8, shape(0)))[0]
	opstest.Check(t, tol, "ReduceMax empty int8", e, ir.Int8, shape(1), -128)
}

func TestReduceBool(t *testing.T) {
	x := &ir.Tensor{DType: ir.Bool, Shape: shape(4, 2), Data: []bool{true, true, true, false, false, true, false, false}}
	axes := i64(shape(1), 1)
	opstest.Check(t, tol, "ReduceMax", opstest.RunOp(t, "ReduceMax", 20, nil, 1, x, axes)[0], ir.Bool, shape(4, 1), 1, 1, 1, 0)
	opstest.Check(t, tol, "ReduceMin", opstest.RunOp(t, "ReduceMin", 20, nil, 1, x, axes)[0], ir.Bool, shape(4, 1), 1, 0, 0, 0)
}

func TestReduceRejectsBadAxes(t *testing.T) {
	x := f32(shape(2, 2), 1, 2, 3, 4)
	for _, axes := range []*ir.Tensor{i64(shape(1), 2), i64(shape(2), 0, -2), f32(shape(1), 0)} {
		if _, err := opstest.TryOp("ReduceSum", 13, nil, 1, x, axes); err == nil {
			t.Errorf("axes %v: no error", axes)
		}
	}
}
