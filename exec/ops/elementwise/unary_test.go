package elementwise_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// Expected values are the "expected output" comments of the Operators.md
// examples, or hand-computed where noted.
func TestUnaryFloat(t *testing.T) {
	x := f32(-1, 0, 1)
	cases := []struct {
		op    string
		attrs map[string]*ir.Attr
		in    *ir.Tensor
		want  []float64
	}{
		{"Abs", nil, f32(-4, 2), []float64{4, 2}},
		{"Neg", nil, f32(-4, 2), []float64{4, -2}},
		{"Reciprocal", nil, f32(-4, 2), []float64{-0.25, 0.5}},
		{"Sqrt", nil, f32(1, 4, 9), []float64{1, 2, 3}},
		{"Exp", nil, x, []float64{0.36787945, 1, 2.71828175}},
		{"Log", nil, f32(1, 10), []float64{0, 2.30258512}},
		{"Floor", nil, f32(-1.5, 1.2, 2), []float64{-2, 1, 2}},
		{"Ceil", nil, f32(-1.5, 1.2), []float64{-1, 2}},
		{"Round", nil, f32(0.1, 0.5, 0.9, 1.2, 1.5, 1.8, 2.3, 2.5, 2.7, -1.1, -1.5, -1.9, -2.2, -2.5, -2.8),
			[]float64{0, 0, 1, 1, 2, 2, 2, 2, 3, -1, -2, -2, -2, -2, -3}},
		{"Sign", nil, f32(-3, 0, 2, nan), []float64{-1, 0, 1, nan}},
		{"Sinh", nil, x, []float64{-1.17520118, 0, 1.17520118}},
		{"Cosh", nil, x, []float64{1.54308069, 1, 1.54308069}},
		{"Tanh", nil, x, []float64{-0.76159418, 0, 0.76159418}},
		{"Asinh", nil, x, []float64{-0.88137358, 0, 0.88137358}},
		{"Acosh", nil, f32(10, math.E, 1), []float64{2.99322295, 1.65745449, 0}},
		{"Atanh", nil, f32(-0.5, 0, 0.5), []float64{-0.54930615, 0, 0.54930615}},
		{"Erf", nil, f32(0, 1), []float64{0, 0.84270079}}, // hand-computed
		{"Sigmoid", nil, x, []float64{0.26894143, 0.5, 0.7310586}},
		{"Softplus", nil, x, []float64{0.31326166, 0.69314718, 1.31326163}},
		{"Softsign", nil, x, []float64{-0.5, 0, 0.5}},
		{"Relu", nil, f32(-1, 0, 2), []float64{0, 0, 2}},
		{"LeakyRelu", opstest.Attrs("alpha", 0.1), x, []float64{-0.1, 0, 1}},
		{"LeakyRelu", nil, x, []float64{-0.01, 0, 1}},
		{"Elu", opstest.Attrs("alpha", 2.0), x, []float64{-1.2642411, 0, 1}},
		{"Selu", opstest.Attrs("alpha", 2.0, "gamma", 3.0), x, []float64{-3.79272318, 0, 3}},
		{"HardSigmoid", opstest.Attrs("alpha", 0.5, "beta", 0.6), x, []float64{0.1, 0.6, 1}},
		{"ThresholdedRelu", opstest.Attrs("alpha", 2.0), f32(-1.5, 0, 1.2, 2, 2.2, -inf), []float64{0, 0, 0, 0, 2.2, 0}},
		{"Shrink", opstest.Attrs("lambd", 1.5), f32(-2, -1, 0, 1, 2), []float64{-2, 0, 0, 0, 2}},
		{"Shrink", opstest.Attrs("lambd", 1.5, "bias", 1.5), f32(-2, -1, 0, 1, 2), []float64{-0.5, 0, 0, 0, 0.5}},
		// Hand-computed: x*clip(x/6+1/2, 0, 1); x*tanh(softplus(x)); max(0,x)+min(0,alpha*(exp(x/alpha)-1)).
		{"HardSwish", nil, f32(-4, -1, 0, 1, 4), []float64{0, -1.0 / 3, 0, 2.0 / 3, 4}},
		{"Mish", nil, x, []float64{-0.30340147, 0, 0.86509839}},
		{"Celu", opstest.Attrs("alpha", 2.0), x, []float64{2 * (math.Exp(-0.5) - 1), 0, 1}},
		{"Swish", opstest.Attrs("alpha", 2.0), f32(1), []float64{1 / (1 + math.Exp(-2))}},
		{"Gelu", nil, x, []float64{-0.15865526, 0, 0.84134474}},
		{"Gelu", opstest.Attrs("approximate", "tanh"), x, []float64{-0.158808, 0, 0.841192}},
	}
	for _, c := range cases {
		opstest.Check(t, tol, c.op, run(t, c.op, 22, c.attrs, c.in), ir.Float32, c.in.Shape, c.want...)
	}
}

