package elementwise_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// Integer arithmetic is exact and wraps to the width; uint64 divides as
// unsigned. Expected values are hand-computed or from Operators.md.
func TestArithIntegers(t *testing.T) {
	big := int64(-2) // uint64 2^64-2
	cases := []struct {
		op    string
		attrs map[string]*ir.Attr
		a, b  *ir.Tensor
		want  []int64
	}{
		{"Add", nil, opstest.Ints(ir.Int8, dims(2), 100, -100), opstest.Ints(ir.Int8, dims(2), 100, -100), []int64{-56, 56}},
		{"Sub", nil, opstest.Ints(ir.Uint32, dims(1), 1), opstest.Ints(ir.Uint32, dims(1), 2), []int64{math.MaxUint32}},
		{"Mul", nil, opstest.Ints(ir.Uint8, dims(2), 16, 3), opstest.Ints(ir.Uint8, dims(2), 16, 5), []int64{0, 15}},
		{"Div", nil, opstest.Ints(ir.Int32, dims(2), -7, 7), opstest.Ints(ir.Int32, dims(2), 2, -2), []int64{-3, -3}},
		{"Div", nil, opstest.Ints(ir.Uint64, dims(1), big), opstest.Ints(ir.Uint64, dims(1), 2), []int64{math.MaxInt64}},
		{"Mod", nil, opstest.Ints(ir.Int32, dims(6), -4, 7, 5, 4, -7, 8), opstest.Ints(ir.Int32, dims(6), 2, -3, 8, -2, 3, 5),
			[]int64{0, -2, 5, 0, 2, 3}},
		{"Mod", opstest.Attrs("fmod", 1), opstest.Ints(ir.Int64, dims(6), -4, 7, 5, 4, -7, 8), opstest.Ints(ir.Int64, dims(6), 2, -3, 8, -2, 3, 5),
			[]int64{0, 1, 5, 0, -1, 3}},
		{"Mod", nil, opstest.Ints(ir.Uint64, dims(1), math.MinInt64+1), opstest.Ints(ir.Uint64, dims(1), math.MinInt64), []int64{1}},
		{"BitShift", opstest.Attrs("direction", "RIGHT"), opstest.Ints(ir.Uint8, dims(3), 16, 4, 1), opstest.Ints(ir.Uint8, dims(3), 1, 2, 3), []int64{8, 1, 0}},
		{"BitShift", opstest.Attrs("direction", "LEFT"), opstest.Ints(ir.Uint8, dims(4), 16, 4, 1, 255), opstest.Ints(ir.Uint8, dims(4), 1, 2, 3, 1),
			[]int64{32, 16, 8, 254}},
		{"BitShift", opstest.Attrs("direction", "LEFT"), opstest.Ints(ir.Uint64, dims(2), 1, 1), opstest.Ints(ir.Uint64, dims(2), 63, 64),
			[]int64{math.MinInt64, 0}},
		{"BitwiseAnd", nil, opstest.Ints(ir.Int32, dims(2), 12, -1), opstest.Ints(ir.Int32, dims(2), 10, 7), []int64{8, 7}},
		{"BitwiseOr", nil, opstest.Ints(ir.Uint16, dims(1), 0x0f00), opstest.Ints(ir.Uint16, dims(1), 0x00f0), []int64{0x0ff0}},
		{"BitwiseXor", nil, opstest.Ints(ir.Int8, dims(1), -1), opstest.Ints(ir.Int8, dims(1), 0x0f), []int64{-16}},
		{"PRelu", nil, opstest.Ints(ir.Int32, dims(2), -4, 5), opstest.Ints(ir.Int32, dims(1), 2), []int64{-8, 5}},
	}
	for _, c := range cases {
		opstest.CheckInts(t, c.op, run(t, c.op, 18, c.attrs, c.a, c.b), c.a.DType, c.a.Shape, c.want...)
	}
}

func TestArithFloats(t *testing.T) {
	opstest.Check(t, tol, "Add broadcast", run(t, "Add", 14, nil, opstest.Tensor(ir.Float32, dims(2, 1), 1, 2), f32(10, 20, 30)),
		ir.Float32, dims(2, 3), 11, 21, 31, 12, 22, 32)
	opstest.Check(t, tol, "Sub", run(t, "Sub", 14, nil, f32(1, 2, 3), f32(3, 2, 1)), ir.Float32, dims(3), -2, 0, 2)
	opstest.Check(t, tol, "Mul", run(t, "Mul", 14, nil, f32(1, 2, 3), f32(4, 5, 6)), ir.Float32, dims(3), 4, 10, 18)
	opstest.Check(t, tol, "Div", run(t, "Div", 14, nil, f32(3, 4, 1), f32(1, 2, 0)), ir.Float32, dims(3), 3, 2, inf)
	opstest.Check(t, tol, "Div f16", run(t, "Div", 14, nil, opstest.Tensor(ir.Float16, dims(1), 1), opstest.Tensor(ir.Float16, dims(1), 3)),
		ir.Float16, dims(1), 0.333251953125)
	opstest.Check(t, tol, "Mod fmod", run(t, "Mod", 13, opstest.Attrs("fmod", 1), f32(-4.3, 7.2, 5.0, 4.3, -7.2, 8.0), f32(2.1, -3.4, 8.0, -2.1, 3.4, 5.0)),
		ir.Float32, dims(6), -0.10000038, 0.39999962, 5, 0.10000038, -0.39999962, 3)
	// Hand-computed: the remainder takes the divisor's sign, as numpy.mod.
	opstest.Check(t, tol, "Mod float", run(t, "Mod", 13, nil, f32(-4, 4, 5.5), f32(3, -3, 2)), ir.Float32, dims(3), 2, -2, 1.5)
	opstest.Check(t, tol, "PRelu", run(t, "PRelu", 16, nil, opstest.Tensor(ir.Float32, dims(2, 2), -1, 2, -3, 4), f32(0.5, 0.25)),
		ir.Float32, dims(2, 2), -0.5, 2, -1.5, 4)
}

