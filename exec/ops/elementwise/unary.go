package elementwise

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// unary is the scalar form of a one-input elementwise op.
type unary struct {
	// f maps floating-point elements (and integer ones when i is nil),
	// computed in float64 and rounded back to the dtype.
	f func(x float64) float64
	// i maps integer and bool elements exactly; results wrap to the dtype.
	i func(x int64) int64
	// u maps uint64 elements where unsigned meaning differs from i's.
	u func(x uint64) uint64
	// out is the result dtype; Undefined means the input's.
	out ir.DType
}

// unaryOps are the one-input elementwise ops; each row makes the scalar
// function from the node's attributes.
var unaryOps = map[string]func(n *ir.Node) unary{
	"Abs":        fixed(unary{f: math.Abs, i: absInt, u: func(x uint64) uint64 { return x }}),
	"Neg":        fixed(unary{f: func(x float64) float64 { return -x }, i: func(x int64) int64 { return -x }}),
	"Sign":       fixed(unary{f: sign, i: func(x int64) int64 { return int64(sign(float64(x))) }, u: signUint}),
	"Reciprocal": floatFn(func(x float64) float64 { return 1 / x }),
	"Sqrt":       floatFn(math.Sqrt),
	"Exp":        floatFn(math.Exp),
	"Log":        floatFn(math.Log),
	"Floor":      floatFn(math.Floor),
	"Ceil":       floatFn(math.Ceil),
	"Round":      floatFn(math.RoundToEven),
	"Erf":        floatFn(math.Erf),
	"Sin":        floatFn(math.Sin),
	"Cos":        floatFn(math.Cos),
	"Tan":        floatFn(math.Tan),
	"Asin":       floatFn(math.Asin),
	"Acos":       floatFn(math.Acos),
	"Atan":       floatFn(math.Atan),
	"Sinh":       floatFn(math.Sinh),
	"Cosh":       floatFn(math.Cosh),
	"Asinh":      floatFn(math.Asinh),
	"Acosh":      floatFn(math.Acosh),
	"Atanh":      floatFn(math.Atanh),
	"Tanh":       floatFn(math.Tanh),
	"IsNaN":      fixed(unary{f: func(x float64) float64 { return truth[float64](math.IsNaN(x)) }, out: ir.Bool}),
	"IsInf":      isInf,
	"Not":        fixed(unary{i: func(x int64) int64 { return truth[int64](x == 0) }}),
	"BitwiseNot": fixed(unary{i: func(x int64) int64 { return ^x }}),

	"Relu":      fixed(unary{f: func(x float64) float64 { return max(x, 0) }, i: func(x int64) int64 { return max(x, 0) }}),
	"Sigmoid":   floatFn(sigmoid),
	"Softplus":  floatFn(softplus),
	"Softsign":  floatFn(func(x float64) float64 { return x / (1 + math.Abs(x)) }),
	"HardSwish": floatFn(func(x float64) float64 { return x * hardSigmoid(x, 1.0/6, 0.5) }),
	"Mish":      floatFn(func(x float64) float64 { return x * math.Tanh(softplus(x)) }),
	"LeakyRelu": func(n *ir.Node) unary {
		alpha := attrFloat(n, "alpha", 0.01)
		return unary{f: func(x float64) float64 { return ifNeg(x, alpha*x) }}
	},
	"Elu": func(n *ir.Node) unary {
		alpha := attrFloat(n, "alpha", 1)
		return unary{f: func(x float64) float64 { return ifNeg(x, alpha*math.Expm1(x)) }}
	},
	"Selu": func(n *ir.Node) unary {
		alpha := attrFloat(n, "alpha", 1.67326319217681884765625)
		gamma := attrFloat(n, "gamma", 1.05070102214813232421875)
		return unary{f: func(x float64) float64 { return gamma * ifNotPos(x, alpha*math.Expm1(x)) }}
	},
	"Celu": func(n *ir.Node) unary {
		alpha := attrFloat(n, "alpha", 1)
		return unary{f: func(x float64) float64 { return max(0, x) + min(0, alpha*math.Expm1(x/alpha)) }}
	},
	"HardSigmoid": func(n *ir.Node) unary {
		alpha, beta := attrFloat(n, "alpha", 0.2), attrFloat(n, "beta", 0.5)
		return unary{f: func(x float64) float64 { return hardSigmoid(x, alpha, beta) }}
	},
	"ThresholdedRelu": func(n *ir.Node) unary {
		alpha := attrFloat(n, "alpha", 1)
		return unary{f: func(x float64) float64 {
			if x > alpha {
				return x
			}
			return 0
		}}
	},
	"Shrink": func(n *ir.Node) unary {
		bias, lambd := attrFloat(n, "bias", 0), attrFloat(n, "lambd", 0.5)
		return unary{f: func(x float64) float64 {
			switch {
			case x < -lambd:
				return x + bias
			case x > lambd:
				return x - bias
			}
			return 0
		}}
	},
	"Swish": func(n *ir.Node) unary {
		alpha := attrFloat(n, "alpha", 1)
		return unary{f: func(x float64) float64 { return x * sigmoid(alpha*x) }}
	},
	"Gelu": func(n *ir.Node) unary {
		if n.AttrString("approximate", "none") == "tanh" {
			return unary{f: func(x float64) float64 {
				return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
			}}
		}
		return unary{f: func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }}
	},
}

