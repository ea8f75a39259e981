package reduce_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestArgMaxArgMin(t *testing.T) {
	x := f32(shape(2, 2), 2, 1, 3, 10)
	ties := f32(shape(2, 2), 2, 2, 3, 10)
	cases := []struct {
		op    string
		x     *ir.Tensor
		attrs map[string]*ir.Attr
		shape []int64
		want  []float64
	}{
		{"ArgMax", x, opstest.Attrs("axis", 1), shape(2, 1), []float64{0, 1}},
		{"ArgMax", x, nil, shape(1, 2), []float64{1, 1}},
		{"ArgMax", x, opstest.Attrs("axis", -1, "keepdims", 0), shape(2), []float64{0, 1}},
		{"ArgMax", ties, opstest.Attrs("axis", 1), shape(2, 1), []float64{0, 1}},
		{"ArgMax", ties, opstest.Attrs("axis", 1, "select_last_index", 1), shape(2, 1), []float64{1, 1}},
		{"ArgMin", x, opstest.Attrs("axis", 1), shape(2, 1), []float64{1, 0}},
		{"ArgMin", x, opstest.Attrs("keepdims", 0), shape(2), []float64{0, 0}},
		{"ArgMin", ties, opstest.Attrs("axis", 1, "select_last_index", 1), shape(2, 1), []float64{1, 0}},
	}
	for _, c := range cases {
		opstest.Check(t, tol, c.op, opstest.RunOp(t, c.op, 13, c.attrs, 1, c.x)[0], ir.Int64, c.shape, c.want...)
	}
	if _, err := opstest.TryOp("ArgMax", 13, nil, 1, f32(shape(0, 2))); err == nil {
		t.Error("ArgMax over an empty axis: no error")
	}
}

func TestTopK(t *testing.T) {
	x := f32(shape(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	k3 := i64(shape(1), 3)
	out := opstest.RunOp(t, "TopK", 11, opstest.Attrs("axis", 1), 2, x, k3)
	opstest.Check(t, tol, "values", out[0], ir.Float32, shape(3, 3), 3, 2, 1, 7, 6, 5, 11, 10, 9)
	opstest.Check(t, tol, "indices", out[1], ir.Int64, shape(3, 3), 3, 2, 1, 3, 2, 1, 3, 2, 1)

	small := f32(shape(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 11, 10, 9, 8)
	out = opstest.RunOp(t, "TopK", 11, opstest.Attrs("largest", 0), 2, small, k3)
	opstest.Check(t, tol, "smallest values", out[0], ir.Float32, shape(3, 3), 0, 1, 2, 4, 5, 6, 8, 9, 10)
	opstest.Check(t, tol, "smallest indices", out[1], ir.Int64, shape(3, 3), 0, 1, 2, 0, 1, 2, 3, 2, 1)

	// Equal values come in index order; k on axis 0 as an attribute (opset 1).
	ties := i64(shape(4, 1), 1, 2, 1, 2)
	out = opstest.RunOp(t, "TopK", 1, opstest.Attrs("axis", 0, "k", 3), 2, ties)
	opstest.Check(t, tol, "tied values", out[0], ir.Int64, shape(3, 1), 2, 2, 1)
	opstest.Check(t, tol, "tied indices", out[1], ir.Int64, shape(3, 1), 1, 3, 0)

	// uint64 values above 2^63 keep their order and their bits.
	u := &ir.Tensor{DType: ir.Uint64, Shape: shape(3), Data: []uint64{1 << 63, 1, 1<<64 - 1}}
	out = opstest.RunOp(t, "TopK", 11, nil, 2, u, i64(shape(1), 2))
	if got := out[0].Data.([]uint64); got[0] != 1<<64-1 || got[1] != 1<<63 {
		t.Errorf("uint64 values = %v", got)
	}

	if _, err := opstest.TryOp("TopK", 11, nil, 2, x, i64(shape(1), 5)); err == nil {
		t.Error("k larger than the axis: no error")
	}
}

func TestCumSumCumProd(t *testing.T) {
	x := opstest.Tensor(ir.Float64, shape(5), 1, 2, 3, 4, 5)
	axis0 := opstest.Tensor(ir.Int32, shape(), 0)
	flags := func(exclusive, reverse int64) map[string]*ir.Attr {
		return opstest.Attrs("exclusive", exclusive, "reverse", reverse)
	}
	cases := []struct {
		op                 string
		exclusive, reverse int64
		want               []float64
	}{
		{"CumSum", 0, 0, []float64{1, 3, 6, 10, 15}},
		{"CumSum", 1, 0, []float64{0, 1, 3, 6, 10}},
		{"CumSum", 0, 1, []float64{15, 14, 12, 9, 5}},
		{"CumSum", 1, 1, []float64{14, 12, 9, 5, 0}},
		{"CumProd", 0, 0, []float64{1, 2, 6, 24, 120}},
		{"CumProd", 1, 0, []float64{1, 1, 2, 6, 24}},
		{"CumProd", 0, 1, []float64{120, 120, 60, 20, 5}},
		{"CumProd", 1, 1, []float64{120, 60, 20, 5, 1}},
	}
	for _, c := range cases {
		got := opstest.RunOp(t, c.op, 26, flags(c.exclusive, c.reverse), 1, x, axis0)[0]
		opstest.Check(t, tol, c.op, got, ir.Float64, shape(5), c.want...)
	}
	m := opstest.Tensor(ir.Int32, shape(2, 3), 1, 2, 3, 4, 5, 6)
	opstest.Check(t, tol, "axis 0", opstest.RunOp(t, "CumSum", 14, nil, 1, m, axis0)[0], ir.Int32, shape(2, 3), 1, 2, 3, 5, 7, 9)
	opstest.Check(t, tol, "axis -1", opstest.RunOp(t, "CumSum", 14, nil, 1, m, i64(shape(1), -1))[0], ir.Int32, shape(2, 3), 1, 3, 6, 4, 9, 15)
	if _, err := opstest.TryOp("CumSum", 14, nil, 1, m, i64(shape(1), 2)); err == nil {
		t.Error("axis out of range: no error")
	}
	if _, err := opstest.TryOp("CumSum", 14, nil, 1, m, nil); err == nil {
		t.Error("axis missing: no error")
	}
}
