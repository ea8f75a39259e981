package reduce

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// cumulate replaces every line of vals along view's axis by its running
// fold (op from init): exclusive leaves each element out of its own
// result, reverse runs from the end of the line.
func cumulate[T any](vals []T, v axisView, exclusive, reverse bool, init T, op func(a, x T) T) {
	v.lines(func(base int) {
		acc := init
		for j := 0; j < v.n; j++ {
			k := j
			if reverse {
				k = v.n - 1 - j
			}
			p := base + k*v.inner
			x := vals[p]
			if exclusive {
				vals[p] = acc
				acc = op(acc, x)
				continue
			}
			acc = op(acc, x)
			vals[p] = acc
		}
	})
}

// cumulative is the kernel of CumSum or CumProd: init is the identity of
// the fold, fop and iop its float64 and (exact, wrapping) int64 forms.
func cumulative(init int64, fop func(a, x float64) float64, iop func(a, x int64) int64) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		x := in[0]
		if x.Rank() == 0 {
			return nil, ctx.Errorf("input must have rank at least 1")
		}
		axis, err := readAxis(ctx, in[1], x.Rank())
		if err != nil {
			return nil, err
		}
		v := viewAround(x.Shape, axis)
		exclusive := ctx.Node.AttrInt("exclusive", 0) != 0
		reverse := ctx.Node.AttrInt("reverse", 0) != 0
		if x.DType.IsInt() {
			vals := x.Int64s()
			cumulate(vals, v, exclusive, reverse, init, iop)
			return ir.FromInt64s(x.DType, x.Shape, vals)
		}
		vals := x.Float64s()
		cumulate(vals, v, exclusive, reverse, float64(init), fop)
		return ir.FromFloat64s(x.DType, x.Shape, vals)
	})
}