// Float16 and float8 inputs compute in float64 and round back to their type.
func TestUnaryNarrowFloats(t *testing.T) {
	opstest.Check(t, tol, "Sqrt f16", run(t, "Sqrt", 13, nil, opstest.Tensor(ir.Float16, dims(2), 2, 4)), ir.Float16, dims(2), 1.4140625, 2)
	opstest.Check(t, tol, "Neg f8", run(t, "Neg", 13, nil, opstest.Tensor(ir.Float8E4M3FN, dims(1), 448)), ir.Float8E4M3FN, dims(1), -448)
}

func TestUnaryIntegers(t *testing.T) {
	big := uint64(1)<<63 + 5
	cases := []struct {
		op   string
		in   *ir.Tensor
		want []int64
	}{
		{"Abs", opstest.Ints(ir.Int8, dims(3), -128, -3, 4), []int64{-128, 3, 4}}, // -128 wraps
		{"Abs", opstest.Ints(ir.Uint64, dims(1), int64(big)), []int64{int64(big)}},
		{"Neg", opstest.Ints(ir.Int8, dims(2), -128, 5), []int64{-128, -5}},
		{"Sign", opstest.Ints(ir.Int32, dims(3), -7, 0, 9), []int64{-1, 0, 1}},
		{"Sign", opstest.Ints(ir.Uint64, dims(2), 0, int64(big)), []int64{0, 1}},
		{"Relu", opstest.Ints(ir.Int16, dims(2), -3, 4), []int64{0, 4}},
		{"BitwiseNot", opstest.Ints(ir.Uint8, dims(2), 0, 0xf0), []int64{0xff, 0x0f}},
		{"BitwiseNot", opstest.Ints(ir.Int32, dims(2), 0, -1), []int64{-1, 0}},
	}
	for _, c := range cases {
		opstest.CheckInts(t, c.op, run(t, c.op, 18, nil, c.in), c.in.DType, c.in.Shape, c.want...)
	}
}

func TestUnaryBoolResults(t *testing.T) {
	x := f32(-inf, -1, inf, nan)
	opstest.CheckInts(t, "IsNaN", run(t, "IsNaN", 20, nil, x), ir.Bool, dims(4), 0, 0, 0, 1)
	opstest.CheckInts(t, "IsInf", run(t, "IsInf", 20, nil, x), ir.Bool, dims(4), 1, 0, 1, 0)
	opstest.CheckInts(t, "IsInf negative", run(t, "IsInf", 20, opstest.Attrs("detect_positive", 0), x), ir.Bool, dims(4), 1, 0, 0, 0)
	opstest.CheckInts(t, "IsInf positive", run(t, "IsInf", 20, opstest.Attrs("detect_negative", 0), x), ir.Bool, dims(4), 0, 0, 1, 0)
	opstest.CheckInts(t, "Not", run(t, "Not", 1, nil, opstest.Bools(dims(2), true, false)), ir.Bool, dims(2), 0, 1)
}

func TestUnaryErrors(t *testing.T) {
	opstest.Fails(t, "does not support dtype string", "Sqrt", 13, nil, opstest.Strs(dims(1), "4"))
	opstest.Fails(t, "does not support dtype f32", "BitwiseNot", 18, nil, f32(1))
	opstest.Fails(t, "needs one input", "Abs", 13, nil)
}
