package reduce

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// topK returns the k largest (or smallest) elements along axis and their
// indices, sorted, equal values in index order. k is an attribute in
// opset 1 and an input from opset 10; largest and sorted come in opset 11
// (unsorted output is allowed any order, so it is sorted too).
func topK(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x := in[0]
	k := ctx.Node.AttrInt("k", -1)
	if ctx.Node.Version >= 10 {
		if len(in) < 2 || in[1] == nil || in[1].Len() != 1 || !in[1].DType.IsInt() {
			return nil, ctx.Errorf("K must be a one-element integer tensor")
		}
		k = in[1].Int64s()[0]
	}
	axis, err := kernel.NormAxis(ctx.Node.AttrInt("axis", -1), x.Rank())
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	if k < 0 || k > x.Shape[axis] {
		return nil, ctx.Errorf("k = %d is out of range for axis %d of shape %v", k, axis, x.Shape)
	}
	sign := -1 // sorts largest first
	if ctx.Node.AttrInt("largest", 1) == 0 {
		sign = 1
	}
	order := orderOf(x)
	v := viewAround(x.Shape, axis)
	shape := append([]int64{}, x.Shape...)
	shape[axis] = k
	n, err := ir.NumElements(shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	src := make([]int, n)       // flat input index of each output element
	indices := make([]int64, n) // its index along axis
	line := make([]int, v.n)
	out := viewAround(shape, axis)
	for o := 0; o < v.outer; o++ {
		for i := 0; i < v.inner; i++ {
			for j := range line {
				line[j] = j
			}
			slices.SortStableFunc(line, func(a, b int) int {
				return sign * order(v.at(o, a, i), v.at(o, b, i))
			})
			for j, idx := range line[:k] {
				src[out.at(o, j, i)] = v.at(o, idx, i)
				indices[out.at(o, j, i)] = int64(idx)
			}
		}
	}
	values, err := kernel.Take(x, shape, src)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	idx, err := ir.FromInt64s(ir.Int64, shape, indices)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return []*ir.Tensor{values, idx}, nil
}
