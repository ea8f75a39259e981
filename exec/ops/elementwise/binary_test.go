package elementwise_test

import (
	"math"
	"testing"

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
		{"Add", nil, ints(ir.Int8, dims(2), 100, -100), ints(ir.Int8, dims(2), 100, -100), []int64{-56, 56}},
		{"Sub", nil, ints(ir.Uint32, dims(1), 1), ints(ir.Uint32, dims(1), 2), []int64{math.MaxUint32}},
		{"Mul", nil, ints(ir.Uint8, dims(2), 16, 3), ints(ir.Uint8, dims(2), 16, 5), []int64{0, 15}},
		{"Div", nil, ints(ir.Int32, dims(2), -7, 7), ints(ir.Int32, dims(2), 2, -2), []int64{-3, -3}},
		{"Div", nil, ints(ir.Uint64, dims(1), big), ints(ir.Uint64, dims(1), 2), []int64{math.MaxInt64}},
		{"Mod", nil, ints(ir.Int32, dims(6), -4, 7, 5, 4, -7, 8), ints(ir.Int32, dims(6), 2, -3, 8, -2, 3, 5),
			[]int64{0, -2, 5, 0, 2, 3}},
		{"Mod", attrs("fmod", 1), ints(ir.Int64, dims(6), -4, 7, 5, 4, -7, 8), ints(ir.Int64, dims(6), 2, -3, 8, -2, 3, 5),
			[]int64{0, 1, 5, 0, -1, 3}},
		{"Mod", nil, ints(ir.Uint64, dims(1), math.MinInt64+1), ints(ir.Uint64, dims(1), math.MinInt64), []int64{1}},
		{"BitShift", attrs("direction", "RIGHT"), ints(ir.Uint8, dims(3), 16, 4, 1), ints(ir.Uint8, dims(3), 1, 2, 3), []int64{8, 1, 0}},
		{"BitShift", attrs("direction", "LEFT"), ints(ir.Uint8, dims(4), 16, 4, 1, 255), ints(ir.Uint8, dims(4), 1, 2, 3, 1),
			[]int64{32, 16, 8, 254}},
		{"BitShift", attrs("direction", "LEFT"), ints(ir.Uint64, dims(2), 1, 1), ints(ir.Uint64, dims(2), 63, 64),
			[]int64{math.MinInt64, 0}},
		{"BitwiseAnd", nil, ints(ir.Int32, dims(2), 12, -1), ints(ir.Int32, dims(2), 10, 7), []int64{8, 7}},
		{"BitwiseOr", nil, ints(ir.Uint16, dims(1), 0x0f00), ints(ir.Uint16, dims(1), 0x00f0), []int64{0x0ff0}},
		{"BitwiseXor", nil, ints(ir.Int8, dims(1), -1), ints(ir.Int8, dims(1), 0x0f), []int64{-16}},
		{"PRelu", nil, ints(ir.Int32, dims(2), -4, 5), ints(ir.Int32, dims(1), 2), []int64{-8, 5}},
	}
	for _, c := range cases {
		checkInts(t, c.op, run(t, c.op, 18, c.attrs, c.a, c.b), c.a.DType, c.a.Shape, c.want...)
	}
}

func TestArithFloats(t *testing.T) {
	check(t, "Add broadcast", run(t, "Add", 14, nil, tensor(ir.Float32, dims(2, 1), 1, 2), f32(10, 20, 30)),
		ir.Float32, dims(2, 3), 11, 21, 31, 12, 22, 32)
	check(t, "Sub", run(t, "Sub", 14, nil, f32(1, 2, 3), f32(3, 2, 1)), ir.Float32, dims(3), -2, 0, 2)
	check(t, "Mul", run(t, "Mul", 14, nil, f32(1, 2, 3), f32(4, 5, 6)), ir.Float32, dims(3), 4, 10, 18)
	check(t, "Div", run(t, "Div", 14, nil, f32(3, 4, 1), f32(1, 2, 0)), ir.Float32, dims(3), 3, 2, inf)
	check(t, "Div f16", run(t, "Div", 14, nil, tensor(ir.Float16, dims(1), 1), tensor(ir.Float16, dims(1), 3)),
		ir.Float16, dims(1), 0.333251953125)
	check(t, "Mod fmod", run(t, "Mod", 13, attrs("fmod", 1), f32(-4.3, 7.2, 5.0, 4.3, -7.2, 8.0), f32(2.1, -3.4, 8.0, -2.1, 3.4, 5.0)),
		ir.Float32, dims(6), -0.10000038, 0.39999962, 5, 0.10000038, -0.39999962, 3)
	// Hand-computed: the remainder takes the divisor's sign, as numpy.mod.
	check(t, "Mod float", run(t, "Mod", 13, nil, f32(-4, 4, 5.5), f32(3, -3, 2)), ir.Float32, dims(3), 2, -2, 1.5)
	check(t, "PRelu", run(t, "PRelu", 16, nil, tensor(ir.Float32, dims(2, 2), -1, 2, -3, 4), f32(0.5, 0.25)),
		ir.Float32, dims(2, 2), -0.5, 2, -1.5, 4)
}

