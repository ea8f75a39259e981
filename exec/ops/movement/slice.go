package movement

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// sliceOp is Slice: starts, ends, axes and steps come from attributes
// before opset 10 and from inputs from 10. Starts and ends clamp to the
// dim the way numpy does (so INT_MAX and INT_MIN mean "to the end"), and
// negative steps walk backwards.
func sliceOp(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	var starts, ends, axes, steps []int64
	if ctx.Node.Version < 10 {
		starts, _ = ctx.Node.AttrInts("starts")
		ends, _ = ctx.Node.AttrInts("ends")
		axes, _ = ctx.Node.AttrInts("axes")
	} else {
		var err error
		if starts, err = ints(ctx, input(inputs, 1), "starts"); err != nil {
			return nil, err
		}
		if ends, err = ints(ctx, input(inputs, 2), "ends"); err != nil {
			return nil, err
		}
		if t := input(inputs, 3); t != nil {
			if axes, err = ints(ctx, t, "axes"); err != nil {
				return nil, err
			}
		}
		if t := input(inputs, 4); t != nil {
			if steps, err = ints(ctx, t, "steps"); err != nil {
				return nil, err
			}
		}
	}
	if axes == nil {
		axes = make([]int64, len(starts))
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	if steps == nil {
		steps = make([]int64, len(starts))
		for i := range steps {
			steps[i] = 1
		}
	}
	if len(ends) != len(starts) || len(axes) != len(starts) || len(steps) != len(starts) {
		return nil, ctx.Errorf("starts, ends, axes and steps have lengths %d, %d, %d, %d",
			len(starts), len(ends), len(axes), len(steps))
	}
	norm, err := normAxes(ctx, axes, len(x.Shape))
	if err != nil {
		return nil, err
	}
	st := kernel.Strides(x.Shape)
	shape := slices.Clone(x.Shape)
	outSt := slices.Clone(st)
	offset := int64(0)
	for i, a := range norm {
		if steps[i] == 0 {
			return nil, ctx.Errorf("step 0 on axis %d", a)
		}
		start, n := sliceRange(x.Shape[a], starts[i], ends[i], steps[i])
		shape[a] = n
		if n > 0 {
			offset += start * st[a]
		}
		if n > 1 { // a step larger than the dim would overflow the stride
			outSt[a] = st[a] * steps[i]
		}
	}
	return build(ctx, shape, strided(offset, outSt), x)
}

// sliceRange resolves a numpy-style slice start:end:step of a dim into
// the first index and the element count.
func sliceRange(dim, start, end, step int64) (first, n int64) {
	resolve := func(v, lo, hi int64) int64 {
		if v < 0 {
			v += dim
		}
		return min(max(v, lo), hi)
	}
	var span, stride int64
	if step > 0 {
		start, end = resolve(start, 0, dim), resolve(end, 0, dim)
		span, stride = end-start, step
	} else {
		start, end = resolve(start, -1, dim-1), resolve(end, -1, dim-1)
		span, stride = start-end, -max(step, -dim) // no overflow at INT_MIN
	}
	if span <= 0 {
		return 0, 0
	}
	return start, (span-1)/stride + 1
}
