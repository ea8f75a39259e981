package elementwise

import (
	"cmp"
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// order is the outcome of comparing two elements.
type order int

// The orders; the first three are cmp.Compare's results plus one.
const (
	less order = iota
	equal
	greater
	leftNaN  // the left element is NaN
	rightNaN // the right element is NaN and the left is not
)

// compareOps are the comparisons: each row says which orders make the
// result true (a NaN makes every comparison false).
var compareOps = map[string]func(o order) bool{
	"Equal":          func(o order) bool { return o == equal },
	"Less":           func(o order) bool { return o == less },
	"LessOrEqual":    func(o order) bool { return o == less || o == equal },
	"Greater":        func(o order) bool { return o == greater },
	"GreaterOrEqual": func(o order) bool { return o == greater || o == equal },
}

// comparer returns a function comparing element i of a with element j of
// b, which must have the same dtype: numeric values (uint64 unsigned) or
// strings.
func comparer(ctx *kernel.Context, a, b *ir.Tensor) (func(i, j int) order, error) {
	dt := a.DType
	if b.DType != dt {
		return nil, ctx.Errorf("inputs have different types %v and %v", dt, b.DType)
	}
	switch {
	case dt == ir.String:
		x, okx := a.Data.([]string)
		y, oky := b.Data.([]string)
		if okx && oky {
			return orderOf(x, y), nil
		}
	case dt == ir.Uint64:
		return orderOf(uint64s(a), uint64s(b)), nil
	case isInteger(dt):
		return orderOf(a.Int64s(), b.Int64s()), nil
	case dt.IsFloat():
		return orderOf(a.Float64s(), b.Float64s()), nil
	}
	return nil, ctx.Errorf("cannot compare dtype %v", dt)
}

func orderOf[T cmp.Ordered](x, y []T) func(i, j int) order {
	return func(i, j int) order {
		switch {
		case x[i] != x[i]: // NaN
			return leftNaN
		case y[j] != y[j]:
			return rightNaN
		}
		return order(cmp.Compare(x[i], y[j]) + 1)
	}
}

// compareKernel runs a row of compareOps: a broadcasting comparison with a
// bool result.
func compareKernel(holds func(o order) bool) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		if len(in) != 2 {
			return nil, ctx.Errorf("needs two inputs, got %d", len(in))
		}
		shape, idx, err := broadcastAll(ctx, in...)
		if err != nil {
			return nil, err
		}
		c, err := comparer(ctx, in[0], in[1])
		if err != nil {
			return nil, err
		}
		out, err := ir.NewTensor(ir.Bool, shape)
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		res := out.Data.([]bool)
		for k := range res {
			res[k] = holds(c(idx[0][k], idx[1][k]))
		}
		return out, nil
	})
}

// choose returns the broadcast of a and b where each element is a's or,
// where takeRight holds for their order, b's. Elements are copied, not
// converted, so the result is exact in every dtype.
func choose(ctx *kernel.Context, a, b *ir.Tensor, takeRight func(o order) bool) (*ir.Tensor, error) {
	shape, idx, err := broadcastAll(ctx, a, b)
	if err != nil {
		return nil, err
	}
	c, err := comparer(ctx, a, b)
	if err != nil {
		return nil, err
	}
	from := make([]int, len(idx[0]))
	at := append([]int{}, idx[0]...)
	for k := range from {
		if takeRight(c(idx[0][k], idx[1][k])) {
			from[k], at[k] = 1, idx[1][k]
		}
	}
	return gather(ctx, []*ir.Tensor{a, b}, shape, from, at)
}

// Max and Min take the right element when it is larger (smaller) or NaN:
// NaN propagates, as in numpy.maximum.
func takeLarger(o order) bool  { return o == less || o == rightNaN }
func takeSmaller(o order) bool { return o == greater || o == rightNaN }

// where is Where: elements of x where the condition holds, of y elsewhere,
// all three broadcast together.
func where(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) != 3 {
		return nil, ctx.Errorf("needs three inputs, got %d", len(in))
	}
	shape, idx, err := broadcastAll(ctx, in...)
	if err != nil {
		return nil, err
	}
	if in[0].DType != ir.Bool {
		return nil, ctx.Errorf("condition has dtype %v, want bool", in[0].DType)
	}
	cond := in[0].Bools()
	from := make([]int, len(idx[0]))
	at := make([]int, len(idx[0]))
	for k := range from {
		if cond[idx[0][k]] {
			at[k] = idx[1][k]
		} else {
			from[k], at[k] = 1, idx[2][k]
		}
	}
	return gather(ctx, in[1:], shape, from, at)
}

// clip is Clip: bounds come from the min/max attributes before opset 11
// (opset 6 defaults to the float32 range) and from optional scalar inputs
// after. NaN stays NaN.
func clip(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) < 1 || in[0] == nil {
		return nil, ctx.Errorf("needs an input")
	}
	x := in[0]
	if !isNumeric(x.DType) {
		return nil, ctx.Errorf("does not support dtype %v", x.DType)
	}
	lo, hi := optionalInput(in, 1), optionalInput(in, 2)
	if v := ctx.Node.Version; v < 11 {
		def := float32(math.Inf(1))
		if v >= 6 {
			def = math.MaxFloat32
		}
		lo = ir.Scalar(x.DType, attrFloat(ctx.Node, "min", -def))
		hi = ir.Scalar(x.DType, attrFloat(ctx.Node, "max", def))
	}
	y := x.Clone()
	for _, bound := range []struct {
		t    *ir.Tensor
		take func(order) bool
	}{{lo, takeLarger}, {hi, takeSmaller}} {
		if bound.t == nil {
			continue
		}
		if bound.t.Len() != 1 {
			return nil, ctx.Errorf("bounds must be scalars, got shape %v", bound.t.Shape)
		}
		b, err := bound.t.Reshaped(nil)
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		if y, err = choose(ctx, y, b, bound.take); err != nil {
			return nil, err
		}
	}
	return y, nil
}

// optionalInput returns input i, or nil when it is omitted.
func optionalInput(in []*ir.Tensor, i int) *ir.Tensor {
	if i < len(in) {
		return in[i]
	}
	return nil
}
