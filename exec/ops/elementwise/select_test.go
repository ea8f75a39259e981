package elementwise_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestCompare(t *testing.T) {
	x, y := f32(1, 2, 3, nan), f32(2, 2, 1, nan)
	for op, want := range map[string][]int64{
		"Equal":          {0, 1, 0, 0},
		"Less":           {1, 0, 0, 0},
		"LessOrEqual":    {1, 1, 0, 0},
		"Greater":        {0, 0, 1, 0},
		"GreaterOrEqual": {0, 1, 1, 0},
	} {
		opstest.CheckInts(t, op, run(t, op, 16, nil, x, y), ir.Bool, dims(4), want...)
	}
	// uint64 compares unsigned: 2^63 is greater than 1.
	opstest.CheckInts(t, "Less uint64", run(t, "Less", 13, nil, opstest.Ints(ir.Uint64, dims(1), math.MinInt64), opstest.Ints(ir.Uint64, dims(1), 1)),
		ir.Bool, dims(1), 0)
	opstest.CheckInts(t, "Greater int8", run(t, "Greater", 13, nil, opstest.Ints(ir.Int8, dims(2), -1, 5), opstest.Ints(ir.Int8, dims(1), 0)),
		ir.Bool, dims(2), 0, 1)
	opstest.CheckInts(t, "Equal string broadcast", run(t, "Equal", 19, nil, opstest.Strs(dims(3), "a", "b", "a"), opstest.Strs(dims(1), "a")),
		ir.Bool, dims(3), 1, 0, 1)
	opstest.CheckInts(t, "Equal bool", run(t, "Equal", 11, nil, opstest.Bools(dims(2), true, false), opstest.Bools(dims(2), true, true)),
		ir.Bool, dims(2), 1, 0)
	opstest.Fails(t, "different types", "Equal", 19, nil, opstest.Strs(dims(1), "1"), f32(1))
	opstest.Fails(t, "cannot compare", "Less", 13, nil, &ir.Tensor{DType: ir.Complex64, Shape: dims(1), Data: []complex64{1}},
		&ir.Tensor{DType: ir.Complex64, Shape: dims(1), Data: []complex64{1}})
}

// Examples of Sum, Mean, Max and Min in Operators.md.
func TestVariadic(t *testing.T) {
	a, b, c := f32(3, 2, 1), f32(1, 4, 4), f32(2, 5, 3)
	opstest.Check(t, tol, "Sum", run(t, "Sum", 13, nil, a, b, c), ir.Float32, dims(3), 6, 11, 8)
	opstest.Check(t, tol, "Mean", run(t, "Mean", 13, nil, a, b, c), ir.Float32, dims(3), 2, 11.0/3, 8.0/3)
	opstest.Check(t, tol, "Max", run(t, "Max", 13, nil, a, b, c), ir.Float32, dims(3), 3, 5, 4)
	opstest.Check(t, tol, "Min", run(t, "Min", 13, nil, a, b, c), ir.Float32, dims(3), 1, 2, 1)
	opstest.Check(t, tol, "Max one input", run(t, "Max", 13, nil, a), ir.Float32, dims(3), 3, 2, 1)
	opstest.Check(t, tol, "Sum broadcast", run(t, "Sum", 13, nil, a, f32(10)), ir.Float32, dims(3), 13, 12, 11)
	// NaN propagates, as in numpy.maximum and numpy.minimum.
	opstest.Check(t, tol, "Max NaN", run(t, "Max", 13, nil, f32(1, nan, nan), f32(nan, 2, nan)), ir.Float32, dims(3), nan, nan, nan)
	opstest.Check(t, tol, "Min NaN", run(t, "Min", 13, nil, f32(1, nan), f32(nan, 2)), ir.Float32, dims(2), nan, nan)
	opstest.CheckInts(t, "Max uint64", run(t, "Max", 13, nil, opstest.Ints(ir.Uint64, dims(2), math.MinInt64, 1), opstest.Ints(ir.Uint64, dims(2), 1, 2)),
		ir.Uint64, dims(2), math.MinInt64, 2)
	opstest.CheckInts(t, "Min int8", run(t, "Min", 13, nil, opstest.Ints(ir.Int8, dims(2), -128, 1), opstest.Ints(ir.Int8, dims(1), 0)),
		ir.Int8, dims(2), -128, 0)
	opstest.CheckInts(t, "Sum int32 wraps", run(t, "Sum", 13, nil, opstest.Ints(ir.Int32, dims(1), math.MaxInt32), opstest.Ints(ir.Int32, dims(1), 1)),
		ir.Int32, dims(1), math.MinInt32)
	opstest.Fails(t, "at least one input", "Sum", 13, nil)
	opstest.Fails(t, "input 1 is missing", "Max", 13, nil, f32(1), nil)
}