func TestLogical(t *testing.T) {
	a := bools(dims(4), true, true, false, false)
	b := bools(dims(4), true, false, true, false)
	checkInts(t, "And", run(t, "And", 7, nil, a, b), ir.Bool, dims(4), 1, 0, 0, 0)
	checkInts(t, "Or", run(t, "Or", 7, nil, a, b), ir.Bool, dims(4), 1, 1, 1, 0)
	checkInts(t, "Xor", run(t, "Xor", 7, nil, a, b), ir.Bool, dims(4), 0, 1, 1, 0)
}

// Before opset 7, broadcast=1 with axis lines the second input up at axis.
func TestLegacyBroadcast(t *testing.T) {
	a := tensor(ir.Float32, dims(2, 3), 1, 2, 3, 4, 5, 6)
	got := run(t, "Add", 6, attrs("broadcast", 1, "axis", 0), a, f32(10, 20))
	check(t, "Add-6 axis 0", got, ir.Float32, dims(2, 3), 11, 12, 13, 24, 25, 26)
	fails(t, "cannot be broadcast", "Add", 7, attrs("broadcast", 1, "axis", 0), a, f32(10, 20))
	fails(t, "at axis 2", "Add", 6, attrs("broadcast", 1, "axis", 2), a, f32(10, 20))
	// PRelu before 7: a slope of the channel count applies along dim 1.
	x := tensor(ir.Float32, dims(1, 2, 1, 2), -1, -2, -3, 4)
	check(t, "PRelu-6", run(t, "PRelu", 6, nil, x, f32(0.1, 0.5)), ir.Float32, x.Shape, -0.1, -0.2, -1.5, 4)
	check(t, "PRelu-9", run(t, "PRelu", 9, nil, x, f32(0.1, 0.5)), ir.Float32, x.Shape, -0.1, -1, -0.3, 4)
}

func TestPow(t *testing.T) {
	x := f32(1, 2, 3)
	check(t, "float", run(t, "Pow", 15, nil, x, f32(4, 5, 6)), ir.Float32, dims(3), 1, 32, 729)
	check(t, "broadcast", run(t, "Pow", 15, nil, tensor(ir.Float32, dims(2, 3), 1, 2, 3, 4, 5, 6), x),
		ir.Float32, dims(2, 3), 1, 4, 27, 4, 25, 216)
	check(t, "float^int", run(t, "Pow", 15, nil, x, ints(ir.Int64, dims(1), 2)), ir.Float32, dims(3), 1, 4, 9)
	checkInts(t, "int^float", run(t, "Pow", 15, nil, ints(ir.Int32, dims(3), 1, 2, 3), f32(4, 5, 6)),
		ir.Int32, dims(3), 1, 32, 729)
	// Hand-computed: exact with wrap-around; negative powers truncate.
	checkInts(t, "int^int", run(t, "Pow", 15, nil, ints(ir.Int64, dims(7), 2, 2, 3, -2, 2, 1, -1),
		ints(ir.Int64, dims(7), 63, 64, 2, 3, -1, -5, -3)), ir.Int64, dims(7), math.MinInt64, 0, 9, -8, 0, 1, -1)
}

func TestBinaryErrors(t *testing.T) {
	fails(t, "integer division by zero", "Div", 14, nil, ints(ir.Int32, dims(1), 1), ints(ir.Int32, dims(1), 0))
	fails(t, "integer division by zero", "Mod", 13, nil, ints(ir.Uint64, dims(1), 1), ints(ir.Uint64, dims(1), 0))
	fails(t, "different types", "Add", 14, nil, f32(1), ints(ir.Int32, dims(1), 1))
	fails(t, "cannot be broadcast", "Mul", 14, nil, f32(1, 2), f32(1, 2, 3))
	fails(t, "does not support dtype f32", "And", 7, nil, f32(1), f32(1))
	fails(t, "does not support dtypes", "Pow", 15, nil, strs(dims(1), "2"), f32(1))
	fails(t, "needs two inputs", "Sub", 14, nil, f32(1))
}
