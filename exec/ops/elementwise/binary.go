package elementwise

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// arith is the scalar form of a two-input broadcasting op whose result has
// its inputs' dtype.
type arith struct {
	// f combines floating-point elements in float64; nil: floats unsupported.
	f func(a, b float64) float64
	// i combines integer and bool elements exactly (results wrap to the
	// dtype); nil: integers unsupported.
	i func(a, b int64) int64
	// u combines uint64 elements where unsigned meaning differs from i's.
	u func(a, b uint64) uint64
	// divides: i and u divide by b, so a zero b is an error.
	divides bool
}

// arithOps are the broadcasting binary ops with a same-typed result; each
// row makes the scalar functions from the node's attributes.
var arithOps = map[string]func(n *ir.Node) arith{
	"Add":        fixedArith(addArith),
	"Sub":        fixedArith(arith{f: func(a, b float64) float64 { return a - b }, i: func(a, b int64) int64 { return a - b }}),
	"Mul":        fixedArith(arith{f: func(a, b float64) float64 { return a * b }, i: func(a, b int64) int64 { return a * b }}),
	"Div":        fixedArith(divArith),
	"Mod":        mod,
	"BitShift":   bitShift,
	"And":        fixedArith(arith{i: func(a, b int64) int64 { return a & b }}),
	"Or":         fixedArith(arith{i: func(a, b int64) int64 { return a | b }}),
	"Xor":        fixedArith(arith{i: func(a, b int64) int64 { return a ^ b }}),
	"BitwiseAnd": fixedArith(arith{i: func(a, b int64) int64 { return a & b }}),
	"BitwiseOr":  fixedArith(arith{i: func(a, b int64) int64 { return a | b }}),
	"BitwiseXor": fixedArith(arith{i: func(a, b int64) int64 { return a ^ b }}),
}

// preluArith is PRelu's scalar form: slope*x for negative x.
var preluArith = arith{f: func(x, slope float64) float64 { return ifNeg(x, slope*x) },
	i: func(x, slope int64) int64 { return min(x, 0)*slope + max(x, 0) }}

var (
	addArith = arith{f: func(a, b float64) float64 { return a + b }, i: func(a, b int64) int64 { return a + b }}
	// divArith truncates integer quotients toward zero.
	divArith = arith{f: func(a, b float64) float64 { return a / b }, i: func(a, b int64) int64 { return a / b },
		u: func(a, b uint64) uint64 { return a / b }, divides: true}
)

func fixedArith(op arith) func(*ir.Node) arith { return func(*ir.Node) arith { return op } }

// mod is Mod: with fmod=1 the remainder has the dividend's sign (C fmod);
// with fmod=0 it has the divisor's (Python %).
func mod(n *ir.Node) arith {
	if n.AttrInt("fmod", 0) != 0 {
		return arith{f: math.Mod, i: func(a, b int64) int64 { return a % b },
			u: func(a, b uint64) uint64 { return a % b }, divides: true}
	}
	return arith{
		f: func(a, b float64) float64 {
			r := math.Mod(a, b)
			if r != 0 && (r < 0) != (b < 0) {
				r += b
			}
			return r
		},
		i: func(a, b int64) int64 {
			r := a % b
			if r != 0 && (r < 0) != (b < 0) {
				r += b
			}
			return r
		},
		u: func(a, b uint64) uint64 { return a % b }, divides: true,
	}
}

// bitShift is BitShift on unsigned integers; shifting by the width or more
// gives 0.
func bitShift(n *ir.Node) arith {
	if n.AttrString("direction", "") == "RIGHT" {
		return arith{i: func(a, b int64) int64 { return int64(uint64(a) >> uint64(b)) }}
	}
	return arith{i: func(a, b int64) int64 { return int64(uint64(a) << uint64(b)) }}
}

// arithKernel runs a row of arithOps.
func arithKernel(row func(n *ir.Node) arith) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		if len(in) != 2 {
			return nil, ctx.Errorf("needs two inputs, got %d", len(in))
		}
		return row(ctx.Node).apply(ctx, in[0], in[1])
	})
}