func TestWhere(t *testing.T) {
	cond := opstest.Bools(dims(2, 2), true, false, true, true)
	got := run(t, "Where", 16, nil, cond, opstest.Tensor(ir.Int64, dims(2, 2), 1, 2, 3, 4), opstest.Tensor(ir.Int64, dims(2, 2), 9, 8, 7, 6))
	opstest.CheckInts(t, "Where", got, ir.Int64, dims(2, 2), 1, 8, 3, 4)
	gotS := run(t, "Where", 16, nil, opstest.Bools(dims(2), false, true), opstest.Strs(dims(1), "x"), opstest.Strs(dims(2), "a", "b"))
	if s := gotS.Data.([]string); s[0] != "a" || s[1] != "x" {
		t.Errorf("Where strings: got %q, want [a x]", s)
	}
	opstest.Check(t, tol, "Where broadcast", run(t, "Where", 16, nil, opstest.Bools(dims(2, 1), true, false), f32(1, 2), f32(-1)),
		ir.Float32, dims(2, 2), 1, 2, -1, -1)
	opstest.Fails(t, "different types", "Where", 16, nil, cond, f32(1), opstest.Ints(ir.Int64, dims(1), 1))
	opstest.Fails(t, "want bool", "Where", 16, nil, f32(1), f32(1), f32(1))
}

func TestClip(t *testing.T) {
	x := f32(-2, 0, 2, nan)
	lo, hi := opstest.Tensor(ir.Float32, nil, -1), opstest.Tensor(ir.Float32, nil, 1)
	opstest.Check(t, tol, "Clip-13", run(t, "Clip", 13, nil, x, lo, hi), ir.Float32, dims(4), -1, 0, 1, nan)
	opstest.Check(t, tol, "Clip-13 min only", run(t, "Clip", 13, nil, x, lo), ir.Float32, dims(4), -1, 0, 2, nan)
	opstest.Check(t, tol, "Clip-13 max only", run(t, "Clip", 13, nil, x, nil, hi), ir.Float32, dims(4), -2, 0, 1, nan)
	opstest.Check(t, tol, "Clip-13 none", run(t, "Clip", 13, nil, x), ir.Float32, dims(4), -2, 0, 2, nan)
	opstest.Check(t, tol, "Clip min > max", run(t, "Clip", 13, nil, x, hi, lo), ir.Float32, dims(4), -1, -1, -1, nan)
	opstest.Check(t, tol, "Clip-6 attrs", run(t, "Clip", 6, opstest.Attrs("min", -1.0, "max", 1.0), x), ir.Float32, dims(4), -1, 0, 1, nan)
	opstest.Check(t, tol, "Clip-6 defaults", run(t, "Clip", 6, nil, f32(-inf, inf)), ir.Float32, dims(2), -math.MaxFloat32, math.MaxFloat32)
	opstest.Check(t, tol, "Clip-1 defaults", run(t, "Clip", 1, nil, f32(-inf, inf)), ir.Float32, dims(2), -inf, inf)
	opstest.CheckInts(t, "Clip int8", run(t, "Clip", 13, nil, opstest.Ints(ir.Int8, dims(3), -128, 5, 127), nil, opstest.Ints(ir.Int8, nil, 5)),
		ir.Int8, dims(3), -128, 5, 5)
	opstest.Fails(t, "bounds must be scalars", "Clip", 13, nil, x, f32(1, 2))
	opstest.Fails(t, "does not support dtype string", "Clip", 6, nil, opstest.Strs(dims(1), "a"))
	opstest.Fails(t, "different types", "Clip", 13, nil, x, opstest.Ints(ir.Int8, nil, 5))
}
