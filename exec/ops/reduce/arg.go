package reduce

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// argKernel is ArgMax (sign 1) or ArgMin (sign -1): the int64 index of the
// best element along axis, the first of equal ones unless select_last_index.
func argKernel(sign int) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		x := in[0]
		axis, err := kernel.NormAxis(ctx.Node.AttrInt("axis", 0), x.Rank())
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		if x.Shape[axis] == 0 {
			return nil, ctx.Errorf("axis %d of shape %v is empty", axis, x.Shape)
		}
		last := ctx.Node.AttrInt("select_last_index", 0) != 0
		order := orderOf(x)
		v := viewAround(x.Shape, axis)
		out := make([]int64, 0, v.outer*v.inner)
		v.lines(func(base int) {
			best := 0
			for k := 1; k < v.n; k++ {
				c := sign * order(base+k*v.inner, base+best*v.inner)
				if c > 0 || (c == 0 && last) {
					best = k
				}
			}
			out = append(out, int64(best))
		})
		shape := append([]int64{}, x.Shape...)
		shape[axis] = 1
		if ctx.Node.AttrInt("keepdims", 1) == 0 {
			shape = append(shape[:axis], shape[axis+1:]...)
		}
		return ir.FromInt64s(ir.Int64, shape, out)
	})
}