func TestLogical(t *testing.T) {
	a := opstest.Bools(dims(4), true, true, false, false)
	b := opstest.Bools(dims(4), true, false, true, false)
	opstest.CheckInts(t, "And", run(t, "And", 7, nil, a, b), ir.Bool, dims(4), 1, 0, 0, 0)
	opstest.CheckInts(t, "Or", run(t, "Or", 7, nil, a, b), ir.Bool, dims(4), 1, 1, 1, 0)
	opstest.CheckInts(t, "Xor", run(t, "Xor", 7, nil, a, b), ir.Bool, dims(4), 0, 1, 1, 0)
}

// Before opset 7, broadcast=1 with axis lines the second input up at axis.
func TestLegacyBroadcast(t *testing.T) {
	a := opstest.Tensor(ir.Float32, dims(2, 3), 1, 2, 3, 4, 5, 6)
	got := run(t, "Add", 6, opstest.Attrs("broadcast", 1, "axis", 0), a, f32(10, 20))
	opstest.Check(t, tol, "Add-6 axis 0", got, ir.Float32, dims(2, 3), 11, 12, 13, 24, 25, 26)
	opstest.Fails(t, "cannot be broadcast", "Add", 7, opstest.Attrs("broadcast", 1, "axis", 0), a, f32(10, 20))
	opstest.Fails(t, "at axis 2", "Add", 6, opstest.Attrs("broadcast", 1, "axis", 2), a, f32(10, 20))
	// PRelu before 7: a slope of the channel count applies along dim 1.
	x := opstest.Tensor(ir.Float32, dims(1, 2, 1, 2), -1, -2, -3, 4)
	opstest.Check(t, tol, "PRelu-6", run(t, "PRelu", 6, nil, x, f32(0.1, 0.5)), ir.Float32, x.Shape, -0.1, -0.2, -1.5, 4)
	opstest.Check(t, tol, "PRelu-9", run(t, "PRelu", 9, nil, x, f32(0.1, 0.5)), ir.Float32, x.Shape, -0.1, -1, -0.3, 4)
}

func TestPow(t *testing.T) {
	x := f32(1, 2, 3)
	opstest.Check(t, tol, "float", run(t, "Pow", 15, nil, x, f32(4, 5, 6)), ir.Float32, dims(3), 1, 32, 729)
	opstest.Check(t, tol, "broadcast", run(t, "Pow", 15, nil, opstest.Tensor(ir.Float32, dims(2, 3), 1, 2, 3, 4, 5, 6), x),
		ir.Float32, dims(2, 3), 1, 4, 27, 4, 25, 216)
	opstest.Check(t, tol, "float^int", run(t, "Pow", 15, nil, x, opstest.Ints(ir.Int64, dims(1), 2)), ir.Float32, dims(3), 1, 4, 9)
	opstest.CheckInts(t, "int^float", run(t, "Pow", 15, nil, opstest.Ints(ir.Int32, dims(3), 1, 2, 3), f32(4, 5, 6)),
		ir.Int32, dims(3), 1, 32, 729)
	// Hand-computed: exact with wrap-around; negative powers truncate.
	opstest.CheckInts(t, "int^int", run(t, "Pow", 15, nil, opstest.Ints(ir.Int64, dims(7), 2, 2, 3, -2, 2, 1, -1),
		opstest.Ints(ir.Int64, dims(7), 63, 64, 2, 3, -1, -5, -3)), ir.Int64, dims(7), math.MinInt64, 0, 9, -8, 0, 1, -1)
}

func TestBinaryErrors(t *testing.T) {
	opstest.Fails(t, "integer division by zero", "Div", 14, nil, opstest.Ints(ir.Int32, dims(1), 1), opstest.Ints(ir.Int32, dims(1), 0))
	opstest.Fails(t, "integer division by zero", "Mod", 13, nil, opstest.Ints(ir.Uint64, dims(1), 1), opstest.Ints(ir.Uint64, dims(1), 0))
	opstest.Fails(t, "different types", "Add", 14, nil, f32(1), opstest.Ints(ir.Int32, dims(1), 1))
	opstest.Fails(t, "cannot be broadcast", "Mul", 14, nil, f32(1, 2), f32(1, 2, 3))
	opstest.Fails(t, "does not support dtype f32", "And", 7, nil, f32(1), f32(1))
	opstest.Fails(t, "does not support dtypes", "Pow", 15, nil, opstest.Strs(dims(1), "2"), f32(1))
	opstest.Fails(t, "needs two inputs", "Sub", 14, nil, f32(1))
}