func (op arith) apply(ctx *kernel.Context, a, b *ir.Tensor) (*ir.Tensor, error) {
	shape, idx, err := broadcastAll(ctx, a, b)
	if err != nil {
		return nil, err
	}
	dt := a.DType
	if b.DType != dt {
		return nil, ctx.Errorf("inputs have different types %v and %v", dt, b.DType)
	}
	var t *ir.Tensor
	switch {
	case dt == ir.Uint64 && op.u != nil:
		x, y := uint64s(a), uint64s(b)
		if op.divides && slices.Contains(y, 0) {
			return nil, ctx.Errorf("integer division by zero")
		}
		r := zipWith(x, y, idx, op.u)
		t, err = ir.FromInt64s(dt, shape, mapSlice(r, func(v uint64) int64 { return int64(v) }))
	case isInteger(dt) && op.i != nil:
		x, y := a.Int64s(), b.Int64s()
		if op.divides && slices.Contains(y, 0) {
			return nil, ctx.Errorf("integer division by zero")
		}
		t, err = ir.FromInt64s(dt, shape, zipWith(x, y, idx, op.i))
	case dt.IsFloat() && op.f != nil:
		t, err = ir.FromFloat64s(dt, shape, zipWith(a.Float64s(), b.Float64s(), idx, op.f))
	default:
		return nil, ctx.Errorf("does not support dtype %v", dt)
	}
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// zipWith applies f to the broadcast pairs of x and y (idx from broadcastAll).
func zipWith[T, R any](x, y []T, idx [][]int, f func(a, b T) R) []R {
	out := make([]R, len(idx[0]))
	for k := range out {
		out[k] = f(x[idx[0][k]], y[idx[1][k]])
	}
	return out
}

// pow is Pow: the result has the base's dtype; the exponent may be of
// another numeric type (opset 12 on). Integer powers of integers are exact
// with wrap-around; other combinations compute in float64.
func pow(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) != 2 || in[0] == nil || in[1] == nil {
		return nil, ctx.Errorf("needs two inputs")
	}
	a, b := in[0], in[1]
	if !isNumeric(a.DType) || !isNumeric(b.DType) {
		return nil, ctx.Errorf("does not support dtypes %v and %v", a.DType, b.DType)
	}
	shape, idx, err := broadcastAll(ctx, a, b)
	if err != nil {
		return nil, err
	}
	var t *ir.Tensor
	if isInteger(a.DType) && isInteger(b.DType) {
		t, err = ir.FromInt64s(a.DType, shape, zipWith(a.Int64s(), b.Int64s(), idx, intPow))
	} else {
		t, err = ir.FromFloat64s(a.DType, shape, zipWith(a.Float64s(), b.Float64s(), idx, math.Pow))
	}
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// intPow is b**e with wrap-around; a negative e gives the truncated
// reciprocal (0 unless |b| is 1).
func intPow(b, e int64) int64 {
	if e < 0 {
		switch {
		case b == 1 || b == -1 && e%2 == 0:
			return 1
		case b == -1:
			return -1
		}
		return 0
	}
	r := int64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r *= b
		}
		b *= b
	}
	return r
}

// prelu is PRelu. Before opset 7 a one-dim slope of the channel count
// applies per channel (dim 1); later versions broadcast numpy-style.
func prelu(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) != 2 || in[0] == nil || in[1] == nil {
		return nil, ctx.Errorf("needs two inputs")
	}
	x, slope := in[0], in[1]
	if ctx.Node.Version < 7 && slope.Rank() == 1 && x.Rank() > 2 && slope.Shape[0] == x.Shape[1] {
		s, err := alignAt(ctx, x.Shape, slope.Shape, 1)
		if err != nil {
			return nil, err
		}
		if slope, err = slope.Reshaped(s); err != nil {
			return nil, ctx.Errorf("%v", err)
		}
	}
	return preluArith.apply(ctx, x, slope)
}