// unaryKernel runs a row of unaryOps.
func unaryKernel(row func(n *ir.Node) unary) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		if len(in) < 1 || in[0] == nil {
			return nil, ctx.Errorf("needs one input")
		}
		return row(ctx.Node).apply(ctx, in[0])
	})
}

func (op unary) apply(ctx *kernel.Context, x *ir.Tensor) (*ir.Tensor, error) {
	dt := op.out
	if dt == ir.Undefined {
		dt = x.DType
	}
	var (
		t   *ir.Tensor
		err error
	)
	switch {
	case x.DType == ir.Uint64 && op.u != nil:
		t, err = ir.FromInt64s(dt, x.Shape, mapSlice(uint64s(x), func(v uint64) int64 { return int64(op.u(v)) }))
	case isInteger(x.DType) && op.i != nil:
		t, err = ir.FromInt64s(dt, x.Shape, mapSlice(x.Int64s(), op.i))
	case isNumeric(x.DType) && op.f != nil:
		t, err = ir.FromFloat64s(dt, x.Shape, mapSlice(x.Float64s(), op.f))
	default:
		return nil, ctx.Errorf("does not support dtype %v", x.DType)
	}
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// fixed is a row whose scalar function has no attributes.
func fixed(op unary) func(*ir.Node) unary { return func(*ir.Node) unary { return op } }

// floatFn is a row of a floating-point function without attributes.
func floatFn(f func(float64) float64) func(*ir.Node) unary { return fixed(unary{f: f}) }

func isInf(n *ir.Node) unary {
	neg, pos := n.AttrInt("detect_negative", 1) != 0, n.AttrInt("detect_positive", 1) != 0
	return unary{f: func(x float64) float64 {
		return truth[float64](neg && math.IsInf(x, -1) || pos && math.IsInf(x, 1))
	}, out: ir.Bool}
}

// attrFloat reads a float attribute as float64.
func attrFloat(n *ir.Node, name string, def float32) float64 {
	return float64(n.AttrFloat(name, def))
}

func mapSlice[T, R any](xs []T, f func(T) R) []R {
	out := make([]R, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// truth is 1 for true and 0 for false.
func truth[T int64 | float64](b bool) T {
	if b {
		return 1
	}
	return 0
}

func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// sign is -1, 0 or 1 (NaN stays NaN, -0 stays -0).
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x
}

func signUint(x uint64) uint64 { return uint64(truth[int64](x != 0)) }

// ifNeg returns neg for x < 0 and x otherwise.
func ifNeg(x, neg float64) float64 {
	if x < 0 {
		return neg
	}
	return x
}

// ifNotPos returns neg for x <= 0 and x otherwise.
func ifNotPos(x, neg float64) float64 {
	if x <= 0 {
		return neg
	}
	return x
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// softplus is log(1+exp(x)) without overflow for large x.
func softplus(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

func hardSigmoid(x, alpha, beta float64) float64 { return max(0, min(1, alpha*x+beta)) }
